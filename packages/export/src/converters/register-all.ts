/** The one place that imports every converter config and builds the class-name map. */
import type { ConverterConfig } from '../converter.ts';
import { activationConverter } from './Activation.ts';
import { addConverter } from './Add.ts';
import { averagePooling2DConverter } from './AveragePooling2D.ts';
import { batchNormalizationConverter } from './BatchNormalization.ts';
import { concatenateConverter } from './Concatenate.ts';
import { conv2DConverter } from './Conv2D.ts';
import { conv2DTransposeConverter } from './Conv2DTranspose.ts';
import { denseConverter } from './Dense.ts';
import { dropoutConverter } from './Dropout.ts';
import { flattenConverter } from './Flatten.ts';
import { inputLayerConverter } from './InputLayer.ts';
import { leakyReLUConverter } from './LeakyReLU.ts';
import { maxPooling2DConverter } from './MaxPooling2D.ts';
import { reLUConverter } from './ReLU.ts';
import { reshapeConverter } from './Reshape.ts';
import { samplingConverter } from './Sampling.ts';
import { softmaxConverter } from './Softmax.ts';
import { upSampling2DConverter } from './UpSampling2D.ts';
import { zeroPadding2DConverter } from './ZeroPadding2D.ts';

export const ALL_CONVERTERS: readonly ConverterConfig[] = [
  activationConverter,
  addConverter,
  averagePooling2DConverter,
  batchNormalizationConverter,
  concatenateConverter,
  conv2DConverter,
  conv2DTransposeConverter,
  denseConverter,
  dropoutConverter,
  flattenConverter,
  inputLayerConverter,
  leakyReLUConverter,
  maxPooling2DConverter,
  reLUConverter,
  reshapeConverter,
  samplingConverter,
  softmaxConverter,
  upSampling2DConverter,
  zeroPadding2DConverter,
];

export const CONVERTERS: ReadonlyMap<string, ConverterConfig> = new Map(ALL_CONVERTERS.map((c) => [c.className, c]));
