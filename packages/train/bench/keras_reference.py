"""The book's own Keras code (Generative Deep Learning, 2nd ed., ch. 3 notebooks, ported to Keras 3),
timed on random data on the same machine as bench/train-speed.ts.

Prints one JSON object per line: {"model", "batch", "img_per_s", "ms_per_step", "best_img_per_s",
"best_ms_per_step", "cpu_ms_per_step", "steps", "jit_compile", "tf", "keras"} (mean over the
measured steps, the fastest step, and the process's CPU time per step over all threads).

What is timed is what the book runs: `model.fit` at the book's batch sizes (AE 100, VAE 100, faces
VAE 128), with the book's architectures, losses and optimiser settings:
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

usage: keras_reference.py [--models ae,vae,faces-vae] [--seconds S] [--warmup N] [--jit auto|off|auto,off]
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers, losses, metrics, models, optimizers  # noqa: E402


class Sampling(layers.Layer):
    """z = z_mean + exp(z_log_var / 2) * eps, eps ~ N(0, 1) (the book's Sampling layer)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


class VAE(models.Model):
    """The book's VAE: encoder -> Sampling -> decoder, trained with its own GradientTape step."""

    def __init__(self, encoder, decoder, beta, reconstruction, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.reconstruction = reconstruction
        self.total_loss_tracker = metrics.Mean(name='total_loss')
        self.reconstruction_loss_tracker = metrics.Mean(name='reconstruction_loss')
        self.kl_loss_tracker = metrics.Mean(name='kl_loss')

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        return z_mean, z_log_var, self.decoder(z)

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, reconstruction = self(data, training=True)
            if self.reconstruction == 'bce':
                reconstruction_loss = tf.reduce_mean(
                    self.beta * losses.binary_crossentropy(data, reconstruction, axis=(1, 2, 3)))
            else:
                reconstruction_loss = tf.reduce_mean(self.beta * losses.mean_squared_error(data, reconstruction))
            kl_loss = tf.reduce_mean(
                tf.reduce_sum(-0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var)), axis=1))
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}


def fashion_encoder(latent, variational):
    encoder_input = layers.Input(shape=(32, 32, 1), name='encoder_input')
    x = layers.Conv2D(32, (3, 3), strides=2, activation='relu', padding='same')(encoder_input)
    x = layers.Conv2D(64, (3, 3), strides=2, activation='relu', padding='same')(x)
    x = layers.Conv2D(128, (3, 3), strides=2, activation='relu', padding='same')(x)
    x = layers.Flatten()(x)
    if not variational:
        return encoder_input, layers.Dense(latent, name='encoder_output')(x)
    z_mean = layers.Dense(latent, name='z_mean')(x)
    z_log_var = layers.Dense(latent, name='z_log_var')(x)
    z = Sampling()([z_mean, z_log_var])
    return encoder_input, [z_mean, z_log_var, z]


def fashion_decoder(latent):
    decoder_input = layers.Input(shape=(latent,), name='decoder_input')
    x = layers.Dense(4 * 4 * 128)(decoder_input)
    x = layers.Reshape((4, 4, 128))(x)
    x = layers.Conv2DTranspose(128, (3, 3), strides=2, activation='relu', padding='same')(x)
    x = layers.Conv2DTranspose(64, (3, 3), strides=2, activation='relu', padding='same')(x)
    x = layers.Conv2DTranspose(32, (3, 3), strides=2, activation='relu', padding='same')(x)
    decoder_output = layers.Conv2D(1, (3, 3), strides=1, activation='sigmoid', padding='same',
                                   name='decoder_output')(x)
    return models.Model(decoder_input, decoder_output)


def build_ae(jit):
    encoder_input, encoder_output = fashion_encoder(2, variational=False)
    decoder = fashion_decoder(2)
    autoencoder = models.Model(encoder_input, decoder(encoder_output))
    autoencoder.compile(optimizer='adam', loss='binary_crossentropy', jit_compile=jit)
    return autoencoder


def build_vae(jit):
    encoder_input, outputs = fashion_encoder(2, variational=True)
    encoder = models.Model(encoder_input, outputs, name='encoder')
    vae = VAE(encoder, fashion_decoder(2), beta=500, reconstruction='bce')
    vae.compile(optimizer=optimizers.Adam(learning_rate=0.0005), jit_compile=jit)
    return vae


def build_faces_vae(jit, features=64, latent=200):
    encoder_input = layers.Input(shape=(64, 64, 3), name='encoder_input')
    x = encoder_input
    for _ in range(5):
        x = layers.Conv2D(features, kernel_size=3, strides=2, padding='same')(x)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU()(x)
    x = layers.Flatten()(x)
    z_mean = layers.Dense(latent, name='z_mean')(x)
    z_log_var = layers.Dense(latent, name='z_log_var')(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = models.Model(encoder_input, [z_mean, z_log_var, z], name='encoder')

    decoder_input = layers.Input(shape=(latent,), name='decoder_input')
    x = layers.Dense(2 * 2 * features)(decoder_input)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU()(x)
    x = layers.Reshape((2, 2, features))(x)
    for _ in range(5):
        x = layers.Conv2DTranspose(features, kernel_size=3, strides=2, padding='same')(x)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU()(x)
    decoder_output = layers.Conv2DTranspose(3, kernel_size=3, strides=1, activation='sigmoid', padding='same')(x)
    decoder = models.Model(decoder_input, decoder_output)
    vae = VAE(encoder, decoder, beta=2000, reconstruction='mse')
    vae.compile(optimizer=optimizers.Adam(learning_rate=0.0005), jit_compile=jit)
    return vae


SPECS = {
    'ae': (build_ae, 100, (32, 32, 1), True),
    'vae': (build_vae, 100, (32, 32, 1), False),
    'faces-vae': (build_faces_vae, 128, (64, 64, 3), False),
}


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


def bench(name, seconds, warmup, jit):
    build, batch, shape, supervised = SPECS[name]
    keras.utils.set_random_seed(0)
    model = build(jit)
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
    p.add_argument('--models', default='ae,vae,faces-vae')
    p.add_argument('--seconds', type=float, default=4.0)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--jit', default='auto', help="'auto', 'off' or both, comma-separated")
    a = p.parse_args()
    for name in a.models.split(','):
        for mode in a.jit.split(','):
            if mode not in ('auto', 'off'):
                p.error(f"--jit: unknown mode {mode!r} (auto or off)")
            row = bench(name, a.seconds, a.warmup, 'auto' if mode == 'auto' else False)
            row['jit_compile'] = mode
            print(json.dumps(row), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
