#!/usr/bin/env node
// Rewrites the rule table in README.md from the rule modules in src/rules.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
const { RULES } = require('../src/rules');
const { withRuleTable } = require('../src/rules/rule-table');

const readme = path.join(__dirname, '..', 'README.md');
const before = fs.readFileSync(readme, 'utf-8');
const after = withRuleTable(before, RULES);
fs.writeFileSync(readme, after);
console.log(after === before ? 'README.md rule table is up to date' : `README.md rule table rewritten (${RULES.length} rules)`);
