/**
 * The public value + type pair (as onnxruntime-common's Tensor): `LatentModel.load(...)` and the
 * `LatentModel` interface share one name. Entry points re-export from here.
 */
import { LatentModelImpl } from './latent-model-impl.ts';
import type { LatentModel as LatentModelContract, LatentModelConstructor } from './latent-model.ts';

export type LatentModel = LatentModelContract;
export const LatentModel: LatentModelConstructor = LatentModelImpl;

export type * from './latent-model.ts';
export type { TensorData } from './tensor-data.ts';
export type { BundleManifest } from './manifest.ts';
export type { BundleFiles, BundleSource } from './bundle.ts';
export type { Backend, SessionHandle, SessionOptions } from './backend.ts';
export type { Device } from './device.ts';
export { DEVICES, deviceToExecutionProviders } from './device.ts';
export { registerBackend, registeredBackends } from './backend.ts';
export { env, apis } from './env.ts';
export { providerFailures, resetProviderFailures } from './session-factory.ts';
export { createRng, randomNormal } from '@latentkit/format';
export { AttributeMeans } from './attribute-vector.ts';
export { ClassError, classIndex, classProblem } from './classes.ts';
export { InputError, BundleError, UnsupportedDeviceError, MissingPackageError, DisposedError, OverloadedError } from './errors.ts';
export { microBatched, MicroBatchedModel } from './micro-batcher.ts';
export type { MicroBatchOptions, MicroBatchStats, BatchEvent } from './micro-batcher.ts';
export { SEED_MAX } from './seed.ts';
export { INTERPOLATIONS, interpolate, slerpAngle, type Interpolation } from './interpolate.ts';
export type { TraverseDirection } from './traverse.ts';
