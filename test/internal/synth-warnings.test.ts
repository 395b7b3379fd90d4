import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Duration, Size } from 'cdk8s';
// The CLI's own report, fed the way `cdk8s synth` feeds it: the written manifests and construct-metadata.json.
import { ValidationContext } from 'cdk8s-cli/plugins';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import {
  DatabaseCredentials, DatabaseEngine, DisruptionPolicy, RwopValidation, SingleWriterDatabase, SingleWriterWorkload,
  WorkloadContainer,
} from '../../src';
import { expectValidManifests } from '../harness';

function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'synth-warnings-')) });
}

/** A workload whose preStop hook sleeps 100 s within a 65 s grace period: a warning, not an error. */
function sleepyWorkload(app: App): void {
  const chart = new Chart(app, 'Shop', { namespace: 'shop' });
  new SingleWriterWorkload(chart, 'Cart', {
    metadata: { name: 'cart' },
    container: WorkloadContainer.fromImage({
      image: 'registry.example/cart:1.2.3', port: 8080, mountPath: '/data', preStopCommand: ['sh', '-c', 'sleep 100'],
    }),
    storage: Size.gibibytes(1),
    terminationGracePeriod: Duration.seconds(65),
  });
}

/** The MariaDB database whose Deployment, Service, NetworkPolicy and PodDisruptionBudget are all named "mariadb". */
function mariadb(app: App): void {
  const chart = new Chart(app, 'crm', { namespace: 'crm' });
  new SingleWriterDatabase(chart, 'MariaDB', {
    metadata: { name: 'mariadb' },
    engine: DatabaseEngine.mariadb(),
    credentials: DatabaseCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Secret', 'mariadb-root')),
    storage: Size.gibibytes(50),
    disruptionPolicy: DisruptionPolicy.blockVoluntaryEvictions({
      reason: 'the DBA moves this database by hand in the Tuesday maintenance window',
    }),
  });
}

/** What `app.synth()` writes on stderr, and the objects it writes, checked against the schemas. */
function synth(app: App): { stderr: string; objects: any[] } {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    written.push(String(chunk));
    return true;
  });
  try {
    app.synth();
  } finally {
    spy.mockRestore();
  }
  const objects = manifestFiles(app.outdir).flatMap((file) => YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8')).map((doc) => doc.toJS()));
  expectValidManifests(objects);
  return { stderr: written.join(''), objects };
}

function manifestFiles(outdir: string): string[] {
  return fs.readdirSync(outdir).filter((file) => file.endsWith('.k8s.yaml')).map((file) => path.join(outdir, file));
}

describe('warnings at synth', () => {
  test('a warning on our workload is printed once per synth on stderr with rule, object and construct path', () => {
    const app = newApp();
    sleepyWorkload(app);
    for (const run of [1, 2]) {
      const { stderr, objects } = synth(app);
      const warnings = stderr.split('\n').filter((line) => line.startsWith('cdk8s-rwop warning '));
      expect({ run, warnings }).toEqual({
        run,
        warnings: [expect.stringMatching(/^cdk8s-rwop warning prestop-exceeds-grace: Deployment shop\/cart .*preStop hook can take 100 s.*\[objects: Deployment shop\/cart \(Shop\/Cart\/Deployment\/Resource\)\]$/)],
      });
      expect(stderr).toContain("silence them with app.node.setContext('rwop:synthWarnings', false)");
      expect(objects.find((o) => o.kind === 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(65);
    }
  });

  test('printed once per synth in an app of three charts, which cdk8s validates four times per synth', () => {
    const app = newApp();
    sleepyWorkload(app);
    new Chart(app, 'Other', { namespace: 'other' });
    new Chart(app, 'Third', { namespace: 'third' });
    const warningLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('cdk8s-rwop warning ')).length;
    for (const run of [1, 2]) expect({ run, lines: warningLines(synth(app).stderr) }).toEqual({ run, lines: 1 });
  });

  test('the context key rwop:synthWarnings=false silences them; the synth still succeeds', () => {
    const app = newApp();
    app.node.setContext('rwop:synthWarnings', false);
    sleepyWorkload(app);
    const { stderr, objects } = synth(app);
    expect(stderr).toBe('');
    expect(objects.map((o) => o.kind)).toContain('Deployment');
  });

  test('info findings stay quiet', () => {
    const app = newApp();
    mariadb(app);
    const { stderr } = synth(app);
    expect(stderr).toBe('');
  });
});

describe('construct paths for the validation plugin', () => {
  const previous = process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
  afterEach(() => {
    if (previous === undefined) delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    else process.env.CDK8S_RECORD_CONSTRUCT_METADATA = previous;
  });

  test('Deployment crm/mariadb is reported at the Deployment\'s construct path, not at the last object named mariadb', async () => {
    // As `cdk8s synth` runs an app when validation plugins are configured.
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'synth-paths-')), recordConstructMetadata: true });
    mariadb(app);
    synth(app);

    // Read as the CLI reads it: metadata.name to construct path.
    const metadata: Record<string, { path: string }> = JSON.parse(fs.readFileSync(path.join(app.outdir, 'construct-metadata.json'), 'utf-8')).resources;
    // What cdk8s alone records: one path for every object named mariadb.
    expect(metadata.mariadb?.path).toBe('crm/MariaDB/NetworkPolicy/Resource');
    const context = new ValidationContext(manifestFiles(app.outdir), 'cdk8s-rwop', '0.0.0', metadata);
    await new RwopValidation().validate(context);
    const report = context.report.toString();

    expect(report).toContain('pdb-blocks-drains (info)');
    const occurrences = [...report.matchAll(/Construct Path: (.*)\n.*\n\s+- Resource Name: (.*)/g)].map((m) => `${m[2]} at ${m[1]}`);
    expect(occurrences).toContain('Deployment crm/mariadb at crm/MariaDB/Deployment/Resource');
    expect(occurrences).toContain('PodDisruptionBudget crm/mariadb-pdb at crm/MariaDB/DisruptionBudget');
    for (const occurrence of occurrences) {
      const [kind] = occurrence.split(' ');
      expect(occurrence).not.toContain('N/A');
      if (kind !== 'NetworkPolicy') expect(occurrence).not.toContain('NetworkPolicy/Resource');
    }
  });
});
