/**
 * Typed errors of the models package, each with a stable `code` (the `LATENTKIT_` convention every
 * latentkit package follows, so a CLI prints the message and exits 2 without importing these
 * classes). @latentkit/train re-exports both, so `instanceof` works whichever package a caller
 * imported them from. Messages say what arrived, what was expected and what to do, in the manner of
 * tfjs-layers/src/errors.ts.
 */

/** An argument or option outside what a function accepts (an unknown kind, a spec the strides cannot divide, a latent size of 0). */
export class ValueError extends Error {
  readonly code = 'LATENTKIT_INVALID_VALUE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/**
 * A checkpoint that cannot be read or resumed: none in the folder, a format this version does not
 * read, or a run whose model, batch size or seed differ from what the resume asked for.
 */
export class CheckpointError extends Error {
  readonly code = 'LATENTKIT_CHECKPOINT' as const;
  /** The checkpoint or run folder at fault. */
  readonly dir: string;
  constructor(dir: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
    this.dir = dir;
  }
}
