/**
 * The field types of every Kubernetes model, taken from @kubernetes/client-node's generated models, and the
 * kinds its API classes can create. kubernetes-models validates types but lets unknown fields through;
 * these tables let kube-schema.ts reject them.
 *
 * client-node is ESM-only and Jest's module system cannot load it, so a plain `node` child process
 * (whose require() can load ESM on Node 20) dumps the models once; the result is cached on disk.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';

/** A model's fields: JSON name -> client-node type string (e.g. "string", "Array<V1Container>"). */
export type FieldTypes = Readonly<Record<string, string>>;

export interface KindEntry {
  /** client-node model name, e.g. "V1PodDisruptionBudget" or "EventsV1Event". */
  readonly model: string;
  readonly namespaced: boolean;
}

export interface KubeTypes {
  readonly models: Readonly<Record<string, FieldTypes>>;
  /** Creatable kinds, keyed "apiVersion kind" (e.g. "policy/v1 PodDisruptionBudget"). */
  readonly kinds: Readonly<Record<string, KindEntry>>;
}

/** Bump when the table's shape or derivation changes, so stale caches are regenerated. */
const CACHE_FORMAT = 1;

const CLIENT_DIR = path.dirname(createRequire(__filename).resolve('@kubernetes/client-node/package.json'));
const GEN_DIR = path.join(CLIENT_DIR, 'dist', 'gen');

/** Runs in the child process: prints { ModelName: { jsonName: type } } for every exported model. */
const DUMP_MODELS = `
const all = require(process.argv[1]);
const out = {};
for (const [name, model] of Object.entries(all)) {
  if (typeof model?.getAttributeTypeMap === 'function') {
    out[name] = Object.fromEntries(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  }
}
process.stdout.write(JSON.stringify(out));
`;

/** A collection path that accepts POST: /api/v1/... (core) or /apis/<group>/<version>/..., maybe namespaced. */
const CREATE_PATH = /^\/(?:api|apis\/([^/{]+))\/(v[a-z0-9]+)\/(namespaces\/\{namespace\}\/)?[a-z]+$/;

let loaded: KubeTypes | undefined;

export function kubeTypes(): KubeTypes {
  loaded ??= readCache() ?? writeCache(generate());
  return loaded;
}

function cacheFile(): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(CLIENT_DIR, 'package.json'), 'utf8'));
  return path.resolve(CLIENT_DIR, '..', '..', '.cache', 'cdk8s-rwop-harness', `kube-types-${version}.json`);
}

function readCache(): KubeTypes | undefined {
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile(), 'utf8'));
    return cached.format === CACHE_FORMAT ? cached : undefined;
  } catch {
    return undefined;
  }
}

/** Jest runs test files in parallel workers: write a private temp file, then rename it into place atomically. */
function writeCache(types: KubeTypes): KubeTypes {
  const file = cacheFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ format: CACHE_FORMAT, ...types }));
  fs.renameSync(tmp, file);
  return types;
}

function generate(): KubeTypes {
  const output = execFileSync(process.execPath, ['-e', DUMP_MODELS, path.join(GEN_DIR, 'models', 'all.js')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'], // keep Node's require(esm) warning out of the test output
  });
  const models: Record<string, FieldTypes> = JSON.parse(output);
  return { models, kinds: creatableKinds(models) };
}

/**
 * Reads the generated API classes: each create request names its collection path (giving group, version and
 * scope) and the model it serializes (giving the kind). The dist folder also holds stale API files from older
 * releases; their models are no longer exported, which is how they are told apart.
 */
function creatableKinds(models: Record<string, FieldTypes>): Record<string, KindEntry> {
  const kinds: Record<string, KindEntry> = {};
  const apiDir = path.join(GEN_DIR, 'apis');
  for (const file of fs.readdirSync(apiDir).filter((f) => f.endsWith('Api.js'))) {
    // Each chunk starts at one request's path and ends before the next one: exactly one request.
    for (const chunk of fs.readFileSync(path.join(apiDir, file), 'utf8').split("const localVarPath = '").slice(1)) {
      const match = CREATE_PATH.exec(chunk.slice(0, chunk.indexOf("'")));
      const model = /ObjectSerializer\.serialize\(body, "(\w+)"/.exec(chunk)?.[1];
      if (!match || !chunk.includes('HttpMethod.POST') || !model || !models[model]) continue;
      const [, group, version, namespaced] = match;
      const versionToken = `V${version.slice(1)}`; // v1beta1 -> V1beta1, the prefix (after any group prefix) of model names
      const kind = model.slice(model.indexOf(versionToken) + versionToken.length);
      kinds[`${group ? `${group}/` : ''}${version} ${kind}`] = { model, namespaced: Boolean(namespaced) };
    }
  }
  return kinds;
}
