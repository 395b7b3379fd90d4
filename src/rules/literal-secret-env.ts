import type { Rule } from './rule';
import { asArray, asObject, asString, describeRef, finding } from './support';
import type { Finding } from './types';

/**
 * Names that hold a credential: *PASSWORD*, *PASSWD*, *_PWD (MYSQL_PWD, but not PWD, the working directory), *_PASS
 * (DB_PASS, SMTP_PASS), *SECRET*, *TOKEN*, *API_KEY*, *PRIVATE_KEY*.
 */
const SECRET_NAME = /PASSWORD|PASSWD|.+_PWD$|(^|_)PASS$|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY/i;
/** Names that point at a secret rather than hold one: POSTGRES_PASSWORD_FILE, TOKEN_PATH, SECRET_NAME, ... */
const REFERENCE_NAME = /_(FILE|PATH|DIR|NAME)$/i;
/** A value made only of `$(VAR)` references, which Kubernetes expands from other variables. */
const ONLY_REFERENCES = /^(\$\([A-Za-z_][A-Za-z0-9_]*\))+$/;
/** Names of settings about a credential rather than the credential: TOKEN_TTL, SESSION_SECRET_LENGTH, ... */
const SETTING_NAME = /_(TTL|TIMEOUT|SECONDS|EXPIRY|EXPIRES|EXPIRATION|LENGTH|SIZE|LIMIT|COUNT|ENABLED)$/i;
/**
 * A switch or a small number configures a secret rather than being one: Bitnami's `ALLOW_EMPTY_PASSWORD=yes`, the
 * MySQL image's `MYSQL_ALLOW_EMPTY_PASSWORD=1` and `MYSQL_RANDOM_ROOT_PASSWORD=yes`. Six digits and more (`123456`)
 * are taken for the weak password they usually are.
 */
const SWITCH_OR_NUMBER = /^(true|false|yes|no|on|off|\d{1,5})$/i;
/** A URL whose userinfo carries a password: `scheme://user:password@host`, `redis://:password@host`. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*:([^/?#@\s]+)@/i;

/** A password given as plain text, such as `POSTGRES_PASSWORD: mysecretpassword` or `DATABASE_URL: postgres://app:s3cret@db/app`. */
export const literalSecretEnv: Rule = {
  id: 'literal-secret-env',
  severity: 'error',
  summary: 'A container sets a credential from a literal value: a secret-looking variable (*PASSWORD*, *_PWD, *_PASS, *SECRET*, *TOKEN*, *API_KEY*, ...) or a URL with a password in it (postgres://user:password@host).',
  remediation: 'Put the value in a Secret and use env[].valueFrom.secretKeyRef (or the image\'s *_FILE variable with a mounted Secret); build a connection URL from $(VAR) references to such variables.',
  check(index) {
    const findings: Finding[] = [];
    for (const template of index.podTemplates) {
      for (const container of template.containers) {
        for (const raw of asArray(container.env)) {
          const env = asObject(raw);
          const name = asString(env.name);
          const value = asString(env.value);
          if (!name || !value) continue;
          const what = literalCredential(name, value);
          if (!what) continue;
          findings.push(finding(literalSecretEnv,
            `${describeRef(template.workload.ref)} container "${asString(container.name) ?? '<no name>'}" sets ${name} to ${what}: `
            + `the secret is in plain text for anyone who can read the ${template.workload.kind} (the Git repository, kubectl get, the synthesized YAML)`,
            [template.workload.ref]));
        }
      }
    }
    return findings;
  },
};

/** How the value gives a credential away, or undefined when it does not. The value itself is never repeated. */
function literalCredential(name: string, value: string): string | undefined {
  const password = URL_WITH_PASSWORD.exec(value)?.[1];
  if (password !== undefined && !ONLY_REFERENCES.test(password)) return 'a URL with a literal password in it';
  if (!SECRET_NAME.test(name) || REFERENCE_NAME.test(name) || SETTING_NAME.test(name)) return undefined;
  if (ONLY_REFERENCES.test(value) || SWITCH_OR_NUMBER.test(value.trim())) return undefined;
  // A URL without a password (a token endpoint, a secret store's address) names where a secret is, not the secret.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && password === undefined) return undefined;
  return 'a literal value';
}
