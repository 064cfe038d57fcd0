/**
 * HDF5 files (Keras's legacy `.h5`, `.weights.h5`, and `model.weights.h5` inside a `.keras` zip)
 * read whole into plain objects with h5wasm (the HDF5 C library compiled to wasm). Model files are
 * small (the book's models are 0.4-1 MB), so every group, attribute and dataset is copied out and
 * the file is closed and removed from h5wasm's in-memory filesystem before returning.
 */
import h5wasm from 'h5wasm/node';
import { KerasFileError } from './errors.ts';

/** An HDF5 dataset's values: float32 data as Float32Array, other types as h5wasm returns them. */
export interface H5Dataset {
  kind: 'dataset';
  shape: number[];
  /** h5wasm's dtype string, e.g. '<f' (float32), '<d' (float64), '<I' (uint32). */
  dtype: string;
  value: unknown;
}

export interface H5Group {
  kind: 'group';
  attrs: Record<string, unknown>;
  children: Map<string, H5Group | H5Dataset>;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * The end-of-file address the superblock declares (HDF5 File Format Specification, section II.A:
 * versions 0/1 keep it after the base and free-space addresses, versions 2/3 after the base and
 * extension addresses), or undefined for layouts this does not parse. Lets a truncated file be
 * reported plainly instead of through the C library's error stack.
 */
function declaredEof(bytes: Uint8Array): number | undefined {
  if (bytes.length < 16) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[8];
  const readAddr = (at: number, size: number) => (at + size <= bytes.length && size === 8 ? Number(view.getBigUint64(at, true)) : undefined);
  if (version === 0 || version === 1) {
    const sizeOfOffsets = bytes[13];
    const base = 24 + (version === 1 ? 4 : 0);
    return readAddr(base + 2 * sizeOfOffsets, sizeOfOffsets);
  }
  if (version === 2 || version === 3) {
    const sizeOfOffsets = bytes[9];
    return readAddr(12 + 2 * sizeOfOffsets, sizeOfOffsets);
  }
  return undefined;
}

let counter = 0;

/**
 * Read a whole HDF5 file. `label` names it in errors (a path, or 'x.keras/model.weights.h5').
 * Throws KerasFileError for a file that is not HDF5, is truncated, or that HDF5 cannot open.
 */
export async function readHdf5(bytes: Uint8Array, label: string): Promise<H5Group> {
  if (!isHdf5(bytes)) throw new KerasFileError(label, 'not an HDF5 file (no HDF5 signature at its start)');
  const eof = declaredEof(bytes);
  if (eof !== undefined && eof > bytes.length) {
    throw new KerasFileError(label, `truncated HDF5 file: it holds ${bytes.length} bytes, its superblock says ${eof}`);
  }
  const Module = await h5wasm.ready;
  const path = `/latentkit-${process.pid}-${counter++}.h5`;
  Module.FS.writeFile(path, bytes);
  let file: InstanceType<typeof h5wasm.File> | undefined;
  try {
    file = new h5wasm.File(path, 'r');
    return copyGroup(file, label, '');
  } catch (err) {
    if (err instanceof KerasFileError) throw err;
    throw new KerasFileError(label, `HDF5 could not read the file (${(err as Error).message.split('\n')[0]})`);
  } finally {
    try {
      file?.close();
    } catch {
      // a file that failed to open has nothing to close
    }
    Module.FS.unlink(path);
  }
}

type H5Entity = ReturnType<InstanceType<typeof h5wasm.File>['get']>;

function copyAttrs(obj: { attrs: Record<string, { value: unknown }> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(obj.attrs)) out[k] = a.value;
  return out;
}

function copyGroup(group: InstanceType<typeof h5wasm.Group>, label: string, where: string): H5Group {
  const children = new Map<string, H5Group | H5Dataset>();
  for (const key of group.keys()) {
    const child: H5Entity = group.get(key);
    const at = `${where}/${key}`;
    if (child instanceof h5wasm.Group) children.set(key, copyGroup(child, label, at));
    else if (child instanceof h5wasm.Dataset) {
      children.set(key, { kind: 'dataset', shape: child.shape ?? [], dtype: String(child.dtype), value: child.value });
    }
    // links, datatypes and references are not part of a Keras file; skip them
  }
  return { kind: 'group', attrs: copyAttrs(group as unknown as { attrs: Record<string, { value: unknown }> }), children };
}

/** The group or dataset at a '/'-separated path, or undefined. */
export function h5Get(root: H5Group, path: string): H5Group | H5Dataset | undefined {
  let node: H5Group | H5Dataset | undefined = root;
  for (const part of path.split('/').filter(Boolean)) {
    if (node?.kind !== 'group') return undefined;
    node = node.children.get(part);
  }
  return node;
}

/** An attribute as a list of strings (HDF5 string arrays; an empty float array counts as empty). */
export function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map(String);
  if (ArrayBuffer.isView(value)) return (value as unknown as ArrayLike<number>).length === 0 ? [] : Array.from(value as unknown as ArrayLike<number>, String);
  return [String(value)];
}
