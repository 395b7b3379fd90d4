import type { Rule } from './rule';
import { asArray, asNumber, asObject, asString, describeRef, finding, isObject } from './support';
import type { Finding, KubeObject } from './types';

const DEFAULT_GRACE_SECONDS = 30;
/** pg_ctl's own default wait (`-t`, or the PGCTLTIMEOUT environment variable). */
const PG_CTL_DEFAULT_TIMEOUT_SECONDS = 60;
const UNIT_SECONDS: Record<string, number> = { '': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400 };

/** The grace period counts from before the preStop hook. */
export const prestopExceedsGrace: Rule = {
  id: 'prestop-exceeds-grace',
  severity: 'warning',
  summary: 'terminationGracePeriodSeconds (default 30) is not longer than a preStop command\'s own timeout (pg_ctl -t, sleep, timeout).',
  remediation: 'Set terminationGracePeriodSeconds above the preStop timeout plus the time the process needs after it (e.g. pg_ctl stop -t 60 → 75), or shorten the timeout.',
  check(index) {
    const findings: Finding[] = [];
    for (const template of index.podTemplates) {
      const spec = template.spec;
      const declared = asNumber(spec.terminationGracePeriodSeconds);
      const grace = declared ?? DEFAULT_GRACE_SECONDS;
      const graceText = declared === undefined ? `${DEFAULT_GRACE_SECONDS} (the default)` : String(declared);
      // Containers, and sidecars (init containers with restartPolicy Always), which also get preStop hooks.
      const containers = [...asArray(spec.containers), ...asArray(spec.initContainers).filter((c) => asObject(c).restartPolicy === 'Always')];
      for (const container of containers.filter(isObject)) {
        const command = asArray(asObject(asObject(asObject(container.lifecycle).preStop).exec).command);
        if (command.length === 0 || !command.every((part) => typeof part === 'string')) continue;
        const steps = preStopWaits(command.join(' '), container);
        const total = steps.reduce((sum, step) => sum + step.seconds, 0);
        if (steps.length === 0 || grace > total) continue;
        findings.push(finding(prestopExceedsGrace,
          `${describeRef(template.workload.ref)} container "${asString(container.name) ?? '<no name>'}": its preStop hook can take ${total} s `
          + `(${steps.map((step) => step.text).join(', ')}), but terminationGracePeriodSeconds is ${graceText}; the grace period counts from `
          + 'before the hook, so the kubelet kills the container (SIGKILL) before the hook and the shutdown after it can finish'
          + (steps.some((step) => step.text.startsWith('pg_ctl')) ? ' (PostgreSQL then needs crash recovery at the next start)' : ''),
          [template.workload.ref]));
      }
    }
    return findings;
  },
};

interface Wait {
  readonly seconds: number;
  readonly text: string;
}

/**
 * The waits a preStop shell command can make, one per step (steps split at `;`, `&&`, `||`, `|` and newlines run one
 * after the other, so their waits add up). In one step, `timeout N ...` bounds the whole step; otherwise the step's
 * `sleep N` or `pg_ctl ... stop` (its `-t N` / `--timeout=N`, or 60 s) counts.
 */
export function preStopWaits(command: string, container: KubeObject): Wait[] {
  const waits: Wait[] = [];
  for (const step of command.split(/;|&&|\|\||\||\n/)) {
    const timeout = /(?:^|[\s(])timeout\s+(?:(?:-s|-k|--signal|--kill-after)[\s=]+\S+\s+|--?[a-z-]+\s+)*(\d+(?:\.\d+)?)([smhd]?)(?=\s|$)/.exec(step);
    if (timeout) {
      waits.push({ seconds: duration(timeout[1], timeout[2]), text: `timeout ${timeout[1]}${timeout[2]}` });
      continue;
    }
    const sleep = /(?:^|[\s(])sleep\s+(\d+(?:\.\d+)?)([smhd]?)(?=\s|$)/.exec(step);
    if (sleep) {
      waits.push({ seconds: duration(sleep[1], sleep[2]), text: `sleep ${sleep[1]}${sleep[2]}` });
      continue;
    }
    if (/(?:^|[\s(/])pg_ctl\s/.test(step) && /\sstop(?=\s|$)/.test(step)) {
      const flag = /\s(?:-t\s*|--timeout[=\s]+)(\d+)(?=\s|$)/.exec(step);
      if (flag) {
        waits.push({ seconds: Number(flag[1]), text: `pg_ctl stop -t ${flag[1]}` });
      } else {
        const fromEnv = Number(envValue(container, 'PGCTLTIMEOUT'));
        const seconds = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : PG_CTL_DEFAULT_TIMEOUT_SECONDS;
        const source = Number.isInteger(fromEnv) && fromEnv > 0 ? 'PGCTLTIMEOUT' : 'its default';
        waits.push({ seconds, text: `pg_ctl stop waits up to ${seconds} s, ${source}` });
      }
    }
  }
  return waits;
}

function duration(amount: string, unit: string): number {
  return Number(amount) * UNIT_SECONDS[unit];
}

function envValue(container: KubeObject, name: string): string | undefined {
  const variable = asArray(container.env).map(asObject).find((env) => env.name === name);
  return variable && asString(variable.value);
}
