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

  test.each([
    'DB_PASSWD', 'client_secret', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'APIKEY', 'SSH_PRIVATE_KEY',
    'MYSQL_PWD', 'DB_PASS', 'SMTP_PASS', 'LDAP_BIND_PASSWD', 'REDIS_PASSWORD', 'JWT_SECRET', 'VAULT_TOKEN', 'OPENAI_API_KEY',
  ])('%s', (name) => {
    expect(findings(RULE, withEnv([{ name, value: 'x' }]))).toHaveLength(1);
  });

  test.each([
    ['DATABASE_URL', 'postgres://app:s3cret@db.billing.svc:5432/app'],
    ['DATABASE_URL', 'postgresql://app:s3cret@db/app?sslmode=require'],
    ['DB_DSN', 'mysql://root:hunter2@mysql:3306/wordpress'],
    ['MONGO_URI', 'mongodb://admin:changeme@mongo-0.mongo:27017/admin'],
    ['MONGO_URL', 'mongodb+srv://svc:pa55@cluster0.example.mongodb.net/app'],
    ['CACHE', 'redis://:foobared@redis-master:6379/0'],
    ['BROKER', 'amqp://guest:guest@rabbitmq:5672/'],
  ])('a URL with a password under any name: %s=%s, without echoing it', (name, value) => {
    const found = findings(RULE, withEnv([{ name, value }]));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain(`sets ${name} to a URL with a literal password in it`);
    expect(found[0].message).not.toContain(value.replace(/^.*:\/\/[^:]*:/, '').split('@')[0]);
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
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      { name: 'KEYCLOAK_URL', value: 'https://id.example' },
      { name: 'PWD', value: '/srv/app' },
      { name: 'PASSENGER_APP_ENV', value: 'production' },
      { name: 'TOKEN_TTL', value: '604800' },
    ]))).toEqual([]);
  });

  test('near miss: URLs without a password, or with a $(VAR) reference as the password', () => {
    expect(findings(RULE, withEnv([
      { name: 'DATABASE_URL', value: 'postgres://app@db.billing.svc:5432/app' },
      { name: 'DATABASE_URL_FROM_VARS', value: 'postgres://app:$(DB_PASSWORD)@db:5432/app' },
      { name: 'REDIS_URL', value: 'redis://redis-master:6379/0' },
      { name: 'TOKEN_ENDPOINT', value: 'https://auth.example.com:8443/oauth/token' },
      { name: 'VAULT_ADDR', value: 'https://vault.example:8200' },
    ]))).toEqual([]);
  });

  // Bitnami's redis chart without auth sets ALLOW_EMPTY_PASSWORD=yes (test/corpus/cases/helm-bitnami-redis-no-auth.yaml);
  // the kubernetes.io replicated-MySQL tutorial sets MYSQL_ALLOW_EMPTY_PASSWORD="1".
  test.each([
    ['ALLOW_EMPTY_PASSWORD', 'yes'], ['ALLOW_EMPTY_PASSWORD', 'no'], ['ALLOW_EMPTY_PASSWORD', 'true'], ['ALLOW_EMPTY_PASSWORD', 'False'],
    ['ALLOW_EMPTY_PASSWORD', 'on'], ['ALLOW_EMPTY_PASSWORD', 'OFF'], ['MYSQL_ALLOW_EMPTY_PASSWORD', '1'],
    ['MYSQL_RANDOM_ROOT_PASSWORD', 'yes'], ['MYSQL_RANDOM_ROOT_PASSWORD', '1'], ['MARIADB_RANDOM_ROOT_PASSWORD', 'true'],
  ])('near miss: a switch or a number, not a secret: %s=%s', (name, value) => {
    expect(findings(RULE, withEnv([{ name, value }]))).toEqual([]);
  });

  test('a value that only starts like a switch or is a long number is still a secret', () => {
    expect(findings(RULE, withEnv([
      { name: 'REDIS_PASSWORD', value: 'yes-it-is' },
      { name: 'API_TOKEN', value: 'true1' },
      { name: 'MYSQL_ROOT_PASSWORD', value: '123456' },
    ]))).toHaveLength(3);
  });
});
