#!/usr/bin/env python3
"""PyTorch DistributedDataParallel (gloo backend) on MLP-A, the peer of
`distributed-training --benchmark` (docs/distributed.md).

    python3 Benchmarks/ddp_mlp.py --processes 2 --threads 1 --epochs 2 --data DIR

MLP-A: 784-512-512-10, Dropout 0.2, Adam(1e-3), a global batch of 128 split evenly, on all of
Fashion-MNIST. Prints, per rank, the last epoch's time and the median time of DDP's gradient
all-reduce per step (measured as the backward pass's time beyond the single-process backward,
which DDP overlaps with it: here the hook's own time, from a communication hook).
"""
import argparse
import gzip
import os
import statistics
import time


def load(directory):
    import numpy as np

    def read(name, offset):
        with gzip.open(os.path.join(directory, name)) as file:
            return np.frombuffer(file.read(), np.uint8, offset=offset)

    x = read("train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255
    y = read("train-labels-idx1-ubyte.gz", 8).astype(np.int64)
    return x, y


def worker(rank, processes, threads, epochs, data):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = "29517"
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x, y = load(data)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 10))
    reduce_times = []
    if processes > 1:
        dist.init_process_group("gloo", rank=rank, world_size=processes)
        model = DistributedDataParallel(model)

        def timed_allreduce(state, bucket):
            start = time.perf_counter()
            tensor = bucket.buffer()
            dist.all_reduce(tensor)
            tensor.div_(processes)
            reduce_times.append(time.perf_counter() - start)
            future = torch.futures.Future()
            future.set_result(tensor)
            return future

        model.register_comm_hook(None, timed_allreduce)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_function = torch.nn.CrossEntropyLoss()
    batch = 128 // processes
    samples = x.shape[0]
    last = 0.0
    for epoch in range(epochs):
        generator = torch.Generator().manual_seed(epoch)
        order = torch.randperm(samples, generator=generator)
        start = time.perf_counter()
        for begin in range(0, samples, 128):
            indices = order[begin:begin + 128][rank * batch:(rank + 1) * batch]
            optimizer.zero_grad()
            loss = loss_function(model(x[indices]), y[indices])
            loss.backward()
            optimizer.step()
        last = time.perf_counter() - start
    median = statistics.median(reduce_times) * 1e6 if reduce_times else 0
    print(f"ddp rank {rank} of {processes}, {threads} threads: last epoch {last:.3f} s, "
          f"all-reduce median {median:.0f} us over {len(reduce_times)} buckets")
    if processes > 1:
        dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--data", default="../shared/datasets/fashion-mnist")
    arguments = parser.parse_args()
    if arguments.processes == 1:
        worker(0, 1, arguments.threads, arguments.epochs, arguments.data)
        return
    import torch.multiprocessing as multiprocessing

    multiprocessing.spawn(
        worker, args=(arguments.processes, arguments.threads, arguments.epochs, arguments.data),
        nprocs=arguments.processes)


if __name__ == "__main__":
    main()
