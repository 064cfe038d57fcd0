/**
 * How the runtime's CLIs (`pnpm serve`'s command line, the attributes CLI) end on an error: one
 * mapping from what was thrown to an exit status and what stderr shows.
 *
 *   0  `--help` and `--version`
 *   2  the user's input is at fault: a commander parse error (unknown option, bad value; commander
 *      has printed it), or a typed input error, ours (common/errors.ts: InputError, BundleError,
 *      UnsupportedDeviceError) or another package's (train's DataError from a CelebA folder): any
 *      error whose `code` starts with LATENTKIT_. The message alone, no stack trace
 *   1  anything else: a bug or an unexpected failure, printed with its stack
 */
import { CommanderError } from 'commander';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

/**
 * True for errors caused by the caller's input: any error with a string `code` starting with
 * `LATENTKIT_` (the convention of every Latentkit package's typed errors).
 */
export function isInputError(err: unknown): err is Error & { code: string } {
  const code: unknown = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('LATENTKIT_');
}

/**
 * Prints what stderr should show for `err` and returns the exit status (see the module comment).
 * `prefix` starts the one-line message of an input error (e.g. 'serve' -> "serve: ...").
 */
export function reportCliError(err: unknown, prefix: string): number {
  if (err instanceof CommanderError) {
    // commander has printed the problem (or the help/version text) already.
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (isInputError(err)) {
    console.error(`${prefix}: ${err.message}`);
    return EXIT_USAGE;
  }
  console.error(err);
  return EXIT_INTERNAL;
}

/** True when the module at `moduleUrl` is the script Node was started with (not imported). */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}
