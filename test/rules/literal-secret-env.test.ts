import { SEED_DEPLOYMENT, SEED_STATEFULSET } from './seed';
import { cronJob, deployment, findings, names } from './support';

const RULE = 'literal-secret-env';

const withEnv = (env: object[], field: 'containers' | 'initContainers' = 'containers') =>
  deployment('app', { spec: { [field]: [{ name: 'app', image: 'app:1.0', env }] } });

describe(RULE, () => {
  test('the seed\'s POSTGRES_PASSWORD given as value, without echoing the value', () => {
    const found = findings(RULE, SEED_DEPLOYMENT);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(names(found[0])).toEqual(['Deployment default/postgres']);
    expect(found[0].message).toMatch(/container "postgres" sets POSTGRES_PASSWORD to a literal value/);
    expect(found[0].message).not.toContain('securepassword');
  });

  test.each(['DB_PASSWD', 'client_secret', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'APIKEY', 'SSH_PRIVATE_KEY'])('%s', (name) => {
    expect(findings(RULE, withEnv([{ name, value: 'x' }]))).toHaveLength(1);
  });

  test('init containers and CronJobs too', () => {
    expect(findings(RULE, withEnv([{ name: 'TOKEN', value: 'x' }], 'initContainers'))).toHaveLength(1);
    expect(findings(RULE, cronJob('c', { spec: { containers: [{ name: 'c', image: 'c:1', env: [{ name: 'PGPASSWORD', value: 'x' }] }] } }))).toHaveLength(1);
  });

  test('near miss: secretKeyRef (the seed\'s StatefulSet), an empty value, *_FILE paths, $(VAR) references, other names', () => {
    expect(findings(RULE, SEED_STATEFULSET)).toEqual([]);
    expect(findings(RULE, withEnv([
      { name: 'POSTGRES_PASSWORD', value: '' },
      { name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/password' },
      { name: 'SECRET_NAME', value: 'postgres-secret' },
      { name: 'PGPASSWORD', value: '$(POSTGRES_PASSWORD)' },
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      { name: 'KEYCLOAK_URL', value: 'https://id.example' },
    ]))).toEqual([]);
  });

  // Bitnami's redis chart without auth sets ALLOW_EMPTY_PASSWORD=yes (test/corpus/cases/helm-bitnami-redis-no-auth.yaml).
  test.each(['yes', 'no', 'true', 'False', 'on', 'OFF'])('near miss: a switch, not a secret: ALLOW_EMPTY_PASSWORD=%s', (value) => {
    expect(findings(RULE, withEnv([{ name: 'ALLOW_EMPTY_PASSWORD', value }]))).toEqual([]);
  });

  test('a value that only starts like a switch is still a secret', () => {
    expect(findings(RULE, withEnv([{ name: 'REDIS_PASSWORD', value: 'yes-it-is' }, { name: 'API_TOKEN', value: 'true1' }]))).toHaveLength(2);
  });
});
