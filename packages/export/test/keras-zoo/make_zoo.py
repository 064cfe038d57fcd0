# Builds small Keras 3 models, one per layer configuration the exporter converts (group "layers"), and
# keras.applications models with their classifier tops and random weights (group "apps"), saves each
# as `.keras` and legacy `.h5`, and writes Keras's own outputs on a fixed input batch beside them. The
# TypeScript tests (src/keras/keras-zoo.test.ts, src/keras/keras-apps.test.ts) run this once into a
# cache folder (~/.cache/latentkit/keras-zoo/<hash of this file>/<group>) and compare the exported
# ONNX files with these outputs: converters are checked against the framework that wrote the file.
#
#   PY=$(bash scripts/python/env.sh)
#   $PY packages/export/test/keras-zoo/make_zoo.py OUT_DIR --group layers|apps [--only a,b]
#
# OUT_DIR/manifest.json lists every case: {name, inputs: [b64...], outputs: [b64...], refuse?: regex,
# flags?: {...}}. A case with `refuse` is a model the exporter must refuse with a message matching it.
# keras.applications with weights=None downloads nothing.
import argparse
import base64
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers, models, ops  # noqa: E402

SEED = 4321


def b64(a):
    a = np.ascontiguousarray(np.asarray(a), dtype="<f4")
    return {"shape": list(a.shape), "base64": base64.b64encode(a.tobytes()).decode("ascii")}


