// The minimal object-store interface the catalog and the sinks write through.
// Interface and error types only; fs-store.ts and s3-store.ts implement it. Keys are
// '/'-separated and relative to the store's root (a warehouse), never starting with '/'.

export interface ObjectStore {
  /** Absolute URI of the root, e.g. 'file:///abs/warehouse' or 's3://bucket/prefix' (no trailing '/'). */
  readonly rootUri: string;
  /** Full URI of a key, as written into Iceberg metadata (`rootUri + '/' + key`). */
  uri(key: string): string;
  /** The object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Create or replace with `data`, or with its parts one after the other (a store writes those
   * without joining them first where it can: a checkpoint's typed arrays are tens of MB).
   */
  put(key: string, data: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** Atomic create-if-absent: true when this call created it, false when it already existed. */
  putIfAbsent(key: string, data: Uint8Array): Promise<boolean>;
  /** Keys (relative to the root) that start with `prefix`, in lexicographic order. */
  list(prefix: string): Promise<string[]>;
  /**
   * Optional (stores with a cheap delimiter listing implement it): the distinct "directories"
   * directly below `prefix` ('' or ending in '/'), i.e. every `prefix + name + '/'` that some key
   * starts with, sorted. Callers fall back to list() when it is absent.
   */
  listPrefixes?(prefix: string): Promise<string[]>;
  /**
   * Optional (stores over a local directory): the file that holds the object of `key`, as
   * written (a key's characters are the file name's: nothing is percent-decoded).
   */
  localPath?(key: string): string;
  /** Remove; no error when absent. */
  delete(key: string): Promise<void>;
}

/** A store failure a user can act on (names the location); `cause` carries the SDK error. */
export class ObjectStoreError extends Error {
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ObjectStoreError';
  }
}
