"""Peers of the `elementwise` suite: NumPy and PyTorch on 4M floats ([4096, 1024]), in GB/s.

Bytes moved per op are counted as Gradus counts them: inputs read plus output written.
"""
import argparse

import numpy as np
import torch

from measure import emit, median_seconds

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
threads = parser.parse_args().threads
torch.set_num_threads(threads)

rows, columns = 4096, 1024
count = rows * columns
shape = f"{rows}x{columns}"
rng = np.random.default_rng(0)
a = rng.standard_normal((rows, columns), dtype=np.float32)
b = rng.standard_normal((rows, columns), dtype=np.float32)
ta, tb = torch.from_numpy(a), torch.from_numpy(b)


def numpy_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


cases = {
    "add": (3, lambda: np.add(a, b), lambda: torch.add(ta, tb)),
    "mul": (3, lambda: np.multiply(a, b), lambda: torch.mul(ta, tb)),
    "exp": (2, lambda: np.exp(a), lambda: torch.exp(ta)),
    "gelu": (2, None, lambda: torch.nn.functional.gelu(ta)),
    "sum": (1, lambda: a.sum(axis=-1), lambda: ta.sum(dim=-1)),
    "softmax": (2, lambda: numpy_softmax(a), lambda: torch.softmax(ta, dim=-1)),
}
for name, (passes, numpy_op, torch_op) in cases.items():
    bytes_moved = passes * count * 4
    if numpy_op is not None:
        emit("elementwise", name, shape, "GB/s", bytes_moved / median_seconds(numpy_op) / 1e9, "numpy")
    emit("elementwise", name, shape, "GB/s", bytes_moved / median_seconds(torch_op) / 1e9, "pytorch")
