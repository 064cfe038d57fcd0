/**
 * A bundle URL -> ExplorerModel: fetch the files (model bytes through the Cache API), hand them to
 * the runtime's LatentModel.load as in-memory files, and adapt its results to what the views need.
 * This is the only file of the page that talks to the runtime's model API.
 */
import { LatentModel, interpolate, type Device } from '@latentkit/runtime/web';
import { cachedBytes, freshJson } from './byte-cache.ts';
import { ortBytes, prepareRuntime, preloadRuntime } from './runtime-setup.ts';
import { RunQueue, type Priority } from './run-queue.ts';
import { bundleFolderName, bundleUrlFor, manifestPrecision } from './precision.ts';
import { parseJsonText, parseLatents as parseLatentsFile } from '@latentkit/format';
import type { BundleManifest, Extent, ExplorerModel, LatentScatter } from '../explorer/model-types.ts';

export type DemoDevice = Extract<Device, 'auto' | 'webgpu' | 'wasm'>;

const loads = new Map<string, Promise<ExplorerModel>>();

/**
 * ONE queue for every model call on the page, session creation included: all sessions share one
 * onnxruntime-web wasm instance, which refuses overlapping work ("Session already started",
 * "multiple calls to 'initWasm()' detected" when two elements load at once). See run-queue.ts.
 */
const queue = new RunQueue();
const serial = <T>(job: () => Promise<T>, priority?: Priority): Promise<T> => queue.run(job, priority);

/**
 * One load per (bundle, device) per page: several elements showing one bundle share a model.
 * `precision` (e.g. 'fp16', 'int8') loads the sibling `bundle-<precision>/` of `src` instead
 * (see precision.ts) and checks that its manifest declares that precision; absent, `src` is
 * loaded as it is, whatever its precision.
 */
export function loadExplorerModel(src: string, device: DemoDevice = 'auto', precision?: string): Promise<ExplorerModel> {
  let base: string;
  try {
    base = precision ? bundleUrlFor(bundleBase(src), precision) : bundleBase(src);
  } catch (e) {
    return Promise.reject(e);
  }
  const key = `${device} ${base}`;
  let p = loads.get(key);
  if (!p) {
    p = load(base, device, precision);
    // A failed load may succeed later (server back up): do not keep the rejection.
    p.catch(() => loads.delete(key));
    loads.set(key, p);
  }
  return p;
}

