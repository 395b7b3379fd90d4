// The container a workload runs, once its `WorkloadContainer` has been checked: what the engine or the image runs,
// its defaults, probes and shutdown. Engines describe their server with it; the workloads render it.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PodIdentity, ScratchDirectory } from './pod-security';
import { shownValue, wholeSeconds } from './validation';
import type { WritableDirectory } from './writable-directory';
import { PropChecker } from '../internal/prop-checker';

/** Slack between the shutdown budget and SIGKILL. */
export const GRACE_MARGIN_SECONDS = 5;

const DEFAULT_SCRATCH_SIZE = Size.mebibytes(256);

/** What a database engine runs in the workload's container. */
export interface EngineContainer {
  readonly image: string;
  readonly args?: string[];
  readonly env: { [name: string]: kplus.EnvValue };
  readonly writableDirectories: readonly WritableDirectory[];
  readonly preStopCommand?: string[];
  readonly preStopTimeout: Duration;
  readonly shutdownBudget: Duration;
  readonly startupProbe: kplus.Probe;
  readonly livenessProbe: kplus.Probe;
  readonly readinessProbe: kplus.Probe;
  readonly resources: kplus.ContainerResources;
}

/** The container a workload runs, an engine's server or an image, checked and with every default filled in. */
export interface ContainerSpec extends EngineContainer {
  readonly containerName: string;
  readonly command?: string[];
  readonly port: number;
  readonly portName: string;
  readonly mountPath: string;
  readonly identity: PodIdentity;
}

type Probes = Pick<ContainerSpec, 'startupProbe' | 'livenessProbe' | 'readinessProbe'>;

/**
 * Startup, liveness and readiness probes from one health command. Crash recovery can take minutes: up to 15 minutes
 * to start before liveness may restart the container.
 */
export function commandProbes(command: string[]): Probes {
  return probes(options => kplus.Probe.fromCommand(command, options));
}

/** The same probes as `commandProbes`, by a TCP connection to the port. */
export function tcpProbes(port: number): Probes {
  return probes(options => kplus.Probe.fromTcpSocket({ port, ...options }));
}

function probes(probe: (options: kplus.ProbeOptions) => kplus.Probe): Probes {
  const every = (period: number, failures: number) => probe({
    periodSeconds: Duration.seconds(period), failureThreshold: failures, timeoutSeconds: Duration.seconds(5),
  });
  return { startupProbe: every(10, 90), livenessProbe: every(10, 6), readinessProbe: every(5, 3) };
}

/**
 * The pod's termination grace period: it counts from before the preStop hook, so it covers the preStop timeout, then
 * the shutdown budget after SIGTERM, plus a margin. A given one shorter than that is an error.
 */
export function terminationGrace(check: PropChecker, spec: ContainerSpec, given: Duration | undefined): Duration {
  const minimum = spec.preStopTimeout.toSeconds() + spec.shutdownBudget.toSeconds() + GRACE_MARGIN_SECONDS;
  if (given === undefined) return Duration.seconds(minimum);
  const seconds = given instanceof Duration ? wholeSeconds(given) : undefined;
  if (seconds === undefined || seconds < minimum) {
    const shown = seconds !== undefined ? `${seconds}s` : shownValue(given);
    throw check.fail('terminationGracePeriod', shown,
      `it counts from before the preStop hook, so it must cover the preStop timeout (${spec.preStopTimeout.toSeconds()}s) `
      + `plus the shutdown budget (${spec.shutdownBudget.toSeconds()}s) plus ${GRACE_MARGIN_SECONDS}s, or the process is killed `
      + `mid-shutdown; accepted: a Duration of whole seconds, at least ${minimum}s`);
  }
  return given;
}

/**
 * emptyDir volumes named after their paths (`/var/run/postgresql` → `var-run-postgresql`), unique, and never
 * `dataVolumeName`, the name of the pod's data volume.
 */
export function scratchDirectories(directories: readonly WritableDirectory[], dataVolumeName: string): ScratchDirectory[] {
  const names = new Set<string>([dataVolumeName]);
  return directories.map((directory) => {
    const base = directory.path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '') || 'root';
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    return { name, path: directory.path, sizeLimit: directory.sizeLimit ?? DEFAULT_SCRATCH_SIZE };
  });
}
