/**
 * wrk (Debian's `wrk` package, C and epoll: it loads the 2 cores far less than a JS load generator)
 * driven from the bench: POST /v1/sample for 1-image PNGs, counting answers by status in its Lua hooks.
 * An offered rate is approximated with wrk's per-connection delay() hook: each connection waits
 * connections / rate seconds after an answer before its next request.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  byStatus: Record<string, number>;
  requests: number;
  seconds: number;
  errors: { connect: number; read: number; write: number; timeout: number };
  /** wrk's own latency percentiles over all answers (200s and 503s together), ms. */
  p50: number;
  p99: number;
}

export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

const script = (body: string, delayMs: number) => `
wrk.method = "POST"
wrk.body = '${body}'
wrk.headers["content-type"] = "application/json"
wrk.headers["accept"] = "image/png"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
${delayMs > 0 ? `function delay() return ${delayMs.toFixed(3)} end` : ''}
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("counts")) do total[s] = (total[s] or 0) + n end
  end
  io.write("STATUS")
  for s, n in pairs(total) do io.write(string.format(" %d=%d", s, n)) end
  io.write("\\n")
  local e = summary.errors
  io.write(string.format("ERRORS %d %d %d %d\\n", e.connect, e.read, e.write, e.timeout))
  io.write(string.format("TOTAL %d %d\\n", summary.requests, summary.duration))
  io.write(string.format("LATENCY %d %d\\n", latency:percentile(50), latency:percentile(99)))
end
`;

/** Runs wrk against `url` + /v1/sample; `rate` (req/s over all connections) or closed loop. */
export async function wrk(url: string, o: { seconds: number; connections: number; threads?: number; rate?: number }): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-wrk-'));
  const lua = join(dir, 'sample.lua');
  writeFileSync(lua, script(JSON.stringify({ n: 1, includeLatents: false }), o.rate ? (1000 * o.connections) / o.rate : 0));
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', ['-t', String(o.threads ?? 1), '-c', String(o.connections), '-d', `${o.seconds}s`, '--timeout', '10s', '-s', lua, `${url}/v1/sample`]);
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`))));
    });
    const line = (tag: string) => out.match(new RegExp(`^${tag}(.*)$`, 'm'))?.[1].trim().split(/\s+/).filter(Boolean) ?? [];
    const byStatus = Object.fromEntries(line('STATUS').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
    const [connect, read, write, timeout] = line('ERRORS').map(Number);
    const [requests, durationUs] = line('TOTAL').map(Number);
    const [p50, p99] = line('LATENCY').map((us) => Number(us) / 1000);
    return { byStatus, requests, seconds: durationUs / 1e6, errors: { connect, read, write, timeout }, p50, p99 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
