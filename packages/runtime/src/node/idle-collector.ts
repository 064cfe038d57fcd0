/**
 * A full garbage collection once the server falls idle after a burst of work, so the memory a burst
 * left as garbage goes back to the OS instead of staying in V8's old space.
 *
 * Why (measured with bench/goodput.ts and bench/smaps.ts, issue 21): after closed-loop overload at
 * 64-1,024 connections the server's RSS stayed 9-15% above its warm level, and all of the difference
 * was V8's heap (heapTotal 76 -> 142 MB, heapUsed 34 -> 96 MB; malloc's arenas, onnxruntime's arena and
 * Buffers unchanged). It was garbage, not a leak: one forced full collection took heapUsed to 20 MB and
 * heapTotal to 22 MB. Requests that wait in the admission queue (up to 500 ms) outlive two scavenges and
 * are promoted to old space, where they die; old space is only collected when it next fills, and Node
 * runs no idle-time GC (watched for 30 s after the load: heapTotal did not move). So the heap, and the
 * RSS, kept the size of the burst's garbage for as long as the server stayed quiet.
 *
 * The rule: every `intervalMs` (default 500) the collector looks at what happened since its last look.
 * If work arrived (`touch()`), it only notes that; if none arrived, nothing is in flight, and V8's
 * committed heap has grown by `minGrowthBytes` (default 16 MiB) since the last collection, it collects once (a
 * full, synchronous mark-compact: ~10-40 ms for a 100 MB heap here, spent only when no request waits).
 * A server under steady load never collects here (V8's own heuristics run as usual).
 *
 * Committed, not used heap: in one run V8's own collections had already freed most of the garbage
 * (used heap +11 MB, under the threshold) while the committed heap stayed 47 MB larger, and that is
 * what the RSS shows.
 *
 * Which collection: a memory-reducing one, the kind V8's own memory reducer runs once the heap has
 * been quiet for a while (it compacts every old-space page and shrinks the young generation back to its
 * initial size). V8's plain `gc()` does neither: after an overload it left the semi-spaces at their
 * grown 2 x 16 MB and sparse old-space pages committed (used heap 20-28 MB with 116-153 MB committed
 * in three of nine bench runs, RSS up to +18% of warm). The memory reducer does give them back, but
 * only 20-30 s after the load (measured: V8 heap 85 -> 19 MB committed between 20 and 30 s after, RSS
 * -16%). Node exposes that collection through its in-process inspector: `HeapProfiler.collectGarbage`
 * (V8's inspector posts a task that calls Isolate::LowMemoryNotification). A small script shows the difference: after
 * 270 MB of garbage with a few survivors on every page, `gc()` left 32 MB of new space and 110 MB of
 * old space committed; the inspector's collection 1 MB and 3 MB. Where Node is built without the
 * inspector, `gc()` is the fallback.
 */
import { createRequire } from 'node:module';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleCollectorOptions {
  /** Requests in service now (the collector waits while any are). */
  inFlight: () => number;
  /** A full collection, done when it returns or its promise settles (default: memoryReducingGc()). */
  gc?: () => void | Promise<void>;
  /** V8's committed heap, bytes (default getHeapStatistics().total_heap_size). */
  heapBytes?: () => number;
  /** How often to look, ms (default 500). */
  intervalMs?: number;
  /** Least growth of the committed heap since the last collection worth a collection, bytes (default 16 MiB). */
  minGrowthBytes?: number;
}

export interface IdleCollectorStats {
  /** Collections run. */
  collections: number;
  /** Their total time, ms. */
  ms: number;
  /** Bytes of committed heap given back by them (before - after), summed. */
  freedBytes: number;
}

export interface IdleCollector {
  /** Call when a request arrives. */
  touch(): void;
  readonly stats: Readonly<IdleCollectorStats>;
  stop(): void;
}

/**
 * V8's `gc()` without starting Node with --expose-gc: the flag set at run time exposes `gc` on
 * contexts created afterwards, so a fresh vm context hands it over (the `expose-gc` npm package does
 * the same). Returns the global `gc` when the process already has one.
 */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

type InspectorSession = { connect(): void; post(method: string, callback: (err: Error | null) => void): void; disconnect(): void };

/**
 * A memory-reducing full collection (see the file comment): through an in-process inspector session
 * (no port is opened) when Node has its inspector, else V8's plain `gc()` (exposeGc()). The promise
 * resolves once V8 has run it.
 */
export function memoryReducingGc(): () => Promise<void> {
  const Session = inspectorSession();
  if (!Session) {
    const gc = exposeGc();
    return async () => gc();
  }
  return () =>
    new Promise<void>((resolve, reject) => {
      const session = new Session();
      session.connect();
      session.post('HeapProfiler.collectGarbage', (err) => {
        // Not from inside the callback: the session is still dispatching it there, and disconnecting
        // then never returns (seen on Node 20).
        setImmediate(() => session.disconnect());
        if (err) reject(err);
        else resolve();
      });
    });
}

/** node:inspector's Session, or undefined where Node is built --without-inspector (it throws ERR_INSPECTOR_NOT_AVAILABLE then). */
function inspectorSession(): (new () => InspectorSession) | undefined {
  try {
    return (createRequire(import.meta.url)('node:inspector') as { Session: new () => InspectorSession }).Session;
  } catch {
    return undefined;
  }
}

export function startIdleCollector(options: IdleCollectorOptions): IdleCollector {
  const gc = options.gc ?? memoryReducingGc();
  const heapBytes = options.heapBytes ?? (() => getHeapStatistics().total_heap_size);
  const minGrowth = options.minGrowthBytes ?? 16 * 2 ** 20;
  const stats: IdleCollectorStats = { collections: 0, ms: 0, freedBytes: 0 };
  let touched = false;
  let baseline = heapBytes();
  let collecting = false;
  const timer = setInterval(() => {
    if (touched) {
      touched = false;
      return;
    }
    if (collecting || options.inFlight() > 0) return;
    const before = heapBytes();
    baseline = Math.min(baseline, before); // V8's own collections count too
    if (before - baseline < minGrowth) return;
    const t0 = performance.now();
    const done = () => {
      collecting = false;
      stats.ms += performance.now() - t0;
      stats.collections++;
      baseline = heapBytes();
      stats.freedBytes += Math.max(0, before - baseline);
    };
    collecting = true;
    let result: void | Promise<void>;
    try {
      result = gc();
    } catch {
      collecting = false; // a failed collection is not counted; the next idle tick tries again
      return;
    }
    if (result instanceof Promise) result.then(done, () => void (collecting = false));
    else done();
  }, options.intervalMs ?? 500);
  timer.unref();
  return {
    touch: () => void (touched = true),
    stats,
    stop: () => clearInterval(timer),
  };
}
