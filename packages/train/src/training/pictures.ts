/** The run folder's pictures, drawn by src/viz (one import point for the training code). */
export { renderImageGrid, writeImageGrid, type RenderedPng } from '../viz/image-grid.ts';
export { writeLatentScatter } from '../viz/latent-scatter.ts';
export { writeLatentHistograms } from '../viz/latent-histograms.ts';
