"""Logins/s through nginx with 1 node and with N nodes, measured in one sitting (docs/multinode.md).

    python3 Tests/multinode/bench.py [--nodes 3] [--runs 3] [--duration 15] [--clients 16]

Starts two clusters (cluster.py) side by side, one with a single node and one with N, each
with its own PostgreSQL database and nginx, a trusted development CSCA and a registered client.
Then it alternates `cyberid bench login --server <nginx>` runs between them (1, N, 1, N, …) so
that both see the same machine, and prints each run and the ratio of the medians. Logs at
`warning` (no request log line). On the 2-core development machine the generator, nginx,
PostgreSQL and every node share the same two cores: the ratio says what the extra processes
cost or gain there, not how the service scales on separate hosts.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster  # noqa: E402


def prepare(cluster: Cluster) -> dict:
    dev = cluster.dir / "bench-dev"
    result = cluster.cli("dev", "document", "--out", str(dev), "--trust")
    assert result.returncode == 0, result.stderr
    result = cluster.cli("admin", "client", "create", "--name", "bench", "--redirect-uri", "http://127.0.0.1:9/cb")
    assert result.returncode == 0, result.stderr
    client = json.loads(result.stdout)
    return {"dev": dev, "client_id": client["client_id"], "client_secret": client["client_secret"]}


def run(cluster: Cluster, setup: dict, args) -> tuple[float, str]:
    result = cluster.cli(
        "bench", "login", "--server", cluster.public, "--document-dir", str(setup["dev"]), "--outbox", str(cluster.outbox),
        "--wallets", str(args.wallets), "--clients", str(args.clients), "--duration", str(args.duration),
        "--client-id", setup["client_id"], "--client-secret=" + setup["client_secret"], timeout=args.duration + 600,
    )
    text = result.stdout + result.stderr
    match = re.search(r"completed (\d+) logins in ([\d.]+) s: ([\d.]+) logins/s", text)
    latency = re.search(r"latency .*", text)
    failed = len(re.findall(r"^failed", text, re.M))
    if not match:
        return 0.0, f"no result (exit {result.returncode}): {text[-500:]}"
    return float(match.group(3)), f"{match.group(3)} logins/s {latency.group(0) if latency else ''} failures: {failed}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--wallets", type=int, default=20)
    args = parser.parse_args(argv)
    single, multi = Cluster(1, log_level="warning"), Cluster(args.nodes, log_level="warning")
    try:
        single.start()
        multi.start()
        setups = {id(single): prepare(single), id(multi): prepare(multi)}
        rates: dict[int, list[float]] = {1: [], args.nodes: []}
        for number in range(1, args.runs + 1):
            for cluster in (single, multi):
                rate, line = run(cluster, setups[id(cluster)], args)
                rates[len(cluster.nodes)].append(rate)
                print(f"run {number}, {len(cluster.nodes)} node(s) behind nginx: {line}", flush=True)
        one, many = statistics.median(rates[1]), statistics.median(rates[args.nodes])
        print(f"median: 1 node {one:.1f} logins/s, {args.nodes} nodes {many:.1f} logins/s, "
              f"ratio {args.nodes} : 1 = {many / one if one else float('nan'):.2f}")
        return 0
    finally:
        multi.stop()
        single.stop()


if __name__ == "__main__":
    sys.exit(main())
