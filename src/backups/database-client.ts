// How a backup pod reaches a SingleWriterDatabase over the network: libpq's environment, with the password from the
// database's Secret (never as text), and a client image of the server's own version.
import * as kplus from 'cdk8s-plus-27';
import { DatabaseEngine } from '../workloads/database-engine';
import { SingleWriterDatabase } from '../workloads/single-writer-database';

/**
 * The built-in PostgreSQL engine (or a custom one that claims to be it in every way a client can tell). The engines
 * carry no family tag, so the name, the client password variable and the superuser stand for it.
 */
export function isPostgres(engine: DatabaseEngine): boolean {
  return engine.name === 'postgres' && engine.clientPasswordVariable === 'PGPASSWORD' && engine.defaultUsername === 'postgres';
}

/** The major version in a `postgres:<major>[.<minor>]` image reference (a registry or digest may surround it). */
export function postgresMajor(image: string): number | undefined {
  const match = /(?:^|\/)postgres:(\d+)(?:[.\-@]|$)/.exec(image);
  return match ? Number(match[1]) : undefined;
}

/** libpq's environment for a client of `database`: its Service, port, superuser and password (a secretKeyRef). */
export function postgresClientEnv(database: SingleWriterDatabase, applicationName: string): Record<string, kplus.EnvValue> {
  return {
    PGHOST: kplus.EnvValue.fromValue(database.host),
    PGPORT: kplus.EnvValue.fromValue(String(database.port)),
    PGUSER: database.credentials.usernameValue(database.engine.defaultUsername ?? 'postgres'),
    PGPASSWORD: database.credentials.passwordValue(),
    PGCONNECT_TIMEOUT: kplus.EnvValue.fromValue('10'),
    PGAPPNAME: kplus.EnvValue.fromValue(applicationName),
  };
}

/**
 * PostgreSQL's checkpoint, over the network: it writes every dirty buffer to disk, so that a snapshot cut right
 * after it needs little WAL replay when restored. CHECKPOINT needs a superuser (or pg_checkpoint, PostgreSQL 15+).
 */
export const POSTGRES_CHECKPOINT = 'psql --no-password --no-psqlrc --set=ON_ERROR_STOP=1 --dbname=postgres --command=CHECKPOINT';
