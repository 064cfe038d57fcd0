/**
 * `latentkit <command> [options]`: each command is a package's own CLI, run in this process (not a
 * child), so a signal sent to the PID of `latentkit serve` reaches the server itself and its
 * SIGTERM drain. A command's module reads its options from `process.argv` as when started on its
 * own (`node <its file> [options]`), so `process.argv` is set to exactly that before it is imported.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CommandInfo {
  /** The package export whose module is the command's CLI (it runs when imported). */
  module: string;
  summary: string;
}

export const COMMANDS: Readonly<Record<string, CommandInfo>> = {
  train: { module: '@latentkit/train/cli', summary: "train one of the book's models (ae, vae, faces-vae) into a run folder" },
  export: { module: '@latentkit/export/cli', summary: 'export a run, or Keras .keras/.h5 files, to an ONNX bundle' },
  serve: { module: '@latentkit/runtime/cli', summary: 'serve a bundle over HTTP (sample, decode, encode, morph, …)' },
  demo: { module: '@latentkit/demo/cli', summary: 'serve the browser explorer with a bundle' },
  engine: { module: '@latentkit/train/cli/engine', summary: 'provision the native TensorFlow training engine: `engine native`' },
};

/** The usage text: commands and one line each. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: latentkit <command> [options]   (latentkit <command> --help for its options)\n\ncommands:\n${lines.join('\n')}\n`;
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * Runs `argv` (without node and the script: `['serve', '--port', '0']`). Resolves once the command's
 * module has run its top level; a server keeps the process alive after that. Exit codes are the
 * command's own; an unknown command sets exit code 2 and prints the usage.
 */
export async function runCommand(argv: readonly string[]): Promise<void> {
  // `pnpm train -- --epochs 5` may pass the separator through.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`latentkit: unknown command "${name}"\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const entry = fileURLToPath(import.meta.resolve(command.module));
  process.argv = [process.argv[0], entry, ...(rest[0] === '--' ? rest.slice(1) : rest)];
  await import(command.module);
}
