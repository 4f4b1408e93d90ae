"""Regenerates Tests/StrataTests/KerasRecurrentReference.swift: for each case, Keras 3's
losses over three SGD steps and the weights after them, for the same initial weights and data
that the Swift test (KerasRecurrentFidelityTests.swift) builds.

    python3 -m venv /opt/peers && /opt/peers/bin/pip install "jax[cpu]" keras numpy
    KERAS_BACKEND=jax /opt/peers/bin/python Tests/keras/recurrent_fidelity.py \
        > Tests/StrataTests/KerasRecurrentReference.swift
    swift format --in-place Tests/StrataTests/KerasRecurrentReference.swift

Initial weights follow convolution_fidelity.py's formula: weight k (in get_weights order),
entry j: 1 + 0.1·sin(0.7j + k + 1) for a gamma, 0.3·sin(0.7j + k + 1) otherwise. Float inputs
are sin(0.37i) over the flat batch; token inputs are 1 + (3i mod 6) with the last r mod 3
steps of row r set to 0 (padding); a "masked" float input has the same padded steps zeroed.
Targets are cos(n).
"""
import math

import keras
import numpy as np
from keras import layers

CASES = {
    "simple_rnn": ("float", [4, 5, 3], lambda: [layers.SimpleRNN(4)]),
    "simple_rnn_sequences_relu": ("float", [4, 5, 3], lambda: [
        layers.SimpleRNN(3, activation="relu", return_sequences=True)]),
    "lstm": ("float", [4, 5, 3], lambda: [layers.LSTM(4)]),
    "lstm_sequences_backwards": ("float", [4, 5, 3], lambda: [
        layers.LSTM(3, return_sequences=True, go_backwards=True)]),
    "lstm_relu": ("float", [4, 5, 3], lambda: [layers.LSTM(3, activation="relu")]),
    "gru": ("float", [4, 5, 3], lambda: [layers.GRU(4)]),
    "gru_relu": ("float", [4, 5, 3], lambda: [layers.GRU(3, activation="relu")]),
    "gru_reset_before_sequences": ("float", [4, 5, 3], lambda: [
        layers.GRU(3, reset_after=False, return_sequences=True)]),
    "stacked_lstm_gru": ("float", [4, 5, 3], lambda: [
        layers.LSTM(3, return_sequences=True), layers.GRU(2)]),
    "bidirectional_lstm": ("float", [4, 5, 3], lambda: [layers.Bidirectional(layers.LSTM(3))]),
    "bidirectional_gru_sequences_sum": ("float", [4, 5, 3], lambda: [
        layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode="sum")]),
    "embedding_mask_zero_lstm": ("tokens", [4, 6], lambda: [
        layers.Embedding(7, 3, mask_zero=True), layers.LSTM(4)]),
    "embedding_mask_zero_gru_sequences": ("tokens", [4, 6], lambda: [
        layers.Embedding(7, 3, mask_zero=True), layers.GRU(3, return_sequences=True)]),
    "embedding_mask_zero_bidirectional_lstm": ("tokens", [4, 6], lambda: [
        layers.Embedding(7, 3, mask_zero=True), layers.Bidirectional(layers.LSTM(2))]),
    "embedding_mask_zero_bidirectional_sequences": ("tokens", [4, 6], lambda: [
        layers.Embedding(7, 3, mask_zero=True),
        layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True))]),
    "embedding_without_mask": ("tokens", [4, 6], lambda: [
        layers.Embedding(7, 3), layers.SimpleRNN(3)]),
    "masking_gru": ("masked", [4, 6, 2], lambda: [layers.Masking(), layers.GRU(3)]),
    "layer_normalization_time_distributed": ("float", [4, 5, 3], lambda: [
        layers.LSTM(4, return_sequences=True), layers.LayerNormalization(),
        layers.TimeDistributed(layers.Dense(2))]),
}


def initial(shape, k, name):
    j = np.arange(int(np.prod(shape)), dtype=np.float64)
    wave = np.sin(0.7 * j + k + 1)
    values = 1 + 0.1 * wave if "gamma" in name else 0.3 * wave
    return values.astype(np.float32).reshape(shape)


