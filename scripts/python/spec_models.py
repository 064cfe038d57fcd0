"""Keras models built from a latentkit model spec (@latentkit/format model-spec.ts), the same network
packages/models/src/spec-model.ts builds, so `pnpm bench` can race a spec on tfjs-node against
Keras built from the same spec JSON.

The network, for input [H, W, C] and encoder filters f_1..f_L (kernel k, stride s, 'same'):
  encoder: per filter, Conv2D (activation inline for norm 'none' + relu; else BatchNormalization and a
  ReLU/LeakyReLU layer after it), Flatten, then Dense(latent) (AE) or Dense z_mean, Dense z_log_var and
  the book's Sampling layer (VAE);
  decoder: Dense(H/s^L * W/s^L * f_L) (+ BN + activation with norm 'batch'), Reshape, the filters
  reversed as Conv2DTranspose (same activation rule), then a stride-1 Conv2D or Conv2DTranspose with C
  filters and a sigmoid.
Loss: loss.scale * (BCE | MSE, means over pixels) + beta * KL (summed over latent dims), batch means;
Adam(5e-4) for a VAE, Adam(1e-3) for an AE (packages/train's defaultLearningRate). KL warm-up is not
modelled (it changes a weight, not the step's cost).

Import it with scripts/python on sys.path.
"""
import numpy as np
import tensorflow as tf
import keras
from keras import layers, losses, metrics, models, optimizers

import book_models


def _act(spec, x):
    a = spec["activation"]
    if a["name"] == "leaky_relu":
        return layers.LeakyReLU(negative_slope=a.get("alpha", 0.3))(x)
    return layers.ReLU()(x)


def _separate(spec):
    return spec.get("norm", "none") == "batch" or spec["activation"]["name"] == "leaky_relu"


def build(spec, sampling=book_models.Sampling):
    """(encoder, decoder) of `spec` (a dict as the spec JSON holds it, defaults filled)."""
    h, w, c = spec["inputShape"]
    enc = spec["encoder"]
    k, s = enc.get("kernelSize", 3), enc.get("strides", 2)
    sep = _separate(spec)
    bn = spec.get("norm", "none") == "batch"
    inp = layers.Input(shape=(h, w, c), name="encoder_input")
    x = inp
    for f in enc["filters"]:
        x = layers.Conv2D(f, k, strides=s, padding="same", activation=None if sep else "relu")(x)
        if sep:
            if bn:
                x = layers.BatchNormalization()(x)
            x = _act(spec, x)
    shape = tuple(x.shape[1:])
    x = layers.Flatten()(x)
    latent = spec["latentDim"]
    if spec["type"] == "ae":
        encoder = models.Model(inp, layers.Dense(latent, name="encoder_output")(x))
    else:
        z_mean = layers.Dense(latent, name="z_mean")(x)
        z_log_var = layers.Dense(latent, name="z_log_var")(x)
        encoder = models.Model(inp, [z_mean, z_log_var, sampling()([z_mean, z_log_var])], name="encoder")
    dinp = layers.Input(shape=(latent,), name="decoder_input")
    y = layers.Dense(int(np.prod(shape)))(dinp)
    if bn:
        y = layers.BatchNormalization()(y)
        y = _act(spec, y)
    y = layers.Reshape(shape)(y)
    for f in reversed(enc["filters"]):
        y = layers.Conv2DTranspose(f, k, strides=s, padding="same", activation=None if sep else "relu")(y)
        if sep:
            if bn:
                y = layers.BatchNormalization()(y)
            y = _act(spec, y)
    out_layer = layers.Conv2D if spec.get("decoderOutput", "conv2d") == "conv2d" else layers.Conv2DTranspose
    out = out_layer(c, k, strides=1, padding="same", activation="sigmoid", name="decoder_output")(y)
    return encoder, models.Model(dinp, out)


class SpecVAE(book_models.VAE):
    """The book's VAE train step with the spec's reconstruction scale and KL weight (beta)."""

    def __init__(self, encoder, decoder, scale, reconstruction, kl_weight, **kwargs):
        super().__init__(encoder, decoder, beta=scale, reconstruction=reconstruction, **kwargs)
        self.kl_weight = kl_weight

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, reconstruction = self(data, training=True)
            if self.reconstruction == "bce":
                rec = tf.reduce_mean(self.beta * losses.binary_crossentropy(data, reconstruction, axis=(1, 2, 3)))
            else:
                rec = tf.reduce_mean(self.beta * tf.reduce_mean(tf.square(data - reconstruction), axis=(1, 2, 3)))
            kl = tf.reduce_mean(tf.reduce_sum(-0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var)), axis=1))
            total = rec + self.kl_weight * kl
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(rec)
        self.kl_loss_tracker.update_state(kl)
        return {m.name: m.result() for m in self.metrics}


def training_model(spec, encoder, decoder, jit_compile="auto"):
    """The compiled model to fit: an AE on (x, x) with the scaled loss, or SpecVAE on x."""
    loss = spec.get("loss", {"type": "bce", "scale": 1})
    scale = loss.get("scale", 1)
    if spec["type"] == "ae":
        base = losses.binary_crossentropy if loss.get("type", "bce") == "bce" else losses.mean_squared_error
        model = models.Model(encoder.input, decoder(encoder.output))
        model.compile(optimizer=optimizers.Adam(1e-3), loss=lambda t, p: scale * base(t, p), jit_compile=jit_compile)
        return model
    model = SpecVAE(encoder, decoder, scale=scale, reconstruction=loss.get("type", "bce"), kl_weight=spec.get("beta", 1))
    model.compile(optimizer=optimizers.Adam(learning_rate=5e-4), jit_compile=jit_compile)
    return model


def param_counts(spec):
    """(encoder, decoder) parameter counts, for checking against packages/train's builder."""
    e, d = build(spec)
    return e.count_params(), d.count_params()
