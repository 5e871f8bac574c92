"""Peers of the `reductions` suite: NumPy and PyTorch, in GB/s (bytes read plus bytes written)."""
import argparse

import numpy as np
import torch

from measure import emit, median_seconds

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
threads = parser.parse_args().threads
torch.set_num_threads(threads)

rows, columns = 4096, 1024
square = f"{rows}x{columns}"
rng = np.random.default_rng(0)
a = rng.standard_normal((rows, columns), dtype=np.float32)
logits = rng.standard_normal((65536, 10), dtype=np.float32)
ta, tl = torch.from_numpy(a), torch.from_numpy(logits)


def numpy_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def numpy_log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def numpy_logsumexp(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis)


one = a.size * 4
cases = [
    ("sum", square, one, lambda: a.sum(axis=-1), lambda: ta.sum(dim=-1)),
    ("sum-axis0", square, one, lambda: a.sum(axis=0), lambda: ta.sum(dim=0)),
    ("sum-all", square, one, lambda: a.sum(), lambda: ta.sum()),
    ("max", square, one, lambda: a.max(axis=-1), lambda: ta.amax(dim=-1)),
    ("max-axis0", square, one, lambda: a.max(axis=0), lambda: ta.amax(dim=0)),
    ("mean", square, one, lambda: a.mean(axis=-1), lambda: ta.mean(dim=-1)),
    ("variance", square, one, lambda: a.var(axis=-1, ddof=1), lambda: ta.var(dim=-1)),
    ("logsumexp", square, one, lambda: numpy_logsumexp(a, -1), lambda: torch.logsumexp(ta, dim=-1)),
    ("softmax", square, 2 * one, lambda: numpy_softmax(a, -1), lambda: torch.softmax(ta, dim=-1)),
    ("logsoftmax", square, 2 * one, lambda: numpy_log_softmax(a, -1), lambda: torch.log_softmax(ta, dim=-1)),
    ("softmax-axis0", square, 2 * one, lambda: numpy_softmax(a, 0), lambda: torch.softmax(ta, dim=0)),
    ("softmax", "65536x10", 2 * logits.size * 4, lambda: numpy_softmax(logits, -1),
     lambda: torch.softmax(tl, dim=-1)),
]
for name, shape, bytes_moved, numpy_op, torch_op in cases:
    emit("reductions", name, shape, "GB/s", bytes_moved / median_seconds(numpy_op) / 1e9, "numpy")
    emit("reductions", name, shape, "GB/s", bytes_moved / median_seconds(torch_op) / 1e9, "pytorch")
