// How many cases a property test generates: its local default times RWOP_PROPERTY_SCALE (1 when unset). The defaults
// keep a local run quick; CI sets a larger scale (.ci/run) to search wider on every submission.
export function propertyRuns(localDefault: number): number {
  const configured = process.env.RWOP_PROPERTY_SCALE;
  if (configured === undefined || configured === '') return localDefault;
  const scale = Number(configured);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`RWOP_PROPERTY_SCALE must be a number above 0; got "${configured}"`);
  return Math.max(1, Math.round(localDefault * scale));
}
