// Our YAML readers against the kubectl client on this machine: for a table of YAML 1.1 edge cases, the values (and
// the refusals) must be what `kubectl create --dry-run=client -o json -f` prints. kubectl needs an API server to map
// the kind, so it talks to the loopback stand-in of the snapshot API; a VolumeSnapshot is read as unstructured JSON,
// so every value comes back as kubectl's YAML reader made it.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { InputError } from '../../src/core/input-error';
import { parseManifests, parseYamlCarefully } from '../../src/core/parse-manifests';
import { SnapshotApiStandIn } from '../backups/support/snapshot-api';

const SCALARS = [
  'yes', 'Yes', 'YES', 'yEs', 'no', 'NO', 'y', 'Y', 'n', 'N', 'on', 'On', 'ON', 'off', 'Off', 'true', 'True', 'TRUE',
  'tRue', 'false', 'False', '~', 'null', 'Null', 'NULL', '', '0755', '0644', '08', '09', '0_7', '0b101', '-0b11', '0x1F',
  '-0x1a', '0x_1F', '1_000', '+12', '-0', '00', '1:30', '-1:30', '190:20:30.15', '1e3', '1E3', '1.5e3', '6.8523015e+5',
  '685_230.15', '0.', '.5', '-.5', '+.5', '1.', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '=', '0o17', '0O17',
  '12abc', '1.2.3', '9223372036854775807', '0xFFFFFFFFFFFFFFFF', '1e400', '01.5', '1__0', '_1', '0b', '0x', '+', '.',
  '1_', '0.1_2', '0x1p-2', 'apps/v1',
];
const REFUSED = ['.inf', '-.Inf', '+.INF', '.NaN', '.nan'];
const KEYS = ['yes', 'off', '0755', '1:30', '0x10', '1e3', 'name'];

function snapshot(name: string, spec: string): string {
  return `apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\nmetadata:\n  name: ${name}\nspec:\n${spec}\n`;
}

describe('plain YAML scalars as the kubectl client reads them', () => {
  let api: SnapshotApiStandIn;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    api = await SnapshotApiStandIn.start('db');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rwop-yaml-kubectl-'));
    kubeconfig = api.writeKubeconfig(dir);
  });
  afterAll(async () => {
    await api.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** kubectl's JSON for the objects of `text`, or its error. */
  async function kubectl(text: string): Promise<{ objects?: any[]; error?: string }> {
    const file = path.join(dir, 'in.yaml');
    fs.writeFileSync(file, text);
    try {
      const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, 'create', '--dry-run=client', '--validate=false', '-o', 'json', '-f', file]);
      // One pretty-printed JSON object per input object, one after the other.
      return { objects: JSON.parse(`[${stdout.trim().replace(/\n}\n{/g, '\n},\n{')}]`) };
    } catch (e) {
      return { error: String((e as { stderr?: string }).stderr ?? e) };
    }
  }

  test('every value of the table, in one file read by both of our readers and by kubectl', async () => {
    const text = SCALARS.map((scalar, i) => snapshot(`s${i}`, `  v: ${scalar}`)).join('---\n');
    const { objects, error } = await kubectl(text);
    expect(error).toBeUndefined();
    const theirs = objects!.map((object) => ({ scalar: SCALARS[Number(object.metadata.name.slice(1))], value: object.spec.v }));
    const ours = parseManifests(text, 'in.yaml').map((manifest, i) => ({ scalar: SCALARS[i], value: manifest.object.spec.v }));
    const careful = parseYamlCarefully(text, 'in.yaml').map((manifest, i) => ({ scalar: SCALARS[i], value: manifest.object.spec.v }));
    expect(theirs).toHaveLength(SCALARS.length);
    expect(ours).toEqual(theirs);
    expect(careful).toEqual(theirs);
  });

  test('mapping keys', async () => {
    const text = snapshot('keys', KEYS.map((key, i) => `  ${key}: ${i}`).join('\n'));
    const { objects } = await kubectl(text);
    expect(parseManifests(text, 'in.yaml')[0].object.spec).toEqual(objects![0].spec);
  });

  test.each(REFUSED)('%s: kubectl refuses the file, and so do we, naming the line', async (scalar) => {
    const text = snapshot('refused', `  v: ${scalar}`);
    expect((await kubectl(text)).error).toMatch(/error converting YAML to JSON/);
    let thrown: unknown;
    try {
      parseManifests(text, 'in.yaml');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).message).toMatch(new RegExp('^in\\.yaml:6: invalid YAML .*JSON cannot hold: kubectl refuses this file'));
  });
});
