// The real executable as a child process: stdin piped, exit code and streams as a shell sees them.
import * as fs from 'fs';
import * as path from 'path';
import { AUDIT_FIXTURES, spawnRwop } from './support';

const bin = (args: string[], input?: string) => spawnRwop(args, input);

describe('bin (child process)', () => {
  test('stdin piped with no path: findings on stdout, exit 1', () => {
    const input = fs.readFileSync(path.join(AUDIT_FIXTURES, 'hazards', 'db.yaml'), 'utf8');
    const { code, stdout, stderr } = bin(['audit'], input);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^<stdin>:19: error rwop-rolling-update-surge: Deployment shop\/postgres /m);
    expect(stdout).toMatch(/^rwop audit: 3 objects, \d+ rules: 1 error, 0 warnings, 0 info, 0 suppressed \(fails --fail-on error\)$/m);
  });

  test('"-" with JSON output of a kubectl List, and exit 0 under a threshold nothing reaches', () => {
    const input = fs.readFileSync(path.join(AUDIT_FIXTURES, 'kubectl-get-o-json.json'), 'utf8');
    const { code, stdout } = bin(['audit', '-', '--format', 'json', '--skip', 'rwop-claim-shared'], input);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).summary).toMatchObject({ objects: 3, error: 0, failed: false });
  });

  test('a large output through a pipe arrives whole before the process exits', () => {
    const doc = fs.readFileSync(path.join(AUDIT_FIXTURES, 'unpinned.yaml'), 'utf8');
    const input = Array.from({ length: 2000 }, (_, i) => doc.replace('name: web', `name: web-${i}`)).join('---\n');
    const { code, stdout } = bin(['audit', '-', '--format', 'sarif', '--fail-on', 'warning'], input);
    expect(code).toBe(1);
    expect(stdout.length).toBeGreaterThan(1_000_000);
    expect(JSON.parse(stdout).runs[0].results).toHaveLength(2000);
  });

  test('bad YAML on stdin: exit 2, the line on stderr, nothing on stdout', () => {
    const { code, stdout, stderr } = bin(['audit', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n');
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^rwop audit: <stdin>:3: invalid YAML \(column \d+\): /);
  });
});
