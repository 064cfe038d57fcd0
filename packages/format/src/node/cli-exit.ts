/**
 * How every latentkit command line ends (train, engine, export, serve, the attributes CLI, demo): one
 * mapping from what was thrown to an exit status and what stderr shows.
 *
 *   0  done (also `--help` and `--version`)
 *   2  the user's input is at fault: a command-line parse error (commander's, which commander has
 *      printed already), or a typed input error of any latentkit package: an error whose `code`
 *      starts with `LATENTKIT_` (train's ValueError/DataError/EngineError/CheckpointError, export's
 *      ExportError/KerasFileError, runtime's InputError/BundleError, ...). The message alone, no stack
 *   1  anything else: a bug or an unexpected failure, printed with its stack
 *
 * Errors are recognised by their `code`, not their class, so one package's CLI maps another
 * package's errors (train's DataError reaching the export CLI) without importing that package.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

/** The error's string `code`, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code: unknown = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** True for errors caused by the caller's input: a string `code` starting with `LATENTKIT_`. */
export function isInputError(err: unknown): err is Error & { code: string } {
  return errorCode(err)?.startsWith('LATENTKIT_') ?? false;
}

/** commander's CommanderError, by its shape (`code` 'commander.*', numeric `exitCode`): no import of commander. */
function commanderExitCode(err: unknown): number | undefined {
  const exitCode: unknown = err instanceof Error ? (err as { exitCode?: unknown }).exitCode : undefined;
  return errorCode(err)?.startsWith('commander.') && typeof exitCode === 'number' ? exitCode : undefined;
}

export interface ReportOptions {
  /**
   * A command's own statuses, tried first: returns the exit status for `err` (having printed what
   * stderr should show), or undefined to leave `err` to the mapping in the module comment.
   */
  exitCodeFor?: (err: unknown) => number | undefined;
  /** More errors that count as the user's input (e.g. a port that cannot be listened on). */
  isInputError?: (err: unknown) => boolean;
  /** A line printed after an input error's message (e.g. the command's synopsis). */
  usage?: string;
}

/**
 * Prints what stderr should show for `err` and returns the exit status (see the module comment).
 * `prefix` starts the one-line message of an input error: 'export' -> "export: No run at runs/x ...".
 */
export function reportCliError(err: unknown, prefix: string, options: ReportOptions = {}): number {
  const own = options.exitCodeFor?.(err);
  if (own !== undefined) return own;
  const commander = commanderExitCode(err);
  if (commander !== undefined) return commander === 0 ? EXIT_OK : EXIT_USAGE;
  if (isInputError(err) || options.isInputError?.(err)) {
    console.error(`${prefix}: ${(err as Error).message}${options.usage ? `\n${options.usage}` : ''}`);
    return EXIT_USAGE;
  }
  console.error(err);
  return EXIT_INTERNAL;
}

/**
 * A command's `main(argv)` body: runs `command` and resolves with its exit status, EXIT_OK when it
 * returns, else what reportCliError makes of the throw; never rejects.
 */
export async function runCli(command: () => Promise<unknown>, prefix: string, options: ReportOptions = {}): Promise<number> {
  try {
    await command();
    return EXIT_OK;
  } catch (err) {
    return reportCliError(err, prefix, options);
  }
}

/** True when the module at `moduleUrl` is the script Node was started with (not imported). */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}
