/**
 * Labels of an image folder:
 * - 'inferred' (Keras's labels='inferred'): when every image sits in a first-level subfolder, the
 *   subfolder is the class; class names are the subfolder names sorted, label = index. A folder
 *   with images at its top level gets no labels.
 * - an attribute CSV (CelebA's list_attr_celeba.csv layout): a header row `file,attr1,attr2,...`,
 *   then one row per image: its path relative to the folder (or its file name when that is unique)
 *   and +1/-1 or 1/0 per attribute (stored as +1/-1). Rows for missing images are ignored; images
 *   without a row are an error naming the first few.
 * - 'none'.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.ts';

export type LabelSource = 'inferred' | 'none' | { csv: string };

export interface Labels {
  labels?: Int32Array;
  labelNames?: string[];
  attributes?: Int8Array;
  attributeNames?: string[];
}

/** Labels from first-level subfolders, or none when any image sits at the top level. */
export function inferLabels(rels: readonly string[]): Labels {
  if (rels.some((r) => !r.includes('/'))) return {};
  const classOf = rels.map((r) => r.slice(0, r.indexOf('/')));
  const labelNames = [...new Set(classOf)].sort();
  const index = new Map(labelNames.map((n, i) => [n, i]));
  return { labels: Int32Array.from(classOf, (c) => index.get(c)!), labelNames };
}

/**
 * The attribute rows of `csvPath` for images `rels` (see the module comment).
 * @throws DataError naming the file (and line) for an unreadable file, a bad header or value, or images without a row.
 */
export function readAttributeCsv(csvPath: string, rels: readonly string[]): Labels {
  let text: string;
  try {
    text = readFileSync(csvPath, 'utf8');
  } catch (e) {
    throw new DataError(`attribute CSV ${csvPath} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: csvPath });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((s) => s.trim());
  if (header.length < 2) throw new DataError(`${csvPath}: line 1 must be a header "file,attribute1,attribute2,...", received "${lines[0] ?? ''}"`, { file: csvPath });
  const attributeNames = header.slice(1);
  const byName = new Map<string, Int8Array>();
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',').map((s) => s.trim());
    if (cells.length !== header.length) throw new DataError(`${csvPath}: line ${i + 1} has ${cells.length} cells, the header ${header.length}`, { file: csvPath });
    const row = new Int8Array(attributeNames.length);
    for (let j = 0; j < attributeNames.length; j++) {
      const v = cells[j + 1];
      if (v === '1' || v === '+1') row[j] = 1;
      else if (v === '-1' || v === '0') row[j] = -1;
      else throw new DataError(`${csvPath}: line ${i + 1}, ${attributeNames[j]}: expected +1/-1 or 1/0, received "${v}"`, { file: csvPath });
    }
    byName.set(cells[0]!, row);
  }
  const baseCount = new Map<string, number>();
  for (const r of rels) {
    const b = r.slice(r.lastIndexOf('/') + 1);
    baseCount.set(b, (baseCount.get(b) ?? 0) + 1);
  }
  const attributes = new Int8Array(rels.length * attributeNames.length);
  const missing: string[] = [];
  rels.forEach((r, k) => {
    const base = r.slice(r.lastIndexOf('/') + 1);
    const row = byName.get(r) ?? (baseCount.get(base) === 1 ? byName.get(base) : undefined);
    if (!row) missing.push(r);
    else attributes.set(row, k * attributeNames.length);
  });
  if (missing.length) {
    throw new DataError(`${csvPath} has no row for ${missing.length} image(s), e.g. ${missing.slice(0, 5).join(', ')}; add rows or remove the images`, { file: csvPath });
  }
  return { attributes, attributeNames };
}
