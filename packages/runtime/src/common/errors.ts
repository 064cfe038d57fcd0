/**
 * Typed errors. Messages say what arrived, what was expected, and what to do next.
 * The HTTP layer maps `InputError` to 400/422 and `NotFoundError` to 404.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export class BundleError extends Error {
  override readonly name = 'BundleError';
}

export class UnsupportedDeviceError extends Error {
  override readonly name = 'UnsupportedDeviceError';
}

export class DisposedError extends Error {
  override readonly name = 'DisposedError';
  constructor() {
    super('This LatentModel was disposed; load the bundle again with LatentModel.load(...) to keep using it.');
  }
}
