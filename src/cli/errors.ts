// The ways a command refuses what it was given, all exit 2: a usage mistake, input that cannot be read (InputError, in
// src/core, since the parser throws it too), and a cluster that cannot be read. A module of their own, under everything
// else in the command line, so that any module can throw them and main can tell them apart without loading the commands.

/** A usage mistake: main prints its message and the command's `--help` hint to stderr and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** kubectl could not give us the objects: the message says why and what to do. `rwop` exits 2. */
export class ClusterReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterReadError';
  }
}
