/**
 * Typed errors. Messages say what arrived, what was expected, and what to do next.
 * The HTTP layer maps `InputError` to 400/422 and `NotFoundError` to 404. The input errors carry a
 * stable `code` starting with `LATENTKIT_` (the convention of every Latentkit package), which the
 * CLIs (node/cli-exit.ts) map to exit status 2 with the message alone.
 */

/** Bad caller input: a latent of the wrong size, an unknown attribute, an undecodable image. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly code = 'LATENTKIT_INPUT';
}

/** A bundle that is missing, incomplete or unreadable (manifest, ONNX files). */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  readonly code = 'LATENTKIT_BUNDLE';
}

/** A device name outside DEVICES, or a device this installation cannot run on. */
export class UnsupportedDeviceError extends Error {
  override readonly name = 'UnsupportedDeviceError';
  readonly code = 'LATENTKIT_UNSUPPORTED_DEVICE';
}

/** An optional package a feature needs is not installed (e.g. @latentkit/data for the attributes CLI's CelebA loader). */
export class MissingPackageError extends Error {
  override readonly name = 'MissingPackageError';
  readonly code = 'LATENTKIT_MISSING_PACKAGE';
}

export class DisposedError extends Error {
  override readonly name = 'DisposedError';
  constructor() {
    super('This LatentModel was disposed; load the bundle again with LatentModel.load(...) to keep using it.');
  }
}

/**
 * Admission control refused a request, at once: the queue in front of the model holds too many rows
 * (`queue_full`) or a new request would wait too long for it (`queue_wait`) (micro-batcher.ts), or the
 * server's event loop is running late (`event_loop_delay`, Node server). The HTTP layer answers 503
 * with `Retry-After: retryAfterSeconds`.
 */
export class OverloadedError extends Error {
  override readonly name = 'OverloadedError';
  constructor(
    readonly reason: 'queue_full' | 'queue_wait' | 'event_loop_delay',
    /** A hint for clients: seconds until the queue has likely drained (at least 1). */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}