# ---- custom layers a user might write ------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="zoo")
class Reparameterize(layers.Layer):
    """The book's Sampling layer under another name: z_mean + exp(0.5 z_log_var) * eps."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * eps


@keras.saving.register_keras_serializable(package="zoo")
class Sampling(Reparameterize):
    pass


# ---- the "layers" group --------------------------------------------------------------------------------

def seq(shape, *ls, name=None):
    x = layers.Input(shape)
    y = x
    for layer in ls:
        y = layer(y)
    return models.Model(x, y, name=name)


def img(h=7, w=6, c=3):
    return (h, w, c)


def layer_cases():
    """name -> (model builder, options). Builders run in this order under one seed."""
    c = {}
    # Resizing semantics: Keras 3 resizes with half-pixel centres (tfjs: asymmetric).
    c["upsampling-bilinear"] = lambda: seq(img(5, 4, 3), layers.UpSampling2D((2, 3), interpolation="bilinear"))
    c["upsampling-nearest"] = lambda: seq(img(5, 4, 3), layers.UpSampling2D((3, 2)))
    c["upsampling-bicubic"] = lambda: seq(img(5, 4, 2), layers.UpSampling2D(2, interpolation="bicubic"))
    # Convolutions: padding, strides, dilation, output_padding.
    c["conv-same-stride2"] = lambda: seq(img(7, 6, 3), layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"))
    c["conv-valid-dilated"] = lambda: seq(img(9, 8, 2), layers.Conv2D(3, (3, 2), dilation_rate=2, use_bias=False))
    c["conv-transpose-same"] = lambda: seq(img(4, 5, 3), layers.Conv2DTranspose(2, 3, strides=2, padding="same"))
    c["conv-transpose-valid"] = lambda: seq(img(4, 5, 3), layers.Conv2DTranspose(2, (3, 4), strides=(2, 3), padding="valid"))
    c["conv-transpose-output-padding"] = lambda: seq(img(4, 5, 3), layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=0))
    c["conv-transpose-output-padding-valid"] = lambda: seq(img(4, 5, 3), layers.Conv2DTranspose(2, 3, strides=3, padding="valid", output_padding=(1, 2)))
    c["depthwise"] = lambda: seq(img(8, 7, 3), layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, activation="relu6"))
    c["depthwise-valid"] = lambda: seq(img(8, 7, 4), layers.DepthwiseConv2D((3, 2), padding="valid", use_bias=False))
    c["separable"] = lambda: seq(img(8, 7, 3), layers.SeparableConv2D(5, 3, padding="same", depth_multiplier=2))
    c["separable-strided"] = lambda: seq(img(9, 9, 3), layers.SeparableConv2D(4, 3, strides=2, padding="valid", use_bias=False))
    # Normalization: epsilon defaults differ between frameworks.
    c["batchnorm"] = lambda: seq(img(), layers.BatchNormalization())
    c["batchnorm-eps-nocenter"] = lambda: seq((5,), layers.BatchNormalization(epsilon=0.1, center=False))
    c["layernorm"] = lambda: seq((4, 6), layers.LayerNormalization())
    c["layernorm-image"] = lambda: seq(img(), layers.LayerNormalization(epsilon=1e-6))
    c["layernorm-noscale"] = lambda: seq((6,), layers.LayerNormalization(center=False, scale=False))
    c["groupnorm"] = lambda: seq(img(4, 5, 6), layers.GroupNormalization(groups=3))
    c["groupnorm-dense"] = lambda: seq((8,), layers.GroupNormalization(groups=2))
    c["rescaling"] = lambda: seq(img(), layers.Rescaling(1.0 / 127.5, offset=-1.0))
    c["normalization-given"] = lambda: seq(img(4, 4, 3), layers.Normalization(mean=[0.1, 0.2, 0.3], variance=[1.5, 0.5, 2.0]))
    c["normalization-adapted"] = lambda: adapted_normalization()
    # Activations as Keras 3 writes them.
    for a in ["relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
              "silu", "swish", "mish", "gelu", "hard_silu", "hard_swish", "exponential", "leaky_relu", "log_softmax", "linear"]:
        c[f"activation-{a}"] = (lambda a=a: seq((5,), layers.Dense(6), layers.Activation(a)))
    c["dense-activation-swish"] = lambda: seq((5,), layers.Dense(4, activation="swish"))
    c["conv-activation-hard-sigmoid"] = lambda: seq(img(), layers.Conv2D(2, 1, activation="hard_sigmoid"))
    c["softmax-image"] = lambda: seq(img(), layers.Softmax())
    c["leaky-relu"] = lambda: seq((5,), layers.LeakyReLU())
    c["relu-options"] = lambda: seq((5,), layers.ReLU(max_value=0.6, negative_slope=0.1, threshold=0.2))
    c["relu-threshold"] = lambda: seq((5,), layers.ReLU(threshold=0.3))
    c["relu-slope"] = lambda: seq((5,), layers.ReLU(negative_slope=0.25))
    c["relu6"] = lambda: seq(img(), layers.ReLU(6.0))
    c["prelu"] = lambda: seq(img(), layers.PReLU())
    c["elu-layer"] = lambda: seq((5,), layers.ELU(alpha=0.7))
    # Pooling and shape layers.
    c["maxpool-same"] = lambda: seq(img(7, 5, 2), layers.MaxPooling2D(3, strides=2, padding="same"))
    c["avgpool-same"] = lambda: seq(img(7, 5, 2), layers.AveragePooling2D(3, strides=1, padding="same"))
    c["avgpool-valid"] = lambda: seq(img(7, 5, 2), layers.AveragePooling2D((2, 3)))
    c["global-avgpool"] = lambda: seq(img(), layers.GlobalAveragePooling2D())
    c["global-avgpool-keepdims"] = lambda: seq(img(), layers.GlobalAveragePooling2D(keepdims=True), layers.Conv2D(2, 1))
    c["global-maxpool"] = lambda: seq(img(), layers.GlobalMaxPooling2D())
    c["zeropadding"] = lambda: seq(img(), layers.ZeroPadding2D(((1, 2), (0, 3))))
    c["cropping"] = lambda: seq(img(7, 8, 2), layers.Cropping2D(((1, 2), (0, 3))))
    c["cropping-int"] = lambda: seq(img(7, 8, 2), layers.Cropping2D(2))
    c["flatten"] = lambda: seq(img(3, 4, 2), layers.Flatten(), layers.Dense(3))
    c["reshape"] = lambda: seq((12,), layers.Reshape((2, 3, 2)), layers.Conv2D(2, 1))
    c["dense-on-image"] = lambda: seq(img(), layers.Dense(4))
    c["permute"] = lambda: seq(img(3, 4, 2), layers.Permute((3, 1, 2)), layers.Flatten())
    # Identity at inference.
    c["noise-identity"] = lambda: seq(img(), layers.GaussianNoise(0.5), layers.GaussianDropout(0.3), layers.SpatialDropout2D(0.4),
                                      layers.Dropout(0.2), layers.AlphaDropout(0.1), layers.ActivityRegularization(0.01))
    # Merge layers.
    c["merge"] = lambda: merge_model()
    # Operator layers Keras 3 records for the functional API (keras.src.ops.numpy).
    c["ops-numpy"] = lambda: ops_model()
    # Graph features.
    c["nested-vae"] = lambda: nested_vae()
    c["deep-nesting"] = lambda: deep_nesting()
    c["shared-twice"] = lambda: shared_twice()
    c["dynamic-hw"] = lambda: seq((None, None, 3), layers.Conv2D(4, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
                                  layers.DepthwiseConv2D(3, padding="same"), layers.GlobalAveragePooling2D(), layers.Dense(2))
    c["conv-transpose-dynamic-hw"] = lambda: seq((None, None, 3), layers.Conv2DTranspose(2, 3, strides=2, padding="same"),
                                                 layers.Conv2DTranspose(3, (3, 4), strides=(2, 3), padding="valid", activation="relu"),
                                                 layers.Conv2DTranspose(2, 3, strides=2, padding="valid", output_padding=(1, 0)),
                                                 layers.Conv2DTranspose(2, 2, strides=3, padding="same"))
    c["upsampling-lanczos3"] = lambda: seq(img(5, 4, 3), layers.UpSampling2D((2, 3), interpolation="lanczos3"))
    c["upsampling-lanczos5"] = lambda: seq(img(7, 3, 2), layers.UpSampling2D((3, 2), interpolation="lanczos5"))
    c["upsampling-area"] = lambda: seq(img(5, 4, 3), layers.UpSampling2D((2, 3), interpolation="area"))
    c["normalization-axes"] = lambda: normalization_axes()
    # channels_first layers, alone, chained, and mixed with channels_last ones.
    c["cf-conv-chain"] = lambda: cf_conv_chain()
    c["cf-shape-layers"] = lambda: cf_shape_layers()
    c["cf-residual"] = lambda: cf_residual()
    c["cf-mixed"] = lambda: cf_mixed()
    c["cf-norms"] = lambda: cf_norms()
    c["cf-mobilenetv2"] = lambda: channels_first_app(lambda: keras.applications.MobileNetV2(
        input_shape=(3, 32, 32), alpha=0.35, weights=None, classifier_activation=None, classes=10))
    c["cf-dynamic-hw"] = lambda: seq((3, None, None), layers.Conv2D(4, 3, padding="same", activation="relu", data_format=CF),
                                     layers.Conv2DTranspose(2, 3, strides=2, padding="same", data_format=CF),
                                     layers.MaxPooling2D(2, data_format=CF), layers.GlobalAveragePooling2D(data_format=CF), layers.Dense(2))
    # Refusals.
    c["lambda"] = lambda: seq((4,), layers.Dense(3), layers.Lambda(lambda t: t * 2.0))
    c["reparameterize"] = lambda: reparameterize_encoder()
    c["embedding"] = lambda: embedding_model()
    c["upsampling-lanczos-dynamic"] = lambda: seq((None, None, 2), layers.UpSampling2D(2, interpolation="lanczos3"))
    c["many-problems"] = lambda: many_problems()
    return c


OPTIONS = {
    # The exported graph's dynamic H/W is fed at a size other than the build size.
    "dynamic-hw": {"feed": [2, 9, 11, 3]},
    "lambda": {"refuse": "Lambda"},
    "reparameterize": {"refuse": "--sampling-layer Reparameterize", "flags": {"samplingLayer": "Reparameterize"}, "deterministic": 2},
    "nested-vae": {"deterministic": 3},
    "embedding": {"int_input": 10},
    "upsampling-lanczos-dynamic": {"refuse": "lanczos3\" needs a static height and width", "feed": [2, 3, 4, 2]},
    "conv-transpose-dynamic-hw": {"feed": [2, 3, 2, 3]},
    # channels_first models export with no Transpose but those a channels_last step needs (`transposes`:
    # how many the exported graph holds; Flatten with data_format channels_first moves channels last).
    "cf-dynamic-hw": {"feed": [2, 3, 9, 7], "transposes": 0},
    "cf-conv-chain": {"transposes": 0},
    "cf-residual": {"transposes": 0},
    "cf-norms": {"transposes": 0},
    "cf-shape-layers": {"transposes": 1},
    # keras.applications weights (kernels kept, BatchNorm statistics randomized), as in the apps group.
    "cf-mobilenetv2": {"app_weights": True, "transposes": 0},
    # One error lists them all: an unknown class (with the flag's hint), a Lambda (config), two options
    # only the converters reject (GroupNormalization and Softmax over axis 2).
    "many-problems": {"refuse": "^(?=.*--sampling-layer Reparameterize)(?=.*Lambda\\): a Lambda layer stores)(?=.*GroupNormalization\\): only the channel axis)(?=.*Softmax\\): only the last axis)"},
}


CF = "channels_first"


def channels_first_app(build):
    """A keras.applications model built under image_data_format 'channels_first' (every conv, BN
    axis 1, padding and pooling layer channels_first)."""
    keras.config.set_image_data_format(CF)
    try:
        return build()
    finally:
        keras.config.set_image_data_format("channels_last")


def normalization_axes():
    """Normalization over axes other than the last: per row (axis 1), and per (row, channel)."""
    x = layers.Input((4, 5, 3))
    rows = layers.Normalization(axis=1, mean=[0.1, -0.2, 0.3, 0.0], variance=[1.5, 0.5, 2.0, 1.0])(x)
    both = layers.Normalization(axis=(1, 3))
    both.adapt(np.random.default_rng(2).normal(1.0, 2.0, (32, 4, 5, 3)).astype("float32"))
    return models.Model(x, [rows, both(x)])


def cf_conv_chain():
    """Every channels_first conv in a row, with BatchNorm(axis=1) and activations between: the
    exporter's transposes between them must cancel; Flatten (channels_last default) keeps C*H*W order."""
    return seq((3, 9, 8),
               layers.Conv2D(4, 3, padding="same", activation="relu", data_format=CF),
               layers.BatchNormalization(axis=1),
               layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, data_format=CF),
               layers.Activation("swish"),
               layers.SeparableConv2D(5, 3, padding="same", data_format=CF),
               layers.SpatialDropout2D(0.3, data_format=CF),
               layers.Conv2DTranspose(3, 3, strides=2, padding="same", data_format=CF),
               layers.Conv2D(2, (2, 3), dilation_rate=(1, 2), data_format=CF, use_bias=False),
               layers.Flatten(), layers.Dense(3))


