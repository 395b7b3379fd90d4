// What runs in a single writer's pod, handed from SingleWriterDatabase (its DatabaseEngine) to SingleWriterWorkload.
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PodIdentity } from './pod-security';
import { WritableDirectory } from './single-writer-workload';

/** Slack between the shutdown budget and SIGKILL. */
export const GRACE_MARGIN_SECONDS = 5;

/**
 * Hands the container a subclass derived (e.g. from a `DatabaseEngine`) to the `SingleWriterWorkload` constructor;
 * a symbol, so that no caller can set it by accident.
 */
export const CONTAINER = Symbol('rwop.singleWriterContainer');

/** The container a single writer runs, as `SingleWriterWorkload` and `SingleWriterDatabase` describe it. */
export interface SingleWriterContainer {
  readonly containerName: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly port: number;
  readonly portName: string;
  readonly mountPath: string;
  readonly identity: PodIdentity;
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

/** What the engine runs in the single-writer container; see SingleWriterDatabase. */
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