def padding(shape):
    """1 for a real step, 0 for the last r mod 3 steps of row r."""
    rows, steps = shape[0], shape[1]
    return np.array([[1.0 if t < steps - (r % 3) else 0.0 for t in range(steps)]
                     for r in range(rows)], dtype=np.float32)


def inputs(kind, shape):
    count = int(np.prod(shape))
    if kind == "tokens":
        ids = (1 + (3 * np.arange(count)) % 6).astype(np.float32).reshape(shape)
        return ids * padding(shape)
    x = np.sin(0.37 * np.arange(count, dtype=np.float64)).astype(np.float32).reshape(shape)
    if kind == "masked":
        x = x * padding(shape)[:, :, None]
    return x


def run(kind, shape, body):
    model = keras.Sequential([keras.Input(shape[1:])] + body() + [layers.Flatten(), layers.Dense(1)])
    model.set_weights([initial(w.shape, k, w.path) for k, w in enumerate(model.weights)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    x = inputs(kind, shape)
    y = np.cos(np.arange(shape[0], dtype=np.float64)).astype(np.float32).reshape(-1, 1)
    losses = [float(model.train_on_batch(x, y)) for _ in range(3)]
    weights = [float(v) for w in model.get_weights() for v in w.ravel()]
    return losses, weights


# Per-step labels: an output [batch, steps, classes] with sparse categorical cross-entropy and
# accuracy over every step (labels (i mod 5) over the flat [batch, steps] grid).
LABEL_CASES = {
    "lstm_per_step_softmax": ("float", [4, 5, 3], lambda: [
        layers.LSTM(4, return_sequences=True), layers.Dense(5, activation="softmax")]),
    "embedding_gru_per_step_softmax": ("tokens", [4, 6], lambda: [
        layers.Embedding(7, 3), layers.GRU(4, return_sequences=True),
        layers.Dense(5, activation="softmax")]),
}


def run_labels(kind, shape, body):
    model = keras.Sequential([keras.Input(shape[1:])] + body())
    model.set_weights([initial(w.shape, k, w.path) for k, w in enumerate(model.weights)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = inputs(kind, shape)
    y = (np.arange(shape[0] * shape[1]) % 5).astype(np.float32).reshape(shape[0], shape[1])
    logs = [model.train_on_batch(x, y, return_dict=True) for _ in range(3)]
    weights = [float(v) for w in model.get_weights() for v in w.ravel()]
    return [float(l["loss"]) for l in logs], [float(l["accuracy"]) for l in logs], weights


def literal(values, indent):
    """A Swift array literal of float32 values, wrapped to 100 columns."""
    numbers = ["%.9g" % np.float32(v) for v in values]
    lines, line = [], indent + "["
    for number in numbers:
        piece = number + ","
        if len(line) + len(piece) + 1 > 99:
            lines.append(line.rstrip())
            line = indent + " "
        line += piece + " "
    return "\n".join(lines + [line.rstrip().rstrip(",") + "]"])


print("// Generated by Tests/keras/recurrent_fidelity.py with Keras %s (backend %s): do not"
      % (keras.__version__, keras.backend.backend()))
print("// edit. For each case, the loss of each of three SGD(0.05) steps and every weight after.")
print("let kerasRecurrentReference: [String: (losses: [Float], weights: [Float])] = [")
for name, (kind, shape, body) in CASES.items():
    losses, weights = run(kind, shape, body)
    print('  "%s": (' % name)
    print(literal(losses, "    ") + ",")
    print(literal(weights, "    ") + "),")
print("]")
print()
print("// Per-step labels: for each case, the loss and accuracy of three SGD(0.5) steps on sparse")
print("// categorical cross-entropy, and every weight after.")
print("let kerasPerStepLabelReference:")
print("  [String: (losses: [Float], accuracies: [Float], weights: [Float])] = [")
for name, (kind, shape, body) in LABEL_CASES.items():
    losses, accuracies, weights = run_labels(kind, shape, body)
    print('  "%s": (' % name)
    print(literal(losses, "    ") + ",")
    print(literal(accuracies, "    ") + ",")
    print(literal(weights, "    ") + "),")
print("]")
