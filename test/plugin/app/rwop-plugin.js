// The plugin as cdk8s loads it (`require()` of a package, then the class by name), from the sources under test:
// the published package exports the same class from lib/index.js.
'use strict';
const path = require('node:path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', '..', 'tsconfig.json') });
module.exports = require('../../../src');
