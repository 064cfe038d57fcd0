"""The book's own Keras code (Generative Deep Learning, 2nd ed., ch. 3 notebooks, ported to Keras 3),
timed on random data on the same machine as bench/train-speed.ts.

Prints one JSON object per line: {"model", "batch", "img_per_s", "ms_per_step", "best_img_per_s",
"best_ms_per_step", "cpu_ms_per_step", "steps", "jit_compile", "tf", "keras"} (mean over the
measured steps, the fastest step, and the process's CPU time per step over all threads).

What is timed is what the book runs: `model.fit` at the book's batch sizes (AE 100, VAE 100, faces
VAE 128), with the book's architectures, losses and optimiser settings, built by
scripts/python/book_models.py (the same code that builds the export package's Keras fixtures):
  - AE: compile(optimizer='adam', loss='binary_crossentropy') (notebooks/03_vae/01_autoencoder);
  - VAE: the book's VAE(models.Model) with its GradientTape train_step, loss
    500 * BCE(axis=(1, 2, 3)) + KL summed over the latent axis, Adam(5e-4) (02_vae_fashion);
  - faces VAE: 5 x (Conv2D 64 / BatchNormalization / LeakyReLU) encoder, 200-d latent,
    2000 * MSE + KL, Adam(5e-4), 64x64x3 images (03_vae_faces).
Each step after `--warmup` steps is timed (batch end to batch end) until `--seconds` have passed and
at least 3 steps (faces: 2) were measured; the same random batch is fed every step (speed does not
depend on pixel values).

`--jit auto` (default) leaves jit_compile as the book's code leaves it: Keras 3 then compiles the
train step with XLA where every layer supports it; `--jit off` times TensorFlow's graph executor
(oneDNN kernels) without XLA, as Keras 2 did by default.

`--spec FILE --batch N` times a latentkit model spec instead (scripts/python/spec_models.py builds
the same network as packages/train's spec builder); its row's "model" is the file's name.

usage: keras_reference.py [--models ae,vae,faces-vae] [--seconds S] [--warmup N] [--jit auto|off|auto,off]
       keras_reference.py --spec FILE --batch N [--seconds S] [--warmup N] [--jit ...]
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
import book_models  # noqa: E402  (the book's models, shared with the export package's Keras fixtures)
import spec_models  # noqa: E402  (any latentkit model spec)

SUPERVISED = {'ae'}
"""Models fitted on (x, x) with a compiled loss; the VAEs compute theirs in train_step from x alone."""


class StepTimer(keras.callbacks.Callback):
    """Times each step after the warm-up (batch end to batch end); stops fit when done."""

    def __init__(self, warmup, seconds, min_steps):
        super().__init__()
        self.warmup, self.seconds, self.min_steps = warmup, seconds, min_steps
        self.seen = 0
        self.times = []
        self.last = None
        self.cpu0 = None
        self.cpu = None

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        self.seen += 1
        if self.seen == self.warmup:
            self.last, self.cpu0 = now, time.process_time()
            return
        if self.seen < self.warmup:
            return
        self.times.append(now - self.last)
        self.last = now
        if len(self.times) >= self.min_steps and sum(self.times) >= self.seconds:
            self.cpu = time.process_time() - self.cpu0
            self.model.stop_training = True


def bench(name, seconds, warmup, jit, spec=None, spec_batch=None):
    keras.utils.set_random_seed(0)
    if spec is None:
        batch, shape = book_models.BATCH_SIZE[name], book_models.INPUT_SHAPE[name]
        model = book_models.training_model(name, *book_models.build(name), jit_compile=jit)
        supervised = name in SUPERVISED
    else:
        batch, shape = spec_batch, tuple(spec['inputShape'])
        model = spec_models.training_model(spec, *spec_models.build(spec), jit_compile=jit)
        supervised = spec['type'] == 'ae'
    x = np.random.default_rng(3).random((batch, *shape), dtype=np.float32)
    data = tf.data.Dataset.from_tensors((x, x) if supervised else x).repeat()
    slow = name == 'faces-vae'
    timer = StepTimer(warmup, 0 if slow else seconds, 2 if slow else 3)
    model.fit(data, epochs=1, steps_per_epoch=100_000, verbose=0, shuffle=False, callbacks=[timer])
    steps = len(timer.times)
    ms = 1000 * sum(timer.times) / steps
    best = min(timer.times)
    return {'model': name, 'batch': batch, 'ms_per_step': ms, 'img_per_s': batch * 1000 / ms, 'steps': steps,
            'best_ms_per_step': best * 1000, 'best_img_per_s': batch / best,
            'cpu_ms_per_step': 1000 * timer.cpu / steps, 'jit_compile': jit,
            'tf': tf.__version__, 'keras': keras.__version__}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--models', default=','.join(book_models.KINDS))
    p.add_argument('--seconds', type=float, default=4.0)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--jit', default='auto', help="'auto', 'off' or both, comma-separated")
    p.add_argument('--spec', help='a latentkit model spec JSON file (instead of --models)')
    p.add_argument('--batch', type=int, help='batch size for --spec')
    a = p.parse_args()
    if a.spec:
        if not a.batch or a.batch < 1:
            p.error('--spec needs --batch N (N >= 1)')
        spec = json.loads(Path(a.spec).read_text())
        for mode in a.jit.split(','):
            row = bench(Path(a.spec).stem, a.seconds, a.warmup, 'auto' if mode == 'auto' else False, spec, a.batch)
            row['jit_compile'] = mode
            row['params'] = list(spec_models.param_counts(spec))
            print(json.dumps(row), flush=True)
        return 0
    for name in a.models.split(','):
        if name not in book_models.KINDS:
            p.error(f"--models: unknown model {name!r} ({', '.join(book_models.KINDS)})")
        for mode in a.jit.split(','):
            if mode not in ('auto', 'off'):
                p.error(f"--jit: unknown mode {mode!r} (auto or off)")
            row = bench(name, a.seconds, a.warmup, 'auto' if mode == 'auto' else False)
            row['jit_compile'] = mode
            print(json.dumps(row), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
