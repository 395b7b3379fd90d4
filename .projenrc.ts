import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-rwop',
  description:
    'cdk8s constructs for single-writer stateful workloads on ReadWriteOncePod volumes, and a checker for RWOP hazards in any Kubernetes manifests.',
  author: 'cdk8s-rwop developers',
  authorAddress: 'maintainers@cdk8s-rwop.dev',
  repositoryUrl: 'https://github.com/cdk8s-rwop/cdk8s-rwop.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  keywords: ['cdk8s', 'kubernetes', 'ReadWriteOncePod', 'rwop', 'persistent-volume', 'postgres', 'stateful'],

  // DESIGN.md §6: jsii 6 pins a TypeScript that ts-jest supports; cdk8s 2.68.11 was never published.
  jsiiVersion: '~6.0.0',
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  // The peer range is the version the tests run against (test/peer-range.test.ts checks the installed one). Exact: the
  // constructs depend on how cdk8s-plus renders their objects, and any other release is untested. Widen it only with
  // the lock file moved to the new version and the tests passing there.
  peerDeps: ['cdk8s-plus-27@2.9.5'],
  // The `rwop` CLI reads YAML at run time; a jsii package must bundle a runtime dependency that is not jsii. js-yaml
  // reads large streams fast; yaml reads what needs positions and alias counting (see src/core/yaml-stream.ts).
  // ignore reads .rwopignore and --exclude patterns (gitignore syntax).
  deps: ['yaml@^2.6.0', 'js-yaml@^4.1.0', 'ignore@^7.0.5'],
  bundledDeps: ['yaml', 'js-yaml', 'ignore'],
  // The command is one bundled file (see the compile step): it starts without resolving dozens of modules. Linked
  // a second time as `kubectl-rwop`, the name kubectl looks for on PATH to run `kubectl rwop`.
  bin: { 'rwop': 'lib/cli/rwop.js', 'kubectl-rwop': 'lib/cli/rwop.js' },
  // `main` loads the validation plugin without the peers and the constructs on first use (src/entry.ts).
  entrypoint: 'lib/entry.js',
  entrypointTypes: 'lib/index.d.ts',

  devDeps: [
    'cdk8s-cli@2.207.60',
    'kubernetes-models@4.5.1',
    'ajv@^8.17.1',
    'fast-check@^3.23.0',
    '@kubernetes/client-node@2.0.1',
    'ajv-formats@^3.0.1',
    '@types/node@^20',
    'esbuild@^0.28.2',
    '@types/js-yaml@^4.0.9',
    // gitignore-style matching for `rwop audit` (.rwopignore, --exclude): esbuild bundles it into lib/cli/rwop.js.
  ],

  // Snapshots are reviewed YAML: never rewrite them as a side effect of running the tests.
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // `test` runs the unit tests: no external binary, no subprocess cdk8s CLI. The tests that run PostgreSQL,
      // kubectl, shellcheck, promtool, the cdk8s CLI or the packed package are *.integration.test.ts, and those under
      // test/integration/: `test:integration` runs them.
      testPathIgnorePatterns: ['/node_modules/', '/test/integration/', '\\.integration\\.test\\.ts$'],
      // Coverage costs time on every local run: CI asks for it (`npx projen test --coverage` in .ci/run).
      collectCoverage: false,
    },
  },

  publishToPypi: { distName: 'cdk8s-rwop', module: 'cdk8s_rwop' },
  publishToMaven: {
    javaPackage: 'dev.cdk8srwop',
    mavenGroupId: 'dev.cdk8s-rwop',
    mavenArtifactId: 'cdk8s-rwop',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sRwop', packageId: 'Cdk8sRwop' },
  publishToGo: { moduleName: 'github.com/cdk8s-rwop/cdk8s-rwop-go' },

  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'projenrc', '.projenrc.ts'], ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', 'src/imports/', '**/dist/'] },

  gitignore: ['.tmp/', 'examples/*/dist/', 'examples/*/cdk8s.out/', '.ci/work/'],
  // Anchored: an unanchored scripts/ would also drop lib/backups/scripts, the in-cluster scripts the constructs read.
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/.ci/', '/scripts/', '/vendor/'] },
});

