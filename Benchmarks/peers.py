#!/usr/bin/env python3
"""The strata-bench workloads written for Strata's peers, printing the same JSON line.

    python3 peers.py FRAMEWORK WORKLOAD [--epochs N] [--data DIR] [--seed N]

FRAMEWORK: keras-jax, keras-tensorflow, torch, numpy.  WORKLOAD: mlp-a, mlp-s, mlp-bn, predict,
convnet, convnet-predict (the "Deep Learning with Python" ch. 8 convnet; not in numpy),
simple-convnet ("Deep Learning from Scratch" ch. 7's SimpleConvNet, batch 100, Keras only),
lstm (the character model: Embedding 32, LSTM 256, Dense softmax over the characters, windows
of 64 of the first --bytes bytes of Debian's fortunes corpus, batch 64; Keras and PyTorch).
Every framework runs with 2 threads on Fashion-MNIST (784 inputs scaled to 0..1, integer labels).
--samples N trains on the first N images (the same ones strata-bench --samples N uses).
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

THREADS = "2"
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = THREADS
# Older OpenBLAS builds need these on some CPUs; they slow a current NumPy (see the env notes).
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)

import numpy as np  # noqa: E402

BATCH = {"mlp-a": 128, "mlp-s": 32, "mlp-bn": 128, "predict": 128, "convnet": 64,
         "convnet-predict": 64, "simple-convnet": 100}
CONVNET = ("convnet", "convnet-predict", "simple-convnet")


def load(directory):
    def read(name):
        with gzip.open(os.path.join(directory, name)) as f:
            return f.read()

    def images(name):
        raw = read(name)
        return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255

    def labels(name):
        return np.frombuffer(read(name), np.uint8, offset=8).astype(np.int64)

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def report(framework, workload, result):
    result.update({"benchmark": workload, "framework": framework, "threads": int(THREADS),
                   "peak_rss_bytes": peak_rss()})
    print(json.dumps(result, sort_keys=True))


def summarize(epoch_seconds, accuracy, samples):
    steady = epoch_seconds[1:] or epoch_seconds
    median = sorted(steady)[len(steady) // 2]
    return {"epoch_seconds": epoch_seconds, "median_epoch_seconds": median,
            "samples_per_second": samples / median, "test_accuracy": float(accuracy)}


def run_keras(backend, workload, epochs, data, seed=1):
    os.environ["KERAS_BACKEND"] = backend
    if backend == "tensorflow":
        os.environ["TF_NUM_INTRAOP_THREADS"] = THREADS
        os.environ["TF_NUM_INTEROP_THREADS"] = THREADS
    import keras
    from keras import layers

    x, y, xt, yt = data
    keras.utils.set_random_seed(seed)
    if workload == "simple-convnet":
        # Examples/simple-convnet: "Deep Learning from Scratch" ch. 7's SimpleConvNet, weights
        # 0.01 * randn, Adam.
        x, xt = x.reshape(-1, 28, 28, 1), xt.reshape(-1, 28, 28, 1)
        small = lambda: keras.initializers.RandomNormal(0, 0.01)
        model = keras.Sequential([
            keras.Input((28, 28, 1)), layers.Conv2D(30, 5, activation="relu", kernel_initializer=small()),
            layers.MaxPooling2D(2), layers.Flatten(),
            layers.Dense(100, activation="relu", kernel_initializer=small()),
            layers.Dense(10, activation="softmax", kernel_initializer=small())])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        stack = None
    elif workload in CONVNET:
        x, xt = x.reshape(-1, 28, 28, 1), xt.reshape(-1, 28, 28, 1)
        model = keras.Sequential([
            keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(128, 3, activation="relu"), layers.Flatten(), layers.Dense(10, activation="softmax")])
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        stack = None
    elif workload == "mlp-s":
        stack = [layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")]
    elif workload == "mlp-bn":
        stack = [layers.Dense(512), layers.BatchNormalization(), layers.Activation("relu"), layers.Dropout(0.2),
                 layers.Dense(512), layers.BatchNormalization(), layers.Activation("relu"), layers.Dropout(0.2),
                 layers.Dense(10, activation="softmax")]
    else:
        stack = [layers.Dense(512, activation="relu"), layers.Dropout(0.2), layers.Dense(512, activation="relu"),
                 layers.Dropout(0.2), layers.Dense(10, activation="softmax")]
    if stack is not None:
        model = keras.Sequential([keras.Input((784,))] + stack)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    if workload in ("predict", "convnet-predict"):
        model.fit(x, y, epochs=1, batch_size=BATCH[workload], verbose=0)
        model.predict(xt, batch_size=1024, verbose=0)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            model.predict(xt, batch_size=1024, verbose=0)
            times.append(time.perf_counter() - start)
        median = sorted(times)[2]
        return {"seconds": times, "median_seconds": median, "samples_per_second": len(xt) / median}

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    seconds = []
    model.fit(x, y, epochs=epochs, batch_size=BATCH[workload], verbose=0, callbacks=[Timer()])
    accuracy = model.evaluate(xt, yt, batch_size=1024, verbose=0, return_dict=True)["accuracy"]
    return summarize(seconds, accuracy, len(x))


def run_torch(workload, epochs, data, seed=1):
    import torch
    from torch import nn

    torch.set_num_threads(int(THREADS))
    torch.manual_seed(seed)
    x, y, xt, yt = (torch.from_numpy(a) for a in data)
    if workload in CONVNET:
        x, xt = x.reshape(-1, 1, 28, 28), xt.reshape(-1, 1, 28, 28)
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3), nn.ReLU(), nn.Flatten(), nn.Linear(1152, 10))
    elif workload == "mlp-s":
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    elif workload == "mlp-bn":
        model = nn.Sequential(nn.Linear(784, 512), nn.BatchNorm1d(512, eps=1e-3, momentum=0.01), nn.ReLU(),
                              nn.Dropout(0.2), nn.Linear(512, 512), nn.BatchNorm1d(512, eps=1e-3, momentum=0.01),
                              nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10))
    else:
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 512), nn.ReLU(),
                              nn.Dropout(0.2), nn.Linear(512, 10))
    if workload in CONVNET:
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_function = nn.CrossEntropyLoss()
    batch = BATCH[workload]

    def epoch():
        model.train()
        order = torch.randperm(len(x))
        for start in range(0, len(x), batch):
            index = order[start:start + batch]
            optimizer.zero_grad()
            loss = loss_function(model(x[index]), y[index])
            loss.backward()
            optimizer.step()

    def predict(inputs):
        model.eval()
        with torch.no_grad():
            return torch.cat([model(inputs[s:s + 1024]).softmax(1) for s in range(0, len(inputs), 1024)])

    if workload in ("predict", "convnet-predict"):
        epoch()
        predict(xt)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            predict(xt)
            times.append(time.perf_counter() - start)
        median = sorted(times)[2]
        return {"seconds": times, "median_seconds": median, "samples_per_second": len(xt) / median}
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        epoch()
        seconds.append(time.perf_counter() - start)
    accuracy = (predict(xt).argmax(1) == yt).float().mean().item()
    return summarize(seconds, accuracy, len(x))


class NumpyMLP:
    """A from-scratch MLP as "Deep Learning from Scratch" writes it: layers with forward and
    backward, inverted dropout, batch normalization, softmax-with-loss and Adam (Keras's form)."""

    def __init__(self, widths, dropout, batch_norm, rng):
        self.rng, self.dropout, self.batch_norm = rng, dropout, batch_norm
        self.params = []
        for fan_in, fan_out in zip(widths[:-1], widths[1:]):
            limit = np.sqrt(6 / (fan_in + fan_out))
            self.params.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32))
            self.params.append(np.zeros(fan_out, np.float32))
        self.hidden = len(widths) - 2
        if batch_norm:
            for width in widths[1:-1]:
                self.params += [np.ones(width, np.float32), np.zeros(width, np.float32)]
            self.moving = [[np.zeros(w, np.float32), np.ones(w, np.float32)] for w in widths[1:-1]]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def forward(self, x, train):
        cache = []
        h = x
        for layer in range(self.hidden):
            w, b = self.params[2 * layer], self.params[2 * layer + 1]
            z = h @ w + b
            entry = {"input": h}
            if self.batch_norm:
                gamma, beta = self.params[2 * (self.hidden + 1) + 2 * layer: 2 * (self.hidden + 1) + 2 * layer + 2]
                if train:
                    mean, var = z.mean(0), z.var(0)
                    self.moving[layer][0] = 0.99 * self.moving[layer][0] + 0.01 * mean
                    self.moving[layer][1] = 0.99 * self.moving[layer][1] + 0.01 * var
                else:
                    mean, var = self.moving[layer]
                inv = 1 / np.sqrt(var + 1e-3)
                xhat = (z - mean) * inv
                entry.update(xhat=xhat, inv=inv, gamma=gamma)
                z = xhat * gamma + beta
            h = np.maximum(z, 0)
            entry["relu"] = z > 0
            if train and self.dropout:
                mask = (self.rng.random(h.shape, np.float32) >= self.dropout) / np.float32(1 - self.dropout)
                h = h * mask
                entry["mask"] = mask
            cache.append(entry)
        logits = h @ self.params[2 * self.hidden] + self.params[2 * self.hidden + 1]
        return logits, h, cache

    def step(self, x, y):
        logits, h, cache = self.forward(x, True)
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(y)), y] -= 1
        dz = p / len(y)
        grads = [None] * len(self.params)
        grads[2 * self.hidden] = h.T @ dz
        grads[2 * self.hidden + 1] = dz.sum(0)
        dh = dz @ self.params[2 * self.hidden].T
        for layer in reversed(range(self.hidden)):
            entry = cache[layer]
            if "mask" in entry:
                dh = dh * entry["mask"]
            dz = dh * entry["relu"]
            if self.batch_norm:
                base = 2 * (self.hidden + 1) + 2 * layer
                grads[base] = (dz * entry["xhat"]).sum(0)
                grads[base + 1] = dz.sum(0)
                dxhat = dz * entry["gamma"]
                n = len(dz)
                dz = entry["inv"] / n * (n * dxhat - dxhat.sum(0) - entry["xhat"] * (dxhat * entry["xhat"]).sum(0))
            grads[2 * layer] = entry["input"].T @ dz
            grads[2 * layer + 1] = dz.sum(0)
            if layer > 0:
                dh = dz @ self.params[2 * layer].T
        self.t += 1
        alpha = 1e-3 * np.sqrt(1 - 0.999 ** self.t) / (1 - 0.9 ** self.t)
        for i, g in enumerate(grads):
            self.m[i] += (g - self.m[i]) * 0.1
            self.v[i] += (g * g - self.v[i]) * 0.001
            self.params[i] -= alpha * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)

    def predict(self, x):
        return np.concatenate([self.forward(x[s:s + 1024], False)[0] for s in range(0, len(x), 1024)])


