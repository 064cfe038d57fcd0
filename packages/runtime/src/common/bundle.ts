/**
 * Reads a bundle from a folder path (Node), a URL (fetch; both platforms) or in-memory files.
 * Required: manifest.json, decoder.onnx. Optional: encoder.onnx, attributes.json, latents.json.
 */
import { BUNDLE_FILES } from '@latentkit/format';
import { BundleError } from './errors.ts';
import { parseAttributes, parseBundleJson, parseLatents, parseManifest, type BundleManifest } from './manifest.ts';
import type { Latents } from '@latentkit/format';

/** In-memory bundle: file name -> bytes (or text, or already-parsed JSON for the .json files). */
export type BundleFiles = Record<string, Uint8Array | ArrayBuffer | string | object | undefined>;

export type BundleSource = string | URL | BundleFiles;

export interface LoadedBundle {
  manifest: BundleManifest;
  decoder: Uint8Array;
  encoder?: Uint8Array;
  attributes: Record<string, Float32Array>;
  /** latents.json, validated (2-d scatter and/or PCA). */
  latents?: Latents;
  /** Where it came from, for messages. */
  origin: string;
}

/** Reads one file of a bundle; resolves undefined when the file does not exist. */
export type FileReader = (name: string) => Promise<Uint8Array | undefined>;

type PathReaderFactory = (path: string) => FileReader;
let pathReaderFactory: PathReaderFactory | undefined;

/** Node's entry registers a file-system reader so plain paths work there. */
export function registerPathReader(factory: PathReaderFactory): void {
  pathReaderFactory = factory;
}

const URL_LIKE = /^(https?|file|blob|data):/i;

function readerFor(source: BundleSource): { read: FileReader; origin: string } {
  if (typeof source === 'string' && !URL_LIKE.test(source)) {
    if (pathReaderFactory) return { read: pathReaderFactory(source), origin: source };
    // In a browser a relative string is a URL relative to the page.
    const base = (globalThis as { location?: { href: string } }).location?.href;
    if (!base) throw new BundleError(`Cannot read "${source}": no file system here; pass a URL or the files' bytes.`);
    return readerFor(new URL(source, base));
  }
  if (typeof source === 'string' || source instanceof URL) {
    const base = new URL(String(source));
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    return {
      origin: base.href,
      read: async (name) => {
        const res = await fetch(new URL(name, base));
        if (res.status === 404) return undefined;
        if (!res.ok) throw new BundleError(`GET ${new URL(name, base).href} answered ${res.status} ${res.statusText}.`);
        return new Uint8Array(await res.arrayBuffer());
      },
    };
  }
  return {
    origin: '(in-memory bundle)',
    read: async (name) => {
      const v = source[name];
      if (v === undefined) return undefined;
      if (v instanceof Uint8Array) return v;
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      if (typeof v === 'string') return new TextEncoder().encode(v);
      return new TextEncoder().encode(JSON.stringify(v));
    },
  };
}

export async function loadBundle(source: BundleSource): Promise<LoadedBundle> {
  const { read, origin } = readerFor(source);
  const [manifestBytes, decoder, encoder, attributesBytes, latentsBytes] = await Promise.all([
    read(BUNDLE_FILES.manifest),
    read(BUNDLE_FILES.decoder),
    read(BUNDLE_FILES.encoder),
    read(BUNDLE_FILES.attributes),
    read(BUNDLE_FILES.latents),
  ]);
  if (!manifestBytes) throw new BundleError(`${origin}: manifest.json is missing. A bundle is the bundle/ folder written by \`pnpm export\`.`);
  if (!decoder) throw new BundleError(`${origin}: decoder.onnx is missing. Re-run \`pnpm export\` for this run.`);
  const manifest = parseManifest(parseBundleJson(manifestBytes, `${origin} manifest.json`), `${origin} manifest.json`);
  const attributes = attributesBytes
    ? parseAttributes(parseBundleJson(attributesBytes, `${origin} attributes.json`), manifest.latentDim, `${origin} attributes.json`)
    : {};
  const latents = latentsBytes ? parseLatents(parseBundleJson(latentsBytes, `${origin} latents.json`), manifest.latentDim, `${origin} latents.json`) : undefined;
  return { manifest, decoder, encoder, attributes, latents, origin };
}
