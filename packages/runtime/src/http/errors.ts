/**
 * Every error answer is JSON: { error: { code, message, issues? } }. Request problems become
 * HTTPException (4xx); anything else is a 500 that is logged, never a crash.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/**
 * Headers go in at construction: @hono/node-server's lightweight Response drops headers set on it
 * afterwards once Hono re-wraps it (context.res), so `res.headers.set()` on an error answer is lost.
 */
export function errorResponse(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  issues?: ErrorBody['error']['issues'],
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: { code, message, ...(issues ? { issues } : {}) } };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

export function httpError(status: ContentfulStatusCode, code: string, message: string, issues?: ErrorBody['error']['issues']): HTTPException {
  return new HTTPException(status, { res: errorResponse(status, code, message, issues), message });
}

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}