def cf_shape_layers():
    """Pooling, padding, cropping, resizing and flattening channels_first: one output each."""
    x = layers.Input((3, 7, 6))
    outs = [
        layers.MaxPooling2D(3, strides=2, padding="same", data_format=CF)(x),
        layers.AveragePooling2D(2, padding="same", data_format=CF)(x),
        layers.ZeroPadding2D(((1, 0), (2, 1)), data_format=CF)(x),
        layers.Cropping2D(((1, 2), (0, 3)), data_format=CF)(x),
        layers.UpSampling2D((2, 3), interpolation="bilinear", data_format=CF)(x),
        layers.UpSampling2D(2, interpolation="bicubic", data_format=CF)(x),
        layers.UpSampling2D((3, 2), data_format=CF)(x),
        layers.GlobalAveragePooling2D(data_format=CF)(x),
        layers.GlobalMaxPooling2D(keepdims=True, data_format=CF)(x),
        layers.Flatten(data_format=CF)(x),
        layers.Concatenate(axis=1)([x, layers.Conv2D(2, 1, data_format=CF)(x)]),
    ]
    return models.Model(x, outs)


def cf_residual():
    """A ResNet-style channels_first block: Add and ReLU between channels_first layers."""
    x = layers.Input((4, 6, 6))
    h = layers.Conv2D(4, 3, padding="same", data_format=CF)(x)
    h = layers.BatchNormalization(axis=1)(h)
    h = layers.ReLU()(h)
    h = layers.Conv2D(4, 3, padding="same", data_format=CF)(h)
    y = layers.Activation("relu")(layers.Add()([x, h]))
    y = layers.Multiply()([y, layers.Conv2D(4, 1, activation="sigmoid", data_format=CF)(y)])
    return models.Model(x, layers.GlobalAveragePooling2D(data_format=CF)(y))


