// Synth-time face of the rules engine: our constructs run the rules over the whole app at synth, so a
// hazard that spans objects (a Job mounting our claim, an HPA scaling our Deployment) fails `cdk8s synth` early.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { recordsConstructMetadata, writeConstructPaths } from './construct-paths';
import { runRules } from '../rules';
import type { Finding, Manifest } from '../rules';

/** Context key that silences the warnings printed at synth: `app.node.setContext('rwop:synthWarnings', false)`. */
const SYNTH_WARNINGS_CONTEXT = 'rwop:synthWarnings';

/** Constructs of this library: a finding fails synth only when one of its objects was emitted by one of these. */
const OWN_CONSTRUCTS = new WeakSet<IConstruct>();
/** Roots (apps) that already carry the validation, so that it runs once per synth however many constructs we add. */
const CHECKED_ROOTS = new WeakSet<IConstruct>();

/**
 * Registers `construct` as one of ours and makes sure its app runs the rules engine at synth (`app.synth()`,
 * `Testing.synth`, `cdk8s synth`). Every unsuppressed `error` finding that involves an object emitted inside one of our
 * constructs fails validation, naming the rule, the message and the construct path of every object involved; every
 * such `warning` finding is printed on stderr once per synth and never fails it; `info` findings stay quiet.
 * Findings about objects that are entirely the user's own are left to `rwop audit` and the cdk8s plugin.
 */
export function addSynthChecks(construct: IConstruct): void {
  OWN_CONSTRUCTS.add(construct);
  const root = construct.node.root;
  if (CHECKED_ROOTS.has(root)) return;
  CHECKED_ROOTS.add(root);
  root.node.addValidation({ validate: () => synthErrors(root) });
}

function synthErrors(root: IConstruct): string[] {
  const apiObjects = root.node.findAll().filter(ApiObject.isApiObject);
  const insideAppSynth = isChartRenderInsideAppSynth();
  if (insideAppSynth && apiObjects.every((apiObject) => CHECKED.has(apiObject))) {
    // The app-wide validation of this same synth checked exactly these objects and found nothing: cdk8s validates
    // again before rendering each chart, with no user code in between.
    return [];
  }
  const byPath = new Map<string, ApiObject>();
  const rendered = new Map<ApiObject, any>();
  const manifests: Manifest[] = apiObjects.map((apiObject) => {
    const constructPath = apiObject.node.path;
    byPath.set(constructPath, apiObject);
    forgetRendering(apiObject);
    const object = apiObject.toJson();
    rendered.set(apiObject, object);
    return { object, source: { constructPath } };
  });
  const ours = runRules(manifests)
    .filter((found) => !found.suppressed)
    .filter((found) => found.objects.some((ref) => isOwn(byPath.get(ref.source?.constructPath ?? ''))));
  const errors = ours.filter((found) => found.severity === 'error').map(describe);
  if (!insideAppSynth) {
    // The chart renders inside the same app.synth() come back here with the same objects: say it once per synth.
    printWarnings(root, ours.filter((found) => found.severity === 'warning'));
    recordConstructPaths(root, rendered);
  }
  if (errors.length === 0 && !insideAppSynth) rendered.forEach(reuseRenderingOnce);
  return errors;
}

function printWarnings(root: IConstruct, warnings: readonly Finding[]): void {
  const setting = root.node.tryGetContext(SYNTH_WARNINGS_CONTEXT);
  if (warnings.length === 0 || setting === false || setting === 'false') return;
  const lines = warnings.map((found) => `cdk8s-rwop warning ${describe(found)}\n`);
  process.stderr.write(`${lines.join('')}cdk8s-rwop: ${warnings.length} warning(s) at synth, none fails it; `
    + `silence them with app.node.setContext('${SYNTH_WARNINGS_CONTEXT}', false)\n`);
}

/** Under `cdk8s synth` with validation plugins, tell the plugin each object's construct path by kind as well as name. */
function recordConstructPaths(root: IConstruct, rendered: Map<ApiObject, any>): void {
  const outdir = (root as { outdir?: unknown }).outdir;
  if (!recordsConstructMetadata() || typeof outdir !== 'string') return;
  writeConstructPaths(outdir, [...rendered].map(([apiObject, object]) => ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata?.namespace,
    name: object.metadata?.name,
    path: apiObject.node.path,
  })));
}

/** Objects the last app-wide validation checked and rendered; read only inside the same `app.synth()`. */
const CHECKED = new WeakSet<ApiObject>();

/**
 * cdk8s validates the app and then renders every object again to write it: hand that next render the JSON the checks
 * just made (rendering is most of what the checks cost). One use only, and every validation outside a chart render
 * drops leftovers and renders afresh, so what cdk8s writes is never stale. The one leftover: after
 * `Testing.synth(chart)` in a multi-chart app, the objects of the other charts keep their rendering until the next
 * synth, so a direct `ApiObject.toJson()` on one of them after changing it would not see the change.
 */
function reuseRenderingOnce(object: any, apiObject: ApiObject): void {
  CHECKED.add(apiObject);
  (apiObject as any)[REUSED_RENDERING] = true;
  apiObject.toJson = function reuseRendering(this: ApiObject) {
    dropReusedRendering(this);
    return object;
  };
}

const REUSED_RENDERING = Symbol('cdk8s-rwop.reusedRendering');

function forgetRendering(apiObject: ApiObject): void {
  CHECKED.delete(apiObject);
  dropReusedRendering(apiObject);
}

function dropReusedRendering(apiObject: ApiObject): void {
  if ((apiObject as any)[REUSED_RENDERING]) {
    delete (apiObject as any)[REUSED_RENDERING];
    delete (apiObject as any).toJson;
  }
}

/**
 * Whether this validation is one of those cdk8s runs before rendering each chart inside `App.synth()` or
 * `App.synthYaml()` (call stack: `App._synthChart` ← `Chart.toJson` ← `App.synth[Yaml]`; V8 names the static method
 * `Function._synthChart` under source maps), which follow that call's app-wide validation with no user code in between.
 * Read from the stack because cdk8s passes validations nothing; if cdk8s renames these, the answer is false and the
 * checks simply run again.
 */
function isChartRenderInsideAppSynth(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return /at (?:App|Function)\._synthChart \([^)]*\)\n\s*at Chart\.toJson \([^)]*\)\n\s*at App\.synth(?:Yaml)? \(/.test(stack);
}

function isOwn(apiObject: ApiObject | undefined): boolean {
  return apiObject !== undefined && apiObject.node.scopes.some((scope) => OWN_CONSTRUCTS.has(scope));
}

function describe(found: Finding): string {
  const objects = found.objects.map((ref) => {
    const where = ref.source?.constructPath ? ` (${ref.source.constructPath})` : '';
    return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${where}`;
  });
  return `${found.ruleId}: ${found.message} [objects: ${objects.join('; ')}]`;
}
