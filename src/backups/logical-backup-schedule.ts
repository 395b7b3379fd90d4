import { ApiObject, ApiObjectMetadata, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  BackupJobDefaults, CheckedJobOptions, SCRIPTS_MOUNT, backupCronJob, backupCronJobProps, readScript, requireBoolean, requireCount,
  requireJobOptions, requireScheduleOptions, requireSeconds, scheduleName,
} from './backup-job';
import { BackupJobOptions, BackupScheduleOptions } from './backup-options';
import { mysqlClientEnv, postgresClientEnv, postgresMajor } from './database-client';
import { suspendWhileHibernating } from './hibernation-suspend';
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../core/names';
import { pathOf } from '../internal/errors';
import { PropChecker } from '../internal/prop-checker';
import { exactQuantity } from '../internal/quantity';
import { addSynthChecks } from '../internal/synth-checks';
import { ExclusiveStorageClass } from '../volumes/exclusive-storage-class';
import { ExclusiveVolume } from '../volumes/exclusive-volume';
import { registerExclusiveMount } from '../workloads/claim-registry';
import { DatabaseFamily } from '../workloads/database-engine';
import { PodIdentity, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../workloads/pod-security';
import { SingleWriterDatabase } from '../workloads/single-writer-database';
import { describeValue, requireImage } from '../workloads/validation';

/**
 * Properties of a `LogicalBackupSchedule`.
 */
export interface LogicalBackupScheduleProps extends BackupScheduleOptions, BackupJobOptions {
  /**
   * The database to dump, over the network through its Service: a `SingleWriterDatabase` of `DatabaseEngine.postgres()`,
   * `DatabaseEngine.mariadb()` or `DatabaseEngine.mysql()`.
   */
  readonly database: SingleWriterDatabase;

  /**
   * How many complete runs to keep on the backup volume; older ones are removed after a run completes.
   *
   * @default 7
   */
  readonly keepLast?: number;

  /**
   * The volume the dumps are written to: an `ExclusiveVolume` of this app that nothing else mounts, never the
   * database's. Give this, or `storage` to have one created.
   *
   * @default - a new ExclusiveVolume of `storage`, named `<name>-backups`
   */
  readonly volume?: ExclusiveVolume;

  /**
   * The size of the backup volume to create: room for `keepLast` complete dumps plus one in progress.
   *
   * @default - `volume` is used
   */
  readonly storage?: Size;

  /**
   * The storage class of the backup volume to create, one of this app. Only with `storage`.
   *
   * @default - `storageClassName`, or the cluster's default class
   */
  readonly storageClass?: ExclusiveStorageClass;

  /**
   * The name of a CSI storage class of the cluster for the backup volume to create. Only with `storage`.
   *
   * @default - the cluster's default class
   */
  readonly storageClassName?: string;

  /**
   * The image that runs the dump, pinned to a tag or a digest (`mariadb:11.4.7@sha256:<digest>`). PostgreSQL: an image
   * with `pg_dump` of the server's major version, or newer (pg_dump refuses a newer server). MariaDB: an image with
   * `mariadb` and `mariadb-dump`; MySQL: with `mysql` and `mysqldump`; both with gzip, sed, grep and sha256sum.
   *
   * @default - the database's own image
   */
  readonly image?: string;

  /**
   * The databases to dump (names without blanks).
   *
   * @default - PostgreSQL: every database that accepts connections, templates excepted; MariaDB and MySQL: every
   * database but information_schema, performance_schema, sys and mysql (users and grants are dumped apart)
   */
  readonly databases?: string[];

  /**
   * How long `pg_dump` waits for a table lock before it fails the run (`--lock-wait-timeout`), rather than waiting
   * behind a long `ALTER TABLE` forever. Whole seconds. PostgreSQL only.
   *
   * @default - no limit
   */
  readonly lockWaitTimeout?: Duration;

  /**
   * Leave the role password hashes out of the globals dump (`pg_dumpall --no-role-passwords`); needed when the user
   * cannot read `pg_authid`, as on some managed servers. Restored roles then have no password. PostgreSQL only.
   *
   * @default false
   */
  readonly noRolePasswords?: boolean;
}

const KIND = 'LogicalBackupSchedule';
const POSTGRES_SCRIPT = 'logical-backup-postgres.sh';
const MYSQL_SCRIPT = 'logical-backup-mysql.sh';
const COMMON_SCRIPT = 'logical-backup-common.sh';
const CONTAINER = 'dump';
const BACKUP_ROOT = '/backup';
/** The tested dump script of each engine family; a custom engine has none. */
const SCRIPTS: Partial<Record<DatabaseFamily, string>> = {
  [DatabaseFamily.POSTGRES]: POSTGRES_SCRIPT,
  [DatabaseFamily.MARIADB]: MYSQL_SCRIPT,
  [DatabaseFamily.MYSQL]: MYSQL_SCRIPT,
};
/** Official images of other servers, whose dump tools cannot dump this family (the script needs its own tool names). */
const FOREIGN_CLIENT_IMAGES: Partial<Record<DatabaseFamily, RegExp>> = {
  [DatabaseFamily.POSTGRES]: /(?:^|\/)(mariadb|mysql):/,
  [DatabaseFamily.MARIADB]: /(?:^|\/)(postgres|mysql):/,
  [DatabaseFamily.MYSQL]: /(?:^|\/)(postgres|mariadb):/,
};
const JOB_DEFAULTS: BackupJobDefaults = {
  activeDeadlineSeconds: 6 * 3600,
  minActiveDeadlineSeconds: 60,
  resources: {
    cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(1000) },
    memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
  },
};