export function bundleBase(src: string): string {
  const u = new URL(src, location.href);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

async function load(base: string, device: DemoDevice, precision?: string): Promise<ExplorerModel> {
  if (!['auto', 'webgpu', 'wasm'].includes(device)) {
    throw new Error(`Unsupported device "${device}". Should be one of: auto, webgpu, wasm.`);
  }
  const t0 = performance.now();
  const runtime = prepareRuntime();
  preloadRuntime(device);
  const manifestJson = await freshJson(new URL('manifest.json', base).href, precision !== undefined);
  if (precision !== undefined) {
    if (manifestJson === undefined) {
      throw new Error(
        `No ${precision} bundle at ${base} (manifest.json: 404). Export one beside the run's bundle/: ` +
          `pnpm export --run runs/NAME --precision ${precision} --out runs/NAME/${bundleFolderName(precision)}`,
      );
    }
    const declared = manifestPrecision(manifestJson);
    if (declared !== precision) {
      throw new Error(`${base}manifest.json declares onnx.precision "${declared}", but precision="${precision}" was asked for.`);
    }
  }
  const manifest = manifestJson as BundleManifest;
  const version = String(manifest?.createdAt ?? 'unversioned');
  const [decoder, latentsBytes, attributesBytes] = await Promise.all([
    cachedBytes(new URL('decoder.onnx', base).href, version),
    cachedBytes(new URL('latents.json', base).href, version, true),
    cachedBytes(new URL('attributes.json', base).href, version, true),
  ]);
  if (!decoder) throw new Error(`${base}decoder.onnx is missing.`);
  // The runtime validates the manifest and attributes and creates the session; the encoder is not
  // fetched: the explorer only decodes, and skipping it halves the bytes on a first visit.
  const model = await serial(() => LatentModel.load(
    {
      'manifest.json': manifestJson as object,
      'decoder.onnx': decoder.bytes,
      ...(attributesBytes ? { 'attributes.json': attributesBytes.bytes } : {}),
    },
    { device },
  ));
  const latents = latentsBytes ? parseLatents(latentsBytes.bytes, `${base}latents.json`) : undefined;
  const files = [decoder, latentsBytes, attributesBytes];
  // Model files: decoded bytes, from the Cache API or not. onnxruntime-web's files: compressed
  // bytes from the network, or decoded bytes from the HTTP cache (Resource Timing).
  const ort = ortBytes(runtime.wasmPaths);
  const fromCache = files.reduce((s, f) => s + (f?.fromCache ? f.bytes.byteLength : 0), 0) + ort.cache;
  const fromNetwork = files.reduce((s, f) => s + (f && !f.fromCache ? f.bytes.byteLength : 0), 0) + ort.network;
  const imageShape = [...model.imageShape] as [number, number, number];
  const dim = model.latentDim;

  const classes = model.classes;
  // One view of the loaded model per class choice (ExplorerModel.withClass); every decode in a view
  // uses that view's classIndex (conditional models only).
  const view = (classIndex: number): ExplorerModel => {
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= (classes?.length ?? 1)) {
      throw new RangeError(`class index ${classIndex} is out of range for ${classes ? `classes ${classes.join(', ')}` : 'an unconditional model'}`);
    }
    const cls = () => (classes ? { class: result.classIndex } : {});
    const result: ExplorerModel = {
      src: base,
      ...(classes ? { classes } : {}),
      classIndex,
      withClass: view,
      classGrid: async (perClass, seed) => {
        if (!classes) throw new Error('classGrid needs a conditional VAE bundle (manifest spec.conditional)');
        const { z } = model.sampleLatents(perClass, { seed });
        const rows = new Float32Array(classes.length * perClass * dim);
        const labels: number[] = [];
        classes.forEach((_, c) => {
          rows.set(z.data, c * perClass * dim);
          for (let i = 0; i < perClass; i++) labels.push(c);
        });
        return (await serial(() => model.decode({ data: rows, shape: [classes.length * perClass, dim] }, { class: labels }), 'background')).data;
      },
      precision: manifestPrecision(manifestJson),
      manifest: { ...model.manifest, imageShape } as BundleManifest,
      backend: { provider: model.provider, threads: model.provider === 'wasm' ? runtime.threads : 0, crossOriginIsolated: globalThis.crossOriginIsolated === true },
      latents,
      attributes: Object.keys(model.attributes).length ? { ...model.attributes } : undefined,
      loadMs: performance.now() - t0,
      bytesFromCache: fromCache,
      bytesFromNetwork: fromNetwork,
      decode: async (z, count) => {
        const out = await serial(() => model.decode({ data: z, shape: [count, dim] }, cls()));
        return out.data;
      },
      sample: async (count, temperature, seed) => {
        const r = await serial(() => model.sample(count, { temperature, seed, ...cls() }));
        return { z: r.z.data, images: r.images.data };
      },
      morph: async (a, b, fractions, interpolation = 'linear') => {
        const even = fractions.length >= 2 && fractions.every((t, i) => Math.abs(t - i / (fractions.length - 1)) < 1e-6);
        if (even) return (await serial(() => model.morph(a, b, fractions.length, { interpolation, ...cls() }), 'background')).images.data;
        return (await serial(() => model.decode({ data: interpolate(a, b, fractions, interpolation), shape: [fractions.length, dim] }, cls()))).data;
      },
      grid: async (n, extent: Extent, onRow) => {
        // The runtime's latentGrid decodes all n*n points in one run over one range for both axes;
        // on a software WebGPU adapter that blocks the pointer for seconds, and the plane's extent
        // is centred on the cloud per axis. Same layout (row-major from the top-left, y falling down
        // the rows), decoded one row per background job so interactive decodes slip in between.
        const at = (lo: number, hi: number, k: number) => (n === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * k) / (n - 1));
        const size = imageShape[0] * imageShape[1] * imageShape[2];
        const images = new Float32Array(n * n * size);
        for (let r = 0; r < n; r++) {
          const z = new Float32Array(n * 2);
          for (let c = 0; c < n; c++) {
            z[c * 2] = at(extent.x0, extent.x1, c);
            z[c * 2 + 1] = at(extent.y0, extent.y1, n - 1 - r);
          }
          const row = await serial(() => model.decode({ data: z, shape: [n, 2] }, cls()), 'background');
          images.set(row.data, r * n * size);
          onRow?.(r, row.data);
        }
        return images;
      },
      applyAttributes: async (z, amounts) => {
        // One combined offset, sum of amount x vector, then the runtime's applyAttribute at factor 1.
        const v = new Float32Array(dim);
        for (const [name, amount] of Object.entries(amounts)) {
          const vec = model.attributes[name];
          if (!vec || amount === 0) continue;
          for (let j = 0; j < dim; j++) v[j] += amount * vec[j];
        }
        return (await serial(() => model.applyAttribute({ data: z, shape: [1, dim] }, v, [1]))).images.data;
      },
    };
    return result;
  };
  return view(0);
}

/** latents.json, validated by @latentkit/format's schema (the error names the file and the point). */
function parseLatents(bytes: Uint8Array, where: string): LatentScatter {
  return parseLatentsFile(parseJsonText(bytes, where), where);
}
