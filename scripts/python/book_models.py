"""The book's chapter-3 Keras models, written once for every Python script of the workspace.

Source: "Generative Deep Learning", 2nd ed. (David Foster, O'Reilly 2023), chapter 3, and its notebooks
(github.com/davidADSP/Generative_Deep_Learning_2nd_Edition):
  - notebooks/03_vae/01_autoencoder/autoencoder.ipynb: the Fashion-MNIST autoencoder (32x32x1 images,
    2-d embedding), compile(optimizer="adam", loss="binary_crossentropy"), batch size 100;
  - notebooks/03_vae/02_vae_fashion/vae_fashion.ipynb: the Sampling layer, the VAE model with its
    GradientTape train_step (BETA 500 * binary cross-entropy over (1, 2, 3) + KL summed over the latent
    axis), Adam(learning_rate=0.0005), batch size 100;
  - notebooks/03_vae/03_vae_faces/vae_faces.ipynb: the CelebA faces VAE (64x64x3 images, 5 x Conv2D 64 /
    BatchNormalization / LeakyReLU, 200-d latent, BETA 2000 * mean squared error + KL), batch size 128.
The code follows the notebooks (their names, layer order and shapes), ported to Keras 3 where Keras 2's
`K.int_shape` / `K.random_normal` are gone.

Users: packages/train/bench/keras_reference.py (the speed reference `pnpm bench` races) and
packages/export/test/keras-fixtures/make_fixtures.py (the committed .keras/.h5 fixtures). Whatever changes
the layers built here, or the order they are created in (Keras names layers with a global counter:
"conv2d_3", "sampling_1"), changes what the fixtures hold: run `make_fixtures.py --check`, and regenerate
the fixtures if it fails.

Import it with scripts/python on sys.path (both users insert it from their own location).
"""
import os

# The book's code calls TensorFlow directly (tf.GradientTape, tf.shape), so Keras must run on it.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers, losses, metrics, models, optimizers  # noqa: E402

# ---- the book's parameters ---------------------------------------------------------------------------

FASHION = dict(IMAGE_SIZE=32, CHANNELS=1, EMBEDDING_DIM=2)
"""Fashion-MNIST AE and VAE: 28x28 images padded to 32x32, one channel, 2-d latent space."""

FACES = dict(IMAGE_SIZE=64, CHANNELS=3, NUM_FEATURES=64, Z_DIM=200)
"""Faces VAE (CelebA resized to 64x64 RGB)."""

KINDS = ("ae", "vae", "faces-vae")
"""The workspace's names for the three models (as in packages/train's model table)."""

BATCH_SIZE = {"ae": 100, "vae": 100, "faces-vae": 128}
"""The notebooks' BATCH_SIZE per model (images per step)."""

BETA = {"vae": 500, "faces-vae": 2000}
"""Weight of the reconstruction loss against the KL term."""

RECONSTRUCTION = {"vae": "bce", "faces-vae": "mse"}
"""The reconstruction loss: binary cross-entropy summed over (1, 2, 3), or mean squared error."""

VAE_LEARNING_RATE = 0.0005
"""Adam's learning rate for both VAEs (the AE uses Keras's default Adam, 0.001)."""

INPUT_SHAPE = {
    "ae": (FASHION["IMAGE_SIZE"], FASHION["IMAGE_SIZE"], FASHION["CHANNELS"]),
    "vae": (FASHION["IMAGE_SIZE"], FASHION["IMAGE_SIZE"], FASHION["CHANNELS"]),
    "faces-vae": (FACES["IMAGE_SIZE"], FACES["IMAGE_SIZE"], FACES["CHANNELS"]),
}
"""One image, height x width x channels."""


# ---- the layers and models ---------------------------------------------------------------------------

