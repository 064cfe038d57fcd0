/**
 * Typed errors of the data package, each with a stable `code` (the `LATENTKIT_` convention every
 * latentkit package follows, so a CLI prints the message and exits 2 without importing this class).
 * Messages say what arrived, what was expected and what to do.
 */

/** Bad or missing input data: an empty folder, a folder without images, a corrupt file under --strict, a bad CSV. */
export class DataError extends Error {
  readonly code: 'LATENTKIT_DATA' | 'LATENTKIT_CACHE' = 'LATENTKIT_DATA';
  /** The file or folder at fault, when there is one. */
  file?: string;
  /** 1-based line number in `file` (CSV rows count the header as line 1). */
  row?: number;
  constructor(message: string, details: { file?: string; row?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DataError';
    if (details.file !== undefined) this.file = details.file;
    if (details.row !== undefined) this.row = details.row;
  }
}

/** A cache file that exists but fails its checks (magic, length, CRC-32); loaders rebuild it, so users rarely see this. */
export class CacheError extends DataError {
  override readonly code = 'LATENTKIT_CACHE' as const;
  constructor(message: string, details: { file?: string; cause?: unknown } = {}) {
    super(message, details);
    this.name = 'CacheError';
  }
}

/** An option outside what a loader accepts (batch size 0, an image size of 0, a fraction of 1.5). */
export class DataOptionError extends Error {
  readonly code = 'LATENTKIT_INVALID_VALUE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'DataOptionError';
  }
}