// No import cycles: a module's dependencies must be understandable without the modules that depend on it.
project.eslint?.addRules({ 'import/no-cycle': ['error', { maxDepth: 10 }] });
// Layers, each importing only from those below it: src/core (no cdk8s, no command line: manifest parsing, names, CSI
// drivers, rollouts), then src/rules, then the constructs (and src/internal, their helpers), with the command line and
// the validation plugin on top, beside each other. Below the constructs nothing loads cdk8s, constructs, cdk8s-plus or
// the generated src/imports: the command line and the plugin must run without the peers installed.
const CONSTRUCT_DIRS = ['volumes', 'workloads', 'backups', 'monitoring', 'internal', 'errors', 'imports'];
const PEERS = ['cdk8s', 'cdk8s-plus-27', 'constructs'].map((peer) => `./node_modules/${peer}`);
const layer = (target: string, forbidden: string[], message: string) => ({
  target: `./src/${target}`, from: forbidden.map((dir) => (dir.startsWith('./') ? dir : `./src/${dir}`)), message,
});
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      layer('core', ['rules', 'cli', 'plugin', ...CONSTRUCT_DIRS, ...PEERS], 'src/core is the bottom layer: it imports nothing else of ours, nor cdk8s'),
      layer('rules', ['cli', 'plugin', ...CONSTRUCT_DIRS, ...PEERS], 'the rules build on src/core only, without cdk8s'),
      ...CONSTRUCT_DIRS.map((dir) => layer(dir, ['cli', 'plugin'], 'the constructs build on src/core and src/rules only')),
      layer('cli', ['plugin', ...CONSTRUCT_DIRS, ...PEERS], 'the command line builds on src/core and src/rules only, without cdk8s'),
      layer('plugin', ['cli', ...CONSTRUCT_DIRS, ...PEERS], 'the validation plugin builds on src/core and src/rules only, without cdk8s'),
    ],
  }],
});

// unrs-resolver 1.13.0 (via eslint-import-resolver-typescript) names platform bindings that the npm registry our
// machines use does not serve, so `npm ci` rejects the lock file; 1.12.2 has every binding it names.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The peers are optional so that `cdk8s synth`, installing the validation plugin by package name, does not download
// them: the plugin needs none. An app that uses the constructs installs them (README, Install).
project.package.addField('peerDependenciesMeta', Object.fromEntries(
  ['cdk8s', 'cdk8s-plus-27', 'constructs'].map((peer) => [peer, { optional: true }]),
));

// The unit tests without coverage, so that a local `npx projen test` stays quick; CI runs them again with --coverage.
const testTask = project.tasks.tryFind('test')!;
testTask.reset();
testTask.exec('jest --passWithNoTests --ci', { receiveArgs: true });
testTask.spawn(project.tasks.tryFind('eslint')!);

// The integration tests: real PostgreSQL, kubectl, shellcheck and promtool, the cdk8s CLI, the packed package in a
// fresh app. They need lib/ (compiled): the README's test command is `npx projen build && npx projen test:integration`.
const integrationTests = project.addTask('test:integration', {
  description: 'Run the tests that need external binaries (PostgreSQL, kubectl, shellcheck, promtool, the cdk8s CLI)',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});
integrationTests.exec(
  "jest --ci --coverage=false --testPathIgnorePatterns=/node_modules/ --testMatch '<rootDir>/test/**/*.integration.test.ts' '<rootDir>/test/integration/**/*.test.ts'",
  { receiveArgs: true },
);

// Go and .NET toolchains are not on our machines: `package` builds the npm tarball everywhere;
// `package-all` (all five languages) stays available for a release machine that has them.
const packageTask = project.tasks.tryFind('package')!;
packageTask.reset();
packageTask.spawn(project.tasks.tryFind('package:js')!);

// Typed L1s for the snapshot CRDs, generated by the cdk8s CLI from the copy vendored in vendor/external-snapshotter;
// never edited by hand.
const importSnapshots = project.addTask('import:snapshots', {
  description: 'Regenerate src/imports/snapshot.storage.k8s.io.ts from the official VolumeSnapshot CRDs',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});
