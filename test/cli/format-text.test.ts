import { formatText } from '../../src/cli/format-text';
import { RULES } from '../../src/rules';
import type { Finding } from '../../src/rules';

// The CLI always knows the file of what it read; other faces (or a future one) may hand findings without one.
test('an object without a file is named Kind namespace/name, a cluster-scoped one Kind name', () => {
  const findings: Finding[] = [{
    ruleId: 'rwop-in-tree-provisioner',
    severity: 'error',
    message: 'the message',
    objects: [
      { kind: 'PersistentVolumeClaim', name: 'd', namespace: 'default' },
      { kind: 'StorageClass', name: 'legacy' },
      { kind: 'StorageClass', name: 'other', source: { file: 'sc.yaml' } },
    ],
  }];
  const text = formatText({ findings, rules: RULES, objectCount: 2, failOn: 'warning', cwd: '/', skipped: [], strict: false });
  expect(text).toBe('PersistentVolumeClaim default/d: error rwop-in-tree-provisioner: the message [also: StorageClass legacy; StorageClass other at sc.yaml]\n'
    + `rwop audit: 2 objects, ${RULES.length} rules: 1 error, 0 warnings, 0 info, 0 suppressed (fails --fail-on warning)\n`);
});
