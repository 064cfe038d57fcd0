/**
 * Typed errors of the demo. `DemoInputError` means the caller's options are at fault (a run folder
 * that does not exist or holds no bundle, a precision with no bundle, no built site with build
 * off); its `code` follows the convention of every Latentkit package (`LATENTKIT_...`), so the CLI
 * (@latentkit/format/node cli-exit.ts) prints the message and exits with status 2.
 */
export class DemoInputError extends Error {
  override readonly name = 'DemoInputError';
  readonly code = 'LATENTKIT_DEMO_INPUT';
}
