/**
 * The Hono app on @hono/node-server, as a function and as a command.
 *
 *   serve(options)  -> a running server (url, shutdown(), closed); importable, listens, drains on SIGTERM/SIGINT.
 *   main(argv)      -> the `serve` command line: parses argv, serves, resolves with the exit code once
 *                      the server has stopped (0 drained, 1 drain timed out, 2 bad command line or bundle).
 *   node --import tsx src/http/serve-node.ts [flags]   runs main() and exits with its code.
 *
 * Prints `listening on http://HOST:PORT` once ready (port 0 picks a free port). Shutdown (SIGTERM,
 * SIGINT or shutdown()): /readyz turns 503, the listener closes, connections with no response in flight
 * close, in-flight requests finish (answered with `Connection: close`), bounded by the drain timeout;
 * then the model's sessions are released and the last line, `drained; bye`, is printed.
 *
 * Why connections are tracked here and not left to server.close(): a request answered before its body
 * was read (413, 406, 415...) leaves its socket paused with the rest of the body unread (and the client,
 * undici, resets a connection whose request it had not finished sending; a paused socket never reads
 * that reset). Node's closeIdleConnections() does not count it as idle (its parser is mid-message), and
 * a paused socket keeps no libuv handle active, so the event loop could empty before server.close()
 * called back: the process then exited 0 by itself, skipping the drain's cleanup and its last line.
 * Now such answers either read the small rest of the body first or carry `Connection: close` (so no
 * client reuses a socket whose request stream is in an unknown state, and Node closes it), shutdown
 * closes every connection without a response in flight, and a ref'd timer bounds the drain.
 */
