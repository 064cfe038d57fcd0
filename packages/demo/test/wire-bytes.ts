/**
 * Bytes over the wire for one page, from the DevTools protocol: `Network.loadingFinished`'s
 * encodedDataLength is what arrived on the socket for a request (headers + body as sent, i.e.
 * compressed); requests answered from the HTTP cache count 0. Only the page's own requests are
 * seen: onnxruntime-web's worker threads import the glue script the page already fetched (from the
 * HTTP cache) and receive the compiled module by postMessage, so they add nothing on the wire; the
 * bench cross-checks the total against the bytes the server sent.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface WireBytes {
  /** Total bytes received so far. */
  total(): number;
  /** Bytes per URL path, largest first. */
  byPath(): [string, number][];
  /** Forget what was counted (e.g. before a second visit). */
  reset(): void;
}

export async function recordWireBytes(page: Page): Promise<WireBytes> {
  const urls = new Map<string, string>();
  const sizes = new Map<string, number>();
  const watch = async (session: CDPSession): Promise<void> => {
    session.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string } }) => urls.set(e.requestId, e.request.url));
    session.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
      sizes.set(e.requestId, (sizes.get(e.requestId) ?? 0) + e.encodedDataLength);
    });
    await session.send('Network.enable');
  };
  const cdp = await page.context().newCDPSession(page);
  await watch(cdp);
  return {
    total: () => [...sizes.values()].reduce((a, b) => a + b, 0),
    byPath: () => {
      const per = new Map<string, number>();
      for (const [id, n] of sizes) {
        const u = urls.get(id);
        const key = u ? new URL(u).pathname : id;
        per.set(key, (per.get(key) ?? 0) + n);
      }
      return [...per].sort((a, b) => b[1] - a[1]);
    },
    reset: () => sizes.clear(),
  };
}
