"""Writes the Keras 3 model files Strata's import tests read, with Keras's predictions.

Run with Keras 3 on JAX (CI does not need it; the files it writes are committed):

    KERAS_BACKEND=jax python Tools/make-keras-fixtures.py Tests/Fixtures/keras \
        ../shared/datasets/fashion-mnist

or, for one fixture, `... Tools/make-keras-fixtures.py Tests/Fixtures/keras --only options`.

For each model NAME it writes NAME.keras (as `model.save` writes it) and NAME.json:
{"input": [...], "input_shape": [...], "prediction": [...], "prediction_shape": [...]},
the inputs flattened and Keras's `model.predict` on them. Every model is trained for a few
steps first so that BatchNormalization's moving statistics and the optimizer state are not
their initial values.
"""

import gzip
import json
import os
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

layers = keras.layers


def trained(model, x, y, epochs=2):
    model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    return model


def write(folder, name, model, x):
    path = os.path.join(folder, f"{name}.keras")
    model.save(path)
    prediction = model.predict(x, verbose=0)
    with open(os.path.join(folder, f"{name}.json"), "w") as file:
        json.dump(
            {
                "input": [float(v) for v in x.astype(np.float32).ravel()],
                "input_shape": list(x.shape),
                "prediction": [float(v) for v in prediction.ravel()],
                "prediction_shape": list(prediction.shape),
                "keras_version": keras.__version__,
            },
            file,
        )
    print(f"{path}: {os.path.getsize(path)} bytes")
    return path


def write_options(folder):
    """Keras arguments beyond the defaults, in layers and in the compile configuration:
    BatchNormalization over axis 1 with its initializers, regularizer and constraint, an
    activity regularizer, AdamW with EMA, gradient accumulation and exclusions, a loss with
    ignore_class and reduction, loss_weights, and AUC(PR, multi-label) and MeanIoU metrics.
    Besides the prediction, options.json holds Keras's `evaluate` on labels with an ignored
    class."""
    rng = np.random.default_rng(5)
    keras.utils.set_random_seed(5)
    x = rng.normal(size=(48, 3, 2)).astype(np.float32)
    y = rng.integers(0, 3, size=48)
    y[::7] = -1
    model = keras.Sequential(
        [
            keras.Input((3, 2)),
            layers.BatchNormalization(
                axis=1,
                momentum=0.9,
                gamma_initializer=keras.initializers.Constant(1.5),
                gamma_regularizer=keras.regularizers.L2(0.01),
                beta_constraint=keras.constraints.NonNeg(),
            ),
            layers.Flatten(),
            layers.Dense(5, activation="relu", activity_regularizer=keras.regularizers.L1(0.01)),
            layers.Dense(3, activation="softmax"),
        ]
    )
    optimizer = keras.optimizers.AdamW(
        learning_rate=0.01, weight_decay=0.05, use_ema=True, ema_momentum=0.9,
        gradient_accumulation_steps=2,
    )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum"),
        loss_weights=0.5,
        metrics=[keras.metrics.MeanIoU(num_classes=3, sparse_y_pred=False)],
    )
    trained(model, x, y)
    path = write(folder, "options", model, x[:6])
    evaluation = model.evaluate(x, y, verbose=0, return_dict=True)
    with open(os.path.join(folder, "options.json")) as file:
        entry = json.load(file)
    entry["evaluate_input"] = [float(v) for v in x.ravel()]
    entry["evaluate_input_shape"] = list(x.shape)
    entry["evaluate_labels"] = [float(v) for v in y]
    entry["evaluate"] = {key: float(value) for key, value in evaluation.items()}
    with open(os.path.join(folder, "options.json"), "w") as file:
        json.dump(entry, file)
    return path


