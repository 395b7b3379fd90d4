// What every workload does with its options and its container: checks them, renders the container for cdk8s-plus and
// places the pods.
import * as kplus from 'cdk8s-plus-27';
import { ContainerSpec } from './container-spec';
import { DisruptionPolicy } from './disruption-policy';
import { restrictedContainerSecurityContext } from './pod-security';
import { describeValue, refuseOtherCpu, requireDuration, requireEnv, requireLabels } from './validation';
import { WorkloadContainer } from './workload-container';
import { WorkloadOptions } from './workload-options';
import { DNS1123_SUBDOMAIN_RULE, LABEL_VALUE_RULE, isDns1123Subdomain, isLabelValue } from '../core/names';
import { OUR_CDK8S_PLUS, refuseOtherCdk8sPlus } from '../internal/cdk8s-plus-origin';
import { PropChecker } from '../internal/prop-checker';

/** Checks a workload's `container` prop and describes the container, with the workload's `env` and `shutdownBudget`. */
export function workloadContainerSpec(check: PropChecker, container: WorkloadContainer, options: WorkloadOptions): ContainerSpec {
  if (!(container instanceof WorkloadContainer)) {
    throw check.fail('container', describeValue(container),
      'accepted: WorkloadContainer.fromImage({ image, port, mountPath }) or WorkloadContainer.fromEngine(engine, { credentials })');
  }
  return container._describe(check.nested('container'), options, check);
}

/** Checks of the options every workload shares. */
export function requireWorkloadOptions(check: PropChecker, props: WorkloadOptions): void {
  if (props.shutdownBudget !== undefined) requireDuration(check, 'shutdownBudget', props.shutdownBudget, 0);
  for (const prop of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
    refuseOtherCdk8sPlus(check, prop, props[prop],
      `pass a Probe of ${OUR_CDK8S_PLUS} (kplus.Probe.fromCommand([...]) or kplus.Probe.fromTcpSocket()), or omit ${prop}: `
      + 'the default checks the port, or runs the database engine\'s own check');
    if (props[prop] !== undefined && !(props[prop] instanceof kplus.Probe)) {
      throw check.fail(prop, describeValue(props[prop]), 'accepted: a kplus.Probe, e.g. kplus.Probe.fromCommand([...])');
    }
  }
  if (props.resources !== undefined && (typeof props.resources !== 'object' || props.resources === null || Array.isArray(props.resources))) {
    throw check.fail('resources', props.resources, 'accepted: kplus.ContainerResources, e.g. { memory: { request: Size.mebibytes(512) } }');
  }
  refuseOtherCpu(check, 'resources', props.resources);
  requireEnv(check, props.env);
  requireLabels(check, 'requiredNodeLabels', props.requiredNodeLabels);
  if (props.zone !== undefined && (typeof props.zone !== 'string' || props.zone === '' || !isLabelValue(props.zone))) {
    throw check.fail('zone', props.zone, `accepted: a zone name (a label value: ${LABEL_VALUE_RULE}), e.g. "eu-west-1a"`);
  }
  for (const toleration of Array.isArray(props.tolerations) ? props.tolerations : []) {
    refuseOtherCdk8sPlus(check, 'tolerations', toleration,
      `pass kplus.NodeTaintQuery.is(key, value) of ${OUR_CDK8S_PLUS}`);
  }
  if (props.tolerations !== undefined && (!Array.isArray(props.tolerations) || !props.tolerations.every(t => t instanceof kplus.NodeTaintQuery))) {
    throw check.fail('tolerations', describeValue(props.tolerations),
      'accepted: a list of kplus.NodeTaintQuery, e.g. [kplus.NodeTaintQuery.is("dedicated", "database")]');
  }
  if (props.priorityClassName !== undefined && (typeof props.priorityClassName !== 'string' || !isDns1123Subdomain(props.priorityClassName))) {
    throw check.fail('priorityClassName', props.priorityClassName, `accepted: the name of a PriorityClass, ${DNS1123_SUBDOMAIN_RULE}`);
  }
  if (props.disruptionPolicy !== undefined && !(props.disruptionPolicy instanceof DisruptionPolicy)) {
    throw check.fail('disruptionPolicy', describeValue(props.disruptionPolicy),
      'accepted: DisruptionPolicy.allowEviction(), DisruptionPolicy.blockVoluntaryEvictions() or DisruptionPolicy.none()');
  }
}

/** The container as cdk8s-plus renders it: restricted, with the options' env, resources and probes over its own. */
export function containerProps(spec: ContainerSpec, options: WorkloadOptions): kplus.ContainerProps {
  return {
    name: spec.containerName,
    image: spec.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    command: spec.command,
    args: spec.args,
    ports: [{ number: spec.port, name: spec.portName }],
    envVariables: { ...spec.env, ...options.env },
    securityContext: restrictedContainerSecurityContext(spec.identity),
    resources: options.resources ?? spec.resources,
    startup: options.startupProbe ?? spec.startupProbe,
    liveness: options.livenessProbe ?? spec.livenessProbe,
    readiness: options.readinessProbe ?? spec.readinessProbe,
    lifecycle: spec.preStopCommand ? { preStop: kplus.Handler.fromCommand(spec.preStopCommand) } : undefined,
  };
}

/** Requires the node labels and zone in one term (a node must match all of them), and tolerates the taints. */
export function placePods(scheduling: kplus.WorkloadScheduling, placement: WorkloadOptions): void {
  const required = [
    ...Object.entries(placement.requiredNodeLabels ?? {}).map(([key, value]) => kplus.NodeLabelQuery.is(key, value)),
    ...(placement.zone !== undefined ? [kplus.NodeLabelQuery.is('topology.kubernetes.io/zone', placement.zone)] : []),
  ];
  if (required.length > 0) {
    scheduling.attract(kplus.Node.labeled(...required));
  }
  for (const toleration of placement.tolerations ?? []) {
    scheduling.tolerate(kplus.Node.tainted(toleration));
  }
}