import { createAdaptorServer, type HttpBindings, type Http2Bindings } from '@hono/node-server';
import { createServer, type RequestListener, type ServerOptions } from 'node:http';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { realpathSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { LatentModel, env, type Device, DEVICES } from '../node/index.ts';
import { findBundle } from '../node/find-bundle.ts';
import { sharpCodec } from '../node/images.ts';
import { MicroBatchedModel, microBatched, type MicroBatchOptions } from '../common/micro-batcher.ts';
import { BundleError, InputError, OverloadedError, UnsupportedDeviceError } from '../common/errors.ts';
import { watchEventLoopDelay, type EventLoopDelay } from '../node/event-loop-delay.ts';
import { AdmissionQueue } from '../common/admission-queue.ts';
import { GradientLimit } from '../common/gradient-limit.ts';
import { admissionListener } from '../node/admission-listener.ts';
import { startIdleCollector, type IdleCollector } from '../node/idle-collector.ts';
import { reportCliError } from '@latentkit/format/node';
import { modelLabel } from '@latentkit/format';
import { createApp, type Lifecycle } from './app.ts';
import { createAppMetrics } from './app-metrics.ts';
import { Gauge, Histogram } from './metrics.ts';
import { errorResponse } from './errors.ts';

export interface ServeOptions {
  /** Bundle folder (manifest.json, decoder.onnx, ...). */
  bundle: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  device?: Device;
  /** onnxruntime intra-op threads (0 = all cores, the default). */
  threads?: number;
  /** Micro-batching and admission control (default: maxBatch 256, maxWaitMs 2, maxQueueRows 512, maxQueueWaitMs 30); false = each request decodes on its own, unbounded. */
  microBatch?: false | MicroBatchOptions;
  /** Largest request body in bytes (default 4 MiB): larger gets 413. */
  maxBodyBytes?: number;
  /**
   * Admission control: while the event loop runs later than this (ms, mean over two 100 ms windows),
   * POSTs to /v1 get 503 at once (default 0 = off: the delay grows with the refusals themselves, so under
   * closed-loop load it refused nearly everything; see the README's overload section).
   */
  maxEventLoopDelayMs?: number;
  /**
   * Admission control: most POSTs to /v1 in service at once; the rest wait (FIFO, LIFO once the queue
   * stands) and get 503 after `queueTimeoutMs` (common/admission-queue.ts). 'auto' (the default) adapts
   * the limit to measured service times (common/gradient-limit.ts); a number fixes it; 0 turns it off.
   */
  concurrencyLimit?: number | 'auto';
  /** Admission control: longest wait for a turn while the queue stands, ms (default 500), stretched by `maxRefusalsPerSecond`. */
  queueTimeoutMs?: number;
  /**
   * Admission control: with many waiters the wait stretches (up to 4 s) so timeouts refuse at most this
   * many requests a second (default 500; 0 = no bound): common/admission-queue.ts.
   */
  maxRefusalsPerSecond?: number;
  /** On shutdown, wait at most this long for in-flight requests (ms, default 10000). */
  drainTimeoutMs?: number;
  /**
   * A full garbage collection when the server falls idle after a burst (node/idle-collector.ts; default
   * true): the garbage of an overload otherwise stays in V8's old space, and in the RSS, while idle.
   */
  idleGc?: boolean;
  /**
   * Where onnxruntime's sessions run (sets env.sessionThread; default: as env says, 'worker' unless changed): on the main thread a batch
   * stops the event loop, and with it accepting, parsing and refusing (runtime README, "Goodput under overload").
   */
  sessionThread?: 'worker' | 'main';
  /** Drain on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
  /** Where the server's lines go (default console.log). */
  log?: (line: string) => void;
}

export interface NodeServer {
  /** http://HOST:PORT */
  url: string;
  /** Drains and stops (see the file comment); resolves with 0 when drained, 1 when the drain timed out. */
  shutdown(reason?: string): Promise<number>;
  /** Resolves with the same code once the server has stopped, however it was asked to. */
  closed: Promise<number>;
}

/** The server could not listen (port in use, address not available): a bad --port or --host. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly code = 'LATENTKIT_LISTEN';
}

/**
 * Admission-control defaults of the server (the library's micro-batcher is unbounded by default).
 * Admission is the concurrency limit in front of the app (common/admission-queue.ts); the micro-batch
 * queue keeps a row bound (memory) and a loose wait bound (1 s). The earlier defaults (30 ms queue
 * wait, 30 ms event-loop delay, immediate 503s) served 56-65% of capacity under open-loop 4x load, but
 * under closed-loop clients that retry at once they refused nearly everything (issue 21; README).
 */
export const SERVER_QUEUE_DEFAULTS = { maxBatch: 256, maxWaitMs: 2, maxQueueRows: 512, maxQueueWaitMs: 1000 } as const;
export const SERVER_MAX_EVENT_LOOP_DELAY_MS = 0;
/** The admission queue's timeout under overload (ms): measured with bench/goodput.ts (README). */
export const SERVER_QUEUE_TIMEOUT_MS = 500;
/**
 * Pending connections the kernel may hold for the server to accept (listen(2)'s backlog; Linux caps it
 * at net.core.somaxconn, 4096 by default since 5.4). Node's default is 511: when 1,024 closed-loop
 * clients connected at once while the event loop was busy, ~2,000 handshakes overflowed the accept
 * queue (TcpExtListenOverflows) and those clients' first requests waited for TCP retransmissions,
 * seconds (p50 3.7 s in that step; issue 21, README).
 */
export const SERVER_LISTEN_BACKLOG = 4096;
/** The refusal-rate bound of the admission queue (per second): ~0.05 of a core in refusals (README). */
export const SERVER_MAX_REFUSALS_PER_SECOND = 500;

export async function serve(options: ServeOptions): Promise<NodeServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const drainTimeoutMs = options.drainTimeoutMs ?? 10000;
  if (options.threads !== undefined) env.threads = options.threads;
  if (options.sessionThread !== undefined) env.sessionThread = options.sessionThread;
  const loaded = await LatentModel.load(options.bundle, { device: options.device ?? 'auto' });
  const micro = options.microBatch === false ? false : { ...SERVER_QUEUE_DEFAULTS, ...options.microBatch };
  const model = micro ? microBatched(loaded, micro) : loaded;
  const lifecycle: Lifecycle = { draining: false };
  const maxDelay = options.maxEventLoopDelayMs ?? SERVER_MAX_EVENT_LOOP_DELAY_MS;
  let loop: EventLoopDelay | null = null; // started once listening: loading the model is not overload
  const loopAdmission = () =>
    loop && loop.sustainedMs > maxDelay
      ? new OverloadedError('event_loop_delay', 1, `The server is at capacity: its event loop runs ${loop.sustainedMs.toFixed(0)} ms late (limit ${maxDelay} ms). Retry later.`)
      : null;
  const metrics = createAppMetrics(model, () => {
    const m = process.memoryUsage();
    return {
      process_resident_memory_bytes: m.rss,
      nodejs_heap_used_bytes: m.heapUsed,
      nodejs_heap_total_bytes: m.heapTotal,
      nodejs_external_bytes: m.external,
      nodejs_array_buffers_bytes: m.arrayBuffers,
      nodejs_eventloop_delay_mean_ms: loop?.delayMs ?? 0,
    };
  });
  const app = createApp(model, { imageCodec: sharpCodec(), maxBodyBytes: options.maxBodyBytes, lifecycle, admission: loopAdmission, metrics });
  const routeLabels = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => r.path));
  const routeLabel = (path: string) => (routeLabels.has(path) ? path : path.startsWith('/v1/attributes/') ? '/v1/attributes/:name' : 'unmatched');

  /**
   * Refusing must cost far less than serving, or an overloaded server spends its time refusing: an
   * early error answer through the app (routing, middleware, the body limit, an exception) was measured
   * at ~0.4 ms of CPU here, a bare @hono/node-server answer at ~0.04 ms. So the admission checks the
   * app makes run here first, on the raw request, with a ready-made answer, counted in the app's
   * metrics (the app still checks, for hosts without this fast path).
   */
  const batched = model instanceof MicroBatchedModel ? model : null;
  const fastRefusal = (req: Request, bindings: HttpBindings | Http2Bindings): Response | null => {
    if (req.method !== 'POST' || !(bindings.incoming.url ?? '').startsWith('/v1/')) return null;
    const refusal = loopAdmission() ?? batched?.admission(1) ?? null;
    if (!refusal) return null;
    const path = (bindings.incoming.url ?? '').split('?')[0];
    metrics.rejected.inc({ reason: refusal.reason });
    metrics.requests.inc({ route: routeLabel(path), method: routeLabel(path) === 'unmatched' ? 'other' : 'POST', status: '503' });
    metrics.durations.observe(0, { route: routeLabel(path) });
    const headers: Record<string, string> = { 'retry-after': String(refusal.retryAfterSeconds) };
    if (bindings.incoming.headers.origin) Object.assign(headers, { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'x-seed,x-image-count,retry-after' });
    return errorResponse(503, 'overloaded', refusal.message, undefined, headers);
  };

  // An answer ready before the whole request arrived (an early 4xx such as a 413, or a 503 from
  // admission control, decided before the body is read): the rest of the body, up to
  // DRAIN_BEFORE_ANSWER_BYTES (announced or counted as it comes), is read and dropped first, and only
  // then is the answer sent. A client that writes its whole body before reading (Node's fetch/undici
  // does) otherwise meets a closed socket and reports EPIPE instead of the 413 (issue 21: 6-9 of 10
  // tries for 5-10 MiB bodies); loopback reads ~1 GB/s, so 16 MiB costs ~15 ms. A larger or slower
  // rest closes the connection after the answer (`Connection: close`). Closing on every early answer
  // was measured to be costly: under overload each 503 then cost the client a new connection. While
  // draining, every answer closes its connection.
  const fetch = async (req: Request, bindings: HttpBindings | Http2Bindings): Promise<Response> => {
    const res = fastRefusal(req, bindings) ?? (await app.fetch(req, bindings));
    const incoming = bindings.incoming;
    let close = lifecycle.draining;
    if (!incoming.complete && !close) {
      const announced = Number(incoming.headers['content-length'] ?? 0);
      close = !(announced <= DRAIN_BEFORE_ANSWER_BYTES && (await restOfBodyRead(incoming, DRAIN_BEFORE_ANSWER_BYTES, 5000)));
    }
    if (close) res.headers.set('connection', 'close');
    return res;
  };

  // Admission by a concurrency limit, decided on the raw request before Hono builds anything.
  const limitOption = options.concurrencyLimit ?? 'auto';
  const limit = limitOption === 'auto' ? new GradientLimit() : limitOption;
  const queue = limit === 0 ? null : new AdmissionQueue({ limit, overloadTimeoutMs: options.queueTimeoutMs ?? SERVER_QUEUE_TIMEOUT_MS, maxRefusalsPerSecond: (options.maxRefusalsPerSecond ?? SERVER_MAX_REFUSALS_PER_SECOND) || Infinity });
  if (queue) for (const reason of ['admission_full', 'admission_timeout']) metrics.rejected.inc({ reason }, 0);
  if (queue) metrics.registry.add(new Gauge('latentkit_admission_limit', 'Admission control: requests allowed in service at once (adaptive).', () => queue.limit));
  if (queue && limit instanceof GradientLimit) metrics.registry.add(new Gauge('latentkit_admission_reference_seconds', "Admission control: the adaptive limit's reference service time (the best average of loaded windows), seconds.", () => limit.referenceRttMs / 1000));
  const answered = queue
    ? metrics.registry.add(new Histogram('latentkit_admitted_request_seconds', 'POSTs to /v1 answered 200: time from arrival to the answer written (admission wait + service), seconds.', [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5]))
    : null;
  if (queue) metrics.registry.add(new Gauge('latentkit_admission_waiting', 'Admission control: requests waiting for their turn.', () => queue.waiting));
  const wrap = (inner: RequestListener): RequestListener =>
    queue
      ? admissionListener(inner, {
          queue,
          guarded: (req) => req.method === 'POST' && (req.url ?? '').startsWith('/v1/'),
          onRefused: (req, reason) => {
            const route = routeLabel((req.url ?? '').split('?')[0]);
            metrics.rejected.inc({ reason: reason === 'queue_full' ? 'admission_full' : 'admission_timeout' });
            metrics.requests.inc({ route, method: route === 'unmatched' ? 'other' : 'POST', status: '503' });
          },
          onAnswered: (_req, res, ms) => {
            if (res.statusCode === 200) answered!.observe(ms / 1000);
          },
          onAbandoned: (req) => {
            const route = routeLabel((req.url ?? '').split('?')[0]);
            metrics.requests.inc({ route, method: route === 'unmatched' ? 'other' : 'POST', status: '499' });
          },
        })
      : inner;

  const port = options.port ?? 8787;
  const hostname = options.host ?? '127.0.0.1';
  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>((resolve, reject) => {
    // @hono/node-server's serve() listens with Node's default backlog (511); see SERVER_LISTEN_BACKLOG.
    const s = createAdaptorServer({ fetch, hostname, createServer: ((opts: ServerOptions, listener: RequestListener) => createServer(opts, wrap(listener))) as typeof createServer }) as Server;
    s.listen({ port, host: hostname, backlog: SERVER_LISTEN_BACKLOG }, () => resolve({ server: s, address: s.address() as AddressInfo }));
    s.once('error', (e: NodeJS.ErrnoException) => {
      void model.dispose();
      reject(new ListenError(`Cannot listen on ${hostname}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use; pass another --port (0 = any free port)' : e.message}.`));
    });
  });
  if (maxDelay > 0) loop = watchEventLoopDelay();
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log(`serving ${options.bundle} (${modelLabel(model.manifest)}, latent ${model.latentDim}, ${model.provider} on the ${env.sessionThread} thread, ${model.manifest.onnx?.precision ?? 'fp32'}, micro-batch ${micro ? `on, queue <= ${micro.maxQueueRows} rows / ~${micro.maxQueueWaitMs} ms` : 'off'}, concurrency limit ${queue ? `${limitOption === 'auto' ? 'adaptive' : limitOption}, waiting <= ${queue.overloadTimeoutMs} ms under overload${queue.maxRefusalsPerSecond < Infinity ? ` (longer with many waiting: <= ${queue.maxRefusalsPerSecond} refusals/s, <= ${queue.maxOverloadTimeoutMs} ms)` : ''}` : 'off'}, event-loop delay limit ${maxDelay ? `${maxDelay} ms` : 'off'})`);
  log(`listening on ${url}`);

  // Responses in flight per connection, so shutdown can close the others at once.
  const inFlight = new Map<Socket, number>();
  const idle: IdleCollector | null = options.idleGc === false ? null : startIdleCollector({ inFlight: () => [...inFlight.values()].reduce((n, k) => n + k, 0) });
  if (idle) {
    metrics.registry.add(new Gauge('nodejs_idle_gc_total', 'Full garbage collections run because the server fell idle after a burst (node/idle-collector.ts).', () => idle.stats.collections));
    metrics.registry.add(new Gauge('nodejs_idle_gc_seconds', 'Time spent in those collections, seconds.', () => idle.stats.ms / 1000));
    metrics.registry.add(new Gauge('nodejs_idle_gc_freed_bytes', 'Committed V8 heap given back by those collections, bytes (summed).', () => idle.stats.freedBytes));
  }
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if ((req.url ?? '').startsWith('/v1/')) idle?.touch();
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (inFlight.has(socket)) inFlight.set(socket, left);
      if (lifecycle.draining && left === 0) socket.destroySoon();
    });
  });

  let resolveClosed!: (code: number) => void;
  const closed = new Promise<number>((r) => (resolveClosed = r));
  let stopping: Promise<number> | null = null;
  const shutdown = (reason = 'shutdown'): Promise<number> =>
    (stopping ??= new Promise<number>((resolve) => {
      lifecycle.draining = true;
      const busy = [...inFlight.values()].reduce((n, k) => n + k, 0);
      log(`${reason}: draining ${busy} in-flight request(s)`);
      const t0 = performance.now();
      // Ref'd on purpose: until the drain ends one way or the other, the process stays up.
      const timer = setTimeout(() => {
        log(`drain timed out after ${drainTimeoutMs} ms with ${[...inFlight.values()].reduce((n, k) => n + k, 0)} request(s) unfinished; closing them`);
        for (const socket of inFlight.keys()) socket.destroy();
        finish(1);
      }, drainTimeoutMs);
      let finished = false;
      const finish = (code: number) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        loop?.stop();
        idle?.stop();
        queue?.close();
        void model.dispose().then(
          () => {
            log(`${code === 0 ? 'drained' : 'stopped'} in ${(performance.now() - t0).toFixed(0)} ms; sessions released; bye`);
            resolve(code);
          },
          (e: unknown) => {
            log(`releasing the sessions failed: ${String(e)}; bye`);
            resolve(1);
          },
        );
      };
      server.close(() => finish(0)); // stops accepting; calls back once every connection has closed
      for (const [socket, n] of inFlight) if (n === 0) socket.destroySoon();
    }).then((code) => {
      removeSignals();
      resolveClosed(code);
      return code;
    }));

  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal);
  const removeSignals = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  if (options.handleSignals !== false) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { url, shutdown, closed };
}

