#!/usr/bin/env node
// The main job: synthesize every app in examples/ with the real cdk8s CLI into examples/<name>/dist/, print what
// was written, object by object, then audit each app's output with the compiled `rwop` command line (lib/cli/rwop.js, the bundled bin).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const cdk8s = path.join(root, 'node_modules', '.bin', 'cdk8s');

const apps = fs.readdirSync(examplesDir)
  .filter(name => fs.existsSync(path.join(examplesDir, name, 'cdk8s.yaml')))
  .sort();
if (apps.length === 0) {
  console.error(`no cdk8s apps under ${examplesDir}`);
  process.exit(1);
}

let failed = 0;
for (const name of apps) {
  const dir = path.join(examplesDir, name);
  const outdir = path.join(dir, 'dist');
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = spawnSync(cdk8s, ['synth', '--output', 'dist'], {
    cwd: dir,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    encoding: 'utf-8',
  });
  if (result.status !== 0) {
    failed++;
    console.error(`✗ examples/${name}: cdk8s synth exited ${result.status}\n${result.stdout}${result.stderr}`);
    continue;
  }
  console.log(`✓ examples/${name}`);
  for (const file of fs.readdirSync(outdir).sort()) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf-8'))
      .map(doc => doc.toJSON())
      .filter(obj => obj);
    console.log(`    examples/${name}/dist/${file} (${docs.length} object${docs.length === 1 ? '' : 's'})`);
    for (const obj of docs) {
      const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
      console.log(`      ${obj.kind} ${ns}${obj.metadata?.name}`);
    }
  }
}
if (failed > 0) {
  console.error(`${failed} of ${apps.length} example apps failed to synthesize`);
  process.exit(1);
}
console.log(`${apps.length} example app${apps.length === 1 ? '' : 's'} synthesized`);

// Audit exactly what was written, failing on warnings: every example must be clean or carry a documented reason.
// Each example is an app of its own, applied to a cluster of its own: audited alone (several examples reuse the
// same object names, which audited together would be duplicates).
const rwop = path.join(root, 'lib', 'cli', 'rwop.js');
let auditFailures = 0;
for (const name of apps) {
  const dist = path.relative(root, path.join(examplesDir, name, 'dist'));
  console.log(`\n$ rwop audit --fail-on warning ${dist}`);
  const audit = spawnSync(process.execPath, [rwop, 'audit', '--fail-on', 'warning', dist], { cwd: root, stdio: 'inherit' });
  if (audit.status !== 0) auditFailures++;
}
if (auditFailures > 0) {
  console.error(`${auditFailures} of ${apps.length} example apps have findings at warning or above`);
  process.exit(1);
}