importSnapshots.exec(
  'mkdir -p .tmp && cat vendor/external-snapshotter/snapshot.storage.k8s.io_volumesnapshotclasses.yaml vendor/external-snapshotter/snapshot.storage.k8s.io_volumesnapshots.yaml > .tmp/snapshot-crds.yaml'
  + ' && cdk8s import .tmp/snapshot-crds.yaml --language typescript --output src/imports',
);

// Typed L1 for the PrometheusRule CRD, generated by the cdk8s CLI from the copy vendored in vendor/prometheus-operator;
// never edited by hand.
const importPrometheus = project.addTask('import:prometheus', {
  description: 'Regenerate src/imports/monitoring.coreos.com.ts from the Prometheus Operator\'s PrometheusRule CRD',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});
importPrometheus.exec('cdk8s import vendor/prometheus-operator/monitoring.coreos.com_prometheusrules.yaml --language typescript --output src/imports');

// The main job: synthesize every example app with the real cdk8s CLI into examples/<name>/dist/, then audit the
// output with the `rwop` command line as a user would run it (the compiled bin).
const examples = project.addTask('examples', {
  description: 'Synthesize every app in examples/ with the cdk8s CLI, then audit the output with `rwop audit`',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});
examples.spawn(project.tasks.tryFind('compile')!);
examples.exec('node scripts/synth-examples.js');

// The backup constructs read their in-cluster scripts (real .sh files with their own tests) next to the compiled code.
project.postCompileTask.exec('mkdir -p lib/backups/scripts && cp src/backups/scripts/*.sh lib/backups/scripts/');

// lib/ from nothing on every compile: a module moved or removed in src/ must not linger in lib/ and in the package.
project.preCompileTask.exec('rm -rf lib');

// The `rwop` command as one file with its dependencies inside (yaml included): a cold start reads one file instead of
// resolving and loading ~40 modules. No source map: a stack trace is a bug report, and the map would be read on every start.
// The executable, lib/cli/rwop.js, is a small launcher that runs the bundle with V8's compiled code of earlier runs.
// Part of `compile` itself, so that every task that compiles (examples, bench) runs the command users get.
const BUNDLE_CLI = 'esbuild src/cli/bin.ts --bundle --platform=node --target=node20 --outfile=lib/cli/rwop-bundle.js --log-level=warning'
  + ' && esbuild src/cli/launch.ts --bundle --platform=node --target=node20 --outfile=lib/cli/rwop.js --log-level=warning';
project.compileTask.exec(BUNDLE_CLI);
// Executable in the package tarball too: krew installs `kubectl rwop` from that tarball as it is (npm pack keeps the mode).
project.compileTask.exec('chmod +x lib/cli/rwop.js');

// pre-commit installs a hook from a git checkout (npm install, npm pack), where lib/ does not exist: `prepare`, which
// npm runs in both, bundles the command. Registry installs do not run it; they get the published lib/.
project.package.setScript('prepare', `${BUNDLE_CLI} && chmod +x lib/cli/rwop.js`);

// README.md's rule table is rendered from the rule modules; test/rules/rule-table.test.ts fails when it drifts.
const docsRules = project.addTask('docs:rules', { description: 'Rewrite the rule table in README.md from src/rules' });
docsRules.exec('node scripts/update-readme-rules.js');

// Benchmarks print ratios against a baseline measured in the same process (never timed tests): `bench:audit`
// (issue 5: rules engine vs parsing, CLI cold start) and `bench:synth` (issue 3: our constructs vs cdk8s-plus by hand).
const bench = project.addTask('bench', { description: 'Run every benchmark against the compiled lib/' });
bench.spawn(project.tasks.tryFind('compile')!);
const benchAudit = project.addTask('bench:audit', {
  description: 'rwop audit on 1k/10k/100k generated objects: objects/s, ratio to parsing alone, growth per 10x, CLI cold start',
});
benchAudit.exec('node --expose-gc scripts/bench-audit.js');
const benchSynth = project.addTask('bench:synth', {
  description: 'Synthesize N=10/100/1000 PostgreSQL single-writer stacks with our constructs vs hand-written cdk8s-plus: time, heap, ratio, growth',
});
benchSynth.exec('node --expose-gc scripts/bench-synth.js');
bench.spawn(benchAudit);
bench.spawn(benchSynth);

project.synth();
