#!/usr/bin/env node
// Prints the krew plugin manifest (plugins/rwop.yaml) of a release: krew installs `kubectl rwop` from the very npm
// package tarball the release published (`npm pack` output), keeping package.json (for --version), the bundled command
// and the license. The command is JavaScript: the manifest asks for Node.js 20 or later on PATH, and lists the
// platforms where a `#!/usr/bin/env node` file runs (not Windows).
//
//   node scripts/krew-manifest.js dist/js/cdk8s-rwop-1.2.3.tgz > plugins/rwop.yaml
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const [tarball] = process.argv.slice(2);
if (!tarball) {
  process.stderr.write('usage: node scripts/krew-manifest.js <cdk8s-rwop-VERSION.tgz>\n');
  process.exit(2);
}
const match = /^cdk8s-rwop-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.tgz$/.exec(path.basename(tarball));
if (!match) {
  process.stderr.write(`krew-manifest: "${tarball}" is not named as npm pack names cdk8s-rwop's tarball (cdk8s-rwop-VERSION.tgz)\n`);
  process.exit(2);
}
const version = match[1];
const sha256 = crypto.createHash('sha256').update(fs.readFileSync(tarball)).digest('hex');
const uri = `https://registry.npmjs.org/cdk8s-rwop/-/cdk8s-rwop-${version}.tgz`;
const platforms = [['linux', 'amd64'], ['linux', 'arm64'], ['darwin', 'amd64'], ['darwin', 'arm64']];

process.stdout.write(`apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: rwop
spec:
  version: v${version}
  homepage: https://github.com/cdk8s-rwop/cdk8s-rwop
  shortDescription: Who holds each ReadWriteOncePod volume, who waits and why
  description: |
    kubectl rwop status shows, for every ReadWriteOncePod claim of the cluster,
    the pod that holds it, the pods that wait for it and why (scheduler,
    kubelet or Multi-Attach messages), holders stuck Terminating or on a node
    that is not Ready, and the commands that fix each case. It exits 1 when
    something waits on a held claim, so it can run from cron or CI.
    kubectl rwop audit and kubectl rwop migrate check manifests and print the
    move of a ReadWriteOnce claim to ReadWriteOncePod.
  caveats: |
    This plugin is a Node.js program: it needs node 20 or later on PATH.
    It reads the cluster with the kubectl on PATH and your current context.
    It needs get and list on pods, persistentvolumeclaims, persistentvolumes,
    storageclasses, nodes, events, replicasets and jobs.
  platforms:
${platforms.map(([os, arch]) => `  - selector:
      matchLabels:
        os: ${os}
        arch: ${arch}
    uri: ${uri}
    sha256: ${sha256}
    files:
    - from: package/package.json
      to: .
    - from: package/LICENSE
      to: .
    - from: package/lib/cli/rwop.js
      to: lib/cli
    - from: package/lib/cli/rwop-bundle.js
      to: lib/cli
    bin: lib/cli/rwop.js
`).join('')}`);
