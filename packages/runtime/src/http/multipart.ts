/**
 * multipart/form-data (RFC 7578 over RFC 2046 5.1) split into its parts, over bytes already read,
 * without copying them: each part's content is a subarray of the body. Platform-free.
 *
 * Why not `Request.formData()`: undici's parser took 40-90 ms for one 575 KB body of 256 small files
 * here (loaded 2-core box), which alone broke the "refuse an upload bomb in under 100 ms" bound; this
 * one finds the delimiters with TypedArray.indexOf and takes well under a millisecond for the same body.
 *
 * Layout: an optional preamble, then `--BOUNDARY`, then parts separated by `CRLF--BOUNDARY`, the last
 * followed by `--`. A part is header lines (CRLF-separated), an empty line, then its content.
 * Content-Disposition's `name` is the field; a `filename` parameter makes it a file (as FormData does).
 */
export interface MultipartPart {
  field: string;
  /** Present for file parts. */
  filename?: string;
  /** The part's Content-Type (lower case), '' when absent. */
  type: string;
  bytes: Uint8Array;
}

/** The body is not well-formed multipart; the message says where. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The boundary parameter of a multipart Content-Type, or null. */
export function multipartBoundary(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/** A Content-Disposition parameter; browsers and undici escape `"`, CR and LF in names as %22, %0D, %0A (WHATWG HTML, multipart/form-data encoding). */
function param(header: string, name: string): string | undefined {
  // No backslash escapes: browsers write a backslash as is, and a quote as %22.
  const m = new RegExp(`;\\s*${name}="([^"]*)"|;\\s*${name}=([^;\\s]*)`, 'i').exec(header);
  const raw = m ? (m[1] ?? m[2]) : undefined;
  return raw?.replace(/%(22|0d|0a)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The parts of `body`, in order. `maxParts` bounds the work: one more part throws.
 * @throws MultipartError for a missing boundary, a missing delimiter, a part without
 *   Content-Disposition: form-data, or more than `maxParts` parts.
 */
export function parseMultipart(body: Uint8Array, contentType: string, maxParts: number): MultipartPart[] {
  const boundary = multipartBoundary(contentType);
  if (!boundary) throw new MultipartError('the Content-Type has no boundary parameter');
  const dash = encoder.encode(`--${boundary}`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const headerEnd = encoder.encode('\r\n\r\n');
  let at = body.length >= dash.length && dash.every((b, i) => body[i] === b) ? 0 : indexOf(body, delimiter, 0);
  if (at === -1) throw new MultipartError('no boundary delimiter in the body');
  at += at === 0 ? dash.length : delimiter.length;
  const parts: MultipartPart[] = [];
  for (;;) {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // the close delimiter
    // Skip transport padding and the CRLF that ends the delimiter line.
    while (body[at] === 0x20 || body[at] === 0x09) at++;
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) throw new MultipartError(`malformed delimiter line at byte ${at}`);
    at += 2;
    const end = indexOf(body, headerEnd, at);
    const emptyHeaders = body[at] === 0x0d && body[at + 1] === 0x0a;
    const headersEnd = emptyHeaders ? at : end;
    if (headersEnd === -1 || headersEnd - at > 8192) throw new MultipartError(`part ${parts.length + 1} has no end of headers`);
    const headers = decoder.decode(body.subarray(at, headersEnd)).split('\r\n');
    const contentStart = headersEnd + (emptyHeaders ? 2 : 4);
    const next = indexOf(body, delimiter, contentStart);
    if (next === -1) throw new MultipartError(`part ${parts.length + 1} is not closed by a boundary delimiter`);
    const disposition = headers.find((h) => /^content-disposition\s*:/i.test(h));
    if (!disposition || !/:\s*form-data\b/i.test(disposition)) throw new MultipartError(`part ${parts.length + 1} has no Content-Disposition: form-data`);
    if (parts.length >= maxParts) throw new MultipartError(`more than ${maxParts} parts`);
    const typeLine = headers.find((h) => /^content-type\s*:/i.test(h));
    const filename = param(disposition, 'filename');
    parts.push({
      field: param(disposition, 'name') ?? '',
      ...(filename === undefined ? {} : { filename }),
      type: typeLine ? typeLine.slice(typeLine.indexOf(':') + 1).trim().toLowerCase() : '',
      bytes: body.subarray(contentStart, next),
    });
    at = next + delimiter.length;
  }
}
