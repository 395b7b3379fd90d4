import { allContainers } from './manifest-index';
import { asArray, asObject, asString, describeRef, finding } from './support';
import type { Finding, Rule } from './types';

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY/i;
/** Names that point at a secret rather than hold one: POSTGRES_PASSWORD_FILE, TOKEN_PATH, SECRET_NAME, ... */
const REFERENCE_NAME = /_(FILE|PATH|DIR|NAME)$/i;
/** A value made only of `$(VAR)` references, which Kubernetes expands from other variables. */
const ONLY_REFERENCES = /^(\$\([A-Za-z_][A-Za-z0-9_]*\))+$/;
/** A switch such as Bitnami's `ALLOW_EMPTY_PASSWORD=yes`: it configures a secret, it is not one. */
const SWITCH = /^(true|false|yes|no|on|off)$/i;

/** A password given as plain text, such as `POSTGRES_PASSWORD: mysecretpassword`. */
export const literalSecretEnv: Rule = {
  id: 'literal-secret-env',
  severity: 'error',
  summary: 'A container sets a secret-looking environment variable (*PASSWORD*, *SECRET*, *TOKEN*, *API_KEY*, ...) from a literal value.',
  remediation: 'Put the value in a Secret and use env[].valueFrom.secretKeyRef (or the image\'s *_FILE variable with a mounted Secret).',
  check(index) {
    const findings: Finding[] = [];
    for (const template of index.podTemplates) {
      for (const container of allContainers(template.spec)) {
        for (const raw of asArray(container.env)) {
          const env = asObject(raw);
          const name = asString(env.name);
          const value = asString(env.value);
          if (!name || !value || !SECRET_NAME.test(name) || REFERENCE_NAME.test(name) || ONLY_REFERENCES.test(value) || SWITCH.test(value)) continue;
          findings.push(finding(literalSecretEnv,
            `${describeRef(template.workload.ref)} container "${asString(container.name) ?? '<no name>'}" sets ${name} to a literal value: `
            + `the secret is in plain text for anyone who can read the ${template.workload.kind} (the Git repository, kubectl get, the synthesized YAML)`,
            [template.workload.ref]));
        }
      }
    }
    return findings;
  },
};