/** Largest unread rest of a request body read and dropped before an early answer (beyond it the connection closes). */
const DRAIN_BEFORE_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * Reads what is left of a request body and drops it; false when more than `maxBytes` arrive, or it
 * has not ended within `timeoutMs`, or the stream fails.
 */
function restOfBodyRead(incoming: HttpBindings['incoming'] | Http2Bindings['incoming'], maxBytes: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let bytes = 0;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      if (!ok) incoming.pause();
      resolve(ok);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) done(false);
    };
    const onEnd = () => done(true);
    const onError = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    // @hono/node-server hands the app a web stream over `incoming` (Readable.toWeb), whose 'data'
    // listener pauses the socket once its unread queue is full (~128 KB here): nobody will read that
    // stream now that the answer is decided, so it is detached, or the rest never arrives.
    for (const l of incoming.listeners('data')) incoming.off('data', l as (chunk: Buffer) => void);
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onError);
    incoming.resume();
  });
}

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
  return n;
};

const limitArg = (v: string): number | 'auto' => (v === 'auto' ? 'auto' : int('concurrency-limit', 0, 1 << 20)(v));

function command(): Command {
  return new Command('serve')
    .description('Serve an exported latentkit bundle over HTTP')
    .option('--run <path>', 'run folder or its bundle/ (default: newest runs/*/bundle)')
    .addOption(new Option('--precision <p>', 'which export of the run: bundle/ (fp32), bundle-fp16/ or bundle-int8/').choices(['fp32', 'fp16', 'int8']).default('fp32'))
    .option('--port <n>', 'port (0 = any free port)', int('port', 0, 65535), 8787)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--device <device>', 'execution device').choices([...DEVICES]).default('auto'))
    .option('--threads <n>', 'onnxruntime intra-op threads (0 = all cores)', int('threads', 0, 256), 0)
    .option('--no-micro-batch', 'decode each request on its own (no queue, so no admission control)')
    .option('--max-batch <n>', 'micro-batch: most latent rows per session run', int('max-batch', 1, 4096), SERVER_QUEUE_DEFAULTS.maxBatch)
    .option('--max-wait-ms <n>', 'micro-batch: longest wait for company (ms)', int('max-wait-ms', 0, 1000), SERVER_QUEUE_DEFAULTS.maxWaitMs)
    .option('--max-queue-rows <n>', 'admission control: most latent rows waiting; past it 503 + Retry-After at once', int('max-queue-rows', 1, 1 << 24), SERVER_QUEUE_DEFAULTS.maxQueueRows)
    .option('--max-queue-wait-ms <n>', 'admission control: a request expected to wait longer than this for its images gets 503 + Retry-After at once', int('max-queue-wait-ms', 0, 600000), SERVER_QUEUE_DEFAULTS.maxQueueWaitMs)
    .option('--max-event-loop-delay-ms <n>', 'admission control: while the event loop runs later than this, 503 + Retry-After at once (0 = off)', int('max-event-loop-delay-ms', 0, 600000), SERVER_MAX_EVENT_LOOP_DELAY_MS)
    .option('--concurrency-limit <n>', "admission control: most POSTs to /v1 in service at once, the rest wait their turn ('auto' adapts it to measured latency; 0 = off)", limitArg, 'auto' as const)
    .option('--queue-timeout-ms <n>', 'admission control: longest wait for a turn while the queue stands (then 503 + Retry-After)', int('queue-timeout-ms', 1, 600000), SERVER_QUEUE_TIMEOUT_MS)
    .option('--max-refusals-per-second <n>', 'admission control: with many waiting, their wait stretches (up to 4 s) so at most this many are refused a second (0 = no bound)', int('max-refusals-per-second', 0, 1 << 20), SERVER_MAX_REFUSALS_PER_SECOND)
    .option('--max-body <bytes>', 'largest request body (413 above)', int('max-body', 1024, 1 << 30), 4 * 1024 * 1024)
    .addOption(new Option('--session-thread <where>', "where onnxruntime's sessions run: 'worker' (a worker thread; the event loop keeps accepting and answering during a batch) or 'main'").choices(['worker', 'main']).default('worker'))
    .option('--no-idle-gc', 'no full garbage collection when the server falls idle after a burst (RSS then keeps the garbage of an overload while idle)')
    .option('--drain-timeout-ms <n>', 'on shutdown, wait at most this long for in-flight requests', int('drain-timeout-ms', 0, 600000), 10000)
    .showHelpAfterError()
    .exitOverride();
}

