// The `rwop` subcommands. A new command is one entry here (and its module); keep cdk8s, constructs and
// cdk8s-plus out of every command's imports: `rwop` must start fast.
import { auditCommand } from './audit';
import type { Command } from './command';
import { migrateCommand } from './migrate-command';
import { statusCommand } from './status-command';

export const COMMANDS: readonly Command[] = [
  auditCommand,
  statusCommand,
  migrateCommand,
];
