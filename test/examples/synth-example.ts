import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadManifestFiles } from '../harness';

const ROOT = path.resolve(__dirname, '..', '..');

export interface SynthesizedExample {
  /** Every object, in file order. */
  readonly all: any[];
  /** The objects of each file written, by file name. */
  readonly byFile: Record<string, any[]>;
}

/**
 * Synthesizes examples/<name> with the real cdk8s CLI into a temporary directory (never into the example's dist/,
 * which belongs to the main job) and loads what it wrote. `env` is added to the app's environment.
 */
export function synthExample(name: string, env: Record<string, string> = {}): SynthesizedExample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  try {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', outdir], {
      cwd: path.join(ROOT, 'examples', name),
      env: { ...process.env, ...env, CDK8S_CHECK_UPGRADE: 'false' },
      stdio: 'pipe',
    });
    const byFile: Record<string, any[]> = {};
    for (const file of fs.readdirSync(outdir).sort()) {
      byFile[file] = loadManifestFiles([path.join(outdir, file)]);
    }
    return { all: Object.values(byFile).flat(), byFile };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
