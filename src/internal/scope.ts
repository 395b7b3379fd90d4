import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Cluster-scoped objects must not carry a namespace, but cdk8s copies the chart's namespace into every object.
 */
export function dropNamespace(apiObject: ApiObject): void {
  if (apiObject.metadata.namespace !== undefined) {
    apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
