/**
 * The one place that imports every converter config and builds the class-name map. Keras 3
 * operator layers (keras.src.ops.numpy, from `x * y` in the functional API) are registered as
 * 'ops.<Class>' (files under ops/), so they never meet the layer classes of the same name.
 */
import type { ConverterConfig } from '../converter.ts';
import { activationConverter } from './Activation.ts';
import { activityRegularizationConverter } from './ActivityRegularization.ts';
import { addConverter } from './Add.ts';
import { alphaDropoutConverter } from './AlphaDropout.ts';
import { averageConverter } from './Average.ts';
import { averagePooling2DConverter } from './AveragePooling2D.ts';
import { batchNormalizationConverter } from './BatchNormalization.ts';
import { concatenateConverter } from './Concatenate.ts';
import { conv2DConverter } from './Conv2D.ts';
import { conv2DTransposeConverter } from './Conv2DTranspose.ts';
import { cropping2DConverter } from './Cropping2D.ts';
import { denseConverter } from './Dense.ts';
import { depthwiseConv2DConverter } from './DepthwiseConv2D.ts';
import { dropoutConverter } from './Dropout.ts';
import { eLUConverter } from './ELU.ts';
import { embeddingConverter } from './Embedding.ts';
import { flattenConverter } from './Flatten.ts';
import { gaussianDropoutConverter } from './GaussianDropout.ts';
import { gaussianNoiseConverter } from './GaussianNoise.ts';
import { globalAveragePooling2DConverter } from './GlobalAveragePooling2D.ts';
import { globalMaxPooling2DConverter } from './GlobalMaxPooling2D.ts';
import { groupNormalizationConverter } from './GroupNormalization.ts';
import { inputLayerConverter } from './InputLayer.ts';
import { layerNormalizationConverter } from './LayerNormalization.ts';
import { layerScaleConverter } from './LayerScale.ts';
import { leakyReLUConverter } from './LeakyReLU.ts';
import { maxPooling2DConverter } from './MaxPooling2D.ts';
import { maximumConverter } from './Maximum.ts';
import { minimumConverter } from './Minimum.ts';
import { multiplyConverter } from './Multiply.ts';
import { normalizationConverter } from './Normalization.ts';
import { pReLUConverter } from './PReLU.ts';
import { permuteConverter } from './Permute.ts';
import { reLUConverter } from './ReLU.ts';
import { rescalingConverter } from './Rescaling.ts';
import { reshapeConverter } from './Reshape.ts';
import { samplingConverter } from './Sampling.ts';
import { separableConv2DConverter } from './SeparableConv2D.ts';
import { softmaxConverter } from './Softmax.ts';
import { spatialDropout1DConverter } from './SpatialDropout1D.ts';
import { spatialDropout2DConverter } from './SpatialDropout2D.ts';
import { subtractConverter } from './Subtract.ts';
import { upSampling2DConverter } from './UpSampling2D.ts';
import { zeroPadding2DConverter } from './ZeroPadding2D.ts';
import { opsAddConverter } from './ops/Add.ts';
import { opsDivideConverter } from './ops/Divide.ts';
import { opsMultiplyConverter } from './ops/Multiply.ts';
import { opsReshapeConverter } from './ops/Reshape.ts';
import { opsSubtractConverter } from './ops/Subtract.ts';
import { opsTrueDivideConverter } from './ops/TrueDivide.ts';

export const ALL_CONVERTERS: readonly ConverterConfig[] = [
  activationConverter,
  activityRegularizationConverter,
  addConverter,
  alphaDropoutConverter,
  averageConverter,
  averagePooling2DConverter,
  batchNormalizationConverter,
  concatenateConverter,
  conv2DConverter,
  conv2DTransposeConverter,
  cropping2DConverter,
  denseConverter,
  depthwiseConv2DConverter,
  dropoutConverter,
  eLUConverter,
  embeddingConverter,
  flattenConverter,
  gaussianDropoutConverter,
  gaussianNoiseConverter,
  globalAveragePooling2DConverter,
  globalMaxPooling2DConverter,
  groupNormalizationConverter,
  inputLayerConverter,
  layerNormalizationConverter,
  layerScaleConverter,
  leakyReLUConverter,
  maxPooling2DConverter,
  maximumConverter,
  minimumConverter,
  multiplyConverter,
  normalizationConverter,
  pReLUConverter,
  permuteConverter,
  reLUConverter,
  rescalingConverter,
  reshapeConverter,
  samplingConverter,
  separableConv2DConverter,
  softmaxConverter,
  spatialDropout1DConverter,
  spatialDropout2DConverter,
  subtractConverter,
  upSampling2DConverter,
  zeroPadding2DConverter,
  opsAddConverter,
  opsDivideConverter,
  opsMultiplyConverter,
  opsReshapeConverter,
  opsSubtractConverter,
  opsTrueDivideConverter,
];

export const CONVERTERS: ReadonlyMap<string, ConverterConfig> = new Map(ALL_CONVERTERS.map((c) => [c.className, c]));
