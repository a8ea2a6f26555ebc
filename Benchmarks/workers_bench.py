#!/usr/bin/env python3
"""Workers benchmark (Benchmarks/README.md, "Held records"): offline `cards` with 1 and 2 workers
beside `zstd -d` of the same files and, optionally, a baseline build, in alternating rounds (the
machine is shared and its speed drifts, so only same-round ratios mean much).

    python3 Benchmarks/workers_bench.py --binary .build/release/itinerary --data /tmp/wb20k --rounds 5
    python3 Benchmarks/workers_bench.py --binary B --baseline OLD_B --baseline-workers 1 --data /tmp/wb20k
    python3 Benchmarks/workers_bench.py --binary B --data /tmp/wb20k --rounds 3 --ingest   # the machine's limits (issue #20)

Each round times, in this order:
- one `zstd -dcq` of all the feed files (concatenated once into one file), then two at once: the
  machine's own gain from a second core for two independent processes;
- the baseline build's `cards` (if given; `--baseline-workers 0` for a build without `--workers`);
- `itinerary cards --workers 1` and `--workers 2`, checking that every run prints the same cards.
- with --ingest, `itinerary ingest --workers 2` into a fresh embedded PostgreSQL (cells loaded
  first, not timed), and after the last round Benchmarks/store_sizes.sql on that store.
The data is `itinerary generate --phones 20000 --days 14 --seed 1 --out DATA` unless it exists.

At the end, the limits of issue #20, each against its same-round baseline: two workers at least
1.8× one worker (beside the machine's own gain for two processes); one worker within 2.5× of
`zstd -d`; `ingest` with two workers at least 60 % of the offline `cards` throughput with two
workers; the store at most 1 KB per phone.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

AT = "2022-05-15T00:00:00Z"
NOW = "2022-06-01T00:00:00Z"


def timed(command, output=subprocess.DEVNULL):
    started = time.monotonic()
    subprocess.run(command, stdout=output, stderr=subprocess.DEVNULL, check=True)
    return time.monotonic() - started


def cards(binary, data, workers, out):
    command = [binary, "cards", "--cells", f"{data}/cells.csv", "--at", AT, "--now", NOW, f"{data}/feeds"]
    if workers:
        command[2:2] = ["--workers", str(workers)]
    with open(out, "wb") as sink:
        return timed(command, sink)


def ingest(binary, data, workers, state):
    """Seconds of `itinerary ingest --workers N` into a fresh embedded cluster (cells loaded first)."""
    stop_cluster(state)
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    os.chmod(state, 0o711)
    subprocess.run([binary, "cells", "load", "--state", state, f"{data}/cells.csv"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = timed([binary, "ingest", "--state", state, "--workers", str(workers), f"{data}/feeds"])
    stop_cluster(state)
    return seconds


def as_postgres(command):
    return ["su", "postgres", "-c", " ".join(f"'{part}'" for part in command)] if os.geteuid() == 0 else command


def stop_cluster(state):
    data = f"{state}/postgres/data"
    if os.path.exists(f"{data}/postmaster.pid"):
        subprocess.run(as_postgres(["pg_ctl", "-D", data, "stop", "-m", "fast"]), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def store_bytes_per_phone(state):
    """Benchmarks/store_sizes.sql on the store ingest left: (TOTAL bytes per phone, the whole table)."""
    data, run = f"{state}/postgres/data", f"{state}/postgres/run"
    subprocess.run(as_postgres(["pg_ctl", "-D", data, "-o", f"-k {run} -c listen_addresses=", "-w", "start"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sql = os.path.join(os.path.dirname(os.path.abspath(__file__)), "store_sizes.sql")
        table = subprocess.run(as_postgres(["psql", "-h", run, "-U", "itinerary", "-d", "itinerary", "-A", "-F", " ",
                                            "-t", "-f", sql]), check=True, capture_output=True, text=True).stdout
    finally:
        stop_cluster(state)
    total = next(float(line.split()[2]) for line in table.splitlines() if line.startswith("TOTAL"))
    return total, table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--baseline", help="an earlier build to time in the same rounds")
    parser.add_argument("--baseline-workers", type=int, default=1, help="0: the baseline has no --workers")
    parser.add_argument("--data", default="/tmp/wb20k")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ingest", action="store_true", help="also time ingest --workers 2 and measure the store")
    parser.add_argument("--state", default="/tmp/workers-bench-state", help="the embedded cluster of --ingest")
    args = parser.parse_args()

    if not os.path.isdir(f"{args.data}/feeds"):
        subprocess.run([args.binary, "generate", "--phones", "20000", "--days", "14", "--seed", "1",
                        "--out", args.data], check=True)
    files = sorted(glob.glob(f"{args.data}/feeds/*.zst"))
    joined = f"{args.data}/all-feeds.zst"
    if not os.path.exists(joined):
        with open(joined, "wb") as sink:
            for name in files:
                with open(name, "rb") as source:
                    sink.write(source.read())
    zstd = ["zstd", "-dcq", joined]

    rows = []
    for round_number in range(1, args.rounds + 1):
        row = {"zstd": timed(zstd)}
        started = time.monotonic()
        pair = [subprocess.Popen(zstd, stdout=subprocess.DEVNULL) for _ in range(2)]
        for process in pair:
            process.wait()
        row["zstd x2"] = time.monotonic() - started
        outputs = []
        if args.baseline:
            row["baseline"] = cards(args.baseline, args.data, args.baseline_workers, "/tmp/workers-bench-base.jsonl")
            outputs.append("/tmp/workers-bench-base.jsonl")
        for workers in (1, 2):
            out = f"/tmp/workers-bench-{workers}.jsonl"
            row[f"{workers} worker" + ("s" if workers > 1 else "")] = cards(args.binary, args.data, workers, out)
            outputs.append(out)
        if args.ingest:
            row["ingest 2"] = ingest(args.binary, args.data, 2, args.state)
        contents = {open(name, "rb").read() for name in outputs}
        row["same cards"] = len(contents) == 1
        rows.append(row)
        line = " | ".join(f"{key} {value:.2f} s" for key, value in row.items() if isinstance(value, float))
        print(f"round {round_number}: {line} | machine 2-core gain {2 * row['zstd'] / row['zstd x2']:.2f}× | "
              f"2 workers / 1 {row['1 worker'] / row['2 workers']:.2f}× | 2 workers / zstd "
              f"{row['2 workers'] / row['zstd']:.2f}× | 1 worker / zstd {row['1 worker'] / row['zstd']:.2f}× | "
              + (f"ingest / cards, 2 workers {row['2 workers'] / row['ingest 2']:.2f} | " if args.ingest else "")
              + f"same cards: {row['same cards']}", flush=True)
        if not row["same cards"]:
            sys.exit("the runs printed different cards")

    def median(values):
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    def limit(values, bound, at_least):
        met = sum(1 for v in values if (v >= bound if at_least else v <= bound))
        return f"{median(values)}: met in {met} of {len(values)} rounds"

    print("medians (range):")
    print(f"  machine 2-core gain (two zstd -d at once) {median([2 * r['zstd'] / r['zstd x2'] for r in rows])}×")
    print(f"  2 workers / 1 worker {limit([r['1 worker'] / r['2 workers'] for r in rows], 1.8, True)} (limit: ≥ 1.8×)")
    print(f"  1 worker / zstd -d {limit([r['1 worker'] / r['zstd'] for r in rows], 2.5, False)} (limit: ≤ 2.5×)")
    print(f"  2 workers / zstd -d {median([r['2 workers'] / r['zstd'] for r in rows])}×")
    if args.ingest:
        print(f"  ingest, 2 workers: {median([r['ingest 2'] for r in rows])} s; throughput against offline cards with "
              f"2 workers {limit([r['2 workers'] / r['ingest 2'] for r in rows], 0.6, True)} (limit: ≥ 0.6)")
        total, table = store_bytes_per_phone(args.state)
        print(f"  store: {total:,.0f} bytes per phone, all tables and indexes (limit: ≤ 1,000): "
              f"{'met' if total <= 1000 else 'not met'}")
        print("  " + table.strip().replace("\n", "\n  "))
    if args.baseline:
        print(f"  baseline / 1 worker {median([r['baseline'] / r['1 worker'] for r in rows])}×")
        print(f"  baseline / 2 workers {median([r['baseline'] / r['2 workers'] for r in rows])}×")


if __name__ == "__main__":
    main()
