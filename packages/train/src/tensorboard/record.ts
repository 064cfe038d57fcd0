/**
 * TFRecord framing, the container of TensorBoard's event files (TensorFlow's
 * tensorflow/core/lib/io/record_writer.cc; TensorBoard reads it in
 * tensorboard/compat/tensorflow_stub/pywrap_tensorflow.py):
 *
 *   uint64 length            little-endian, bytes of data
 *   uint32 masked_crc(length bytes)
 *   byte   data[length]
 *   uint32 masked_crc(data)
 *
 * masked_crc(x) = rotr15(crc32c(x)) + 0xa282ead8 (mod 2^32), TensorFlow's crc32c::Mask
 * (tensorflow/tsl/lib/hash/crc32c.h), so that CRCs of data that holds CRCs stay well spread.
 */
import { crc32c } from '@aws-crypto/crc32c';

const MASK_DELTA = 0xa282ead8;

/** TensorFlow's masked CRC32C of `data`, an unsigned 32-bit integer. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** One record: the 12-byte header, `data`, and the 4-byte footer, as one buffer (16 + data.length bytes). */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length >>> 0, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
