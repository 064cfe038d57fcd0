/**
 * Errors of the Keras file readers. A KerasFileError means the input file itself is wrong or
 * unsupported (truncated, not a Keras model, a SavedModel folder, an unknown
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
  /** What the user can do about this layer (e.g. name it with --sampling-layer). */
  hint?: string;
}

/**
 * Every layer of a Keras file the exporter cannot take, found in one pass over the config: unknown
 * classes (`layers`) and, in the same message, the other layers' unsupported options (`problems`).
 */
export class UnsupportedKerasLayersError extends KerasFileError {
  readonly layers: UnknownKerasLayer[];
  readonly problems: string[];

  constructor(file: string, layers: UnknownKerasLayer[], supported: string[], problems: string[] = []) {
    const list = layers
      .map(
        (l) =>
          `"${l.name}" (class ${l.className}${l.registeredName && l.registeredName !== l.className ? `, registered as ${l.registeredName}` : ''}, module ${l.module ?? 'not stored'})${l.hint ? `: ${l.hint}` : ''}`,
      )
      .join('; ');
    super(
      file,
      `unsupported Keras layer${layers.length > 1 ? 's' : ''} ${list}. Supported: ${supported.join(', ')} ` +
        `(and the book's Sampling layer under any registered name: two inputs, no weights; another class name with --sampling-layer NAME).` +
        (problems.length ? ` Also: ${problems.join('; ')}.` : ''),
    );
    this.layers = layers;
    this.problems = problems;
  }
}
