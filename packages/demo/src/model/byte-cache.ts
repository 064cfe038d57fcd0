/**
 * Model bytes through the Cache API, so a second visit loads without refetching. (onnxruntime-web's
 * wasm is not kept here: it lives under an immutable URL, and the HTTP cache keeps it.)
 *
 * Each entry is stored under its URL plus a version (`?lk-v=…`): a bundle's version is its
 * manifest's createdAt (manifest.json itself is always fetched; it is tiny). A new training run
 * therefore misses the cache once, and the stale entry for the same URL is deleted. Where the Cache API is missing (non-secure origins),
 * everything falls back to plain fetch.
 */
import { parseJsonText } from '@latentkit/format';

export const CACHE_NAME = 'latentkit-v2';
/** v1 also held onnxruntime-web's 28 MB JSEP wasm, now left to the HTTP cache: dropped once. */
const OLD_CACHES = ['latentkit-v1'];
let oldDropped = false;

export interface CachedBytes {
  bytes: Uint8Array;
  fromCache: boolean;
}

function keyFor(url: string, version: string): string {
  const u = new URL(url, location.href);
  u.searchParams.set('lk-v', version);
  return u.href;
}

async function openCache(): Promise<Cache | undefined> {
  try {
    if (typeof caches === 'undefined') return undefined;
    if (!oldDropped) {
      oldDropped = true;
      for (const name of OLD_CACHES) void caches.delete(name).catch(() => {});
    }
    return await caches.open(CACHE_NAME);
  } catch {
    // Opaque origins and some private modes throw SecurityError: behave as if there were no cache.
    return undefined;
  }
}

/** GET `url`; resolves undefined on 404 (optional bundle files). */
export async function cachedBytes(url: string, version: string, optional = false): Promise<CachedBytes | undefined> {
  const cache = await openCache();
  const key = keyFor(url, version);
  const hit = await cache?.match(key);
  if (hit) return { bytes: new Uint8Array(await hit.arrayBuffer()), fromCache: true };

  const res = await fetch(url);
  if (res.status === 404 && optional) return undefined;
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status} ${res.statusText}.`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (cache) {
    try {
      await dropOtherVersions(cache, url, key);
      await cache.put(key, new Response(bytes, { headers: { 'Content-Type': res.headers.get('Content-Type') ?? 'application/octet-stream' } }));
    } catch {
      // Quota exceeded or storage disabled: the page still works, it just refetches next time.
    }
  }
  return { bytes, fromCache: false };
}

async function dropOtherVersions(cache: Cache, url: string, keep: string): Promise<void> {
  const base = new URL(url, location.href);
  for (const req of await cache.keys()) {
    const u = new URL(req.url);
    if (u.origin === base.origin && u.pathname === base.pathname && u.href !== keep) await cache.delete(req);
  }
}

/** Plain fetch of a small JSON document that must be fresh (manifest.json). @throws FormatError (the URL, `(root)`) when it is not JSON. */
export async function freshJson(url: string, optional = false): Promise<unknown> {
  const res = await fetch(url, { cache: 'no-cache' });
  if (res.status === 404 && optional) return undefined;
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status} ${res.statusText}.`);
  return parseJsonText(await res.text(), url);
}
