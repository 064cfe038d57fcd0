/**
 * HDF5 files (Keras's legacy `.h5`, `.weights.h5`, and `model.weights.h5` inside a `.keras` zip)
 * read whole into plain objects with h5wasm (the HDF5 C library compiled to wasm). Model files are
 * small (the book's models are 0.4-1 MB), so every group, attribute and dataset is copied out and
 * the file is closed and removed from h5wasm's in-memory filesystem before the result comes back.
 *
 * h5wasm runs in a worker thread started without this process's module hooks: under tsx (how every
 * Latentkit CLI runs), the loader rewrites h5wasm's 4 MB emscripten module on each import, which
 * costs 6-12 s here, against ~0.3 s for plain node. One worker serves every read and does not keep
 * the process alive.
 */
import { Worker } from 'node:worker_threads';
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

/** Runs in the worker (plain JS, no module hooks): open each file, copy it out, reply. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = import(workerData.url).then(async (h5) => ({ h5, Module: await h5.ready }));
function copy(h5, group) {
  const attrs = {};
  for (const [k, a] of Object.entries(group.attrs)) attrs[k] = a.value;
  const children = new Map();
  for (const key of group.keys()) {
    const child = group.get(key);
    if (child instanceof h5.Group) children.set(key, copy(h5, child));
    else if (child instanceof h5.Dataset) children.set(key, { kind: 'dataset', shape: child.shape || [], dtype: String(child.dtype), value: child.value });
  }
  return { kind: 'group', attrs, children };
}
let n = 0;
parentPort.on('message', async ({ id, bytes }) => {
  const { h5, Module } = await ready;
  const path = '/latentkit-' + n++ + '.h5';
  let file;
  try {
    Module.FS.writeFile(path, bytes);
    file = new h5.File(path, 'r');
    parentPort.postMessage({ id, tree: copy(h5, file) });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err).split('\\n')[0] });
  } finally {
    try { if (file) file.close(); } catch {}
    try { Module.FS.unlink(path); } catch {}
  }
});
`;

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (tree: H5Group) => void; reject: (err: Error) => void }>();

function h5Worker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { url: import.meta.resolve('h5wasm/node') } });
  w.unref();
  w.on('message', ({ id, tree, error }: { id: number; tree?: H5Group; error?: string }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (!p) return;
    if (tree) p.resolve(tree);
    else p.reject(new Error(error ?? 'unknown error'));
    if (!pending.size) w.unref();
  });
  w.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  });
  w.on('exit', () => {
    worker = undefined;
  });
  worker = w;
  return w;
}

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
  const w = h5Worker();
  const id = nextId++;
  const result = new Promise<H5Group>((resolve, reject) => pending.set(id, { resolve, reject }));
  w.ref(); // keep the process alive while a read is in flight
  w.postMessage({ id, bytes });
  try {
    return await result;
  } catch (err) {
    throw new KerasFileError(label, `HDF5 could not read the file (${(err as Error).message})`);
  }
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
