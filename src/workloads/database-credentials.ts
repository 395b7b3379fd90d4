import * as kplus from 'cdk8s-plus-27';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import { PropChecker } from '../internal/prop-checker';

/**
 * Options of `DatabaseCredentials.fromSecret()` and `DatabaseCredentials.fromSecretName()`.
 */
export interface DatabaseCredentialsOptions {
  /**
   * The key of the Secret that holds the password.
   *
   * @default "password"
   */
  readonly passwordKey?: string;

  /**
   * The database user. Not a secret, so it may be given here; or read it from the Secret with `usernameKey`.
   *
   * @default - the engine's superuser (`postgres` for PostgreSQL, `root` for MySQL and MariaDB)
   */
  readonly username?: string;

  /**
   * The key of the Secret that holds the user name, instead of `username`.
   *
   * @default - `username`, or the engine's superuser
   */
  readonly usernameKey?: string;
}

/**
 * The credentials of a database, always read from a Kubernetes Secret: there is no way to give a password as text,
 * so it never appears in the manifests, the Git repository or `kubectl get deployment -o yaml`.
 */
export class DatabaseCredentials {
  /**
   * The password (and optionally the user name) in a Secret of the database's namespace, e.g.
   * `kplus.Secret.fromSecretName(this, 'Password', 'postgres-secret')` made by a secret manager or `kubectl create secret`.
   */
  public static fromSecret(secret: kplus.ISecret, options: DatabaseCredentialsOptions = {}): DatabaseCredentials {
    return new DatabaseCredentials(secret?.name, secret, options ?? {});
  }

  /**
   * The password (and optionally the user name) in the Secret named `secretName` of the database's namespace, e.g.
   * `DatabaseCredentials.fromSecretName('postgres-secret', { passwordKey: 'password' })`. Needs no cdk8s-plus object.
   */
  public static fromSecretName(secretName: string, options: DatabaseCredentialsOptions = {}): DatabaseCredentials {
    return new DatabaseCredentials(secretName, undefined, options ?? {});
  }

  /** The name of the Secret that holds the password. */
  public readonly secretName: string;

  /**
   * The Secret that holds the password, when it was given as an object.
   *
   * @default - undefined when it was given by name (`fromSecretName`)
   */
  public readonly secret?: kplus.ISecret;

  /** The key of the password in the Secret. */
  public readonly passwordKey: string;

  /** The user name, when given as text; undefined when it is read from the Secret or is the engine's default. */
  public readonly username?: string;

  /** The key of the user name in the Secret, if it is read from there. */
  public readonly usernameKey?: string;

  private constructor(secretName: string, secret: kplus.ISecret | undefined, options: DatabaseCredentialsOptions) {
    this.secretName = secretName;
    this.secret = secret;
    this.passwordKey = options.passwordKey ?? 'password';
    this.username = options.username;
    this.usernameKey = options.usernameKey;
  }

  /** The password as an environment variable value: a `secretKeyRef`. */
  public passwordValue(): kplus.EnvValue {
    return kplus.EnvValue.fromSecretValue({ secret: this.secretReference(), key: this.passwordKey });
  }

  /**
   * The user name as an environment variable value: a `secretKeyRef` when it is in the Secret, else the text.
   *
   * @param defaultUsername the engine's superuser, used when no user name was given
   */
  public usernameValue(defaultUsername: string): kplus.EnvValue {
    return this.usernameKey !== undefined
      ? kplus.EnvValue.fromSecretValue({ secret: this.secretReference(), key: this.usernameKey })
      : kplus.EnvValue.fromValue(this.username ?? defaultUsername);
  }

  /** @internal */
  public _validate(check: PropChecker): void {
    if (this.secretName === undefined) {
      throw check.fail('secret', undefined, 'accepted: a kplus.ISecret, e.g. '
        + 'kplus.Secret.fromSecretName(scope, id, "postgres-secret"), or the name alone: DatabaseCredentials.fromSecretName("postgres-secret")');
    }
    if (typeof this.secretName !== 'string' || !isDns1123Subdomain(this.secretName)) {
      throw check.fail('secretName', this.secretName,
        `accepted: the name of a Secret (${DNS1123_SUBDOMAIN_RULE}), e.g. DatabaseCredentials.fromSecretName("postgres-secret")`);
    }
    for (const [key, value] of [['passwordKey', this.passwordKey], ['usernameKey', this.usernameKey]] as const) {
      if (value !== undefined && (typeof value !== 'string' || !SECRET_KEY.test(value))) {
        throw check.fail(key, value, 'accepted: a Secret key of at most 253 letters, digits, "-", "_" and "."');
      }
    }
    if (this.username !== undefined && this.usernameKey !== undefined) {
      throw check.fail('username', this.username,
        `usernameKey "${this.usernameKey}" is given too; accepted: one of username or usernameKey`);
    }
    if (this.username !== undefined && (typeof this.username !== 'string' || !USERNAME.test(this.username))) {
      throw check.fail('username', this.username,
        'accepted: at most 63 letters, digits and "_", starting with a letter or "_"');
    }
  }

  private secretReference(): kplus.ISecret {
    const byName: SecretByName = { name: this.secretName };
    return byName as kplus.ISecret;
  }
}

/** Env values read only the Secret's name, so the name alone stands for the Secret (given by name or by object). */
interface SecretByName { readonly name: string }

/** A Secret data key (`[-._a-zA-Z0-9]+`, at most 253 characters). */
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
/** A user name that needs no quoting in SQL nor in a shell. */
const USERNAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
