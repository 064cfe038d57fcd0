/**
 * Summary.Value builders for the four kinds Latentkit logs, in the forms TensorBoard's readers take:
 *   scalar     simple_value (a float32; TensorBoard's scalars dashboard and EventAccumulator.Scalars)
 *   image      Summary.Image with an encoded PNG (images dashboard, EventAccumulator.Images)
 *   histogram  HistogramProto (histograms/distributions dashboards, EventAccumulator.Histograms)
 *   text       a DT_STRING tensor tagged for the "text" plugin, as tensorboard/plugins/text/summary_v2.py
 *              writes it (plugin_name "text", empty TextPluginData content, DATA_CLASS_TENSOR)
 */
import { ValueError } from '../errors.ts';
import { DataClass, DataType, type HistogramValue, type SummaryValue } from './proto.ts';

/** A scalar: `value` is stored as float32 (simple_value is a float in summary.proto). */
export function scalarValue(tag: string, value: number): SummaryValue {
  return { tag, simple_value: value };
}

/**
 * An image: `png` is an encoded PNG of width x height pixels with `channels` channels (1 grey, 3 RGB,
 * 4 RGBA), which becomes Summary.Image's colorspace.
 * @throws ValueError for a size that is not a positive integer or a channel count other than 1, 3, 4.
 */
export function imageValue(tag: string, png: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): SummaryValue {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`image ${tag}: ${name} must be a positive integer, received ${String(v)}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new ValueError(`image ${tag}: channels must be 1, 3 or 4, received ${String(channels)}`);
  return { tag, image: { height, width, colorspace: channels, encoded_image_string: png } };
}

/** A histogram already summarised (histogram.ts's histogramOf builds one from values). */
export function histogramValue(tag: string, histo: HistogramValue): SummaryValue {
  return { tag, histo };
}

/** Markdown text (tables and code blocks render in TensorBoard's text dashboard). */
export function textValue(tag: string, markdown: string): SummaryValue {
  return {
    tag,
    metadata: { plugin_data: { plugin_name: 'text', content: new Uint8Array(0) }, data_class: DataClass.TENSOR },
    tensor: { dtype: DataType.DT_STRING, tensor_shape: {}, string_val: [new TextEncoder().encode(markdown)] },
  };
}
