// What a manifest is once read: an object, untrusted, and where it came from. The rules take lists of these.

/** Where an object came from, when the face that read it knows (a file and line, or a construct path). */
export interface SourceLocation {
  readonly file?: string;
  /** 1-based line of the object's first line in `file`. */
  readonly line?: number;
  readonly constructPath?: string;
}

/** A Kubernetes object as parsed from YAML or JSON: nothing in it is trusted to have the right type. */
export type KubeObject = Record<string, any>;

/** One input object and where it came from. Every face hands the engine a list of these. */
export interface Manifest {
  readonly object: KubeObject;
  readonly source?: SourceLocation;
}
