"""The keras.io VAE example's encoder and decoder (keras.io/examples/generative/vae, Keras 3: 28x28x1
images, Conv2D 32/64 stride 2, Dense(16), a 2-d latent space, its own Sampling layer with a
SeedGenerator), freshly initialised with a fixed seed, saved as .keras files, with Keras's outputs on
fixed inputs for the test to compare against.

usage: make_pair.py OUT_DIR   (writes encoder.keras, decoder.keras, expected.json)
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit (as on keras.io)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def main(out):
    keras.utils.set_random_seed(5)
    latent_dim = 2
    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")

    os.makedirs(out, exist_ok=True)
    encoder.save(os.path.join(out, "encoder.keras"))
    decoder.save(os.path.join(out, "decoder.keras"))
    rng = np.random.default_rng(3)
    images = rng.random((4, 28, 28, 1), dtype=np.float32)
    z = rng.standard_normal((4, latent_dim)).astype(np.float32) * 2
    zm, zl, _ = encoder.predict(images, verbose=0)
    recon = decoder.predict(z, verbose=0)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"images": images.ravel().tolist(), "z": z.ravel().tolist(), "z_mean": zm.ravel().tolist(),
                   "z_log_var": zl.ravel().tolist(), "decoded": recon.ravel().tolist(), "keras": keras.__version__}, f)


if __name__ == "__main__":
    main(sys.argv[1])
