import { isQualifiedName } from '../core/names';
import { PropChecker } from '../internal/prop-checker';

/** kube-linter ignores a check on an object annotated `ignore-check.kube-linter.io/<check>: <reason>`. */
const KUBE_LINTER_PREFIX = 'ignore-check.kube-linter.io/';
/** Polaris exempts a controller from a check annotated `polaris.fairwinds.com/<check>-exempt: "true"`. */
const POLARIS_PREFIX = 'polaris.fairwinds.com/';
/** Polaris has no place for a reason, so it is kept next to the exemption under our own prefix. */
const POLARIS_REASON_PREFIX = 'rwop.dev/polaris-exempt-reason.';

/**
 * An annotation that exempts a workload from a third-party linter check it fails on purpose, always with a reason.
 *
 * A single writer runs one replica with the `Recreate` strategy by design; general-purpose linters flag exactly that.
 *
 * @see https://docs.kubelinter.io/#/configuring-kubelinter?id=ignoring-violations-for-specific-cases
 * @see https://polaris.docs.fairwinds.com/customization/exemptions/
 */
export class LinterExemption {
  /**
   * kube-linter's `no-rolling-update-strategy`: a second pod would wait forever for the ReadWriteOncePod volume,
   * so the workload uses `Recreate`.
   */
  public static kubeLinterNoRollingUpdateStrategy(reason?: string): LinterExemption {
    return LinterExemption.kubeLinter('no-rolling-update-strategy',
      reason ?? 'single writer: Recreate, since a surged second pod would wait forever for the ReadWriteOncePod volume');
  }

  /** kube-linter's `minimum-three-replicas`: a single writer has exactly one replica. */
  public static kubeLinterMinimumThreeReplicas(reason?: string): LinterExemption {
    return LinterExemption.kubeLinter('minimum-three-replicas',
      reason ?? 'single writer: exactly one pod may mount the ReadWriteOncePod volume');
  }

  /** Polaris's `deploymentMissingReplicas`: a single writer has exactly one replica. */
  public static polarisDeploymentMissingReplicas(reason?: string): LinterExemption {
    return LinterExemption.polaris('deploymentMissingReplicas',
      reason ?? 'single writer: exactly one pod may mount the ReadWriteOncePod volume');
  }

  /** Any kube-linter check, e.g. `kubeLinter("no-anti-affinity", "one replica, nothing to spread")`. */
  public static kubeLinter(check: string, reason: string): LinterExemption {
    return new LinterExemption('kube-linter', check, reason, { [`${KUBE_LINTER_PREFIX}${check}`]: reason?.trim?.() });
  }

  /** Any Polaris check; the reason goes to `rwop.dev/polaris-exempt-reason.<check>`, since Polaris's value is `"true"`. */
  public static polaris(check: string, reason: string): LinterExemption {
    return new LinterExemption('Polaris', check, reason, {
      [`${POLARIS_PREFIX}${check}-exempt`]: 'true',
      [`${POLARIS_REASON_PREFIX}${check}`]: reason?.trim?.(),
    });
  }

  /** The linter: `kube-linter` or `Polaris`. */
  public readonly linter: string;

  /** The check's name in that linter. */
  public readonly check: string;

  /** Why the workload fails the check on purpose. */
  public readonly reason: string;

  private readonly annotations: { [key: string]: string };

  private constructor(linter: string, check: string, reason: string, annotations: { [key: string]: string }) {
    this.linter = linter;
    this.check = check;
    this.reason = reason;
    this.annotations = annotations;
  }

  /**
   * The annotations to set, after checking the check name and the reason.
   *
   * @internal
   */
  public _annotations(checker: PropChecker, prop: string): { [key: string]: string } {
    if (typeof this.check !== 'string' || !Object.keys(this.annotations).every(isQualifiedName)) {
      throw checker.fail(prop, this.check,
        `accepted: a ${this.linter} check name of letters, digits, "-", "_" and ".", e.g. "no-rolling-update-strategy"`);
    }
    if (typeof this.reason !== 'string' || this.reason.trim() === '') {
      throw checker.fail(`${prop} (${this.linter} ${this.check}).reason`, this.reason,
        'accepted: a non-empty sentence saying why the workload fails this check on purpose');
    }
    return { ...this.annotations };
  }
}
