"""Peers of the `autograd` suite: PyTorch eager, and for the overhead JAX without jit (eager).

overhead: forward + backward of a chain of 100 elementwise ops on 16-element tensors, µs per op.
mlp: one training step (forward, backward, SGD) of a 784-512-512-10 MLP on a batch of 128.
memory: resident set after 1,000 and 10,000 such steps.
"""
import argparse
import resource

import torch

from measure import emit, median_seconds

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
threads = parser.parse_args().threads
torch.set_num_threads(threads)
LENGTH = 100
generator = torch.Generator().manual_seed(0)
start = torch.rand(16, generator=generator) * 0.5 + 0.5


def chain():
    x = start.clone().requires_grad_(True)
    y = x
    for index in range(LENGTH):
        y = [lambda: y * x, lambda: torch.tanh(y), lambda: y + x, lambda: torch.sigmoid(y)][index % 4]()
    y.sum().backward()
    return x.grad


emit("autograd", "overhead", f"chain of {LENGTH} ops on [16]", "µs/op",
     median_seconds(chain) / (LENGTH + 1) * 1e6, "pytorch")

try:
    import jax
    import jax.numpy as jnp

    jax_start = jnp.asarray(start.numpy())

    def jax_chain(x):
        y = x
        for index in range(LENGTH):
            y = [lambda: y * x, lambda: jnp.tanh(y), lambda: y + x, lambda: jax.nn.sigmoid(y)][index % 4]()
        return y.sum()

    # Eager JAX: `jax.grad` of the Python function, not wrapped in `jax.jit`, so every primitive
    # is dispatched on its own. (`jax.disable_jit()` as well would also undo the jit inside
    # `jax.nn.sigmoid`, and measured 4-7x slower still.)
    gradient = jax.grad(jax_chain)
    emit("autograd", "overhead", f"chain of {LENGTH} ops on [16]", "µs/op",
         median_seconds(lambda: gradient(jax_start).block_until_ready(), repetitions=3) / (LENGTH + 1) * 1e6,
         "jax-nojit")
except ImportError:
    pass

batch = 128
model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                            torch.nn.ReLU(), torch.nn.Linear(512, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
images = torch.rand(batch, 784, generator=generator)
labels = torch.randint(0, 10, (batch,), generator=generator)


def step():
    optimizer.zero_grad(set_to_none=True)
    loss = torch.nn.functional.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss


emit("autograd", "mlp", f"784-512-512-10 batch {batch}", "samples/s",
     batch / median_seconds(step, minimum_seconds=0.3), "pytorch")


def resident_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / (1 << 20)


for index in range(1, 10_001):
    step()
    if index == 1_000:
        at_1000 = resident_mib()
emit("autograd", "memory", "RSS after 1,000 steps", "MiB", at_1000, "pytorch")
emit("autograd", "memory", "RSS after 10,000 steps", "MiB", resident_mib(), "pytorch")
