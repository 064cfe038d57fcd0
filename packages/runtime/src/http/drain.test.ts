/**
 * Shutdown of the real server process under a process manager: SIGTERM to the PID it was started as,
 * mid-load, drains (in-flight requests answer 200), releases the sessions, prints its last line and
 * exits 0, leaving no process behind; and the same after a request answered 413 before its body was read.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { makeBundle } from '../../test/fixtures.ts';
import { startServer, type RunningServer } from '../../test/server.ts';

let bundle: string;
before(async () => {
  bundle = await makeBundle({ kind: 'vae', seed: 5 });
});

/**
 * Every running process as { pid, ppid, cmdline } from /proc. Zombies (state Z) are left out: they
 * have exited and run nothing; one reparented to a container's PID 1 that does not reap stays a zombie.
 */
function processes(): { pid: number; ppid: number; cmdline: string }[] {
  const out: { pid: number; ppid: number; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      out.push({ pid: Number(name), ppid: Number(ppid), cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Processes the server started, or anything still running the server on this test's bundle. */
function leftovers(server: RunningServer, children: number[]): string[] {
  const alive = processes();
  return alive
    .filter((p) => p.pid === server.child.pid || children.includes(p.pid) || p.ppid === server.child.pid || (p.cmdline.includes('serve-node.ts') && p.cmdline.includes(bundle)))
    .map((p) => `${p.pid} (parent ${p.ppid}): ${p.cmdline.slice(0, 200)}`);
}

/**
 * The leftovers once the server's children have had up to `ms` to finish exiting: tsx's esbuild
 * service leaves when its stdin (a pipe from the server) closes, a moment after the server has gone.
 */
async function leftoversAfter(server: RunningServer, children: number[], ms = 5000): Promise<string[]> {
  const until = Date.now() + ms;
  let left = leftovers(server, children);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    left = leftovers(server, children);
  }
  return left;
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

/** Runs `body` against a fresh server; whatever happens, no server is left running. */
async function withServer(args: string[], body: (server: RunningServer) => Promise<void>): Promise<void> {
  const server = await startServer(['--run', bundle, '--device', 'cpu', ...args]);
  try {
    await body(server);
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
  }
}

/**
 * Waits until `count` requests to `route` have reached the app, answered or not, while nothing else is
 * sent: the answered ones are in http_requests_total, the others in the in-flight gauge (less this
 * /metrics call, which counts itself). One scrape reads both, so none is counted twice or missed.
 */
async function waitForArrivals(url: string, route: string, count: number): Promise<void> {
  let seen = 0;
  for (let i = 0; i < 2000; i++) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const inFlight = Number(text.match(/^http_requests_in_flight (\d+)$/m)?.[1] ?? 0) - 1;
    const answered = [...text.matchAll(/^http_requests_total\{([^}]*)\} (\d+)$/gm)]
      .filter((m) => m[1]!.includes(`route="${route}"`))
      .reduce((n, m) => n + Number(m[2]), 0);
    seen = inFlight + answered;
    if (seen >= count) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`only ${seen} of ${count} requests to ${route} reached the server`);
}

test('SIGTERM mid-load: in-flight requests finish with 200, the sessions are released, exit 0, no process left', () =>
  // Admission control off (queue bounds wide open, no event-loop limit): this test is about the drain,
  // and every answer must be a 200; overload has its own test (overload.test.ts).
  withServer(['--max-queue-rows', '100000', '--max-queue-wait-ms', '600000', '--max-event-loop-delay-ms', '0'], async (server) => {
    const children = processes().filter((p) => p.ppid === server.child.pid).map((p) => p.pid);
    type Outcome = { status: number; bytes: number } | { error: string };
    const outcome = (e: unknown): Outcome => ({ error: String((e as Error & { cause?: unknown }).cause ?? e) });
    // Six large decodes the server is known to have received before SIGTERM (any still being handled
    // then must finish with 200). They go first and alone, so the metrics can tell they all arrived:
    // the in-flight gauge has no route label, and the load below would otherwise fill it.
    const z = Array.from({ length: 128 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    const inFlight: Promise<Outcome>[] = Array.from({ length: 6 }, () =>
      fetch(`${server.url}/v1/decode`, { method: 'POST', body: JSON.stringify({ z }), headers: { 'content-type': 'application/json' } })
        .then(async (r) => ({ status: r.status, bytes: (await r.arrayBuffer()).byteLength }))
        .catch(outcome),
    );
    await waitForArrivals(server.url, '/v1/decode', inFlight.length);
    // Background load: 8 clients on keep-alive connections, each sending the next request as soon as
    // its answer is read, until the server is gone.
    const background: Outcome[] = [];
    let stopped = false;
    const loops = Array.from({ length: 8 }, async (_, k) => {
      while (!stopped) {
        try {
          const r = await fetch(`${server.url}/v1/sample`, { method: 'POST', body: JSON.stringify({ n: 8, seed: k }), headers: { 'content-type': 'application/json', accept: 'image/png' } });
          background.push({ status: r.status, bytes: (await r.arrayBuffer()).byteLength });
        } catch (e) {
          background.push(outcome(e));
          return;
        }
      }
    });
    // SIGTERM once the load is flowing (one answer back), so load requests are in flight too.
    for (let i = 0; i < 2000 && background.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const code = await server.stop('SIGTERM');
    stopped = true;
    const results = await Promise.all(inFlight);
    await Promise.all(loops);

    assert.ok(results.every((r) => 'status' in r && r.status === 200 && r.bytes > 500000), JSON.stringify(results)); // 128 images as JSON: ~870 kB
    const answered = background.filter((o): o is { status: number; bytes: number } => 'status' in o);
    assert.ok(answered.length > 0);
    assert.ok(answered.every((o) => o.status === 200 && o.bytes > 100), JSON.stringify(answered.filter((o) => o.status !== 200)));
    // Once the server stops, a client's next request finds the port closed or its idle connection closed.
    for (const o of background) if ('error' in o) assert.match(o.error, /ECONNREFUSED|ECONNRESET|other side closed|SocketError/, o.error);
    assert.equal(code, 0, server.output());
    assert.match(server.stdout(), /SIGTERM: draining \d+ in-flight request\(s\)/);
    assert.match(lastLine(server.stdout()), /^drained in \d+ ms; sessions released; bye$/, server.output());
    assert.deepEqual(await leftoversAfter(server, children), []);
    await assert.rejects(fetch(`${server.url}/healthz`));
}));

test('after a request answered 413 before its body was read, SIGTERM still drains, cleans up and exits 0', () =>
  withServer(['--max-body', '2048', '--max-event-loop-delay-ms', '0'], async (server) => {
    // 2 MB: far past what the socket buffers hold, so most of it is still unread when the 413 is
    // decided; the server reads and drops the rest first (up to 16 MiB), so the connection stays usable.
    const r = await fetch(`${server.url}/v1/sample`, { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(2_000_000) }), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 413);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'body_too_large');
    assert.equal(r.headers.get('connection'), 'keep-alive');
    // Past 16 MiB the rest is not read: the answer closes the connection (its request stream is in an unknown state).
    const huge = await fetch(`${server.url}/v1/sample`, { method: 'POST', body: new Uint8Array(17 * 2 ** 20).fill(0x20), headers: { 'content-type': 'application/json' } }).catch((e: unknown) => e as Error);
    if (huge instanceof Response) {
      assert.equal(huge.status, 413);
      assert.equal(huge.headers.get('connection'), 'close');
      await huge.arrayBuffer();
    }
    // A small body over the limit, announced by Content-Length, is refused the same way.
    const small = await fetch(`${server.url}/v1/decode`, { method: 'POST', body: JSON.stringify({ z: [[0, 0]], pad: 'y'.repeat(3000) }), headers: { 'content-type': 'application/json' } });
    assert.equal(small.status, 413);
    await small.arrayBuffer();
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const code = await server.stop('SIGTERM');
    assert.equal(code, 0, server.output());
    assert.match(lastLine(server.stdout()), /^drained in \d+ ms; sessions released; bye$/, server.output());
    assert.deepEqual(await leftoversAfter(server, []), []);
}));
