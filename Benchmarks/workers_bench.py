#!/usr/bin/env python3
"""Workers benchmark (Benchmarks/README.md, "Held records"): offline `cards` with 1 and 2 workers
beside `zstd -d` of the same files and, optionally, a baseline build, in alternating rounds (the
machine is shared and its speed drifts, so only same-round ratios mean much).

    python3 Benchmarks/workers_bench.py --binary .build/release/itinerary --data /tmp/wb20k --rounds 5
    python3 Benchmarks/workers_bench.py --binary B --baseline OLD_B --baseline-workers 1 --data /tmp/wb20k

Each round times, in this order:
- one `zstd -dcq` of all the feed files (concatenated once into one file), then two at once: the
  machine's own gain from a second core for two independent processes;
- the baseline build's `cards` (if given; `--baseline-workers 0` for a build without `--workers`);
- `itinerary cards --workers 1` and `--workers 2`, checking that every run prints the same cards.
The data is `itinerary generate --phones 20000 --days 14 --seed 1 --out DATA` unless it exists.
"""
import argparse
import glob
import os
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--baseline", help="an earlier build to time in the same rounds")
    parser.add_argument("--baseline-workers", type=int, default=1, help="0: the baseline has no --workers")
    parser.add_argument("--data", default="/tmp/wb20k")
    parser.add_argument("--rounds", type=int, default=5)
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
        contents = {open(name, "rb").read() for name in outputs}
        row["same cards"] = len(contents) == 1
        rows.append(row)
        line = " | ".join(f"{key} {value:.2f} s" for key, value in row.items() if isinstance(value, float))
        print(f"round {round_number}: {line} | machine 2-core gain {2 * row['zstd'] / row['zstd x2']:.2f}× | "
              f"2 workers / 1 {row['1 worker'] / row['2 workers']:.2f}× | 2 workers / zstd "
              f"{row['2 workers'] / row['zstd']:.2f}× | same cards: {row['same cards']}", flush=True)
        if not row["same cards"]:
            sys.exit("the runs printed different cards")

    def median(values):
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    print("medians (range):")
    print(f"  machine 2-core gain {median([2 * r['zstd'] / r['zstd x2'] for r in rows])}×")
    print(f"  2 workers / 1 worker {median([r['1 worker'] / r['2 workers'] for r in rows])}×")
    print(f"  2 workers / zstd -d {median([r['2 workers'] / r['zstd'] for r in rows])}×")
    if args.baseline:
        print(f"  baseline / 1 worker {median([r['baseline'] / r['1 worker'] for r in rows])}×")
        print(f"  baseline / 2 workers {median([r['baseline'] / r['2 workers'] for r in rows])}×")


if __name__ == "__main__":
    main()
