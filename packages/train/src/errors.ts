/**
 * Typed errors of the train package, one class per kind of fault, each with a stable `code`.
 * Messages say what arrived, what was expected and what to do, in the manner of
 * tfjs-layers/src/errors.ts. Every class here means "the caller's input (an option, a file, the
 * machine's setup) is at fault", so the CLIs (@latentkit/format/node cli-exit.ts) print the message and exit with status 2;
 * anything else thrown is a bug and keeps its stack trace (exit status 1).
 *
 * Codes start with `LATENTKIT_`, the convention the export and runtime packages' errors follow too,
 * so a CLI can recognise another package's input errors without importing its classes.
 */

/** The stable codes of the train package's errors. */
export type TrainErrorCode =
  | 'LATENTKIT_INVALID_VALUE'
  | 'LATENTKIT_ENGINE_UNAVAILABLE'
  | 'LATENTKIT_DATA'
  | 'LATENTKIT_CACHE'
  | 'LATENTKIT_CHECKPOINT';

/** Base class: `instanceof TrainError` catches every error below. */
export abstract class TrainError extends Error {
  abstract readonly code: TrainErrorCode;
}

/**
 * Bad or missing input data, and a cache that fails its checks: @latentkit/data's classes (the
 * loaders live there), re-exported so `import { DataError } from '@latentkit/train'` keeps catching
 * what the loaders throw. They are not TrainError subclasses; check `code` ('LATENTKIT_DATA',
 * 'LATENTKIT_CACHE') to catch every input error of either package.
 */
export { DataError, CacheError } from '@latentkit/data';

/** An argument or option outside what a function accepts (e.g. batch size 0, an unknown split). */
export class ValueError extends TrainError {
  readonly code: TrainErrorCode = 'LATENTKIT_INVALID_VALUE';
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/**
 * A training engine that cannot run here: an unknown name, a forced engine whose loader failed (the
 * message says why and what to use instead), or no engine at all under 'auto'.
 */
export class EngineError extends TrainError {
  readonly code: TrainErrorCode = 'LATENTKIT_ENGINE_UNAVAILABLE';
  /** The engine asked for ('auto' when none of the automatic choices loaded). */
  readonly engine: string;
  constructor(engine: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.engine = engine;
  }
}

/**
 * A checkpoint that cannot be read or resumed: none in the folder, a format this version does not
 * read, or a run whose model, batch size or seed differ from what the resume asked for.
 */
export class CheckpointError extends TrainError {
  readonly code: TrainErrorCode = 'LATENTKIT_CHECKPOINT';
  /** The checkpoint or run folder at fault. */
  readonly dir: string;
  constructor(dir: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
    this.dir = dir;
  }
}