def cf_mixed():
    """channels_last and channels_first layers in one model, meeting through Permute, Reshape,
    Flatten and Concatenate. (No channels_first conv here has as many filters as its output's width:
    see KERAS_CF_BIAS_BUG.)"""
    x = layers.Input((6, 5, 3))
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(x)          # channels_last [6, 5, 4]
    b = layers.Permute((3, 1, 2))(a)                                          # [4, 6, 5]
    b = layers.Conv2D(2, 3, data_format=CF)(b)                                # channels_first [2, 4, 3]
    c = layers.Conv2D(2, 1)(b)                                                # channels_last on it: [2, 4, 2]
    d = layers.Reshape((3, 4, 5))(layers.Conv2D(2, 1, data_format=CF)(layers.Permute((3, 1, 2))(a)))
    e = layers.Conv2D(2, 3, padding="same", data_format=CF)(d)                # [2, 4, 5]
    flat = layers.Concatenate()([layers.Flatten()(b), layers.Flatten()(c), layers.Flatten()(e), layers.Flatten(data_format=CF)(e)])
    return models.Model(x, [layers.Dense(3)(flat), c])


def cf_norms():
    """Normalizations and Softmax over axis 1 of a rank-4 tensor (the channels of channels_first)."""
    x = layers.Input((4, 5, 6))
    norm = layers.Normalization(axis=1)
    norm.adapt(np.random.default_rng(3).normal(-1.0, 2.0, (32, 4, 5, 6)).astype("float32"))
    return models.Model(x, [
        layers.GroupNormalization(groups=2, axis=1)(x),
        layers.LayerNormalization(axis=1)(x),
        layers.BatchNormalization(axis=1, epsilon=0.01)(x),
        norm(x),
        layers.Softmax(axis=1)(x),
    ])


