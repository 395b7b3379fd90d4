import { ApiObjectMetadata } from 'cdk8s';
import { PropChecker } from './prop-checker';
import {
  DNS1123_LABEL_RULE, DNS1123_SUBDOMAIN_RULE, LABEL_VALUE_RULE, QUALIFIED_NAME_RULE,
  isDns1123Label, isDns1123Subdomain, isLabelValue, isQualifiedName,
} from '../core/names';

/**
 * Eager checks of user-given metadata, so that a bad name or label fails at construction with the construct path
 * instead of at `kubectl apply`.
 */
export function validateMetadata(check: PropChecker, metadata: ApiObjectMetadata | undefined, clusterScoped: boolean): void {
  if (!metadata) return;
  const fields = check.nested('metadata');
  if (metadata.name !== undefined && !isDns1123Subdomain(metadata.name)) {
    throw fields.fail('name', metadata.name, `accepted: ${DNS1123_SUBDOMAIN_RULE}`);
  }
  if (metadata.namespace !== undefined) {
    if (clusterScoped) {
      throw fields.fail('namespace', metadata.namespace, `accepted: nothing, ${check.construct} is cluster-scoped`);
    }
    if (!isDns1123Label(metadata.namespace)) {
      throw fields.fail('namespace', metadata.namespace, `accepted: ${DNS1123_LABEL_RULE}`);
    }
  }
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    if (!isQualifiedName(key)) {
      throw fields.fail('labels', key, `accepted label keys: ${QUALIFIED_NAME_RULE}`);
    }
    if (typeof value !== 'string' || !isLabelValue(value)) {
      throw fields.fail(`labels["${key}"]`, value, `accepted: ${LABEL_VALUE_RULE}`);
    }
  }
  for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
    if (!isQualifiedName(key)) {
      throw fields.fail('annotations', key, `accepted annotation keys: ${QUALIFIED_NAME_RULE}`);
    }
    if (typeof value !== 'string') {
      throw fields.fail(`annotations["${key}"]`, value, 'accepted: a string (quote numbers and booleans)');
    }
  }
}
