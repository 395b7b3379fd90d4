// The `rwop` subcommands. A new command is one entry here and a module that exports its run function; keep cdk8s,
// constructs and cdk8s-plus out of every command's imports. A command's module is required when the command runs,
// and the bundled executable initialises a module on its first require(): `rwop --version` and `rwop audit` start
// without initialising the code of the other commands.
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Audit from './audit';
import type { Command } from './command';
import type * as Migrate from './migrate-command';
import type * as Status from './status-command';

export const COMMANDS: readonly Command[] = [
  {
    name: 'audit',
    summary: 'check manifests (files, directories or stdin) for ReadWriteOncePod hazards',
    run: (args, io) => (require('./audit') as typeof Audit).runAudit(args, io),
  },
  {
    name: 'status',
    summary: 'show who holds each ReadWriteOncePod claim of the cluster (or a dump of it), who waits and why',
    run: (args, io) => (require('./status-command') as typeof Status).runStatus(args, io),
  },
  {
    name: 'migrate',
    summary: 'print the RWO to RWOP migration of a claim (in place, or via a snapshot) as checked kubectl steps',
    run: (args, io) => (require('./migrate-command') as typeof Migrate).runMigrate(args, io),
  },
];
