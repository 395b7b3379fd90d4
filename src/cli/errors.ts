// The ways a command refuses what it was given, all exit 2: a usage mistake, input that cannot be read, and a cluster
// that cannot be read. A module of their own, under everything else in the command line, so that any module can throw
// them and main can tell them apart without loading the commands.

/** A usage mistake: main prints its message and the command's `--help` hint to stderr and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Input that cannot be read or is not Kubernetes objects: a usage error (exit 2) naming the file and line. */
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


/** kubectl could not give us the objects: the message says why and what to do. `rwop` exits 2. */
export class ClusterReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterReadError';
  }
}
