// The cdk8s validation plugin face of the rules engine: `cdk8s synth` loads this class by name from
// cdk8s.yaml, hands it the synthesized files, and exits 2 when the report is submitted as a failure.
import { promises as fs } from 'fs';
import * as path from 'path';
import { ConstructPaths } from '../core/construct-paths';
import { InputError } from '../core/input-error';
import { parseManifests } from '../core/parse-manifests';
import { isAtLeast, isSeverity, ruleById, runRules, selectRules, SEVERITIES } from '../rules';
import type { Finding, Manifest, ObjectRef, Severity } from '../rules';

/**
 * Options of the `rwop` validation plugin, given as `properties` in `cdk8s.yaml`.
 */
export interface RwopValidationProps {
  /**
   * The lowest severity that fails `cdk8s synth`: `error`, `warning` or `info`. Findings below it are still reported.
   *
   * @default "error"
   */
  readonly failOn?: string;

  /**
   * Run only these rule ids (see the rule table in the README).
   *
   * @default - every rule
   */
  readonly only?: string[];

  /**
   * Do not run these rule ids.
   *
   * @default - none skipped
   */
  readonly skip?: string[];
}

/**
 * A `cdk8s synth` validation plugin that runs the `rwop` rules (the same rules as `rwop audit` and the synth-time checks)
 * over every manifest the app synthesizes.
 *
 * Declare it in `cdk8s.yaml`; `cdk8s synth` then exits 2 and prints each finding with its rule, the construct path and
 * the manifest of every object involved when a finding reaches `failOn`. The path `./node_modules/cdk8s-rwop` loads
 * the copy the app already has (a `package` that does not start with `./` makes cdk8s download the package again into
 * its plugin directory; that works too and fetches nothing but this package):
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-rwop
 *     version: 1.2.3          # exact version, as cdk8s requires
 *     class: RwopValidation
 *     properties:
 *       failOn: warning
 * ```
 *
 * Suppressed findings (`rwop.dev/suppress` with a `rwop.dev/suppress-reason`) are counted in the report's summary,
 * never silently dropped.
 */
export class RwopValidation {
  private readonly failOn: Severity;
  private readonly only?: string[];
  private readonly skip?: string[];

  public constructor(props: RwopValidationProps = {}) {
    const failOn = props.failOn ?? 'error';
    if (!isSeverity(failOn)) {
      throw new Error(`RwopValidation property "failOn" is ${JSON.stringify(failOn)}; accepted: ${SEVERITIES.join(', ')}`);
    }
    for (const [name, value] of [['only', props.only], ['skip', props.skip]] as const) {
      if (value !== undefined && !(Array.isArray(value) && value.every((id) => typeof id === 'string'))) {
        throw new Error(`RwopValidation property "${name}" is ${JSON.stringify(value)}; accepted: a list of rule ids`);
      }
    }
    // Unknown rule ids are a configuration mistake: fail at load time with the list of known ids.
    selectRules({ only: props.only, skip: props.skip });
    this.failOn = failOn;
    this.only = props.only;
    this.skip = props.skip;
  }

  /**
   * Runs the rules over the synthesized manifests and submits the report to cdk8s.
   *
   * @param context the cdk8s CLI's `ValidationContext` (manifests, report)
   */
  public async validate(context: any): Promise<void> {
    const manifests: Manifest[] = [];
    for (const file of context.manifests as string[]) {
      try {
        manifests.push(...parseManifests(await fs.readFile(file, 'utf-8'), file));
      } catch (e) {
        const where = e instanceof InputError ? e.message : `${file}: ${(e as Error).message}`;
        context.report.addViolation({
          ruleName: 'rwop-unreadable-manifest',
          recommendation: `The synthesized manifest could not be read: ${where}`,
          fix: 'Check the app output; this is a bug in the app or in cdk8s-rwop.',
          violatingResources: [{ resourceName: file, locations: [where], manifestPath: file }],
        });
        context.report.submit('failure');
        return;
      }
    }

    const findings = runRules(manifests, { only: this.only, skip: this.skip });
    const reported = findings.filter((found) => !found.suppressed);
    const resources = new ResourceNames(context, manifests);
    for (const found of reported) context.report.addViolation(violationOf(found, resources));

    const failing = reported.filter((found) => isAtLeast(found.severity, this.failOn));
    const count = (severity: Severity) => String(reported.filter((found) => found.severity === severity).length);
    context.report.submit(failing.length > 0 ? 'failure' : 'success', {
      'Fail on': this.failOn,
      'Objects': String(manifests.length),
      'Errors': count('error'),
      'Warnings': count('warning'),
      'Info': count('info'),
      'Suppressed': String(findings.length - reported.length),
    });
  }
}

/**
 * The cdk8s CLI prints a violating resource's construct path by looking its `resourceName` up in the app's construct
 * metadata, which cdk8s keys by `metadata.name` alone: with a Deployment, a Service and a NetworkPolicy named alike,
 * every one would get the path of the last. So each resource is named by kind, namespace and name, and that key is
 * added to the lookup with the path matched by API group, kind, namespace and name (written at synth by our
 * constructs), or, for a name no other synthesized object has, cdk8s's own path. Otherwise no path rather than a wrong one.
 */
class ResourceNames {
  private readonly metadata: Record<string, { path: string } | undefined>;
  private readonly paths: ConstructPaths[];
  private readonly nameCounts = new Map<string, number>();

  public constructor(context: any, manifests: readonly Manifest[]) {
    this.metadata = context.metadata ?? {};
    const dirs = new Set((context.manifests as string[]).map((file) => path.dirname(file)));
    this.paths = [...dirs].map((dir) => ConstructPaths.read(dir));
    for (const { object } of manifests) {
      const name = object?.metadata?.name;
      if (typeof name === 'string') this.nameCounts.set(name, (this.nameCounts.get(name) ?? 0) + 1);
    }
  }

  public nameOf(ref: ObjectRef): string {
    const resourceName = describe(ref);
    const matched = this.paths.map((paths) => paths.find(ref.apiVersion, ref.kind, ref.namespace, ref.name))
      .find((found) => found !== undefined);
    const byName = this.nameCounts.get(ref.name) === 1 ? this.metadata[ref.name]?.path : undefined;
    const constructPath = matched ?? byName;
    if (constructPath !== undefined) this.metadata[resourceName] = { path: constructPath };
    return resourceName;
  }
}

function violationOf(found: Finding, resources: ResourceNames) {
  return {
    ruleName: `${found.ruleId} (${found.severity})`,
    recommendation: found.message,
    fix: ruleById(found.ruleId)?.remediation ?? '',
    violatingResources: found.objects.map((ref) => ({
      resourceName: resources.nameOf(ref),
      locations: [locationOf(ref)],
      manifestPath: ref.source?.file ?? '',
    })),
  };
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? ref.name : `${ref.namespace}/${ref.name}`}`;
}

function locationOf(ref: ObjectRef): string {
  return `${describe(ref)}${ref.source?.line === undefined ? '' : ` (line ${ref.source.line})`}`;
}
