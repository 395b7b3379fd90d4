// How a backup pod reaches a SingleWriterDatabase over the network: libpq's environment or the MariaDB/MySQL dump
// script's, with the password from the database's Secret (never as text), and a client image of the server's version.
import * as kplus from 'cdk8s-plus-27';
import { DatabaseEngine, DatabaseFamily } from '../workloads/database-engine';
import { SingleWriterDatabase } from '../workloads/single-writer-database';

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
 * The environment of the MariaDB/MySQL dump script for a client of `database`: the client flavour (which tool names it
 * runs), its Service, port, user and password (a secretKeyRef; the script hands it to the tools in an option file).
 */
export function mysqlClientEnv(database: SingleWriterDatabase): Record<string, kplus.EnvValue> {
  return {
    DB_FLAVOUR: kplus.EnvValue.fromValue(database.engine.family === DatabaseFamily.MYSQL ? 'mysql' : 'mariadb'),
    DB_HOST: kplus.EnvValue.fromValue(database.host),
    DB_PORT: kplus.EnvValue.fromValue(String(database.port)),
    DB_USER: database.credentials.usernameValue(database.engine.defaultUsername ?? 'root'),
    MYSQL_PWD: database.credentials.passwordValue(),
  };
}

/**
 * The checkpoint a backup pod runs before a snapshot is cut, as one shell command (the snapshot script's
 * `QUIESCE_COMMAND`): the engine's network checkpoint, with host, port, user and password from `postgresClientEnv`.
 * Undefined when the engine has none, or is not PostgreSQL (the client environment here is libpq's).
 */
export function quiesceCommand(engine: DatabaseEngine): string | undefined {
  if (engine.family !== DatabaseFamily.POSTGRES) return undefined;
  return engine.networkCheckpointCommand()?.map(shellWord).join(' ');
}

/** An argument as the shell reads it back: bare when it has no special character, else single-quoted. */
function shellWord(argument: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, "'\\''")}'`;
}
