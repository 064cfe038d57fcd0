"""What the hardware allows for a training step: FLOPs per step of each model's convolutions and dense
layers, and this CPU's measured throughput on exactly those layers.

For each Conv2D, Conv2DTranspose and Dense layer of the book's models (scripts/python/book_models.py)
and of latentkit model specs (scripts/python/spec_models.py), at the model's batch size:
  - FLOPs (multiply-adds x 2): Conv2D  out_h * out_w * k_h * k_w * in_c * out_c;
    Conv2DTranspose  in_h * in_w * k_h * k_w * in_c * out_c (each input pixel scatters a k x k x out_c
    patch); Dense  in * out; per image, times the batch. A training step does the forward product,
    the weight gradient (the same count) and the input gradient (the same count, except for the
    encoder's first layer, whose input is the images: no gradient is needed there). This is the
    usual "3x forward" count (e.g. Kaplan et al. 2020, "Scaling laws", section 2.1) made exact for the
    first layer. Bias adds, activations, BatchNormalization, the loss and Adam are not counted (they
    are O(activations), not O(activations x kernel)).
  - The layer alone, timed in a tf.function (TensorFlow's graph executor with oneDNN, the kernels Keras
    and the compiled step run): the forward pass, and forward + backward (tf.GradientTape: weight
    gradients, and the input gradient except for the first layer); median over repeats.
Prints one JSON object per model: {"model", "batch", "step_gflop", "forward_gflop", "layers": [...],
"floor_ms": the sum of the layers' forward + backward times (the step's dense algebra at this CPU's
isolated-layer speed), "floor_gflops": step_gflop / floor_ms}, and "peak_gflops": the best
GFLOP/s of any one layer's forward pass; then {"roof": ...}: one large stride-1 3x3 Conv2D
(32 x 32 x 128 -> 128, batch 32, 9.7 GFLOP) forward and forward + backward, the throughput this CPU
reaches on a convolution big enough to keep both cores busy.

usage: conv_throughput.py [--models ae,vae,faces-vae] [--spec FILE@BATCH ...] [--repeats N]
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / 'scripts' / 'python'))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
import book_models  # noqa: E402
import spec_models  # noqa: E402


def layer_macs(layer):
    """Multiply-adds per image of one Conv2D / Conv2DTranspose / Dense layer; None for other layers."""
    if isinstance(layer, keras.layers.Conv2DTranspose):
        _, h, w, c = layer.input.shape
        kh, kw = layer.kernel_size
        return h * w * kh * kw * c * layer.filters
    if isinstance(layer, keras.layers.Conv2D):
        _, h, w, _ = layer.output.shape
        kh, kw = layer.kernel_size
        return h * w * kh * kw * layer.input.shape[-1] * layer.filters
    if isinstance(layer, keras.layers.Dense):
        return layer.input.shape[-1] * layer.units
    return None


def median_ms(fn, repeats):
    fn()
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * float(np.median(times))


def time_layer(layer, batch, first, repeats):
    """(forward ms, forward + backward ms) of `layer` alone at `batch`."""
    x = tf.constant(np.random.default_rng(0).random((batch, *layer.input.shape[1:]), dtype=np.float32))
    weights = [w.value for w in layer.trainable_weights]

    @tf.function
    def forward():
        return tf.reduce_sum(layer(x))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            if not first:
                tape.watch(x)
            y = layer(x)
            loss = tf.reduce_sum(y * y)
        grads = tape.gradient(loss, weights + ([] if first else [x]))
        return [tf.reduce_sum(g) for g in grads]

    return median_ms(lambda: forward().numpy(), repeats), median_ms(lambda: [g.numpy() for g in step()], repeats)


def profile(name, encoder, decoder, batch, repeats):
    rows = []
    first = True
    for part in (encoder, decoder):
        for layer in part.layers:
            macs = layer_macs(layer)
            if macs is None:
                continue
            fwd_ms, step_ms = time_layer(layer, batch, first, repeats)
            gflop_fwd = 2 * macs * batch / 1e9
            gflop_step = gflop_fwd * (2 if first else 3)
            rows.append({'layer': f'{part.name}/{layer.name}', 'class': type(layer).__name__, 'input': list(layer.input.shape[1:]),
                         'output': list(layer.output.shape[1:]), 'forward_gflop': gflop_fwd, 'step_gflop': gflop_step,
                         'forward_ms': fwd_ms, 'step_ms': step_ms, 'forward_gflops': gflop_fwd / fwd_ms * 1000,
                         'step_gflops': gflop_step / step_ms * 1000})
            first = False
    step = sum(r['step_gflop'] for r in rows)
    floor = sum(r['step_ms'] for r in rows)
    return {'model': name, 'batch': batch, 'step_gflop': step, 'forward_gflop': sum(r['forward_gflop'] for r in rows),
            'floor_ms': floor, 'floor_gflops': step / floor * 1000,
            'peak_gflops': max(r['forward_gflops'] for r in rows), 'layers': rows}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--models', default=','.join(book_models.KINDS))
    p.add_argument('--spec', action='append', default=[], help='FILE@BATCH, a latentkit model spec')
    p.add_argument('--repeats', type=int, default=15)
    a = p.parse_args()
    for name in filter(None, a.models.split(',')):
        enc, dec = book_models.build(name)
        print(json.dumps(profile(name, enc, dec, book_models.BATCH_SIZE[name], a.repeats)), flush=True)
    roof_in = keras.Input((32, 32, 128))
    roof = keras.layers.Conv2D(128, 3, padding='same')
    roof(roof_in)
    fwd_ms, step_ms = time_layer(roof, 32, False, a.repeats)
    gflop = 2 * layer_macs(roof) * 32 / 1e9
    print(json.dumps({'roof': {'layer': 'Conv2D 3x3 32x32x128->128, batch 32', 'forward_gflop': gflop, 'forward_ms': fwd_ms, 'step_ms': step_ms,
                               'forward_gflops': gflop / fwd_ms * 1000, 'step_gflops': 3 * gflop / step_ms * 1000}}), flush=True)
    for entry in a.spec:
        file, _, batch = entry.partition('@')
        spec = json.loads(Path(file).read_text())
        enc, dec = spec_models.build(spec)
        print(json.dumps(profile(Path(file).stem, enc, dec, int(batch or 64), a.repeats)), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
