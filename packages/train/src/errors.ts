/**
 * Typed errors of the train package. Messages say what arrived, what was expected and what to do,
 * in the manner of tfjs-layers/src/errors.ts. Other modules may add their own classes here.
 */

/** Bad or missing input data: a truncated IDX file, a malformed CSV row, an undecodable image. */
export class DataError extends Error {
  /** The file at fault, when there is one. */
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

/** A cache file that exists but fails its checks; loaders rebuild it, so users rarely see this. */
export class CacheError extends DataError {
  constructor(message: string, details: { file?: string; cause?: unknown } = {}) {
    super(message, details);
    this.name = 'CacheError';
  }
}

/** An argument outside what a function accepts (e.g. batch size 0, an unknown split). */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}