class Sampling(layers.Layer):
    """The book's Sampling layer: z = z_mean + exp(z_log_var / 2) * epsilon, epsilon ~ N(0, 1).

    Inputs [z_mean, z_log_var], each [batch, latent]; output [batch, latent]. Unregistered, as in the
    book: a saved file names it class_name "Sampling", and loading needs custom_objects={"Sampling": ...}.
    Unseeded, as in the book: epsilon comes from Keras's global generator (keras.utils.set_random_seed).
    Subclass it to register it under a package (make_fixtures.py does).
    """

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


def fashion_encoder(variational, sampling=Sampling):
    """The Fashion-MNIST encoder: 3 x Conv2D (32, 64, 128; 3x3, stride 2, relu) -> Flatten -> Dense 2.

    variational False: the AE's encoder, [batch, 32, 32, 1] -> encoder_output [batch, 2].
    variational True: the VAE's, -> [z_mean, z_log_var, z], each [batch, 2], z drawn by `sampling`.
    Returns (encoder, shape_before_flattening), the latter (4, 4, 128) for the decoder.
    """
    f = FASHION
    encoder_input = layers.Input(shape=(f["IMAGE_SIZE"], f["IMAGE_SIZE"], f["CHANNELS"]), name="encoder_input")
    x = layers.Conv2D(32, (3, 3), strides=2, activation="relu", padding="same")(encoder_input)
    x = layers.Conv2D(64, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2D(128, (3, 3), strides=2, activation="relu", padding="same")(x)
    shape_before_flattening = tuple(x.shape[1:])
    x = layers.Flatten()(x)
    if not variational:
        encoder_output = layers.Dense(f["EMBEDDING_DIM"], name="encoder_output")(x)
        return models.Model(encoder_input, encoder_output), shape_before_flattening
    z_mean = layers.Dense(f["EMBEDDING_DIM"], name="z_mean")(x)
    z_log_var = layers.Dense(f["EMBEDDING_DIM"], name="z_log_var")(x)
    z = sampling()([z_mean, z_log_var])
    return models.Model(encoder_input, [z_mean, z_log_var, z], name="encoder"), shape_before_flattening


def fashion_decoder(shape_before_flattening):
    """The Fashion-MNIST decoder (AE and VAE): [batch, 2] -> Dense -> Reshape -> 3 x Conv2DTranspose
    (128, 64, 32; stride 2, relu) -> Conv2D 1 sigmoid -> decoder_output [batch, 32, 32, 1] in [0, 1]."""
    decoder_input = layers.Input(shape=(FASHION["EMBEDDING_DIM"],), name="decoder_input")
    x = layers.Dense(int(np.prod(shape_before_flattening)))(decoder_input)
    x = layers.Reshape(shape_before_flattening)(x)
    x = layers.Conv2DTranspose(128, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(64, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(x)
    decoder_output = layers.Conv2D(
        FASHION["CHANNELS"], (3, 3), strides=1, activation="sigmoid", padding="same", name="decoder_output"
    )(x)
    return models.Model(decoder_input, decoder_output)


def faces_encoder(sampling=Sampling):
    """The faces encoder: [batch, 64, 64, 3] -> 5 x (Conv2D 64, 3x3, stride 2 / BatchNormalization /
    LeakyReLU) -> Flatten -> [z_mean, z_log_var, z], each [batch, 200].
    Returns (encoder, shape_before_flattening), the latter (2, 2, 64)."""
    f = FACES
    encoder_input = layers.Input(shape=(f["IMAGE_SIZE"], f["IMAGE_SIZE"], f["CHANNELS"]), name="encoder_input")
    x = encoder_input
    for _ in range(5):
        x = layers.Conv2D(f["NUM_FEATURES"], kernel_size=3, strides=2, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU()(x)
    shape_before_flattening = tuple(x.shape[1:])
    x = layers.Flatten()(x)
    z_mean = layers.Dense(f["Z_DIM"], name="z_mean")(x)
    z_log_var = layers.Dense(f["Z_DIM"], name="z_log_var")(x)
    z = sampling()([z_mean, z_log_var])
    return models.Model(encoder_input, [z_mean, z_log_var, z], name="encoder"), shape_before_flattening


def faces_decoder(shape_before_flattening):
    """The faces decoder: [batch, 200] -> Dense / BatchNormalization / LeakyReLU -> Reshape (2, 2, 64) ->
    5 x (Conv2DTranspose 64, stride 2 / BatchNormalization / LeakyReLU) -> Conv2DTranspose 3 sigmoid ->
    [batch, 64, 64, 3] in [0, 1]."""
    f = FACES
    decoder_input = layers.Input(shape=(f["Z_DIM"],), name="decoder_input")
    x = layers.Dense(int(np.prod(shape_before_flattening)))(decoder_input)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU()(x)
    x = layers.Reshape(shape_before_flattening)(x)
    for _ in range(5):
        x = layers.Conv2DTranspose(f["NUM_FEATURES"], kernel_size=3, strides=2, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU()(x)
    decoder_output = layers.Conv2DTranspose(f["CHANNELS"], kernel_size=3, strides=1, activation="sigmoid", padding="same")(x)
    return models.Model(decoder_input, decoder_output)


def build(kind, sampling=Sampling):
    """The encoder and decoder of `kind` ("ae", "vae" or "faces-vae"), freshly initialised.

    `sampling` is the Sampling class the VAEs' encoders use. Returns (encoder, decoder).
    Raises ValueError for another kind.
    """
    if kind == "ae":
        encoder, shape = fashion_encoder(variational=False)
        return encoder, fashion_decoder(shape)
    if kind == "vae":
        encoder, shape = fashion_encoder(variational=True, sampling=sampling)
        return encoder, fashion_decoder(shape)
    if kind == "faces-vae":
        encoder, shape = faces_encoder(sampling=sampling)
        return encoder, faces_decoder(shape)
    raise ValueError(f"unknown model {kind!r}; expected one of {', '.join(KINDS)}")


class VAE(models.Model):
    """The book's VAE: encoder -> Sampling -> decoder, trained by its own GradientTape step.

    Loss per batch: mean over images of beta * reconstruction loss ("bce": binary cross-entropy summed over
    height, width and channels, as vae_fashion; "mse": mean squared error, as vae_faces), plus the KL
    divergence of N(z_mean, exp(z_log_var)) from N(0, 1) summed over the latent axis, mean over images.
    """

    def __init__(self, encoder, decoder, beta, reconstruction, **kwargs):
        super().__init__(**kwargs)
        if reconstruction not in ("bce", "mse"):
            raise ValueError(f"reconstruction must be 'bce' or 'mse', got {reconstruction!r}")
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.reconstruction = reconstruction
        self.total_loss_tracker = metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstruction = self.decoder(z)
        return z_mean, z_log_var, reconstruction

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, reconstruction = self(data, training=True)
            if self.reconstruction == "bce":
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


def training_model(kind, encoder, decoder, jit_compile="auto"):
    """The model the book fits for `kind`, compiled with the book's optimiser and loss.

    "ae": Model(encoder_input, decoder(encoder_output)), compile(optimizer="adam",
    loss="binary_crossentropy"); fit it on (x, x). "vae" / "faces-vae": VAE(encoder, decoder) with
    BETA[kind] and RECONSTRUCTION[kind], Adam(VAE_LEARNING_RATE); fit it on x. `jit_compile` goes to
    compile ("auto", as the book leaves it, or False).
    """
    if kind == "ae":
        model = models.Model(encoder.input, decoder(encoder.output))
        model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=jit_compile)
        return model
    if kind not in BETA:
        raise ValueError(f"unknown model {kind!r}; expected one of {', '.join(KINDS)}")
    model = VAE(encoder, decoder, beta=BETA[kind], reconstruction=RECONSTRUCTION[kind])
    model.compile(optimizer=optimizers.Adam(learning_rate=VAE_LEARNING_RATE), jit_compile=jit_compile)
    return model
