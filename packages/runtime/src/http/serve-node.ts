/**
 * `pnpm serve [--run runs/NAME] [--port 8787] [--host 127.0.0.1]`: the Hono app on @hono/node-server.
 * Prints `listening on http://HOST:PORT` once ready (port 0 picks a free port). On SIGTERM/SIGINT it
 * stops accepting, lets in-flight requests finish, releases the model and exits 0.
 * A bad command line, bundle or device exits 2 with the message alone (node/cli-exit.ts).
 */
import { serve } from '@hono/node-server';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { AddressInfo } from 'node:net';
import { LatentModel, env, type Device, DEVICES } from '../node/index.ts';
import { findBundle } from '../node/find-bundle.ts';
import { sharpCodec } from '../node/images.ts';
import { reportCliError } from '../node/cli-exit.ts';
import { createApp, type Lifecycle } from './app.ts';

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
  return n;
};

const program = new Command('serve')
  .description('Serve an exported latentkit bundle over HTTP')
  .option('--run <path>', 'run folder or its bundle/ (default: newest runs/*/bundle)')
  .addOption(new Option('--precision <p>', 'which export of the run: bundle/ (fp32), bundle-fp16/ or bundle-int8/').choices(['fp32', 'fp16', 'int8']).default('fp32'))
  .option('--port <n>', 'port (0 = any free port)', int('port', 0, 65535), 8787)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .addOption(new Option('--device <device>', 'execution device').choices([...DEVICES]).default('auto'))
  .option('--threads <n>', 'onnxruntime intra-op threads (0 = all cores)', int('threads', 0, 256), 0)
  .option('--no-micro-batch', 'decode each request on its own')
  .option('--max-batch <n>', 'micro-batch: most latent rows per session run', int('max-batch', 1, 4096), 256)
  .option('--max-wait-ms <n>', 'micro-batch: longest wait for company (ms)', int('max-wait-ms', 0, 1000), 2)
  .option('--max-body <bytes>', 'largest request body', int('max-body', 1024, 1 << 30), 4 * 1024 * 1024)
  .option('--drain-timeout-ms <n>', 'on shutdown, wait at most this long for in-flight requests', int('drain-timeout-ms', 0, 600000), 10000)
  .showHelpAfterError()
  .exitOverride();

try {
  program.parse();
} catch (e) {
  process.exit(reportCliError(e, 'serve'));
}
const opts = program.opts<{
  run?: string; precision: 'fp32' | 'fp16' | 'int8'; port: number; host: string; device: string; threads: number; microBatch: boolean;
  maxBatch: number; maxWaitMs: number; maxBody: number; drainTimeoutMs: number;
}>();

process.on('unhandledRejection', (e) => console.error('[latentkit] unhandled rejection (kept running):', e));

let bundle: string;
try {
  bundle = findBundle(opts.run, opts.precision);
} catch (e) {
  process.exit(reportCliError(e, 'serve'));
}
env.threads = opts.threads;
let model: LatentModel;
try {
  model = await LatentModel.load(bundle, { device: opts.device as Device });
} catch (e) {
  process.exit(reportCliError(e, 'serve'));
}
const lifecycle: Lifecycle = { draining: false };
const app = createApp(model, {
  imageCodec: sharpCodec(),
  microBatch: opts.microBatch ? { maxBatch: opts.maxBatch, maxWaitMs: opts.maxWaitMs } : false,
  maxBodyBytes: opts.maxBody,
  lifecycle,
  processMetrics: () => {
    const m = process.memoryUsage();
    return { process_resident_memory_bytes: m.rss, nodejs_heap_used_bytes: m.heapUsed };
  },
});

const server = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, (info: AddressInfo) => {
  console.log(`serving ${bundle} (${model.manifest.kind}, latent ${model.latentDim}, ${model.provider}, ${model.manifest.onnx?.precision ?? "fp32"}, micro-batch ${opts.microBatch ? 'on' : 'off'})`);
  console.log(`listening on http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`);
});

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  lifecycle.draining = true;
  console.log(`${signal}: draining in-flight requests`);
  const force = setTimeout(() => {
    console.error(`drain timed out after ${opts.drainTimeoutMs} ms; exiting`);
    process.exit(1);
  }, opts.drainTimeoutMs);
  force.unref();
  // close() stops accepting and calls back once every connection has ended; idle keep-alive
  // connections are closed now, busy ones after their response (the app sets Connection: close).
  server.close(async () => {
    await model.dispose();
    console.log('drained; bye');
    process.exit(0);
  });
  if ('closeIdleConnections' in server) (server as { closeIdleConnections(): void }).closeIdleConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
