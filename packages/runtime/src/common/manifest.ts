/**
 * The bundle's manifest.json and attributes.json, validated with @latentkit/format's schemas (the one
 * definition of the bundle contract). A FormatError, which names the file and the wrong field,
 * becomes the runtime's BundleError with the same message.
 */
import { FormatError, parseAttributes as parseAttributesFile, parseBundleManifest, parseJsonText, parseLatents as parseLatentsFile, type BundleManifest, type Latents } from '@latentkit/format';
import { BundleError } from './errors.ts';

export type { BundleManifest };

function asBundleError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof FormatError) throw new BundleError(e.message, { cause: e });
    throw e;
  }
}

/** A bundle file's bytes as JSON. @throws BundleError naming `where` when they are not JSON. */
export function parseBundleJson(bytes: Uint8Array, where: string): unknown {
  return asBundleError(() => parseJsonText(bytes, where));
}

/** @throws BundleError naming `where` and the wrong field. */
export function parseManifest(json: unknown, where = 'manifest.json'): BundleManifest {
  return asBundleError(() => parseBundleManifest(json, where));
}

/** attributes.json: { name: number[latentDim] } -> vectors by name. @throws BundleError naming the attribute. */
export function parseAttributes(json: unknown, latentDim: number, where = 'attributes.json'): Record<string, Float32Array> {
  return asBundleError(() => parseAttributesFile(json, latentDim, where));
}

/**
 * latents.json: the 2-d scatter and/or the PCA of the encoded validation set (format's latents.ts).
 * @throws BundleError naming the wrong field, or when the PCA's size is not the bundle's latent size.
 */
export function parseLatents(json: unknown, latentDim: number, where = 'latents.json'): Latents {
  const latents = asBundleError(() => parseLatentsFile(json, where));
  const d = latents.pca?.mean.length;
  if (d !== undefined && d !== latentDim) throw new BundleError(`${where}: pca.mean: ${d} numbers, but the bundle's latent size is ${latentDim}. Re-export the run so its latents.json matches its models.`);
  return latents;
}