/**
 * Scheduled logical dumps of a `SingleWriterDatabase` over the network into a ReadWriteOncePod volume of their own:
 * the database's volume is never mounted. Each PostgreSQL run dumps the globals (`pg_dumpall --globals-only`) and
 * every database (`pg_dump -Fc`), writes each file under a temporary name, verifies it (`pg_restore --list` and a full
 * read), writes SHA256SUMS and a COMPLETE marker, renames the run into place, then keeps the newest `keepLast` runs.
 * A MariaDB or MySQL run does the same with the users and grants (`users.sql`) and one gzipped
 * `mariadb-dump`/`mysqldump --single-transaction --routines --events --triggers` per database, each verified by reading
 * it back whole (gzip's check, the dump's header and its closing `-- Dump completed` line).
 *
 * The schedule's name (`metadata.name`) names the CronJob, the script ConfigMap (`<name>-script`), the egress
 * NetworkPolicy and the backup claim it creates (`<name>-backups`); its namespace must be the database's.
 *
 * The CronJob uses `concurrencyPolicy: Forbid`, a starting deadline sized to the schedule, restricted pods with the
 * database's uid as fsGroup, the password from the database's Secret, no ServiceAccount token, and never a higher
 * priority than the database; the database's NetworkPolicy lets the backup pods in, and their own NetworkPolicy lets
 * them out only to the database and DNS.
 */
export class LogicalBackupSchedule extends Construct {
  /** The CronJob's name. */
  public readonly scheduleName: string;

  /** The CronJob. */
  public readonly cronJob: kplus.CronJob;

  /** The volume the dumps are written to. */
  public readonly volume: ExclusiveVolume;

  /** The ConfigMap that holds the dump script and the part it shares with the other dump script. */
  public readonly scriptConfigMap: kplus.ConfigMap;

  /** The NetworkPolicy that lets the backup pods reach only the database and DNS. */
  public readonly egressPolicy: ApiObject;

