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

/**
 * An argument outside what a function accepts, and a checkpoint that cannot be read or resumed:
 * @latentkit/models's classes (the builders and the checkpoint files live there), re-exported so one
 * class serves both packages. Not TrainError subclasses; check `code` to catch every input error.
 */
export { ValueError, CheckpointError } from '@latentkit/models';

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
