// Synth-time face of the rules engine: our constructs run the rules over the whole app at synth, so a
// hazard that spans objects (a Job mounting our claim, an HPA scaling our Deployment) fails `cdk8s synth` early.
//
// One validation per app, on its root. cdk8s runs every validation of the app once before writing and again before
// rendering each chart (`app.synth()` and `app.synthYaml()`: 1 + the number of charts; `Testing.synth(chart)`: 1), and
// passes a validation nothing that tells these apart. So every run renders afresh what the rules read, and nothing
// that could go stale is kept: the rules run again only when that rendering differs from the last one they saw.
// Warnings are printed when a synth starts writing our objects (each is written once per synth), not per validation.
import { createHash } from 'crypto';
import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { PropChecker } from './prop-checker';
import { recordsConstructMetadata, writeConstructPaths } from '../core/construct-paths';
import { identityOf, isContentKind, runRules } from '../rules';
import type { Finding, Manifest } from '../rules';
import type { DatabaseCredentials } from '../workloads/database-credentials';

/** Context key that silences the warnings printed at synth: `app.node.setContext('rwop:synthWarnings', false)`. */
const SYNTH_WARNINGS_CONTEXT = 'rwop:synthWarnings';

/** Constructs of this library: a finding fails synth only when one of its objects was emitted by one of these. */
const OWN_CONSTRUCTS = new WeakSet<IConstruct>();
/** The checks of each app, by root. */
const APP_CHECKS = new WeakMap<IConstruct, AppChecks>();

/**
 * Registers `construct` as one of ours and makes sure its app runs the rules engine at synth (`app.synth()`,
 * `Testing.synth`, `cdk8s synth`). Every unsuppressed `error` finding that involves an object emitted inside one of our
 * constructs fails validation, naming the rule, the message and the construct path of every object involved; every
 * such `warning` finding is printed on stderr once per synth and never fails it; `info` findings stay quiet.
 * Findings about objects that are entirely the user's own are left to `rwop audit` and the cdk8s plugin.
 */
export function addSynthChecks(construct: IConstruct): void {
  OWN_CONSTRUCTS.add(construct);
  appChecksOf(construct);
}

/**
 * At synth, checks the keys of a database's `credentials` against the Secret they name when the app defines it: a
 * missing key stops the container at start ("couldn't find key password in Secret ...", CreateContainerConfigError).
 * The Secret is the kplus Secret given, or a Secret of the app with the name given in `namespace`; a Secret the app
 * does not define, or defines without any data (filled in by something else), is not checked.
 */
export function addSecretKeyCheck(
  construct: IConstruct, credentialsCheck: PropChecker, credentials: DatabaseCredentials, namespace: string | undefined,
): void {
  appChecksOf(construct).secretKeyChecks.push({ construct, credentialsCheck, credentials, namespace });
}

function appChecksOf(construct: IConstruct): AppChecks {
  const root = construct.node.root;
  let checks = APP_CHECKS.get(root);
  if (!checks) {
    const created = new AppChecks(root);
    root.node.addValidation({ validate: () => created.validate() });
    APP_CHECKS.set(root, created);
    checks = created;
  }
  return checks;
}

interface SecretKeyCheck {
  readonly construct: IConstruct;
  /** The construct's checker for the credentials prop: errors name `<prop>.passwordKey`. */
  readonly credentialsCheck: PropChecker;
  readonly credentials: DatabaseCredentials;
  readonly namespace: string | undefined;
}

/** Our objects carry a marker that counts their renders; set while the checks render, which are not writes. */
let checksRendering = false;
const MARKED = new WeakSet<ApiObject>();
const WRITE_MARKER = 'rwop.dev/written';

class AppChecks {
  public readonly secretKeyChecks: SecretKeyCheck[] = [];
  /** What the rules last saw (a digest of the rendering), and what they found about our objects. */
  private lastInput?: string;
  private lastFindings: Finding[] = [];
  /** How many objects are ours, at the last validation. */
  private ownObjects = 0;
  /** Renders of our objects other than the checks' own: cdk8s writing them at synth, or a direct `toJson()`. */
  private writes = 0;
  /** `writes` when warnings were last printed, and the validations run since. */
  private printedAtWrites?: number;
  private validationsSincePrint = 0;
  /** `writes` when construct paths were last recorded. */
  private recordedAtWrites?: number;
  /**
   * One marker for all our objects of the app: resolves to nothing, and prints the warnings when a synth starts
   * writing our objects (the first write after a validation, once all our objects were written since the last print).
   */
  private readonly writeMarker = Lazy.any({
    produce: () => {
      if (checksRendering) return undefined;
      const writtenSince = this.printedAtWrites === undefined ? Infinity : this.writes - this.printedAtWrites;
      if (this.validationsSincePrint > 0 && writtenSince >= this.ownObjects) {
        this.printedAtWrites = this.writes;
        this.validationsSincePrint = 0;
        this.printWarnings(this.lastFindings.filter((found) => found.severity === 'warning'));
      }
      this.writes++;
      return undefined;
    },
  });

  public constructor(private readonly root: IConstruct) {}

