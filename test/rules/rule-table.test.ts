import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../src/rules';
import { ruleTableMarkdown, RULE_TABLE_END, RULE_TABLE_START, withRuleTable } from '../../src/rules/rule-table';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');

describe('the README rule table', () => {
  test('README.md holds exactly the table the rule modules render (run `npx projen docs:rules` after changing a rule)', () => {
    expect(README).toContain(RULE_TABLE_START);
    expect(withRuleTable(README, RULES)).toBe(README);
  });

  test('every rule has a row with its id, severity and summary, and a module file of that name', () => {
    const table = ruleTableMarkdown(RULES);
    expect(table.split('\n')).toHaveLength(RULES.length + 2);
    for (const rule of RULES) {
      expect(table).toContain(`| [\`${rule.id}\`](https://github.com/cdk8s-rwop/cdk8s-rwop/blob/main/src/rules/${rule.id}.ts) | ${rule.severity} | ${rule.summary.replace(/\|/g, '\\|')} |`);
      expect(fs.existsSync(path.join(__dirname, '..', '..', 'src', 'rules', `${rule.id}.ts`))).toBe(true);
    }
  });

  test('a table that drifted is replaced, and missing markers are an error that says what to add', () => {
    const drifted = `# x\n${RULE_TABLE_START}\n| stale |\n${RULE_TABLE_END}\nafter\n`;
    expect(withRuleTable(drifted, RULES)).toBe(`# x\n${RULE_TABLE_START}\n${ruleTableMarkdown(RULES)}\n${RULE_TABLE_END}\nafter\n`);
    expect(() => withRuleTable('# no table\n', RULES)).toThrow(/no rule table markers: add the lines/);
  });
});