def adapted_normalization():
    norm = layers.Normalization(axis=-1)
    norm.adapt(np.random.default_rng(1).normal(2.0, 3.0, (64, 4, 4, 3)).astype("float32"))
    return seq(img(4, 4, 3), norm)


def merge_model():
    a = layers.Input((6,), name="a")
    b = layers.Input((6,), name="b")
    d1, d2 = layers.Dense(6)(a), layers.Dense(6)(b)
    y = layers.Concatenate()([layers.Multiply()([d1, d2]), layers.Subtract()([d1, d2]), layers.Average()([d1, d2]),
                              layers.Maximum()([d1, d2]), layers.Minimum()([d1, d2]), layers.Add()([d1, d2, a])])
    return models.Model([a, b], y)


def ops_model():
    x = layers.Input((4, 3, 2))
    y = layers.Conv2D(2, 1)(x)
    z = (y * 2.0 + 3.0) / 4.0
    z = 1.0 - z
    z = z * y - x
    z = ops.reshape(z, (-1, 24))
    return models.Model(x, layers.Dense(3)(z))


def nested_vae():
    """The keras.io VAE as one model: an encoder with three outputs nested, its z fed to a decoder."""
    e_in = layers.Input((8, 8, 1))
    h = layers.Flatten()(layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(e_in))
    z_mean = layers.Dense(2, name="z_mean")(h)
    z_log_var = layers.Dense(2, name="z_log_var")(h)
    z = Sampling()([z_mean, z_log_var])
    encoder = models.Model(e_in, [z_mean, z_log_var, z], name="encoder")
    d_in = layers.Input((2,))
    d = layers.Reshape((4, 4, 2))(layers.Dense(32, activation="relu")(d_in))
    decoder = models.Model(d_in, layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(d), name="decoder")
    x = layers.Input((8, 8, 1))
    zm, zlv, zz = encoder(x)
    # z_mean feeds the decoder and is an output too: a nested model's output used twice.
    return models.Model(x, [decoder(zm), zm, zlv], name="vae")


