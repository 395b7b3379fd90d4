// Input that is not what it must be, named by file and line: thrown by the parser, reported by the command line and the
// validation plugin.

/** Input that cannot be read or is not Kubernetes objects, naming the file and line (the command line exits 2). */
export class InputError extends Error {
  /** The file as the user named it (`<stdin>` for `-`). */
  readonly file: string;
  /** 1-based line of the problem, when there is one. */
  readonly line?: number;

  constructor(file: string, line: number | undefined, detail: string) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
  }
}
