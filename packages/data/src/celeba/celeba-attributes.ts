/**
 * list_attr_celeba.csv (Kaggle's form): header `image_id,5_o_Clock_Shadow,...`, then one row per image
 * with +1/-1 values. Validated completely before any image is read: a bad row stops the run at once,
 * naming the file and its line, instead of failing hours into training.
 *
 * The original list_attr_celeba.txt form (a count line, a header of names, then whitespace-separated
 * `000001.jpg -1 1 ...` rows) is read too.
 */
import { readFile } from 'node:fs/promises';
import { DataError } from '../errors.ts';

export interface AttributeTable {
  file: string;
  attributeNames: string[];
  imageIds: string[];
  /** imageIds.length x attributeNames.length values of +1 / -1. */
  values: Int8Array;
  /** 1-based line of each image's row in `file` (for error messages). */
  lines: Int32Array;
}

export async function readAttributeTable(file: string): Promise<AttributeTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new DataError(
      `Cannot read the attribute file ${file}: ${(cause as Error).message}. ` +
        'Expected list_attr_celeba.csv (Kaggle CelebA) beside the images, or pass attrCsv',
      { file, cause },
    );
  }
  return parseAttributeTable(text, file);
}

export function parseAttributeTable(text: string, file: string): AttributeTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rawLines = text.split(/\r?\n/);
  while (rawLines.length > 0 && rawLines[rawLines.length - 1].trim() === '') rawLines.pop();
  const fail = (line: number, what: string) =>
    new DataError(`${file} line ${line}: ${what}`, { file, row: line });
  if (rawLines.length === 0) throw new DataError(`${file} is empty; expected a header line image_id,<attribute>,...`, { file });

  // The original .txt form starts with the image count on a line of its own.
  const txtForm = /^\s*\d+\s*$/.test(rawLines[0]);
  const headerIndex = txtForm ? 1 : 0;
  // Cells are trimmed lazily (below): mapping trim over 8 million cells would double the parse time.
  const split = txtForm ? (s: string) => s.trim().split(/\s+/) : (s: string) => s.split(',');
  if (rawLines.length <= headerIndex) throw fail(headerIndex + 1, 'missing header line');
  let header = split(rawLines[headerIndex]).map((v) => v.trim());
  if (txtForm) header = ['image_id', ...header];
  else if (header[0] !== 'image_id') {
    throw fail(1, `first column is ${JSON.stringify(header[0])}, expected "image_id" (the Kaggle list_attr_celeba.csv header)`);
  }
  const attributeNames = header.slice(1);
  if (attributeNames.length === 0) throw fail(headerIndex + 1, 'no attribute columns after image_id');
  const seenNames = new Set<string>();
  for (const name of attributeNames) {
    if (name === '' || seenNames.has(name)) throw fail(headerIndex + 1, `attribute name ${JSON.stringify(name)} is empty or repeated`);
    seenNames.add(name);
  }
  const columns = header.length;
  const rows = rawLines.length - headerIndex - 1;
  const imageIds: string[] = new Array(rows);
  const values = new Int8Array(rows * attributeNames.length);
  const lines = new Int32Array(rows);
  const seenIds = new Map<string, number>();
  let n = 0;
  const nAttr = attributeNames.length;
  for (let i = headerIndex + 1; i < rawLines.length; i++) {
    const line = i + 1;
    const text = rawLines[i];
    // Fast path for a well-formed CSV row: one scan of its characters, no substrings but the id.
    if (!txtForm) {
      const id = scanCsvRow(text, nAttr, values, n * nAttr);
      if (id !== null && !seenIds.has(id)) {
        seenIds.set(id, line);
        imageIds[n] = id;
        lines[n] = line;
        n++;
        continue;
      }
    }
    // Anything unusual takes the slow path, which accepts padding spaces and names what is wrong.
    const cells = split(text);
    if (cells.length !== columns) {
      throw fail(line, `has ${cells.length} columns, expected ${columns} (image_id and ${attributeNames.length} attributes)`);
    }
    const id = cells[0].trim();
    if (id === '') throw fail(line, 'empty image_id');
    const previous = seenIds.get(id);
    if (previous !== undefined) throw fail(line, `image ${id} is listed again (first on line ${previous})`);
    seenIds.set(id, line);
    for (let k = 1; k < columns; k++) {
      const o = n * attributeNames.length + k - 1;
      let v = cells[k];
      if (v !== '1' && v !== '-1') v = v.trim();
      if (v === '1' || v === '+1') values[o] = 1;
      else if (v === '-1') values[o] = -1;
      else throw fail(line, `${attributeNames[k - 1]} of ${id} is ${JSON.stringify(v)}, expected 1 or -1`);
    }
    imageIds[n] = id;
    lines[n] = line;
    n++;
  }
  if (txtForm) {
    const declared = Number(rawLines[0].trim());
    if (declared !== n) throw fail(1, `declares ${declared} images but lists ${n}`);
  }
  return { file, attributeNames, imageIds, values, lines };
}

const COMMA = 44, ONE = 49, MINUS = 45, PLUS = 43;

/**
 * Parses `id,v1,...,vN` where every v is exactly 1, -1 or +1, writing the values at `out[offset..]`.
 * Returns the id, or null when the row is anything else (the caller then re-parses it to explain why).
 */
function scanCsvRow(text: string, nAttr: number, out: Int8Array, offset: number): string | null {
  const comma = text.indexOf(',');
  if (comma <= 0) return null;
  let p = comma + 1;
  const end = text.length;
  for (let k = 0; k < nAttr; k++) {
    let c = text.charCodeAt(p);
    let sign = 1;
    if (c === MINUS) { sign = -1; c = text.charCodeAt(++p); } else if (c === PLUS) c = text.charCodeAt(++p);
    if (c !== ONE) return null;
    p++;
    out[offset + k] = sign;
    if (k < nAttr - 1) {
      if (text.charCodeAt(p) !== COMMA) return null;
      p++;
    }
  }
  if (p !== end) return null;
  const id = text.slice(0, comma);
  return id.trim() === id ? id : null;
}
