/**
 * The one error a bad run or bundle file raises. It names the file and the first wrong field, so a
 * message reads like `runs/vae/manifest.json: latentDim: expected a positive integer, received -2`.
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  /** The file (path, URL or a caller's label such as `manifest.json`) that was being read. */
  readonly file: string;
  /**
   * The first wrong field as a dotted path (`imageShape.2`, `onnx.precision`), `(root)` when the
   * whole document is wrong (not JSON, not an object), or `(file)` when it could not be read.
   */
  readonly field: string;
  /** Every problem found, one `field: message` line each (the message shows the first). */
  readonly issues: readonly string[];

  constructor(file: string, field: string, issues: readonly string[], hint?: string) {
    super(`${file}: ${issues.join('; ')}${hint ? `. ${hint}` : ''}`);
    this.file = file;
    this.field = field;
    this.issues = issues;
  }
}