  public constructor(scope: Construct, id: string, props: LogicalBackupScheduleProps) {
    const check = new PropChecker(pathOf(scope, id), KIND);
    const checked = requireProps(check, scope, props);
    // Nothing else may mount the backup volume: a second pod would wait for it forever (ReadWriteOncePod).
    if (props.volume !== undefined) registerExclusiveMount(props.volume, check, 'volume');
    super(scope, id);
    addSynthChecks(this);
    const database = props.database;
    this.scheduleName = scheduleName(this, props);
    const namespace = checked.namespace;
    const labels = { ...props.metadata?.labels };
    const metadata: ApiObjectMetadata = { ...props.metadata, name: this.scheduleName, namespace };

    if (props.volume !== undefined) {
      this.volume = props.volume;
    } else {
      this.volume = new ExclusiveVolume(this, 'BackupVolume', {
        metadata: { name: `${this.scheduleName}-backups`, namespace, labels },
        storage: props.storage!,
        storageClass: props.storageClass,
        storageClassName: props.storageClassName,
      });
      registerExclusiveMount(this.volume, check, 'storage');
    }
    this.scriptConfigMap = new kplus.ConfigMap(this, 'Script', {
      metadata: { name: `${this.scheduleName}-script`, namespace, labels },
      // The run's lock, directories and retention live in a part both dump scripts source from their directory.
      data: { [checked.script]: readScript(checked.script), [COMMON_SCRIPT]: readScript(COMMON_SCRIPT) },
    });

    const identity: PodIdentity = { user: database.engine.user, group: database.engine.group, fsGroup: database.engine.group };
    const podLabels = { 'app.kubernetes.io/name': 'logical-backup', 'app.kubernetes.io/managed-by': 'cdk8s-rwop', 'rwop.dev/backup-schedule': this.scheduleName };
    const cronJob = backupCronJob(this, 'CronJob', {
      ...backupCronJobProps(metadata, props, checked.suspend, checked.job),
      automountServiceAccountToken: false,
      podMetadata: { labels: podLabels },
      securityContext: restrictedPodSecurityContext(identity),
    }, { priorityClassName: checked.job.priorityClassName, containerName: CONTAINER, fatalExitCodes: [2] });
    this.cronJob = cronJob;

    const container = cronJob.addContainer({
      name: CONTAINER,
      image: checked.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', `${SCRIPTS_MOUNT}/${checked.script}`],
      envVariables: {
        BACKUP_ROOT: kplus.EnvValue.fromValue(BACKUP_ROOT),
        ...(database.engine.family === DatabaseFamily.POSTGRES
          ? postgresClientEnv(database, `cdk8s-rwop-dump-${this.scheduleName}`)
          : mysqlClientEnv(database)),
        KEEP_LAST: kplus.EnvValue.fromValue(String(checked.keepLast)),
        // Past the Job's deadline its pod has been stopped: a lock that old was left by a killed run.
        LOCK_STALE_SECONDS: kplus.EnvValue.fromValue(String(checked.job.activeDeadlineSeconds)),
        ...(props.databases !== undefined ? { DATABASES: kplus.EnvValue.fromValue(props.databases.join(' ')) } : {}),
        ...(checked.lockWaitSeconds !== undefined ? { LOCK_WAIT_TIMEOUT: kplus.EnvValue.fromValue(`${checked.lockWaitSeconds}s`) } : {}),
        ...(props.noRolePasswords !== undefined ? { NO_ROLE_PASSWORDS: kplus.EnvValue.fromValue(String(props.noRolePasswords)) } : {}),
        HOME: kplus.EnvValue.fromValue('/tmp'),
      },
      securityContext: restrictedContainerSecurityContext(identity),
      resources: checked.job.resources,
    });
    container.mount(BACKUP_ROOT, kplus.Volume.fromPersistentVolumeClaim(cronJob, 'BackupVolume', this.volume, { name: 'backups' }));
    container.mount(SCRIPTS_MOUNT, kplus.Volume.fromConfigMap(cronJob, 'ScriptVolume', this.scriptConfigMap, { name: 'script', defaultMode: 0o444 }), { readOnly: true });
    container.mount('/tmp', kplus.Volume.fromEmptyDir(cronJob, 'TmpVolume', 'tmp', { sizeLimit: Size.mebibytes(64) }));

    database.allowFrom(cronJob);
    this.egressPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'EgressPolicy', {
      metadata: { name: this.scheduleName, namespace, labels },
      spec: {
        podSelector: { matchLabels: { [kplus.Pod.ADDRESS_LABEL]: cronJob.podMetadata.getLabel(kplus.Pod.ADDRESS_LABEL)! } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ podSelector: { matchLabels: database.deployment.matchLabels } }],
            ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(database.port) }],
          },
          // DNS, wherever the cluster serves it: the Service name must resolve.
          { ports: ['UDP', 'TCP'].map(protocol => ({ protocol, port: kplus.k8s.IntOrString.fromNumber(53) })) },
        ],
      },
    });
  }
}

/** The checked settings, computed before the construct exists. */
interface CheckedProps {
  readonly script: string;
  readonly namespace?: string;
  readonly image: string;
  /** Suspended as asked, and always while the database hibernates. */
  readonly suspend?: boolean;
  readonly keepLast: number;
  readonly lockWaitSeconds?: number;
  readonly job: CheckedJobOptions;
}

