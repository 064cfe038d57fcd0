/**
 * Errors of the Keras file readers. A KerasFileError means the input file itself is wrong or
 * unsupported (truncated, not a Keras model, channels_first, a SavedModel folder, an unknown
 * layer class): the CLI reports it and exits with status 2, writing nothing.
 */
import { ExportError, type ExportErrorCode } from '../errors.ts';

export class KerasFileError extends ExportError {
  override readonly code: ExportErrorCode = 'LATENTKIT_KERAS_FILE';
  /** The file or folder that was read. */
  readonly file: string;

  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}

/** An unknown layer class, with what Keras stored about it. */
export interface UnknownKerasLayer {
  /** Qualified name: nested models joined with '/'. */
  name: string;
  className: string;
  /** Keras's `module` (e.g. "keras.layers", "__main__"), or undefined where the file has none (Keras 2). */
  module?: string;
  /** Keras 3's `registered_name` (e.g. "Custom>Sampling"). */
  registeredName?: string;
}

export class UnsupportedKerasLayersError extends KerasFileError {
  readonly layers: UnknownKerasLayer[];

  constructor(file: string, layers: UnknownKerasLayer[], supported: string[]) {
    const list = layers
      .map((l) => `"${l.name}" (class ${l.className}${l.registeredName && l.registeredName !== l.className ? `, registered as ${l.registeredName}` : ''}, module ${l.module ?? 'not stored'})`)
      .join(', ');
    super(
      file,
      `unsupported Keras layer${layers.length > 1 ? 's' : ''} ${list}. Supported: ${supported.join(', ')} ` +
        `(and the book's Sampling layer under any registered name: two inputs, no weights).`,
    );
    this.layers = layers;
  }
}
