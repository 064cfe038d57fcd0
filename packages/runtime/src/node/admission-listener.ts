/**
 * The Node side of admission control: a `(req, res)` listener that sends guarded requests (POSTs to
 * /v1/...) through an AdmissionQueue before the Hono listener sees them, so a refusal is decided
 * before any body is read or parsed and answered on the raw ServerResponse with a ready-made body (no
 * Request/Response objects, no JSON.stringify). A request's service ends when its response closes
 * (written or aborted): that time is what the adaptive limit learns from, so image decoding, model
 * runs and answer encoding all count.
 *
 * An unread body on a refused request is left to Node: once the answer is written Node reads and drops
 * the rest (keeping the connection), except a body announced larger than `closeAboveBytes`, which gets
 * `Connection: close`.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AdmissionQueue, AdmissionRefusal } from '../common/admission-queue.ts';

export interface AdmissionListenerOptions {
  queue: AdmissionQueue;
  /** Which requests wait for admission (the rest go straight through). */
  guarded: (req: IncomingMessage) => boolean;
  /** Called for each refusal (metrics), before the 503 is written. */
  onRefused?: (req: IncomingMessage, reason: AdmissionRefusal) => void;
  /** Called for a request whose client went away while it waited (metrics: a 499). */
  onAbandoned?: (req: IncomingMessage) => void;
  /** Called when a guarded request's answer has been written, with its time from arrival (queue + service), ms. */
  onAnswered?: (req: IncomingMessage, res: ServerResponse, ms: number) => void;
  /** Seconds in Retry-After (default 1). */
  retryAfterSeconds?: number;
  /** CORS header on refusals when the request has an Origin (default '*'; false = none). */
  corsOrigin?: string | false;
  /** Refusals of requests announcing a larger body close the connection (default 64 KiB). */
  closeAboveBytes?: number;
}

const MESSAGES: Record<AdmissionRefusal, string> = {
  queue_full: 'The server is at capacity: too many requests are waiting. Retry later.',
  queue_timeout: 'The server is at capacity: this request waited too long for its turn. Retry later.',
};

export function admissionListener(inner: RequestListener, o: AdmissionListenerOptions): RequestListener {
  const retryAfter = String(o.retryAfterSeconds ?? 1);
  const closeAbove = o.closeAboveBytes ?? 64 * 1024;
  const cors = o.corsOrigin === undefined ? '*' : o.corsOrigin;
  const bodies = Object.fromEntries(
    (Object.keys(MESSAGES) as AdmissionRefusal[]).map((r) => [r, Buffer.from(JSON.stringify({ error: { code: 'overloaded', message: MESSAGES[r] } }))]),
  ) as Record<AdmissionRefusal, Buffer>;

  const refuse = (req: IncomingMessage, res: ServerResponse, reason: AdmissionRefusal) => {
    o.onRefused?.(req, reason);
    if (res.destroyed || res.headersSent) return;
    const body = bodies[reason];
    const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'retry-after': retryAfter };
    if (cors && req.headers.origin) {
      headers['access-control-allow-origin'] = cors;
      headers['access-control-expose-headers'] = 'x-seed,x-image-count,retry-after';
    }
    if (Number(req.headers['content-length']) > closeAbove || (req.headers['transfer-encoding'] !== undefined && !req.complete)) headers.connection = 'close';
    res.writeHead(503, headers);
    res.end(body);
  };

  return (req, res) => {
    if (!o.guarded(req)) {
      void inner(req, res);
      return;
    }
    if (o.onAnswered) {
      const arrived = performance.now();
      res.once('finish', () => o.onAnswered!(req, res, performance.now() - arrived));
    }
    o.queue.enter(
      (release) => {
        if (res.destroyed || req.socket.destroyed) {
          // The client left while its request waited: nothing to serve (and nothing measured).
          release(false);
          o.onAbandoned?.(req);
          return;
        }
        // Only answers that did the work teach the limit: a fast 4xx/5xx says nothing about capacity.
        res.once('close', () => release(res.writableFinished && res.statusCode < 300));
        void inner(req, res);
      },
      (reason) => refuse(req, res, reason),
    );
  };
}
