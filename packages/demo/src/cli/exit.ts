/**
 * How `pnpm demo` ends on an error: one mapping from what was thrown to an exit status and what
 * stderr shows.
 *
 *   2  the user's input is at fault: a bad command line (node:util parseArgs's ERR_PARSE_ARGS_*
 *      errors), a typed input error (errors.ts: DemoInputError, or any error whose `code` starts
 *      with LATENTKIT_), or a port that cannot be listened on (EADDRINUSE, EACCES): the message
 *      alone, no stack trace
 *   1  anything else: a bug or an unexpected failure, printed with its stack
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

function codeOf(err: unknown): string | undefined {
  const code: unknown = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** True for errors caused by the caller's input (see the module comment). */
export function isInputError(err: unknown): err is Error {
  const code = codeOf(err);
  if (code === undefined) return false;
  if (code.startsWith('LATENTKIT_') || code.startsWith('ERR_PARSE_ARGS_')) return true;
  return (code === 'EADDRINUSE' || code === 'EACCES') && (err as { syscall?: string }).syscall === 'listen';
}

/**
 * Prints what stderr should show for `err` and returns the exit status; `usage` (the command's
 * one-line synopsis) follows a command-line error.
 */
export function reportCliError(err: unknown, usage?: string): number {
  if (isInputError(err)) {
    const commandLine = codeOf(err)?.startsWith('ERR_PARSE_ARGS_') && usage;
    console.error(`demo: ${err.message}${commandLine ? `\n${usage}` : ''}`);
    return EXIT_USAGE;
  }
  console.error(err);
  return EXIT_INTERNAL;
}

/** True when the module at `moduleUrl` is the script Node was started with (not imported). */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}
