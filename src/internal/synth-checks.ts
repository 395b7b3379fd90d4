// Synth-time face of the rules engine (DESIGN.md §3): our constructs run the rules over the whole app at synth, so a
// hazard that spans objects (a Job mounting our claim, an HPA scaling our Deployment) fails `cdk8s synth` early.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { runRules } from '../rules';
import type { Finding, Manifest } from '../rules';

/** Constructs of this library: a finding fails synth only when one of its objects was emitted by one of these. */
const OWN_CONSTRUCTS = new WeakSet<IConstruct>();
/** Roots (apps) that already carry the validation, so that it runs once per synth however many constructs we add. */
const CHECKED_ROOTS = new WeakSet<IConstruct>();

/**
 * Registers `construct` as one of ours and makes sure its app runs the rules engine at synth (`app.synth()`,
 * `Testing.synth`, `cdk8s synth`). Every unsuppressed `error` finding that involves an object emitted inside one of our
 * constructs fails validation, naming the rule, the message and the construct path of every object involved.
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
  const errors = runRules(manifests)
    .filter((found) => found.severity === 'error' && !found.suppressed)
    .filter((found) => found.objects.some((ref) => isOwn(byPath.get(ref.source?.constructPath ?? ''))))
    .map(describe);
  if (errors.length === 0) rendered.forEach(reuseRenderingOnce);
  return errors;
}

/**
 * cdk8s validates the app and then renders every object again to write it: hand that next render the JSON the checks
 * just made (rendering is a third of synth time for a database stack). One use only, and every validation drops any
 * leftover first, so whatever cdk8s writes (it always validates right before rendering) is rendered after the last
 * change. The one leftover: after `Testing.synth(chart)` in a multi-chart app, the objects of the other charts keep
 * their rendering until the next synth, so a direct `ApiObject.toJson()` on one of them after changing it would not
 * see the change.
 */
function reuseRenderingOnce(object: any, apiObject: ApiObject): void {
  (apiObject as any)[REUSED_RENDERING] = true;
  apiObject.toJson = function reuseRendering(this: ApiObject) {
    forgetRendering(this);
    return object;
  };
}

const REUSED_RENDERING = Symbol('cdk8s-rwop.reusedRendering');

function forgetRendering(apiObject: ApiObject): void {
  if ((apiObject as any)[REUSED_RENDERING]) {
    delete (apiObject as any)[REUSED_RENDERING];
    delete (apiObject as any).toJson;
  }
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