def run_numpy(workload, epochs, data, seed=1):
    x, y, xt, yt = data
    rng = np.random.default_rng(seed)
    widths = [784, 128, 10] if workload == "mlp-s" else [784, 512, 512, 10]
    model = NumpyMLP(widths, 0 if workload == "mlp-s" else 0.2, workload == "mlp-bn", rng)
    batch = BATCH[workload]

    def epoch():
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):
            index = order[start:start + batch]
            model.step(x[index], y[index])

    if workload == "predict":
        epoch()
        model.predict(xt)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            model.predict(xt)
            times.append(time.perf_counter() - start)
        median = sorted(times)[2]
        return {"seconds": times, "median_seconds": median, "samples_per_second": len(xt) / median}
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        epoch()
        seconds.append(time.perf_counter() - start)
    accuracy = (model.predict(xt).argmax(1) == yt).mean()
    return summarize(seconds, accuracy, len(x))


FORTUNES = os.environ.get("STRATA_DATASETS", "") and os.path.join(os.environ["STRATA_DATASETS"], "fortunes")


def load_fortunes(limit):
    """The corpus as Strata's Fortunes.load reads it: collections in name order, `%` lines
    blank, an overstrike keeping its last character, other control characters dropped."""
    folder = next(f for f in [FORTUNES, os.path.expanduser("~/.strata/datasets/fortunes"),
                              "/usr/share/games/fortunes"] if f and os.path.isdir(f))
    text = []
    size = 0
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith((".dat", ".u8")) or name.startswith(".") or not os.path.isfile(path):
            continue
        if size >= limit:
            break
        lines = []
        for line in open(path, encoding="utf-8", errors="replace").read().split("\n"):
            kept = []
            for ch in line:
                if ch == "\b":
                    if kept:
                        kept.pop()
                elif ch == "\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7f):
                    kept.append(ch)
            lines.append("" if kept == ["%"] else "".join(kept))
        piece = "\n".join(lines)
        text.append(piece)
        size += len(piece.encode())
    return "".join(text).encode()[:limit].decode(errors="ignore")


