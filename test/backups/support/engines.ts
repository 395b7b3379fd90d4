import { DatabaseEngine } from '../../../src';

/**
 * A custom engine that a client could not tell from `DatabaseEngine.postgres()` by its name, image, port, password
 * variable or superuser: backups must still treat it as CUSTOM, since nothing says it speaks PostgreSQL's protocol.
 */
export function postgresLookalike(): DatabaseEngine {
  return DatabaseEngine.custom({
    name: 'postgres',
    image: 'postgres:15.14',
    port: 5432,
    mountPath: '/var/lib/postgresql/data',
    user: 999,
    group: 999,
    passwordVariable: 'PGPASSWORD',
    defaultUsername: 'postgres',
  });
}
