"""Joins Gradus's figures with the peers' and prints one JSON line per pair, then a Markdown table.

Input: JSON lines on stdin, Gradus's (no "peerName", or an in-process "peer") and the peers'
(with "peerName"). `ratio > 1` means Gradus is better: throughput units divide Gradus by the
peer, time units (µs, ms, s) divide the peer by Gradus. A figure that appears several times
(`Benchmarks/run --rounds R`) is paired round by round, in order; each round's pair is printed as
a JSON line with its "round", and the table shows the medians, the ratio being the median of the
rounds' ratios.
"""
import json
import statistics
import sys

TIME_UNITS = {"s", "ms", "us", "µs", "ns", "µs/op", "MiB"}


def figure_key(record):
    return (record["suite"], record["name"], record["shape"])


def pair(record, peer):
    """One row: Gradus's figure beside the peer's, and their ratio (> 1: Gradus is better)."""
    ratio = None
    if peer["value"]:
        lower_is_better = record["unit"] in TIME_UNITS
        ratio = peer["value"] / record["value"] if lower_is_better else record["value"] / peer["value"]
    return {"suite": record["suite"], "name": record["name"], "shape": record["shape"],
            "unit": record["unit"], "gradus": round(record["value"], 4),
            "peer": None if peer["value"] is None else round(peer["value"], 4),
            "peerName": peer["peerName"], "ratio": None if ratio is None else round(ratio, 3)}


def main():
    ours, peers = [], []
    for line in sys.stdin:
        line = line.strip()
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        (peers if "peerName" in record and "peer" not in record else ours).append(record)
    rows = []
    for key in dict.fromkeys(figure_key(record) for record in ours):
        rounds = [record for record in ours if figure_key(record) == key]
        if "peer" in rounds[0]:
            by_peer = {rounds[0]["peerName"]: [{"value": r["peer"], "peerName": r["peerName"]} for r in rounds]}
        else:
            by_peer = {}
            for peer in peers:
                if figure_key(peer) == key:
                    by_peer.setdefault(peer["peerName"], []).append(peer)
            by_peer = by_peer or {None: [{"value": None, "peerName": None}]}
        for name, found in by_peer.items():
            # Round i of Gradus with round i of the peer; a single peer figure serves every round.
            found = found if len(found) == len(rounds) else [found[0]] * len(rounds)
            pairs = [pair(ours_round, peer) for ours_round, peer in zip(rounds, found)]
            if len(rounds) == 1:
                print(json.dumps(pairs[0]))
                rows.append(pairs[0])
                continue
            for index, row in enumerate(pairs):
                print(json.dumps({**row, "round": index + 1}))
            ratios = [row["ratio"] for row in pairs if row["ratio"] is not None]
            peer_values = [row["peer"] for row in pairs if row["peer"] is not None]
            median = pair({**rounds[0], "value": statistics.median(r["value"] for r in rounds)},
                          {"value": statistics.median(peer_values) if peer_values else None, "peerName": name})
            median["ratio"] = round(statistics.median(ratios), 3) if ratios else None
            median["rounds"] = len(rounds)
            print(json.dumps({**median, "median": True}))
            rows.append(median)
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