def deep_nesting():
    """Sequential in Functional in Sequential in Functional, three deep."""
    inner = models.Sequential([layers.Input((5,)), layers.Dense(4, activation="tanh")], name="inner_seq")
    i_in = layers.Input((5,))
    mid = models.Model(i_in, layers.Add()([inner(i_in), layers.Dense(4)(i_in)]), name="mid_fn")
    outer = models.Sequential([layers.Input((5,)), mid, layers.Dense(5)], name="outer_seq")
    x = layers.Input((5,))
    return models.Model(x, outer(outer(x)), name="top")


def shared_twice():
    x = layers.Input((6,))
    conv_like = layers.Dense(6, activation="relu", name="shared")
    y1 = conv_like(x)
    y2 = conv_like(y1)
    block = models.Sequential([layers.Input((6,)), layers.Dense(6)], name="block")
    return models.Model(x, layers.Concatenate()([block(y1), block(y2), y2]))


def reparameterize_encoder():
    x = layers.Input((6,))
    z_mean = layers.Dense(3, name="z_mean")(x)
    z_log_var = layers.Dense(3, name="z_log_var")(x)
    return models.Model(x, [z_mean, z_log_var, Reparameterize(name="reparam")([z_mean, z_log_var])], name="encoder")


def many_problems():
    x = layers.Input((6, 6, 3))
    up = layers.GroupNormalization(groups=2, axis=2)(x)
    soft = layers.Softmax(axis=2)(x)
    h = layers.Flatten()(x)
    z_mean, z_log_var = layers.Dense(2)(h), layers.Dense(2)(h)
    z = Reparameterize()([z_mean, z_log_var])
    doubled = layers.Lambda(lambda t: t * 2.0)(z_mean)
    return models.Model(x, [up, soft, z, doubled])


def embedding_model():
    x = layers.Input((5,), dtype="int32")
    return models.Model(x, layers.Flatten()(layers.Embedding(10, 3)(x)))


# ---- the "apps" group: keras.applications with their classifier tops, weights=None ---------------------

def app_cases():
    """The classifier tops output logits (classifier_activation=None): 1,000 softmax probabilities of
    a random network are all ~1e-3, where a 1e-4 comparison would say little. The softmax itself is
    checked in the "layers" group."""
    A = keras.applications
    small = (32, 32, 3)
    top = {"weights": None, "classifier_activation": None}
    return {
        "MobileNetV2": lambda: A.MobileNetV2(input_shape=small, **top),
        "MobileNetV3Small": lambda: A.MobileNetV3Small(input_shape=small, **top),
        "ResNet50": lambda: A.ResNet50(input_shape=small, **top),
        "DenseNet121": lambda: A.DenseNet121(input_shape=small, **top),
        "EfficientNetB0": lambda: A.EfficientNetB0(input_shape=small, **top),
        "VGG16": lambda: A.VGG16(input_shape=small, **top),
        "InceptionV3": lambda: A.InceptionV3(input_shape=(75, 75, 3), **top),
        "Xception": lambda: A.Xception(input_shape=(71, 71, 3), **top),
        "NASNetMobile": lambda: A.NASNetMobile(input_shape=small, **top),
        "ConvNeXtTiny": lambda: A.ConvNeXtTiny(input_shape=small, **top),
    }


# ---- weights and outputs -------------------------------------------------------------------------------

