// Every rule, in the order of the README's rule table. Each lives in `src/rules/<id>.ts`.
import { duplicateObject } from './duplicate-object';
import { literalSecretEnv } from './literal-secret-env';
import { pdbBlocksDrains } from './pdb-blocks-drains';
import { pdbMinAndMaxAvailable } from './pdb-min-and-max-available';
import { pdbSelectsNothing } from './pdb-selects-nothing';
import { podInSeveralPdbs } from './pod-in-several-pdbs';
import { prestopExceedsGrace } from './prestop-exceeds-grace';
import { removedApiVersion } from './removed-api-version';
import { restoreSmallerThanSource } from './restore-smaller-than-source';
import type { Rule } from './rule';
import { rwoRollingUpdateSurge } from './rwo-rolling-update-surge';
import { rwopClaimReplicated } from './rwop-claim-replicated';
import { rwopClaimShared } from './rwop-claim-shared';
import { rwopCronjobOverlap } from './rwop-cronjob-overlap';
import { rwopInTreeProvisioner } from './rwop-in-tree-provisioner';
import { rwopJobMountsHeldClaim } from './rwop-job-mounts-held-claim';
import { rwopMixedAccessModes } from './rwop-mixed-access-modes';
import { rwopPreemptsHolder } from './rwop-preempts-holder';
import { rwopRollingUpdateSurge } from './rwop-rolling-update-surge';
import { snapshotDriverMismatch } from './snapshot-driver-mismatch';
import { suppressionWithoutReason } from './suppression-without-reason';
import { unpinnedImage } from './unpinned-image';
import { volumeSnapshotClassInvalid } from './volume-snapshot-class-invalid';
import { volumeSnapshotInvalid } from './volume-snapshot-invalid';

export const RULES: readonly Rule[] = [
  rwopClaimShared,
  rwopClaimReplicated,
  rwopRollingUpdateSurge,
  rwoRollingUpdateSurge,
  rwopMixedAccessModes,
  rwopInTreeProvisioner,
  rwopJobMountsHeldClaim,
  rwopCronjobOverlap,
  pdbBlocksDrains,
  pdbMinAndMaxAvailable,
  pdbSelectsNothing,
  podInSeveralPdbs,
  prestopExceedsGrace,
  volumeSnapshotInvalid,
  volumeSnapshotClassInvalid,
  restoreSmallerThanSource,
  snapshotDriverMismatch,
  rwopPreemptsHolder,
  duplicateObject,
  removedApiVersion,
  literalSecretEnv,
  unpinnedImage,
  suppressionWithoutReason,
];

/** The rule with this id, or undefined. */
export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
