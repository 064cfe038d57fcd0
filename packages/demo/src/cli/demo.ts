/**
 * `pnpm demo [--run runs/NAME] [--precision fp32|fp16|int8] [--port 5173] [--host 127.0.0.1] [--api-url URL] [--no-build] [--no-isolation]`
 * Builds the site and serves it with the run's bundle until Ctrl-C.
 * Exit status (@latentkit/format/node cli-exit.ts): 2 bad options, run folder, precision or port (message only), 1 anything
 * else (with stack); 0 after Ctrl-C or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { DemoInputError } from '../errors.ts';
import { bundleFolderName } from '../model/precision.ts';
import { serveDemo } from '../server/serve-demo.ts';
import { errorCode, isEntryPoint, runCli } from '@latentkit/format/node';

const USAGE = `usage: pnpm demo [--run runs/NAME] [--precision fp32|fp16|int8] [--port 5173] [--host 127.0.0.1] [--api-url URL] [--no-build] [--no-isolation]`;

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        run: { type: 'string' },
        precision: { type: 'string', default: 'fp32' },
        port: { type: 'string', default: '5173' },
        host: { type: 'string', default: '127.0.0.1' },
        'api-url': { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        'no-isolation': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    // node:util's parse errors (ERR_PARSE_ARGS_*) are the user's input: say so, with the synopsis.
    if (errorCode(err)?.startsWith('ERR_PARSE_ARGS_')) throw new DemoInputError(`${(err as Error).message}\n${USAGE}`);
    throw err;
  }
}

async function start(argv: string[]): Promise<void> {
  const values = parseCommandLine(argv);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    throw new DemoInputError(`--port must be an integer 0..65535, got "${values.port}".\n${USAGE}`);
  }
  const t0 = performance.now();
  const server = await serveDemo({
    run: values.run,
    precision: values.precision,
    port,
    host: values.host,
    apiUrl: values['api-url'],
    build: values['no-build'] ? false : undefined, // default: build where the site's sources are (the workspace)
    crossOriginIsolated: !values['no-isolation'],
  });
  console.log(`latentkit demo ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`  site:   ${server.url}/`);
  console.log(server.bundleDir ? `  bundle: ${server.bundleDir} (at ${server.url}/${bundleFolderName(values.precision)}/)` : '  bundle: none found (pass --run runs/NAME); the page explains how to make one');
  console.log(`  element script: ${server.url}/elements/latent-elements.js`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Runs `pnpm demo` with `argv` (the arguments after the command). Resolves with 0 once the site is
 * served (the server keeps the process alive until SIGINT/SIGTERM), or with the exit status of a
 * failure, printed on stderr as @latentkit/format/node (cli-exit.ts) describes; never throws.
 */
export function main(argv: string[]): Promise<number> {
  return runCli(() => start(argv), 'demo');
}

if (isEntryPoint(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
