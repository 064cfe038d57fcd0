/**
 * Typed errors of the exporter. Messages say what arrived, what was expected and what to do next.
 * Each carries a stable `code` starting with `LATENTKIT_` (the convention of every Latentkit
 * package's input errors): the CLI (@latentkit/format/node cli-exit.ts) prints the message of such an error and exits with
 * status 2; anything else thrown keeps its stack trace and exits with 1.
 */

/** The stable codes of the exporter's errors. */
export type ExportErrorCode = 'LATENTKIT_EXPORT' | 'LATENTKIT_UNSUPPORTED_LAYERS' | 'LATENTKIT_LAYER_CONVERSION' | 'LATENTKIT_KERAS_FILE' | 'LATENTKIT_EXPORT_WRITE';

/** One layer the exporter cannot convert. */
export interface UnsupportedLayer {
  /** Layer name, nested models joined with '/' (e.g. 'encoder/z'). */
  name: string;
  className: string;
}

/** Thrown once, after walking the whole model, listing every layer without a converter. */
export class UnsupportedLayersError extends Error {
  override readonly name = 'UnsupportedLayersError';
  readonly code: ExportErrorCode = 'LATENTKIT_UNSUPPORTED_LAYERS';
  constructor(
    readonly layers: UnsupportedLayer[],
    readonly supported: string[],
    readonly opset: number,
    /** Layers with a converter that rejected them, found in the same pass. */
    readonly failures: LayerFailure[] = [],
    /** Layers fed by unsupported or rejected ones, which could not be tried. */
    readonly notConverted: string[] = [],
  ) {
    super(
      `Cannot export ${layers.length} layer(s) to ONNX opset ${opset}: ` +
        layers.map((l) => `"${l.name}" (${l.className})`).join(', ') +
        `. Supported layer classes: ${supported.join(', ')}. ` +
        'Replace these layers, or add a converter under packages/export/src/converters/ and list it in register-all.ts.' +
        (failures.length ? ` Also rejected: ${failures.map((f) => f.message.replace(/[.\s]+$/, '')).join('; ')}.` : '') +
        (notConverted.length ? ` Not tried (fed by the layers above): ${notConverted.length}.` : ''),
    );
  }
}

/** A model, option or layer config the exporter cannot honour (bad input, not a missing converter). */
export class ExportError extends Error {
  override readonly name: string = 'ExportError';
  readonly code: ExportErrorCode = 'LATENTKIT_EXPORT';
}

/** One layer whose converter rejected it (a config or weight it cannot honour). */
export interface LayerFailure {
  /** Layer name, nested models joined with '/'. */
  name: string;
  className: string;
  /** The converter's message (it names the layer and what to change). */
  message: string;
}

/**
 * Thrown once, after converting every layer that could be converted, listing every layer the
 * converters rejected; `notConverted` names the layers fed (directly or not) by a rejected one,
 * which could not be tried. An ExportError, so `instanceof ExportError` catches it too.
 */
export class LayerConversionError extends ExportError {
  override readonly name: string = 'LayerConversionError';
  override readonly code: ExportErrorCode = 'LATENTKIT_LAYER_CONVERSION';
  constructor(
    readonly failures: LayerFailure[],
    readonly notConverted: string[],
  ) {
    const after = notConverted.length
      ? ` ${notConverted.length} layer(s) fed by ${failures.length === 1 ? 'it' : 'them'} were not converted: ${notConverted.map((n) => `"${n}"`).join(', ')}.`
      : '';
    const text = (f: LayerFailure) => f.message.replace(/[.\s]+$/, '');
    super(
      failures.length === 1
        ? `${text(failures[0])}.${after}`
        : `Cannot export ${failures.length} layers: ${failures.map((f, i) => `(${i + 1}) ${text(f)}`).join('; ')}.${after}`,
    );
  }
}

const WRITE_CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'a folder is in the way',
  EEXIST: 'a file is in the way',
  EIO: 'an I/O error',
};

/**
 * The bundle (or one .onnx file) could not be written: a full disk, a forbidden or read-only folder.
 * One line naming the path and the cause; nothing was changed at that path.
 */
export class BundleWriteError extends ExportError {
  override readonly name = 'BundleWriteError';
  override readonly code: ExportErrorCode = 'LATENTKIT_EXPORT_WRITE';

  constructor(
    readonly path: string,
    readonly errno: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Wraps a file-system error met while writing `path` (`step`: what was being done). */
  static from(err: unknown, path: string, step: string, existed: boolean): BundleWriteError {
    const e = err as NodeJS.ErrnoException;
    const cause = (e.code && WRITE_CAUSES[e.code]) ?? e.message?.split('\n')[0] ?? String(err);
    const where = e.path && e.path !== path ? ` (at ${e.path})` : '';
    const kept = existed ? `the previous ${path} is unchanged` : `nothing was left at ${path}`;
    return new BundleWriteError(path, e.code, `Cannot ${step} ${path}: ${cause}${e.code ? ` [${e.code}]` : ''}${where}; ${kept}.`, { cause: err });
  }
}
