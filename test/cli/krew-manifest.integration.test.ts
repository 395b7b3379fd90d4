// The krew manifest of a release, from a package tarball laid out as `npm pack` writes it; then the install krew would
// make of it (the manifest's files copied into a plugin directory, its bin linked as kubectl-rwop) run through kubectl.
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-krew-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A package tarball as npm pack writes it (everything under `package/`), with the command inside as compile builds it. */
async function packTarball(version: string): Promise<string> {
  const pkg = path.join(dir, 'pack', 'package');
  fs.mkdirSync(path.join(pkg, 'lib', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'cdk8s-rwop', version }));
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(pkg, 'LICENSE'));
  const options = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' } as const;
  await build({ ...options, entryPoints: [path.join(ROOT, 'src', 'cli', 'bin.ts')], outfile: path.join(pkg, 'lib', 'cli', 'rwop-bundle.js') });
  const launcher = path.join(pkg, 'lib', 'cli', 'rwop.js');
  await build({ ...options, entryPoints: [path.join(ROOT, 'src', 'cli', 'launch.ts')], outfile: launcher });
  fs.chmodSync(launcher, 0o755);
  const tarball = path.join(dir, `cdk8s-rwop-${version}.tgz`);
  execFileSync('tar', ['-czf', tarball, '-C', path.join(dir, 'pack'), 'package']);
  return tarball;
}

function manifestOf(tarball: string): any {
  return YAML.parse(execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'krew-manifest.js'), tarball], { encoding: 'utf8' }));
}

test('the manifest names the published tarball and its checksum on every platform where node runs the command', async () => {
  const tarball = await packTarball('1.2.3');
  const manifest = manifestOf(tarball);
  const sha256 = createHash('sha256').update(fs.readFileSync(tarball)).digest('hex');
  expect(manifest).toMatchObject({ apiVersion: 'krew.googlecontainertools.github.com/v1alpha2', kind: 'Plugin', metadata: { name: 'rwop' }, spec: { version: 'v1.2.3' } });
  expect(manifest.spec.caveats).toMatch(/needs node 20 or later on PATH/);
  expect(manifest.spec.platforms.map((p: any) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`)).toEqual(['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64']);
  for (const platform of manifest.spec.platforms) {
    expect(platform).toMatchObject({ uri: 'https://registry.npmjs.org/cdk8s-rwop/-/cdk8s-rwop-1.2.3.tgz', sha256, bin: 'lib/cli/rwop.js' });
  }
});

test('installed as the manifest says, "kubectl rwop" runs the command and finds its version', async () => {
  const tarball = await packTarball('1.2.3');
  const platform = manifestOf(tarball).spec.platforms[0];
  const extracted = path.join(dir, 'extracted');
  const installed = path.join(dir, 'store', 'rwop', 'v1.2.3');
  fs.mkdirSync(extracted);
  execFileSync('tar', ['-xzf', tarball, '-C', extracted]);
  for (const { from, to } of platform.files) {
    fs.mkdirSync(path.join(installed, to), { recursive: true });
    fs.copyFileSync(path.join(extracted, from), path.join(installed, to, path.basename(from)));
    fs.chmodSync(path.join(installed, to, path.basename(from)), fs.statSync(path.join(extracted, from)).mode);
  }
  const binDir = path.join(dir, 'bin');
  fs.mkdirSync(binDir);
  fs.symlinkSync(path.join(installed, platform.bin), path.join(binDir, 'kubectl-rwop'));
  const env = { ...process.env, HOME: dir, PATH: `${binDir}:${process.env.PATH}` };
  expect(execFileSync('kubectl', ['rwop', '--version'], { env, encoding: 'utf8' })).toBe('1.2.3\n');
  expect(execFileSync('kubectl', ['rwop', 'status', '--help'], { env, encoding: 'utf8' })).toMatch(/^Usage: rwop status /);
});

test('a file not named as npm pack names the tarball is refused', () => {
  fs.writeFileSync(path.join(dir, 'other.tgz'), '');
  let failure: any;
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'krew-manifest.js'), path.join(dir, 'other.tgz')], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    failure = e;
  }
  expect(failure?.status).toBe(2);
  expect(failure?.stderr).toMatch(/is not named as npm pack names cdk8s-rwop's tarball/);
});

test('the compile task leaves the bundled command executable, so that the package tarball carries the mode krew keeps', () => {
  const steps: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks.compile.steps.map((step: any) => step.exec);
  const bundled = steps.findIndex((step) => /^esbuild src\/cli\/bin\.ts .* && esbuild src\/cli\/launch\.ts .*--outfile=lib\/cli\/rwop\.js/.test(step ?? ''));
  expect(bundled).toBeGreaterThanOrEqual(0);
  expect(steps.slice(bundled + 1)).toContain('chmod +x lib/cli/rwop.js');
});
