/** Converter lookup: the highest version at or below the target opset (tf2onnx's create_mapping). */
import type { ConverterConfig, ConvertFn } from './converter.ts';
import { CONVERTERS } from './converters/register-all.ts';

/** Layer classes the walker handles itself (nested models are inlined). */
export { CONTAINER_CLASSES } from './keras-format.ts';

/** The Keras layer classes exportModel has a converter for, sorted (nested models are inlined besides). Never throws. */
export function supportedClasses(): string[] {
  return [...CONVERTERS.keys()].sort();
}

export function converterFor(className: string, opset: number, converters: ReadonlyMap<string, ConverterConfig> = CONVERTERS): ConvertFn | undefined {
  const config = converters.get(className);
  if (!config) return undefined;
  const versions = Object.keys(config.opsets).map(Number).filter((v) => v <= opset);
  if (!versions.length) return undefined;
  return config.opsets[Math.max(...versions)];
}
