// Which single-writer workload mounts which ExclusiveVolume. Two workloads of one app mounting the same volume is an
// error at construction, naming both, because the second pod would wait forever for the ReadWriteOncePod claim.
import * as kplus from 'cdk8s-plus-27';
import { PropChecker } from '../internal/prop-checker';

const MOUNTED_BY = new WeakMap<kplus.IPersistentVolumeClaim, string>();

/** Records that the workload `check` is bound to mounts `claim`; throws if another workload already does. */
export function registerExclusiveMount(claim: kplus.IPersistentVolumeClaim, check: PropChecker, prop: string): void {
  const holder = MOUNTED_BY.get(claim);
  if (holder !== undefined) {
    throw check.fail(prop, claim.node.path,
      `that ExclusiveVolume is already mounted by the workload ${holder}; a ReadWriteOncePod volume can be mounted by one pod only, `
      + 'so the second workload\'s pod would stay Pending forever; accepted: a volume of its own for each workload '
      + '(read the data over the network or from a VolumeSnapshot instead)');
  }
  MOUNTED_BY.set(claim, check.path);
}
