/**
 * `latentkit <command> [options]`: each command is a package's own CLI, run in this process (not a
 * child), so a signal sent to the PID of `latentkit serve` reaches the server itself and its
 * SIGTERM drain. Every CLI module exports `main(argv): Promise<number>`, which prints its own errors
 * and resolves with the exit status (2 for bad input, 1 for a bug); it runs its top level only
 * when started as a script, so importing it here runs nothing by itself.
 */
import { readFileSync } from 'node:fs';

export interface CommandInfo {
  /** The package export whose module is the command's CLI (exports `main(argv)`). */
  module: string;
  summary: string;
  /**
   * How `main` resolves: 'finished' once the command is over (train, export, engine; and serve once
   * it has drained, when the process exits at once even if a library left a handle open), or
   * 'serving' once it is up (demo: the process lives on with its server).
   */
  resolves: 'finished' | 'serving';
}

interface CommandModule {
  main(argv: string[]): Promise<number>;
}

export const COMMANDS: Readonly<Record<string, CommandInfo>> = {
  train: { module: '@latentkit/train/cli', resolves: 'finished', summary: "train one of the book's models (ae, vae, faces-vae) into a run folder" },
  export: { module: '@latentkit/export/cli', resolves: 'finished', summary: 'export a run, or Keras .keras/.h5 files, to an ONNX bundle' },
  serve: { module: '@latentkit/runtime/cli', resolves: 'finished', summary: 'serve a bundle over HTTP (sample, decode, encode, morph, …)' },
  demo: { module: '@latentkit/demo/cli', resolves: 'serving', summary: 'serve the browser explorer with a bundle' },
  engine: { module: '@latentkit/train/cli/engine', resolves: 'finished', summary: 'provision the native TensorFlow training engine: `engine native`' },
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

/** How a command ended: its exit status, and whether it is still serving (the process must live on). */
export interface CommandOutcome {
  status: number;
  serving: boolean;
}

/**
 * Runs `argv` (without node and the script: `['serve', '--port', '0']`). The status is the command's
 * own, 0 for the usage, 2 for an unknown command (with the usage on stderr). A 'serving' command
 * resolves once its server is up, with `serving: true` when it succeeded.
 */
export async function runCommand(argv: readonly string[]): Promise<CommandOutcome> {
  // `pnpm train -- --epochs 5` may pass the separator through.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return { status: 0, serving: false };
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return { status: 0, serving: false };
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`latentkit: unknown command "${name}"\n${usage()}`);
    return { status: 2, serving: false };
  }
  const { main } = (await import(command.module)) as CommandModule;
  const status = await main(rest[0] === '--' ? rest.slice(1) : rest);
  return { status, serving: status === 0 && command.resolves === 'serving' };
}
