// The validation plugin as users set it up: the package compiled and laid out as npm installs it (package.json with
// its `main`, lib/, the bundled dependencies), in a directory where none of the peers (cdk8s, constructs, cdk8s-plus-27) can
// be resolved, loaded by the cdk8s CLI's own plugin loader and run by the real `cdk8s synth`.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import * as libraryModule from '../../src';
import * as entryModule from '../../src/entry';
import { expectValidManifests } from '../harness';

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const HAZARD = 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: db}\n'
  + 'spec: {accessModes: [ReadWriteOncePod], resources: {requests: {storage: 1Gi}}}\n'
  + ['a', 'b'].map((name) => `---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: db}\n`
    + 'spec:\n  replicas: 1\n  strategy: {type: Recreate}\n  selector: {matchLabels: {app: x}}\n  template:\n'
    + '    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: "postgres:15.10"}]\n'
    + '      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n').join('');

let work: string;
/** The installed package: what `npm install cdk8s-rwop` puts in node_modules/cdk8s-rwop, minus the peers. */
let installed: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-install-'));
  installed = path.join(work, 'package');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json'),
    '--outDir', path.join(installed, 'lib'), '--declaration', 'false', '--inlineSourceMap', 'false', '--inlineSources', 'false']);
  const { name, version, main, peerDependencies, peerDependenciesMeta, bundledDependencies } = PACKAGE_JSON;
  fs.writeFileSync(path.join(installed, 'package.json'),
    JSON.stringify({ name, version, main, peerDependencies, peerDependenciesMeta, bundledDependencies }, null, 2));
  // The bundled dependencies, and theirs, as `npm pack` puts them in the tarball.
  const copied = new Set<string>();
  const copy = (dependency: string): void => {
    if (copied.has(dependency)) return;
    copied.add(dependency);
    const source = path.join(ROOT, 'node_modules', dependency);
    fs.cpSync(source, path.join(installed, 'node_modules', dependency), { recursive: true });
    Object.keys(JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).dependencies ?? {}).forEach(copy);
  };
  (bundledDependencies as string[]).forEach(copy);
}, 300_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Copies the installed package to `dir` (an app's node_modules/cdk8s-rwop, or the CLI's plugin directory). */
function installAt(dir: string): void {
  fs.cpSync(installed, dir, { recursive: true });
}

describe('the plugin entry point', () => {
  test('the cdk8s CLI loads it without the peers, from a local path and by package name, and it validates', () => {
    const app = path.join(work, 'loader-app');
    const pluginsDir = path.join(work, 'plugins');
    installAt(path.join(app, 'node_modules', 'cdk8s-rwop'));
    // Where the CLI looks for a plugin named by package before it runs `npm install` (which must not happen here).
    installAt(path.join(pluginsDir, 'cdk8s-rwop', '1.2.3', 'node_modules', 'cdk8s-rwop'));
    const manifest = path.join(work, 'hazard.k8s.yaml');
    fs.writeFileSync(manifest, HAZARD);

    const script = `
      const path = require('path');
      const { PluginManager } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'cdk8s-cli', 'lib', 'plugins', '_manager.js'))});
      const manager = new PluginManager(${JSON.stringify(pluginsDir)});
      const peers = ['cdk8s', 'constructs', 'cdk8s-plus-27'].filter((peer) => {
        try { require.resolve(peer, { paths: [${JSON.stringify(path.join(app, 'node_modules', 'cdk8s-rwop'))}] }); return true; } catch { return false; }
      });
      (async () => {
        const results = { peers };
        for (const pkg of ['./node_modules/cdk8s-rwop', 'cdk8s-rwop']) {
          const plugin = manager.load({ pkg, version: '1.2.3', class: 'RwopValidation', properties: { failOn: 'error' } });
          const rules = [];
          let status;
          await plugin.instance.validate({
            manifests: [${JSON.stringify(manifest)}],
            metadata: {},
            report: { addViolation: (v) => rules.push(v.ruleName), submit: (s) => { status = s; } },
          });
          const loaded = Object.keys(require.cache).filter((file) => file.startsWith(path.dirname(plugin.package.path)));
          // The library's index (every construct) must not have been loaded to run the plugin.
          results[pkg] = { path: plugin.package.path, status, rules, indexLoaded: loaded.includes(path.join(path.dirname(plugin.package.path), 'index.js')) };
        }
        try { require('./node_modules/cdk8s-rwop').SingleWriterDatabase; } catch (e) { results.constructs = e.message; }
        console.log(JSON.stringify(results));
      })();
    `;
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: app,
      env: { ...process.env, NODE_PATH: '', npm_config_offline: 'true' },
      encoding: 'utf-8',
    });
    expect(result.stderr).toBe('');
    const results = JSON.parse(result.stdout);
    expect(results.peers).toEqual([]);
    const lib = (dir: string) => path.join(dir, 'node_modules', 'cdk8s-rwop', PACKAGE_JSON.main);
    expect(results['./node_modules/cdk8s-rwop']).toEqual({
      path: lib(app), status: 'failure', rules: ['rwop-claim-shared (error)'], indexLoaded: false,
    });
    expect(results['cdk8s-rwop']).toEqual({
      path: lib(path.join(pluginsDir, 'cdk8s-rwop', '1.2.3')), status: 'failure', rules: ['rwop-claim-shared (error)'], indexLoaded: false,
    });
    expect(results.constructs).toMatch(/^cdk8s-rwop: the constructs need the package "(cdk8s|constructs|cdk8s-plus-27)" next to cdk8s-rwop; install its peers with `npm install cdk8s cdk8s-plus-27 constructs`/);
  });

  test('it exports what the library exports', () => {
    const entry: Record<string, unknown> = entryModule;
    const library: Record<string, unknown> = libraryModule;
    expect(Object.keys(entry).sort()).toEqual(Object.keys(library).sort());
    for (const name of Object.keys(library)) expect({ name, same: entry[name] === library[name] }).toEqual({ name, same: true });
  });
});

