/**
 * Closed-loop HTTP/1.1 clients on raw sockets, for bench/goodput.ts: `connections` keep-alive
 * sockets, each sending its next POST as soon as the previous answer has arrived (200, 503 or other),
 * for `seconds`, then closing. Answers are read by Content-Length (the server always sends one).
 *
 * All sockets connect first and the clock starts once every one is open (or has failed): the step
 * measures N clients in a closed loop, not the server accepting N new connections at once. Measured on
 * the Fashion VAE server at 1,024 connections with the clock running from the first connect: the
 * first half second's answers had a p99 of 176-359 ms (the requests sat in their sockets while the
 * event loop accepted and set up the other connections), every later half second 33-95 ms, and that
 * first half second alone was the p99 of the 6 s step (144-297 ms).
 *
 * Pre-connecting did not remove that first half second: it is the closed loop's start, all N first
 * requests arriving in the same instant, read and queued in one event-loop turn. So the latencies
 * are kept twice: all of the step's, and those of the requests sent after its first `warmupSeconds`
 * (the steady state, as wrk2 leaves its calibration period out of its percentiles).
 *
 * Why not autocannon or http.Agent: both reported the 200s of the admission queue ~400 ms slower than
 * this client did against the same server at the same moment (p99 ~530 vs ~140 ms at 64 connections,
 * quiet machine), while the server's own histogram agreed with this client; the extra time is in those
 * clients (not found in this session), so the bench measures with the thinnest client there is.
 */
import { connect, type Socket } from 'node:net';

export interface ClosedLoopResult {
  byStatus: Record<string, number>;
  /** Latency of the 200s, ms, sorted. */
  ok: number[];
  /** The same for the requests sent after the first `warmupSeconds` (the steady state), sorted. */
  okSteady: number[];
  /** Sockets that failed or closed before the end. */
  errors: number;
}

export function closedLoopRaw(url: string, path: string, body: string, headers: Record<string, string>, connections: number, seconds: number, warmupSeconds = 1): Promise<ClosedLoopResult> {
  const { hostname, port } = new URL(url);
  const head = Object.entries({ host: `${hostname}:${port}`, ...headers, 'content-length': String(Buffer.byteLength(body)) })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const request = Buffer.from(`POST ${path} HTTP/1.1\r\n${head}\r\n${body}`);
  const result: ClosedLoopResult = { byStatus: {}, ok: [], okSteady: [], errors: 0 };
  let end = Infinity;
  let steadyFrom = Infinity;
  let open = 0;
  let started = false;
  const senders: (() => void)[] = [];
  const start = () => {
    if (started) return;
    started = true;
    end = performance.now() + seconds * 1000;
    steadyFrom = end - (seconds - warmupSeconds) * 1000;
    for (const send of senders) send();
  };
  const one = () =>
    new Promise<void>((resolve) => {
      const socket: Socket = connect(Number(port), hostname);
      let buf: Buffer = Buffer.alloc(0);
      let t0 = 0;
      let done = false;
      let settled = false; // connected, or failed before connecting
      const settle = () => {
        if (settled) return;
        settled = true;
        if (++open === connections) start();
      };
      const finish = (failed: boolean) => {
        if (done) return;
        done = true;
        if (failed) result.errors++;
        socket.destroy();
        settle();
        resolve();
      };
      const send = () => {
        if (done) return;
        if (performance.now() >= end) return finish(false);
        t0 = performance.now();
        socket.write(request);
      };
      socket.setNoDelay(true);
      socket.on('connect', () => {
        senders.push(send);
        settle();
      });
      socket.on('data', (d: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        for (;;) {
          const h = buf.indexOf('\r\n\r\n');
          if (h < 0) return;
          const headText = buf.subarray(0, h).toString('latin1');
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headText)?.[1] ?? NaN);
          if (!Number.isFinite(length)) return finish(true);
          if (buf.length < h + 4 + length) return;
          const status = headText.slice(9, 12);
          buf = buf.subarray(h + 4 + length);
          result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
          if (status === '200') {
            result.ok.push(performance.now() - t0);
            if (t0 >= steadyFrom) result.okSteady.push(performance.now() - t0);
          }
          send();
        }
      });
      socket.on('error', () => finish(true));
      socket.on('close', () => finish(performance.now() < end));
    });
  return Promise.all(Array.from({ length: connections }, one)).then(() => {
    result.ok.sort((a, b) => a - b);
    result.okSteady.sort((a, b) => a - b);
    return result;
  });
}