def randomize(model, rng, apps):
    """Random weights: every variable of the small models; for the apps, BatchNorm statistics and biases
    moved off their initial 0/1 (kernels keep Keras's initializers, so deep nets stay in range)."""
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, (models.Model, layers.Normalization)):
            continue
        ws = layer.get_weights()
        if not ws:
            continue
        names = [v.path.split("/")[-1] for v in layer.weights]
        out = []
        layer_scale = type(layer).__name__ == "LayerScale"  # ConvNeXt's: init 1e-6 would hide its branch
        for w, n in zip(ws, names):
            if layer_scale:
                out.append(rng.uniform(0.5, 1.0, w.shape))
            elif n in ("moving_variance", "variance"):
                out.append(rng.uniform(0.5, 1.5, w.shape))
            elif n in ("gamma",) and apps:
                out.append(rng.uniform(0.8, 1.2, w.shape))
            elif apps and n not in ("bias", "beta", "moving_mean"):
                out.append(w)
            elif apps:
                out.append(rng.uniform(-0.1, 0.1, w.shape))
            else:
                out.append(rng.uniform(-0.5, 0.5, w.shape))
        layer.set_weights([np.asarray(o, dtype=w.dtype) for o, w in zip(out, ws)])


def inputs_for(model, rng, opts):
    feeds = []
    for i, t in enumerate(model.inputs):
        shape = opts.get("feed") if i == 0 and opts.get("feed") else [2, *t.shape[1:]]
        if opts.get("int_input"):
            feeds.append(rng.integers(0, opts["int_input"], shape).astype("float32"))
        else:
            feeds.append(rng.uniform(-1, 1, shape).astype("float32"))
    return feeds


# KERAS_CF_BIAS_BUG: Keras 3.15's TensorFlow `ops.add` (keras/src/backend/tensorflow/numpy.py) turns
# `x + bias` into `tf.nn.bias_add` with data_format NHWC whenever the bias's length equals x's LAST
# dimension, so a channels_first conv whose output width equals its filter count gets its bias added
# along the width in eager calls (measured: off by ~0.6 for a [3, 4, 3] output); `model.predict` adds it
# on the channels. The exporter follows the layer's definition (bias per channel). The channels_first
# cases avoid that shape, and their eager outputs are checked against `predict` here.
def outputs_of(model, xs, name=""):
    ins = xs[0] if len(xs) == 1 else xs
    if any(str(t.dtype).startswith("int") for t in model.inputs):
        ins = xs[0].astype("int32")
    out = model(ins, training=False)
    out = out if isinstance(out, (list, tuple)) else [out]
    out = [np.asarray(o, dtype="float32") for o in out]
    if name.startswith("cf-"):
        graph = model.predict(ins, verbose=0)
        graph = graph if isinstance(graph, (list, tuple)) else [graph]
        for o, g in zip(out, graph):
            diff = float(np.abs(o - g).max())
            assert diff < 1e-5, f"{name}: Keras eager and predict disagree by {diff} (KERAS_CF_BIAS_BUG?)"
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--group", choices=["layers", "apps"], required=True)
    p.add_argument("--only", default="")
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(SEED)
    rng = np.random.default_rng(SEED)
    cases = layer_cases() if args.group == "layers" else app_cases()
    only = set(filter(None, args.only.split(",")))
    manifest = []
    for name, build in cases.items():
        if only and name not in only:
            continue
        t0 = time.time()
        model = build()
        opts = OPTIONS.get(name, {})
        randomize(model, rng, args.group == "apps" or opts.get("app_weights", False))
        xs = inputs_for(model, rng, opts)
        outs = outputs_of(model, xs, name)
        model.save(out / f"{name}.keras")
        model.save(out / f"{name}.h5")
        entry = {"name": name, "inputs": [b64(x) for x in xs], "outputs": [b64(o) for o in outs], "params": int(model.count_params())}
        for k in ("refuse", "flags", "deterministic", "feed", "int_input", "transposes"):
            if k in opts:
                entry[k] = opts[k]
        manifest.append(entry)
        print(f"{name}: {model.count_params()} params, {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
        keras.backend.clear_session(free_memory=True)
    meta = {"keras": keras.__version__, "tensorflow": __import__("tensorflow").__version__, "group": args.group, "seed": SEED, "cases": manifest}
    (out / "manifest.json").write_text(json.dumps(meta) + "\n")


if __name__ == "__main__":
    main()
