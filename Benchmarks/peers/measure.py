"""Timing and output helpers shared by the peer benchmarks (NumPy, PyTorch).

Mirrors Benchmarks/GradusBenchmarks/Measurement.swift: warm up, grow the iteration count until a
repetition takes ~50 ms, report the median of 7 repetitions, one JSON line per figure.
"""
import json
import time


def median_seconds(body, repetitions=7, minimum_seconds=0.05):
    body()
    iterations = 1
    while True:
        start = time.perf_counter()
        for _ in range(iterations):
            body()
        if time.perf_counter() - start >= minimum_seconds or iterations >= 1 << 20:
            break
        iterations *= 2
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(iterations):
            body()
        times.append((time.perf_counter() - start) / iterations)
    return sorted(times)[repetitions // 2]


def emit(suite, name, shape, unit, value, peer_name):
    print(json.dumps({"suite": suite, "name": name, "shape": shape, "unit": unit,
                      "value": value, "peerName": peer_name}, sort_keys=True), flush=True)
