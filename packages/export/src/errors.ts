/**
 * Typed errors of the exporter. Messages say what arrived, what was expected and what to do next.
 */

/** One layer the exporter cannot convert. */
export interface UnsupportedLayer {
  /** Layer name, nested models joined with '/' (e.g. 'encoder/z'). */
  name: string;
  className: string;
}

/** Thrown once, after walking the whole model, listing every layer without a converter. */
export class UnsupportedLayersError extends Error {
  override readonly name = 'UnsupportedLayersError';
  constructor(
    readonly layers: UnsupportedLayer[],
    readonly supported: string[],
    readonly opset: number,
  ) {
    super(
      `Cannot export ${layers.length} layer(s) to ONNX opset ${opset}: ` +
        layers.map((l) => `"${l.name}" (${l.className})`).join(', ') +
        `. Supported layer classes: ${supported.join(', ')}. ` +
        'Replace these layers, or add a converter under packages/export/src/converters/ and list it in register-all.ts.',
    );
  }
}

/** A model, option or layer config the exporter cannot honour (bad input, not a missing converter). */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}