/**
 * The `serve` command: resolves with the process exit code once the server has stopped (0 after a
 * drain, 1 when the drain timed out, 2 for a bad command line or a missing bundle; --help gives 0).
 * It never calls process.exit, so a CLI (the `latentkit` bin) can run it in-process.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const program = command();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    return reportCliError(e, 'serve'); // commander has printed the message: 0 for --help, else 2
  }
  const o = program.opts<{
    run?: string; precision: 'fp32' | 'fp16' | 'int8'; port: number; host: string; device: Device; threads: number; microBatch: boolean;
    maxBatch: number; maxWaitMs: number; maxQueueRows: number; maxQueueWaitMs: number; maxEventLoopDelayMs: number; maxBody: number; drainTimeoutMs: number;
    concurrencyLimit: number | 'auto'; queueTimeoutMs: number; maxRefusalsPerSecond: number; idleGc: boolean; sessionThread: 'worker' | 'main';
  }>();
  let bundle: string;
  try {
    bundle = findBundle(o.run, o.precision);
  } catch (e) {
    return reportCliError(e, 'serve');
  }
  const onRejection = (e: unknown) => console.error('[latentkit] unhandled rejection (kept running):', e);
  process.on('unhandledRejection', onRejection);
  try {
    let server: NodeServer;
    try {
      server = await serve({
        bundle,
        port: o.port,
        host: o.host,
        device: o.device,
        threads: o.threads,
        microBatch: o.microBatch ? { maxBatch: o.maxBatch, maxWaitMs: o.maxWaitMs, maxQueueRows: o.maxQueueRows, maxQueueWaitMs: o.maxQueueWaitMs } : false,
        maxBodyBytes: o.maxBody,
        maxEventLoopDelayMs: o.maxEventLoopDelayMs,
        concurrencyLimit: o.concurrencyLimit,
        queueTimeoutMs: o.queueTimeoutMs,
        maxRefusalsPerSecond: o.maxRefusalsPerSecond,
        idleGc: o.idleGc,
        sessionThread: o.sessionThread,
        drainTimeoutMs: o.drainTimeoutMs,
      });
    } catch (e) {
      // Bad input (an unusable bundle, device or port): the message, exit 2; anything else is a bug (1, with its stack).
      return reportCliError(e, 'serve');
    }
    return await server.closed;
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
})();
if (invokedDirectly) process.exit(await main());
