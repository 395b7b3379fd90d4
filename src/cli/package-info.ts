// What `rwop` reports about itself (--version, SARIF's tool), read from our package.json. A module of its own, so that
// the commands need not import the entry point that lists them.
import { readFileSync } from 'fs';
import * as path from 'path';

/** What the tool reports about itself, from our package.json. */
export interface PackageInfo {
  readonly version: string;
  /** The project's home page (the repository). */
  readonly informationUri: string;
}

/** Read from package.json, two levels up from both src/cli and lib/cli (and in the installed package). */
export function packageInfo(): PackageInfo {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version?: string;
    homepage?: string;
    repository?: { url?: string } | string;
  };
  const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  return {
    version: manifest.version ?? '0.0.0',
    informationUri: manifest.homepage ?? repository?.replace(/^git\+/, '').replace(/\.git$/, '') ?? 'https://www.npmjs.com/package/cdk8s-rwop',
  };
}
