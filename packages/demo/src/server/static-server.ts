/**
 * A small static file server for the built site and model bundles.
 *
 * Why our own and not `vite preview`: we need exact control over the headers that decide how
 * onnxruntime-web runs (COOP/COEP make the page cross-origin isolated, which enables wasm threads),
 * CORS + CORP so the custom element and bundle load from any other origin, and a request log the
 * tests read to prove that a second visit fetches no model or wasm bytes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { contentType } from './mime.ts';
import { compressedBytes, isCompressible, negotiateEncoding, precompressedSibling } from './compression.ts';

export interface Mount {
  /** URL prefix ending in '/', e.g. '/bundle/'. The longest matching prefix wins. */
  prefix: string;
  /** Directory served under the prefix. */
  dir: string;
  /** Optional filter on the path below the prefix (e.g. only `NAME/bundle/...` under /runs/). */
  allow?: (relativePath: string) => boolean;
}

export interface StaticServerOptions {
  mounts: Mount[];
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /**
   * Send COOP/COEP so pages are cross-origin isolated (SharedArrayBuffer, wasm threads). Default true.
   * Either way every response carries CORS and CORP headers so other origins may embed it.
   */
  crossOriginIsolated?: boolean;
  /** Extra JSON documents, by exact path (e.g. '/demo-config.json'). */
  json?: Record<string, unknown>;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** Content-Encoding of the body, if any. */
  encoding?: string;
  /** Body bytes sent (after compression; 0 for HEAD and 304). Set once the body is known. */
  bytes?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Every request served, in order; tests read it. */
  readonly requests: RequestLogEntry[];
  close(): Promise<void>;
}

/**
 * Files that never change under their URL: names with a content hash (Vite's `-XXXXXXXX.` suffix),
 * and anything in a folder named by one (onnxruntime-web's files under `ort/<16 hex digits>/`).
 */
const HASHED_NAME = /[-.][A-Za-z0-9_-]{8,}\.(js|mjs|css|png|svg)$/;
const HASHED_FOLDER = /\/[0-9a-f]{16}\//;

/**
 * Hashed files: a year, immutable (not even revalidated on reload). Everything else (index.html,
 * the element script, bundles and their manifest.json) revalidates every time (a 304 when
 * unchanged), so a re-exported model shows up; the page's Cache API keeps the model bytes.
 */
export function cacheControl(urlPath: string): string {
  return HASHED_NAME.test(urlPath) || HASHED_FOLDER.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export async function startStaticServer(options: StaticServerOptions): Promise<RunningServer> {
  const mounts = [...options.mounts]
    .map((m) => {
      if (!m.prefix.startsWith('/') || !m.prefix.endsWith('/')) {
        throw new Error(`Mount prefix "${m.prefix}" must start and end with "/", e.g. "/bundle/".`);
      }
      return { ...m, dir: resolve(m.dir) };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const isolate = options.crossOriginIsolated ?? true;
  const requests: RequestLogEntry[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    setCommonHeaders(res, isolate);
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204).end();
      return 204;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD, OPTIONS' }).end();
      return 405;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad URL');
      return 400;
    }
    const doc = options.json?.[path];
    if (doc !== undefined) {
      const body = JSON.stringify(doc);
      res.writeHead(200, { 'Content-Type': contentType('.json'), 'Cache-Control': 'no-cache' });
      res.end(method === 'HEAD' ? undefined : body);
      return 200;
    }
    const file = await resolveFile(mounts, path);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${path}`);
      return 404;
    }
    const compressible = isCompressible(file.path, file.size);
    const vary = compressible ? { Vary: 'Accept-Encoding' } : {};
    // Revalidation: unchanged files answer 304 (the ort glue .mjs, index.html, bundles' JSON).
    const since = Date.parse(String(req.headers['if-modified-since'] ?? ''));
    if (Number.isFinite(since) && Math.floor(file.mtime.getTime() / 1000) <= Math.floor(since / 1000)) {
      res.writeHead(304, { 'Last-Modified': file.mtime.toUTCString(), 'Cache-Control': cacheControl(path), ...vary }).end();
      return 304;
    }
    // The body: a precompressed sibling, an on-the-fly compressed copy, or the file as it is.
    const encoding = compressible ? negotiateEncoding(req.headers['accept-encoding']) : undefined;
    let body: { path: string; size: number } | Buffer = file;
    if (encoding) body = (await precompressedSibling(file.path, file.mtime, encoding)) ?? (await compressedBytes(file.path, file.size, file.mtime, encoding));
    const length = Buffer.isBuffer(body) ? body.length : body.size;
    res.writeHead(200, {
      'Content-Type': contentType(file.path),
      'Content-Length': String(length),
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
      ...vary,
      'Cache-Control': cacheControl(path),
      'Last-Modified': file.mtime.toUTCString(),
    });
    const entry = requests.at(-1);
    if (entry) Object.assign(entry, { bytes: method === 'HEAD' ? 0 : length }, encoding ? { encoding } : {});
    if (method === 'HEAD') {
      res.end();
      return 200;
    }
    if (Buffer.isBuffer(body)) {
      res.end(body);
      return 200;
    }
    const from = body.path;
    await new Promise<void>((done, fail) => {
      const stream = createReadStream(from);
      stream.on('error', fail);
      res.on('close', () => {
        stream.destroy();
        done();
      });
      stream.pipe(res);
    });
    return 200;
  };

  const server: Server = createServer((req, res) => {
    // Logged when the status is decided, before any body: a client that already has the headers
    // and sends its next request must find this one in the log first.
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status });
      return writeHead(status, ...rest);
    }) as typeof res.writeHead;
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(String(err));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => done());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server did not report a TCP address');
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function setCommonHeaders(res: ServerResponse, isolate: boolean): void {
  // Any origin may load the element script, the wasm and the bundles (module scripts and fetch
  // across origins need CORS; a COEP page embedding us needs CORP).
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Lets pages on other origins read transfer sizes in Resource Timing (the element reports them).
  res.setHeader('Timing-Allow-Origin', '*');
  if (isolate) {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  }
}

async function resolveFile(
  mounts: (Mount & { dir: string })[],
  urlPath: string,
): Promise<{ path: string; size: number; mtime: Date } | undefined> {
  for (const mount of mounts) {
    if (!urlPath.startsWith(mount.prefix) && urlPath + '/' !== mount.prefix) continue;
    let rel = urlPath.slice(mount.prefix.length);
    if (mount.allow && !mount.allow(rel)) return undefined;
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const full = resolve(mount.dir, rel);
    // Refuse anything that escapes the mounted folder (`..`, absolute segments).
    if (full !== mount.dir && !full.startsWith(mount.dir + sep)) return undefined;
    try {
      const s = await stat(full);
      if (s.isDirectory()) {
        const index = resolve(full, 'index.html');
        const si = await stat(index);
        return { path: index, size: si.size, mtime: si.mtime };
      }
      if (s.isFile()) return { path: full, size: s.size, mtime: s.mtime };
    } catch {
      return undefined;
    }
    return undefined;
  }
  return undefined;
}