function requireProps(check: PropChecker, scope: Construct, props: LogicalBackupScheduleProps): CheckedProps {
  if (props === undefined || props === null || typeof props !== 'object') {
    throw check.fail('props', props, 'accepted: an object with at least database, schedule and storage or volume');
  }
  const schedule = requireScheduleOptions(check, props);
  const database = props.database;
  if (!(database instanceof SingleWriterDatabase)) {
    throw check.fail('database', describeValue(database), 'accepted: a SingleWriterDatabase');
  }
  const script = SCRIPTS[database.engine.family];
  if (script === undefined) {
    throw check.fail('database', database.node.path,
      `its engine is the custom engine ${database.engine.name}, and a logical dump needs to know the server's protocol and tools; `
      + 'accepted: a SingleWriterDatabase of DatabaseEngine.postgres(), mariadb() or mysql(), or a SnapshotBackupSchedule of its volume');
  }
  if (database.engine.family !== DatabaseFamily.POSTGRES) {
    for (const prop of ['lockWaitTimeout', 'noRolePasswords'] as const) {
      if (props[prop] !== undefined) {
        throw check.fail(prop, describeValue(props[prop]),
          `it is a pg_dump setting and the database is ${database.engine.name}; accepted: no ${prop} for a ${database.engine.name} database`);
      }
    }
  }
  const namespace = props.metadata?.namespace ?? Chart.of(scope).namespace;
  const databaseNamespace = database.deployment.metadata.namespace;
  if (databaseNamespace !== namespace) {
    throw check.fail('metadata.namespace', namespace,
      `the database is in namespace ${databaseNamespace ?? '(none)'} and is reached by its Service name; accepted: the database's namespace`);
  }
  requireBoolean(check, 'noRolePasswords', props.noRolePasswords);
  requireVolume(check, props, namespace);

  const image = props.image ?? database.engine.image;
  requireImage(check, 'image', image);
  const foreignClient = FOREIGN_CLIENT_IMAGES[database.engine.family]?.exec(image);
  if (foreignClient) {
    throw check.fail('image', image,
      `it is the ${foreignClient[1]} image, which has no ${database.engine.name} dump tools; accepted: an image of ${database.engine.name} (default: the database's, ${database.engine.image})`);
  }
  const serverMajor = postgresMajor(database.engine.image);
  const clientMajor = postgresMajor(image);
  if (serverMajor !== undefined && clientMajor !== undefined && clientMajor < serverMajor) {
    throw check.fail('image', image,
      `pg_dump ${clientMajor} cannot dump a PostgreSQL ${serverMajor} server; accepted: an image of PostgreSQL ${serverMajor} or newer (default: the database's, ${database.engine.image})`);
  }
  if (props.databases !== undefined) {
    if (!Array.isArray(props.databases) || props.databases.length === 0) {
      throw check.fail('databases', describeValue(props.databases), 'accepted: a non-empty list of database names, or no databases prop for all of them');
    }
    props.databases.forEach((name, i) => {
      if (typeof name !== 'string' || !/^[^\s'"\\]{1,63}$/.test(name)) {
        throw check.fail(`databases[${i}]`, name, 'accepted: a database name of 1 to 63 characters without blanks, quotes or backslashes');
      }
    });
  }
  return {
    script,
    namespace,
    image,
    suspend: suspendWhileHibernating(check, props.suspend, database),
    keepLast: requireCount(check, 'keepLast', props.keepLast, 1, 10000, 7),
    lockWaitSeconds: props.lockWaitTimeout === undefined ? undefined : requireSeconds(check, 'lockWaitTimeout', props.lockWaitTimeout, 1, 0),
    job: requireJobOptions(check, props, schedule, JOB_DEFAULTS, database),
  };
}

/** The backup volume: given (never the database's) or to be created from a size. */
function requireVolume(check: PropChecker, props: LogicalBackupScheduleProps, namespace: string | undefined): void {
  if (props.volume !== undefined) {
    if (!(props.volume instanceof ExclusiveVolume)) {
      throw check.fail('volume', describeValue(props.volume), 'accepted: an ExclusiveVolume of this app that nothing else mounts');
    }
    if (props.volume === props.database.volume) {
      throw check.fail('volume', props.volume.node.path,
        'it is the database\'s own data volume: a ReadWriteOncePod volume has one pod at a time, so the backup could never start '
        + 'while the database runs; accepted: a separate ExclusiveVolume, or storage to have one created');
    }
    if (props.volume.metadata.namespace !== namespace) {
      throw check.fail('volume', props.volume.node.path,
        `it is in namespace ${props.volume.metadata.namespace ?? '(none)'} and the backup pods in ${namespace ?? '(none)'}; accepted: a volume of the same namespace`);
    }
    for (const prop of ['storage', 'storageClass', 'storageClassName'] as const) {
      if (props[prop] !== undefined) {
        throw check.fail(prop, describeValue(props[prop]),
          `volume (${props.volume.node.path}) is given too, and ${prop} only applies to a volume created here; accepted: volume alone, or storage with its class`);
      }
    }
    return;
  }
  if (props.storage === undefined) {
    throw check.fail('storage', undefined,
      'accepted: the size of the backup volume to create, e.g. Size.gibibytes(50), or an ExclusiveVolume as volume');
  }
  if (!(props.storage instanceof Size) || exactQuantity(props.storage) === undefined) {
    throw check.fail('storage', describeValue(props.storage),
      'accepted: a positive Size that is a whole number of KiB, e.g. Size.gibibytes(50)');
  }
  if (props.storageClass !== undefined && !(props.storageClass instanceof ExclusiveStorageClass)) {
    throw check.fail('storageClass', describeValue(props.storageClass), 'accepted: an ExclusiveStorageClass');
  }
  if (props.storageClass !== undefined && props.storageClassName !== undefined) {
    throw check.fail('storageClassName', props.storageClassName,
      `storageClass (${props.storageClass.name}) is given too; accepted: one of storageClass or storageClassName`);
  }
  if (props.storageClassName !== undefined && (typeof props.storageClassName !== 'string' || !isDns1123Subdomain(props.storageClassName))) {
    throw check.fail('storageClassName', props.storageClassName, `accepted: the name of a CSI storage class, ${DNS1123_SUBDOMAIN_RULE}`);
  }
}
