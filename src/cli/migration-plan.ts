// `rwop migrate`: what a plan is (its checks, its steps and the objects they apply), and the facts of the claim that
// the steps are built from.
import type { KubeObject } from '../rules/types';

export type MigrationPath = 'in-place' | 'snapshot';

export interface MigrateOptions {
  readonly namespace: string;
  readonly claim: string;
  readonly via: MigrationPath;
  /** The VolumeSnapshotClass of the snapshot path; absent: the one the input shows as the driver's default, else the driver's default. */
  readonly snapshotClass?: string;
  /** @default `<claim>-before-rwop` */
  readonly snapshotName?: string;
}

export type CheckStatus = 'passed' | 'failed' | 'at-run-time';

export interface PlanCheck {
  readonly id: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

/** A workload that mounts the claim, and how the plan stops and restarts it. */
export interface WorkloadUse {
  /** `Deployment/postgres`, `Pod/debug`, ... */
  readonly workload: string;
  /** The pods of it that the input shows, which the plan waits to be gone. */
  readonly pods: readonly string[];
  readonly stop: readonly string[];
  readonly start: readonly string[];
}

/** What a step does to the claim, its volume or its workloads: how the script says where a failed run left them. */
export type StepEffect = 'retain' | 'stop' | 'delete-claim' | 'start' | 'restore-policy';

export interface PlanStep {
  readonly title: string;
  readonly effect?: StepEffect;
  /** Shell lines (bash), in order; `#` lines are comments. */
  readonly commands: readonly string[];
  /** YAML applied by the step's `kubectl apply -f - <<EOF` (the last command), when it has one. */
  readonly manifest?: string;
}

export interface MigrationPlan {
  readonly namespace: string;
  readonly claim: string;
  readonly via: MigrationPath;
  /** True when the checks were made against the input; false: they are verification steps of the script. */
  readonly checkedAgainstInput: boolean;
  readonly checks: readonly PlanCheck[];
  /** True when a check failed: the plan has no steps, the failed checks say why. */
  readonly blocked: boolean;
  /** The PersistentVolume, when the input names it. */
  readonly volume: string | null;
  readonly workloads: readonly WorkloadUse[];
  readonly steps: readonly PlanStep[];
  /** The objects the steps apply (literal values only when the input gave them). */
  readonly objects: readonly KubeObject[];
  /** The commands that undo the steps up to the claim's deletion: start the workloads, restore the reclaim policy. */
  readonly rollback: readonly string[];
  /** The shell variables the first step reads from the cluster and later steps use (no input only): a resumed run needs them given. */
  readonly runTimeFacts: readonly string[];
}

export interface ClaimFacts {
  readonly namespace: string;
  readonly claim: string;
  /** The PV name, or `${PV}` when read at run time. */
  readonly volume: string;
  readonly storageClassName: string;
  /** False when the claim names no class (the cluster's default was, or will be, used). */
  readonly explicitClass: boolean;
  readonly requested: string;
  readonly capacity: string | undefined;
  readonly volumeMode: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly reclaimPolicy: string | undefined;
  readonly managedBy?: string;
}

export type PlanBuild = Pick<MigrationPlan, 'steps' | 'objects' | 'rollback' | 'runTimeFacts'>;
