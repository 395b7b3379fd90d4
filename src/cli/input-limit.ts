// The bound on how much input one `rwop` run reads: files are measured before they are read and standard input is
// cut off as soon as it passes the bound, so that a huge file or an endless pipe ends with exit 2, not out of memory.
import { constants as bufferConstants } from 'buffer';
import { createReadStream, promises as fs } from 'fs';
import { UsageError } from './errors';
import { InputError } from '../core/input-error';

const MIB = 1024 * 1024;

/** The default bound: 256 MiB (268,435,456 bytes) for all the input of one run. */
export const DEFAULT_MAX_INPUT_SIZE = 256 * MIB;

/** The option that changes the bound. */
export const MAX_INPUT_SIZE_OPTION = '--max-input-size';

/** The option's lines in a command's help, its description starting at `column`. */
export function maxInputSizeHelp(column: number): string {
  const indent = ' '.repeat(column);
  const option = `      ${MAX_INPUT_SIZE_OPTION} <size>`;
  // In a narrow column the description starts on the next line.
  const start = option.length < column ? option.padEnd(column) : `${option}\n${indent}`;
  return [
    `${start}the most input read: all files and standard input together`,
    `${indent}(default: 256M); bytes, or K, M or G (1024-based) such as 64K or 300M.`,
    `${indent}More stops the command at once, with exit 2`,
  ].join('\n');
}

/** The parseArgs entry of the option. */
export const MAX_INPUT_SIZE_ARG = { 'max-input-size': { type: 'string' } } as const;

/** The longest text Node.js holds: the decoded input must fit in one, and UTF-8 never has fewer bytes than characters. */
const LARGEST_ACCEPTED = bufferConstants.MAX_STRING_LENGTH;

const UNITS: Record<string, number> = { '': 1, 'K': 1024, 'M': MIB, 'G': 1024 * MIB };

/** `--max-input-size`'s value in bytes: a whole number of bytes, or of K, M or G (1024-based; `512M`, `1Gi`, `64KiB`). */
export function parseInputSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_INPUT_SIZE;
  const match = /^(\d+)(?:([KMG])(?:i?B)?|B)?$/i.exec(text.trim());
  if (!match) {
    throw new UsageError(`${MAX_INPUT_SIZE_OPTION} must be a size in bytes, or with K, M or G (1024-based) such as 64K or 300M; got "${text}"`);
  }
  const bytes = Number(match[1]) * UNITS[(match[2] ?? '').toUpperCase()];
  if (bytes < 1) throw new UsageError(`${MAX_INPUT_SIZE_OPTION} must be at least 1 byte; got "${text}"`);
  if (bytes > LARGEST_ACCEPTED) {
    throw new UsageError(`${MAX_INPUT_SIZE_OPTION} can be at most ${describeSize(LARGEST_ACCEPTED)}, `
      + `the longest text Node.js can hold; got "${text}"`);
  }
  return bytes;
}

/** The bytes left of the bound, shared by every read of one run (files, rendered kustomizations and standard input). */
export class InputBudget {
  private used = 0;

  constructor(readonly limit: number = DEFAULT_MAX_INPUT_SIZE) {}

  /** What may still be read. */
  get remaining(): number {
    return this.limit - this.used;
  }

  /** Counts `size` bytes of `file`; an InputError when they pass the bound (the input is then not read further). */
  charge(file: string, size: number): void {
    if (size > this.remaining) throw this.refusal(file, size);
    this.used += size;
  }

  /** The error for `file`, which is `size` bytes; a stream cut off at the bound has no size (`undefined`). */
  refusal(file: string, size: number | undefined): InputError {
    const bound = `the input size limit of ${describeSize(this.limit)}`;
    const hint = `; ${MAX_INPUT_SIZE_OPTION} raises it`;
    if (size === undefined) {
      const before = this.used === 0 ? '' : ` with the ${describeSize(this.used)} read before it`;
      return new InputError(file, undefined, `passes ${bound}${before}: reading stopped there${hint}`);
    }
    if (this.used === 0) return new InputError(file, undefined, `${describeSize(size)}, over ${bound}${hint}`);
    return new InputError(file, undefined, `${describeSize(size)}, which with the ${describeSize(this.used)} read before it is over ${bound}${hint}`);
  }
}

/** `268435456 bytes (256 MiB)`: the exact count, and a rounded one a reader takes in at a glance. */
export function describeSize(bytes: number): string {
  const exact = `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1024) return exact;
  const [value, unit] = bytes >= 1024 * MIB ? [bytes / (1024 * MIB), 'GiB'] : bytes >= MIB ? [bytes / MIB, 'MiB'] : [bytes / 1024, 'KiB'];
  return `${exact} (${Number.isInteger(value) ? value : value.toFixed(1)} ${unit})`;
}

/**
 * The bytes of `file` within the budget. A regular file is measured before it is read (and counted by what was read,
 * should it grow meanwhile); anything else (a named pipe, `/dev/stdin`, a process substitution) is read in chunks
 * and cut off when it passes the budget.
 */
export async function readFileWithin(file: string, absolute: string, budget: InputBudget): Promise<Buffer> {
  const stat = await fs.stat(absolute);
  if (stat.isFile()) {
    if (stat.size > budget.remaining) throw budget.refusal(file, stat.size);
    const bytes = await fs.readFile(absolute);
    budget.charge(file, bytes.length);
    return bytes;
  }
  return readStreamWithin(file, absolute, budget);
}

function readStreamWithin(file: string, absolute: string, budget: InputBudget): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stream = createReadStream(absolute);
    stream.on('data', (data) => {
      const chunk = data as Buffer;
      size += chunk.length;
      if (size > budget.remaining) {
        stream.destroy();
        reject(budget.refusal(file, undefined));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      budget.charge(file, size);
      resolve(Buffer.concat(chunks));
    });
    stream.on('error', reject);
  });
}
