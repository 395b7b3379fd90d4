// At synth, the credentials of a database are checked against the Secret they name when the app defines it: a missing
// key stops the container at start ("couldn't find key password in Secret ...", CreateContainerConfigError).
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { invalidProp } from './errors';
import { DatabaseCredentials } from '../workloads/database-credentials';

/**
 * One error per key of `credentials` (`passwordKey`, `usernameKey`) that the Secret lacks, when the Secret is an object
 * of this app with data: the kplus Secret given, or a Secret of the app with the name given in `namespace`. A Secret
 * the app does not define, or defines without any data (filled in by something else), is not checked.
 */
export function missingSecretKeyErrors(
  scope: IConstruct, kind: string, prop: string, credentials: DatabaseCredentials, namespace: string | undefined,
): string[] {
  const secret = secretObjectOf(scope, credentials, namespace);
  if (!secret) return [];
  const json = secret.toJson();
  const keys = [...new Set([...Object.keys(json.data ?? {}), ...Object.keys(json.stringData ?? {})])].sort();
  if (keys.length === 0) return [];
  const errors: string[] = [];
  for (const [keyProp, key] of [['passwordKey', credentials.passwordKey], ['usernameKey', credentials.usernameKey]] as const) {
    if (key === undefined || keys.includes(key)) continue;
    errors.push(invalidProp(scope.node.path, kind, `${prop}.${keyProp}`, key,
      `Secret ${secret.name} (${secret.node.path}) has no key "${key}", only ${keys.map((each) => `"${each}"`).join(', ')}, `
      + 'so the container would never start (CreateContainerConfigError); accepted: one of its keys, or add the key to the Secret').message);
  }
  return errors;
}

function secretObjectOf(scope: IConstruct, credentials: DatabaseCredentials, namespace: string | undefined): ApiObject | undefined {
  if (credentials.secret instanceof kplus.Secret) return ApiObject.of(credentials.secret);
  return scope.node.root.node.findAll().filter(ApiObject.isApiObject).find((object) => object.kind === 'Secret'
    && object.name === credentials.secretName && object.metadata.namespace === namespace);
}