def main(folder):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(1)

    # An MLP with BatchNormalization and Dropout, compiled with Adam.
    x = rng.normal(size=(64, 12)).astype(np.float32)
    y = rng.integers(0, 4, size=64)
    mlp = keras.Sequential(
        [
            keras.Input((12,)),
            layers.Dense(16, activation="relu"),
            layers.BatchNormalization(),
            layers.Dropout(0.25),
            layers.Dense(8, activation="tanh", kernel_regularizer=keras.regularizers.L2(1e-3)),
            layers.Dense(4, activation="softmax"),
        ]
    )
    mlp.compile(
        optimizer=keras.optimizers.Adam(learning_rate=3e-3, beta_1=0.8),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    path = write(folder, "mlp", trained(mlp, x, y), x[:5])

    # The same file with its members deflated, as zip tools other than Keras write them.
    deflated = os.path.join(folder, "mlp-deflated.keras")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(
        deflated, "w", compression=zipfile.ZIP_DEFLATED
    ) as target:
        for member in source.infolist():
            target.writestr(member.filename, source.read(member.filename))
    print(f"{deflated}: {os.path.getsize(deflated)} bytes")

    # A binary classifier, compiled with SGD and momentum, a sigmoid output.
    xb = rng.normal(size=(64, 6)).astype(np.float32)
    yb = (xb[:, 0] + xb[:, 1] > 0).astype(np.float32)
    binary = keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(8, activation="relu", use_bias=False),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    binary.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        loss="binary_crossentropy",
        metrics=["accuracy", keras.metrics.AUC()],
    )
    write(folder, "binary", trained(binary, xb, yb), xb[:6])

    # A small convnet, not compiled.
    xc = rng.normal(size=(32, 10, 10, 2)).astype(np.float32)
    yc = rng.integers(0, 3, size=32)
    convnet = keras.Sequential(
        [
            keras.Input((10, 10, 2)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(6, [2, 2], padding="same", strides=1),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    convnet.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    trained(convnet, xc, yc)
    uncompiled = keras.Sequential.from_config(convnet.get_config())
    uncompiled.set_weights(convnet.get_weights())
    write(folder, "convnet", uncompiled, xc[:3])

    # A sequence model: Embedding with a mask, LSTM, GRU and a bidirectional SimpleRNN.
    xs = rng.integers(0, 9, size=(32, 7))
    xs[:, :2] = 0
    ys = rng.integers(0, 2, size=32).astype(np.float32)
    sequences = keras.Sequential(
        [
            keras.Input((7,)),
            layers.Embedding(9, 5, mask_zero=True),
            layers.LSTM(6, return_sequences=True),
            layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True)),
            layers.GRU(4),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    sequences.compile(optimizer="adam", loss="binary_crossentropy")
    write(folder, "sequences", trained(sequences, xs, ys), xs[:4])


def fashion_mnist(folder):
    def idx(name, offset):
        with gzip.open(os.path.join(folder, name)) as file:
            return np.frombuffer(file.read(), np.uint8, offset=offset)

    train = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784) / np.float32(255)
    test = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784) / np.float32(255)
    return (
        train.astype(np.float32),
        idx("train-labels-idx1-ubyte.gz", 8),
        test.astype(np.float32),
        idx("t10k-labels-idx1-ubyte.gz", 8),
    )


def write_fashion_mlp(folder, datasets):
    """A 784-16-10 MLP trained by Keras on Fashion-MNIST for the README's "From Keras"
    example: Strata evaluates it on the test set and must find Keras's accuracy."""
    x, y, x_test, y_test = fashion_mnist(datasets)
    keras.utils.set_random_seed(3)
    model = keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(16, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.fit(x, y, epochs=3, batch_size=128, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    # Saved with a fresh optimizer, so the file holds no Adam slots (half its size).
    fresh = keras.Sequential.from_config(model.get_config())
    fresh.set_weights(model.get_weights())
    fresh.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    path = os.path.join(folder, "fashion-mlp.keras")
    fresh.save(path)
    with open(os.path.join(folder, "fashion-mlp.json"), "w") as file:
        json.dump({"test_loss": loss, "test_accuracy": accuracy}, file)
    print(f"{path}: {os.path.getsize(path)} bytes; Keras test accuracy {accuracy:.4f}")


def write_hdf5_fixtures(folder):
    """HDF5 files outside the subset Keras writes, for the reader's errors
    (Tests/Fixtures/hdf5)."""
    import h5py

    os.makedirs(folder, exist_ok=True)
    matrix = np.arange(12, dtype=np.float32).reshape(3, 4)
    with h5py.File(os.path.join(folder, "chunked-gzip.h5"), "w") as file:
        file.create_dataset("layers/dense/vars/0", data=matrix, chunks=(3, 2), compression="gzip")
    with h5py.File(os.path.join(folder, "chunked.h5"), "w") as file:
        file.create_dataset("w", data=matrix, chunks=(3, 2))
    with h5py.File(os.path.join(folder, "latest.h5"), "w", libver="latest") as file:
        file.create_dataset("w", data=np.arange(4, dtype=np.float32))
    with h5py.File(os.path.join(folder, "strings.h5"), "w") as file:
        file.create_dataset("w", data=np.array([b"ab", b"cd"]))
    with h5py.File(os.path.join(folder, "big-endian.h5"), "w") as file:
        file.create_dataset("w", data=np.arange(4, dtype=">f4"))


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/keras"
    # `--only options` writes that fixture alone (the others keep their committed bytes).
    if "--only" in sys.argv:
        {"options": write_options}[sys.argv[sys.argv.index("--only") + 1]](target)
        sys.exit(0)
    main(target)
    write_options(target)
    write_fashion_mlp(target, sys.argv[2] if len(sys.argv) > 2 else "../shared/datasets/fashion-mnist")
    write_hdf5_fixtures(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../Tests/Fixtures/hdf5"))