def character_windows(limit, length=64):
    text = load_fortunes(limit)
    counts = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    order = sorted(counts, key=lambda ch: -counts[ch])
    ids = {ch: i + 2 for i, ch in enumerate(order)}
    encoded = np.array([ids[ch] for ch in text], dtype=np.int64)
    count = (len(encoded) - 1) // length
    x = encoded[:count * length].reshape(count, length)
    y = encoded[1:count * length + 1].reshape(count, length)
    return x, y, len(order) + 2


def run_lstm(framework, epochs, limit, seed=1):
    x, y, vocabulary = character_windows(limit)
    seconds = []
    if framework.startswith("keras-"):
        os.environ["KERAS_BACKEND"] = framework[6:]
        import keras
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((64,)), keras.layers.Embedding(vocabulary, 32),
                                  keras.layers.LSTM(256, return_sequences=True),
                                  keras.layers.Dense(vocabulary, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        for _ in range(epochs):
            start = time.perf_counter()
            history = model.fit(x, y, batch_size=64, epochs=1, verbose=0)
            seconds.append(time.perf_counter() - start)
        loss = history.history["loss"][-1]
    else:
        import torch
        torch.set_num_threads(int(THREADS))
        torch.manual_seed(seed)

        class CharacterModel(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = torch.nn.Embedding(vocabulary, 32)
                self.lstm = torch.nn.LSTM(32, 256, batch_first=True)
                self.dense = torch.nn.Linear(256, vocabulary)

            def forward(self, ids):
                return self.dense(self.lstm(self.embedding(ids))[0])

        model = CharacterModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        inputs, targets = torch.from_numpy(x), torch.from_numpy(y)
        for _ in range(epochs):
            start = time.perf_counter()
            order = torch.randperm(len(inputs))
            for first in range(0, len(inputs), 64):
                batch = order[first:first + 64]
                optimizer.zero_grad()
                logits = model(inputs[batch])
                loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocabulary), targets[batch].reshape(-1))
                loss.backward()
                optimizer.step()
            seconds.append(time.perf_counter() - start)
        loss = float(loss)
    steady = seconds[1:] or seconds
    median = sorted(steady)[len(steady) // 2]
    return {"epoch_seconds": seconds, "median_epoch_seconds": median,
            "tokens_per_second": x.size / median, "loss": float(loss)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("framework", choices=["keras-jax", "keras-tensorflow", "torch", "numpy"])
    parser.add_argument("workload", choices=["mlp-a", "mlp-s", "mlp-bn", "predict", "convnet", "convnet-predict",
                                                 "simple-convnet", "lstm"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=None, help="train on the first N images")
    parser.add_argument("--seed", type=int, default=1, help="initial weights, dropout and shuffling")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets",
                                                      "fashion-mnist"))
    parser.add_argument("--bytes", type=int, default=1_000_000, help="text for the lstm workload")
    arguments = parser.parse_args()
    if arguments.workload == "lstm":
        if arguments.framework == "numpy":
            parser.error("the NumPy peer has no LSTM")
        report(arguments.framework, "lstm", run_lstm(arguments.framework, arguments.epochs, arguments.bytes,
                                                     arguments.seed))
        return
    data = load(arguments.data)
    if arguments.samples:
        data = (data[0][:arguments.samples], data[1][:arguments.samples]) + data[2:]
    if arguments.framework == "numpy" and arguments.workload in CONVNET:
        parser.error("the NumPy peer has no convnet")
    if arguments.workload == "simple-convnet" and not arguments.framework.startswith("keras-"):
        parser.error("simple-convnet is written for Keras only")
    if arguments.framework.startswith("keras-"):
        result = run_keras(arguments.framework[6:], arguments.workload, arguments.epochs, data, arguments.seed)
    elif arguments.framework == "torch":
        result = run_torch(arguments.workload, arguments.epochs, data, arguments.seed)
    else:
        result = run_numpy(arguments.workload, arguments.epochs, data, arguments.seed)
    report(arguments.framework, arguments.workload, result)


if __name__ == "__main__":
    sys.exit(main())