  public validate(): string[] {
    const constructs = this.root.node.findAll();
    const apiObjects = constructs.filter(ApiObject.isApiObject);
    let manifests: Manifest[];
    let secretErrors: string[];
    checksRendering = true;
    try {
      manifests = apiObjects.map((apiObject) => ({ object: renderForRules(apiObject), source: { constructPath: apiObject.node.path } }));
      secretErrors = this.secretKeyErrors(constructs, apiObjects);
    } finally {
      checksRendering = false;
    }
    // The digest covers every object's path too, so whether an object is ours cannot change while it stays the same.
    const input = createHash('sha1').update(JSON.stringify(manifests)).digest('base64');
    const changed = input !== this.lastInput;
    if (changed) {
      const byPath = new Map(apiObjects.map((apiObject) => [apiObject.node.path, apiObject]));
      this.lastFindings = runRules(manifests)
        .filter((found) => !found.suppressed && found.severity !== 'info')
        .filter((found) => found.objects.some((ref) => isOwn(byPath.get(ref.source?.constructPath ?? ''))));
      this.lastInput = input;
    }
    this.ownObjects = this.markOwnObjects(apiObjects);
    this.validationsSincePrint++;
    if (changed || this.recordedAtWrites !== this.writes) {
      this.recordedAtWrites = this.writes;
      this.recordConstructPaths(manifests);
    }
    return [...secretErrors, ...this.lastFindings.filter((found) => found.severity === 'error').map(describe)];
  }

  /**
   * Gives each of our objects the marker (a metadata entry that renders as nothing: the output is unchanged); returns
   * how many objects are ours.
   */
  private markOwnObjects(apiObjects: readonly ApiObject[]): number {
    let own = 0;
    for (const apiObject of apiObjects) {
      if (!isOwn(apiObject)) continue;
      own++;
      if (MARKED.has(apiObject)) continue;
      MARKED.add(apiObject);
      apiObject.metadata.add(WRITE_MARKER, this.writeMarker);
    }
    return own;
  }

  private secretKeyErrors(constructs: readonly IConstruct[], apiObjects: readonly ApiObject[]): string[] {
    if (this.secretKeyChecks.length === 0) return [];
    // A construct that failed and was removed from its scope is not checked.
    const inApp = new Set(constructs);
    const secrets = new Map<string, ApiObject>();
    for (const apiObject of apiObjects) {
      const key = secretKey(apiObject.metadata.namespace, apiObject.name);
      if (apiObject.kind === 'Secret' && !secrets.has(key)) secrets.set(key, apiObject);
    }
    return this.secretKeyChecks.filter((check) => inApp.has(check.construct)).flatMap((check) => {
      const secret = check.credentials.secret instanceof kplus.Secret
        ? ApiObject.of(check.credentials.secret)
        : secrets.get(secretKey(check.namespace, check.credentials.secretName));
      return secret ? missingKeyErrors(check, secret) : [];
    });
  }

  private printWarnings(warnings: readonly Finding[]): void {
    const setting = this.root.node.tryGetContext(SYNTH_WARNINGS_CONTEXT);
    if (warnings.length === 0 || setting === false || setting === 'false') return;
    const lines = warnings.map((found) => `cdk8s-rwop warning ${describe(found)}\n`);
    process.stderr.write(`${lines.join('')}cdk8s-rwop: ${warnings.length} warning(s) at synth, none fails it; `
      + `silence them with app.node.setContext('${SYNTH_WARNINGS_CONTEXT}', false)\n`);
  }

  /** Under `cdk8s synth` with validation plugins, tell the plugin each object's construct path by kind as well as name. */
  private recordConstructPaths(manifests: readonly Manifest[]): void {
    const outdir = (this.root as { outdir?: unknown }).outdir;
    if (!recordsConstructMetadata() || typeof outdir !== 'string') return;
    writeConstructPaths(outdir, manifests.map(({ object, source }) => ({
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata?.namespace,
      name: object.metadata?.name,
      path: source!.constructPath!,
    })));
  }
}

/** The whole object for a kind the rules read; its identity (cheap: no spec is built) for any other. */
function renderForRules(apiObject: ApiObject): Record<string, any> {
  if (isContentKind(apiObject.kind)) return apiObject.toJson();
  return identityOf({ apiVersion: apiObject.apiVersion, kind: apiObject.kind, metadata: apiObject.metadata.toJson() });
}

function secretKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}\u0000${name ?? ''}`;
}

function missingKeyErrors(check: SecretKeyCheck, secret: ApiObject): string[] {
  const json = secret.toJson();
  const keys = [...new Set([...Object.keys(json.data ?? {}), ...Object.keys(json.stringData ?? {})])].sort();
  if (keys.length === 0) return [];
  const errors: string[] = [];
  for (const [keyProp, key] of [['passwordKey', check.credentials.passwordKey], ['usernameKey', check.credentials.usernameKey]] as const) {
    if (key === undefined || keys.includes(key)) continue;
    errors.push(check.credentialsCheck.fail(keyProp, key,
      `Secret ${secret.name} (${secret.node.path}) has no key "${key}", only ${keys.map((each) => `"${each}"`).join(', ')}, `
      + 'so the container would never start (CreateContainerConfigError); accepted: one of its keys, or add the key to the Secret').message);
  }
  return errors;
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
