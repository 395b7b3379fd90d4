import { Chart, ChartProps, Testing } from 'cdk8s';
import { RwopErrors } from '../../src';
import { expectValidManifests } from '../harness';

/** A chart whose path is `Test`, so that the construct paths in error messages are predictable. */
export function testChart(props?: ChartProps): Chart {
  return new Chart(Testing.app(), 'Test', props);
}

/** Synthesizes the chart and schema-validates every object it holds. */
export function synthValid(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  expectValidManifests(manifests);
  return manifests;
}

/** The one object of this kind (and name, when given) among the manifests. */
export function only(manifests: any[], kind: string, name?: string): any {
  const found = manifests.filter(m => m.kind === kind && (name === undefined || m.metadata?.name === name));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The annotations every prune-protected object carries. */
export const PRUNE_PROTECTION = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
  'helm.sh/resource-policy': 'keep',
};

/**
 * Asserts that `build` throws one of our prop errors: a plain Error (not a TypeError from a missing check) whose
 * message starts with `<path>: <construct> prop "<prop>" ` and matches `detail` (what is accepted, or why not).
 */
export function expectPropError(build: () => unknown, path: string, construct: string, prop: string, detail: RegExp): void {
  let error: unknown;
  try {
    build();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(TypeError);
  const message = (error as Error).message;
  expect(message).toMatch(new RegExp(`^${escapeRegExp(`${path}: ${construct} prop "${prop}" `)}`));
  expect(message).toMatch(detail);
  // The same facts, typed, for callers that react to one prop.
  expect(RwopErrors.validationDetails(error)).toMatchObject({ constructPath: path, construct, prop, message });
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
