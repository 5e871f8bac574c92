"""Joins Gradus's figures with the peers' and prints one JSON line per pair, then a Markdown table.

Input: JSON lines on stdin, Gradus's (no "peerName", or an in-process "peer") and the peers'
(with "peerName"). `ratio > 1` means Gradus is better: throughput units divide Gradus by the
peer, time units (µs, ms, s) divide the peer by Gradus.
"""
import json
import sys

TIME_UNITS = {"s", "ms", "us", "µs", "ns", "µs/op", "MiB"}


def main():
    ours, peers = [], []
    for line in sys.stdin:
        line = line.strip()
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        (peers if "peerName" in record and "peer" not in record else ours).append(record)
    rows = []
    for record in ours:
        key = (record["suite"], record["name"], record["shape"])
        matches = [p for p in peers if (p["suite"], p["name"], p["shape"]) == key]
        if "peer" in record:
            matches = [{"value": record["peer"], "peerName": record["peerName"]}]
        if not matches:
            matches = [{"value": None, "peerName": None}]
        for peer in matches:
            ratio = None
            if peer["value"]:
                lower_is_better = record["unit"] in TIME_UNITS
                ratio = peer["value"] / record["value"] if lower_is_better else record["value"] / peer["value"]
            row = {"suite": record["suite"], "name": record["name"], "shape": record["shape"],
                   "unit": record["unit"], "gradus": round(record["value"], 4),
                   "peer": None if peer["value"] is None else round(peer["value"], 4),
                   "peerName": peer["peerName"], "ratio": None if ratio is None else round(ratio, 3)}
            rows.append(row)
            print(json.dumps(row))
    print()
    print("| suite | name | shape | unit | Gradus | peer | peer value | ratio |")
    print("|---|---|---|---|---:|---|---:|---:|")
    for row in rows:
        peer = "" if row["peer"] is None else f'{row["peer"]:g}'
        ratio = "" if row["ratio"] is None else f'{row["ratio"]:.2f}'
        print(f'| {row["suite"]} | {row["name"]} | {row["shape"]} | {row["unit"]} | {row["gradus"]:g} | '
              f'{row["peerName"] or ""} | {peer} | {ratio} |')


if __name__ == "__main__":
    main()
