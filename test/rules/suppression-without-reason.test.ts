import { findings, names, pvc } from './support';

const RULE = 'suppression-without-reason';

function annotated(annotations: Record<string, string>) {
  const claim = pvc('data');
  claim.metadata.annotations = annotations;
  return claim;
}

describe(RULE, () => {
  test('rwop.dev/suppress without rwop.dev/suppress-reason, or with a blank one', () => {
    for (const claim of [annotated({ 'rwop.dev/suppress': 'rwop-claim-shared' }), annotated({ 'rwop.dev/suppress': 'rwop-claim-shared', 'rwop.dev/suppress-reason': ' ' })]) {
      const found = findings(RULE, claim);
      expect(found).toHaveLength(1);
      expect(found[0].severity).toBe('warning');
      expect(names(found[0])).toEqual(['PersistentVolumeClaim default/data']);
      expect(found[0].message).toMatch(/has rwop.dev\/suppress: "rwop-claim-shared" but no rwop.dev\/suppress-reason: the suppression is ignored/);
    }
  });

  test('near miss: a suppression with a reason, an empty suppression list, no annotations', () => {
    expect(findings(RULE,
      annotated({ 'rwop.dev/suppress': 'rwop-claim-shared', 'rwop.dev/suppress-reason': 'the debug pod runs only when the database is scaled to 0' }),
      annotated({ 'rwop.dev/suppress': ' , ' }),
      pvc('other'))).toEqual([]);
  });
});
