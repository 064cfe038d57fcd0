/**
 * `pnpm engine native [--rebuild] [--route stock|source]`: provisions the native TensorFlow engine
 * (engine/native/provision.ts) and prints what it did and how long it took.
 * Exit status: 0 ready, 2 bad options, 3 no route works here (training then runs on wasm).
 */
import { Command, Option } from 'commander';
import { EngineError } from '../errors.ts';
import { ProvisionError, provisionNative, type ProvisionResult, type ProvisionRoute } from '../engine/native/provision.ts';
import { addonCacheDir } from '../engine/native/paths.ts';
import { isEntryPoint, runCli } from '@latentkit/format/node';

const DID: Record<ProvisionResult['action'], string> = {
  'already-loads': 'already loads, nothing to do',
  relinked: 're-linked the cached build into node_modules',
  'stock-install': "installed by tfjs-node's stock install",
  'source-build': 'built from source against pip TensorFlow',
};

/** Exit status when no provisioning route works on this machine (training then runs on wasm). */
export const EXIT_NOT_PROVISIONED = 3;

const buildCommand = () => new Command()
  .name('pnpm engine')
  .description('Provision a training engine')
  .argument('<engine>', 'the engine to provision: native (@tensorflow/tfjs-node on TensorFlow)')
  .option('--rebuild', 'build again even if it loads (the working build stays until a new one loads)', false)
  .addOption(new Option('--route <route>', 'try only this route').choices(['stock', 'source']))
  .action(async (engine: string, opts: { rebuild: boolean; route?: ProvisionRoute }) => {
    if (engine !== 'native') throw new EngineError(engine, `Unsupported engine "${engine}". Should be: native`);
    const result = await provisionNative({
      rebuild: opts.rebuild,
      routes: opts.route ? [opts.route] : undefined,
      log: (msg) => console.error(`engine native: ${msg}`),
    });
    console.log(
      `engine native: ready in ${result.seconds.toFixed(1)} s (${DID[result.action]}): ` +
        `@tensorflow/tfjs-node on TensorFlow ${result.tensorflow}, ${result.library || addonCacheDir()}`,
    );
  });

/**
 * Runs `pnpm engine` with `argv` (e.g. ['native', '--rebuild']) and returns the exit status; never
 * throws: 0 ready, 2 bad input (@latentkit/format/node cli-exit.ts), 3 no route works here, 1 anything else (with stack).
 */
export function main(argv: string[]): Promise<number> {
  return runCli(() => buildCommand().exitOverride().parseAsync(argv, { from: 'user' }), 'error', { exitCodeFor: notProvisioned });
}

function notProvisioned(err: unknown): number | undefined {
  if (!(err instanceof ProvisionError)) return undefined;
  console.error(`engine native: ${err.message}`);
  return EXIT_NOT_PROVISIONED;
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