/** `cdk8s synth` with the real CLI in an app set up as the README says: cdk8s.yaml names ./node_modules/cdk8s-rwop. */
function cdk8sSynth(app: 'hazard' | 'clean'): { status: number | null; output: string; stderr: string } {
  const appDir = fs.mkdtempSync(path.join(work, `app-${app}-`));
  installAt(path.join(appDir, 'node_modules', 'cdk8s-rwop'));
  const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
  fs.writeFileSync(path.join(appDir, 'cdk8s.yaml'), [
    'language: typescript',
    `app: ${bin('ts-node')} --transpile-only --project ${path.join(ROOT, 'examples', 'tsconfig.json')} ${path.join(__dirname, 'app', 'main.ts')}`,
    'validations:',
    '  - package: ./node_modules/cdk8s-rwop',
    `    version: ${PACKAGE_JSON.version}`,
    '    class: RwopValidation',
    '    properties:',
    '      failOn: warning',
    '',
  ].join('\n'));
  const dist = path.join(appDir, 'dist');
  const result = spawnSync(bin('cdk8s'), ['synth', '--output', dist], {
    cwd: appDir,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', RWOP_TEST_APP: app, npm_config_offline: 'true' },
    encoding: 'utf-8',
  });
  const written = fs.readdirSync(dist).filter((file) => file.endsWith('.k8s.yaml'));
  expect(written.length).toBeGreaterThan(0);
  expectValidManifests(written.flatMap((file) => YAML.parseAllDocuments(fs.readFileSync(path.join(dist, file), 'utf-8')).map((doc) => doc.toJS())));
  return { status: result.status, output: `${result.stdout}${result.stderr}`, stderr: result.stderr };
}

describe('the cdk8s validation plugin, run by the real cdk8s CLI', () => {
  test('hazards: exit 2, the report names the rule, the construct paths (by kind for shared names) and lines; one warning at synth', () => {
    const { status, output, stderr } = cdk8sSynth('hazard');
    expect(status).toBe(2);
    expect(output).toMatch(/Status\s+│ failure/);
    expect(output).toContain('rwop-claim-shared (error)');
    expect(output).toContain('Construct Path: Hazard/Data/Resource');
    expect(output).toContain('Construct Path: Hazard/postgres/Resource');
    expect(output).toContain('Construct Path: Hazard/postgres-second/Resource');
    expect(output).toMatch(/> Deployment db\/postgres-second \(line \d+\)/);
    expect(output).toContain('How to fix: Give each workload its own claim');
    // Deployment, Service and NetworkPolicy are all named mariadb.
    expect(output).toMatch(/Construct Path: crm\/MariaDB\/Deployment\/Resource\n.*\n\s+- Resource Name: Deployment crm\/mariadb\n/);
    expect(output).not.toMatch(/Construct Path: crm\/MariaDB\/NetworkPolicy\/Resource\n.*\n\s+- Resource Name: Deployment/);
    // The app printed the warning once while synthesizing, and the plugin reports it too.
    expect(stderr.match(/cdk8s-rwop warning prestop-exceeds-grace: Deployment crm\/cart .*\(crm\/Cart\/Deployment\/Resource\)/g)).toHaveLength(1);
    expect(output).toContain('prestop-exceeds-grace (warning)');
  });

  test('a clean app with an ExclusiveVolume: exit 0 and no violation', () => {
    const { status, output } = cdk8sSynth('clean');
    expect(status).toBe(0);
    expect(output).toMatch(/Status\s+│ success/);
    expect(output).not.toMatch(/occurrences/);
  });
});
