"""A Keras 3 conditional VAE pair (Sohn et al. 2015) in the usual Keras style: 28x28x1 images and a
one-hot label [10] as the second input of both models. The encoder maps the label through
Dense(28*28) to an extra image channel and concatenates it to the image; the decoder concatenates
z and the label. Freshly initialised with a fixed seed, saved as .keras files, with Keras's outputs
on fixed inputs for the test to compare against.

usage: make_cvae_pair.py OUT_DIR   (writes encoder.keras, decoder.keras, expected.json)
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
    """z = z_mean + exp(z_log_var / 2) * eps (the book's layer)."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(shape=ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * eps


def main(out):
    keras.utils.set_random_seed(11)
    latent_dim, classes = 2, 10
    image = keras.Input(shape=(28, 28, 1), name="image")
    label = keras.Input(shape=(classes,), name="label")
    label_map = layers.Reshape((28, 28, 1))(layers.Dense(28 * 28)(label))
    x = layers.Concatenate()([image, label_map])
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model([image, label], [z_mean, z_log_var, z], name="encoder")

    latent = keras.Input(shape=(latent_dim,), name="z")
    label_in = keras.Input(shape=(classes,), name="label")
    x = layers.Concatenate()([latent, label_in])
    x = layers.Dense(7 * 7 * 64, activation="relu")(x)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    out_image = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model([latent, label_in], out_image, name="decoder")

    os.makedirs(out, exist_ok=True)
    encoder.save(os.path.join(out, "encoder.keras"))
    decoder.save(os.path.join(out, "decoder.keras"))
    rng = np.random.default_rng(3)
    images = rng.random((4, 28, 28, 1), dtype=np.float32)
    labels = np.eye(classes, dtype=np.float32)[[0, 3, 7, 9]]
    z = rng.standard_normal((4, latent_dim)).astype(np.float32) * 2
    zm, zl, _ = encoder.predict([images, labels], verbose=0)
    recon = decoder.predict([z, labels], verbose=0)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"images": images.ravel().tolist(), "labels": [0, 3, 7, 9], "z": z.ravel().tolist(), "z_mean": zm.ravel().tolist(),
                   "z_log_var": zl.ravel().tolist(), "decoded": recon.ravel().tolist(), "keras": keras.__version__}, f)


if __name__ == "__main__":
    main(sys.argv[1])
