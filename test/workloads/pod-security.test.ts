import { GIB_20, restrictedViolations, seedCredentials, synthWorkloads, testChart } from './support';
import { DatabaseEngine, SingleWriterDatabase } from '../../src';

/** The pod spec of a default PostgreSQL single writer, rendered afresh for each mutation. */
function postgresPodSpec(): any {
  const chart = testChart();
  new SingleWriterDatabase(chart, 'Db', { engine: DatabaseEngine.postgres(), credentials: seedCredentials(chart), storage: GIB_20 });
  return synthWorkloads(chart).find(m => m.kind === 'Deployment').spec.template.spec;
}

test('the pods of a single writer meet the restricted Pod Security Standard', () => {
  // synthWorkloads checks every workload with the oracle below (and the harness); here the oracle is checked itself.
  expect(restrictedViolations(postgresPodSpec())).toEqual([]);
});

// The oracle must fail on each way out of the standard, or the tests that use it prove nothing.
test.each<[string, (spec: any) => void, RegExp]>([
  ['privilege escalation allowed', spec => { spec.containers[0].securityContext.allowPrivilegeEscalation = true; }, /allowPrivilegeEscalation is not false/],
  ['privilege escalation unset', spec => { delete spec.containers[0].securityContext.allowPrivilegeEscalation; }, /allowPrivilegeEscalation is not false/],
  ['privileged', spec => { spec.containers[0].securityContext.privileged = true; }, /privileged/],
  ['runAsNonRoot unset everywhere', spec => { delete spec.securityContext.runAsNonRoot; delete spec.containers[0].securityContext.runAsNonRoot; }, /runAsNonRoot not true/],
  ['runAsNonRoot false on the container', spec => { spec.containers[0].securityContext.runAsNonRoot = false; }, /runAsNonRoot not true/],
  ['uid 0', spec => { spec.containers[0].securityContext.runAsUser = 0; }, /runAsUser 0/],
  ['no seccomp profile', spec => { delete spec.securityContext.seccompProfile; }, /no seccomp profile/],
  ['seccomp Unconfined on the container', spec => { spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }, /seccomp Unconfined/],
  ['capabilities not dropped', spec => { spec.containers[0].securityContext.capabilities = {}; }, /does not drop ALL/],
  ['a capability added', spec => { spec.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }, /adds capability SYS_ADMIN/],
  ['a hostPath volume', spec => { spec.volumes.push({ name: 'host', hostPath: { path: '/var' } }); }, /volume host is of type hostPath/],
  ['host network', spec => { spec.hostNetwork = true; }, /hostNetwork is true/],
  ['a host port', spec => { spec.containers[0].ports[0].hostPort = 5432; }, /hostPort 5432/],
  ['an unsafe sysctl', spec => { spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }, /sysctl kernel\.msgmax/],
  ['a writable root filesystem', spec => { spec.containers[0].securityContext.readOnlyRootFilesystem = false; }, /root filesystem is writable/],
  ['a service account token', spec => { delete spec.automountServiceAccountToken; }, /automountServiceAccountToken/],
  ['an init container without a security context', spec => { spec.initContainers = [{ name: 'init', image: 'busybox:1.36' }]; },
    /container init allowPrivilegeEscalation/],
])('the oracle catches: %s', (_name, mutate, expected) => {
  const spec = postgresPodSpec();
  mutate(spec);
  expect(restrictedViolations(spec).join('\n')).toMatch(expected);
});
