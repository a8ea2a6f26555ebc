#!/usr/bin/env python3
"""Split benchmark (docs/sizing.md): `itinerary split` per record against `zstd -d` and `zstd -1`
of the same files, measured in the same run (the machine is shared, so only same-run ratios mean much).

    python3 Benchmarks/split_bench.py --binary .build/release/itinerary --phones 10000 --days 14 --shards 1,4,32

For each run it times, under /usr/bin/time -v (user + system CPU seconds, the figure that matters
on a shared machine, and wall):
- `zstd -dcq FILES > /dev/null`: decompression alone, the floor of reading the feed;
- `zstd -dcq FILES | zstd -1 -q > /dev/null`: decompress and recompress at level 1, what split
  also has to do (its parts are written at level 1);
- `itinerary split --shards N --out TMP --cells CELLS --now T FILES` for each N;
and prints CPU ns per record, records per CPU second, ratios, and bytes in and out.
Data comes from `itinerary generate` (cached under --data).
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SEED = 20220501


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def timed(shell):
    """Runs a shell pipeline under /usr/bin/time -v; returns (wall s, cpu s, peak RSS KiB) of the whole."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", "sh", "-c", shell], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 3):
        log(proc.stderr)
        raise SystemExit(f"FAILED ({proc.returncode}): {shell}")
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", proc.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", proc.stderr).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return wall, user + system, rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/itinerary")
    parser.add_argument("--phones", type=int, default=10000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--shards", default="1,4,32")
    parser.add_argument("--data", default="/tmp/itinerary-split-bench")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    directory = os.path.join(args.data, f"p{args.phones}_d{args.days}_s{SEED}")
    if not os.path.exists(os.path.join(directory, "complete")):
        shutil.rmtree(directory, ignore_errors=True)
        log(f"generating {args.phones} phones x {args.days} days")
        subprocess.run([binary, "generate", "--phones", str(args.phones), "--days", str(args.days), "--seed",
                        str(SEED), "--out", directory], check=True, stdout=sys.stderr)
        open(os.path.join(directory, "complete"), "w").close()
    files = sorted(glob.glob(os.path.join(directory, "feeds", "*.csv.zst")))
    cells = os.path.join(directory, "cells.csv")
    listing = os.path.join(directory, "files.txt")
    with open(listing, "w") as out:
        out.write("\n".join(files) + "\n")
    compressed = sum(os.path.getsize(f) for f in files)
    decompressed = int(subprocess.run(f"xargs zstd -dcq < {listing} | wc -c", shell=True, check=True,
                                      capture_output=True, text=True).stdout)
    records = int(subprocess.run(f"xargs zstd -dcq < {listing} | wc -l", shell=True, check=True,
                                 capture_output=True, text=True).stdout) - len(files)
    log(f"{len(files)} files, {records} lines, {compressed} bytes compressed, {decompressed} decompressed")
    secret = os.environ.setdefault("ITINERARY_PHONE_KEY_SECRET", "split-benchmark-secret-0123456789")
    assert secret
    rows = []
    for run in range(args.runs):
        rows.append(("zstd -d", timed(f"xargs zstd -dcq < {listing} > /dev/null"), None))
        rows.append(("zstd -d | zstd -1", timed(f"xargs zstd -dcq < {listing} | zstd -1 -q > /dev/null"), None))
        for shards in [int(s) for s in args.shards.split(",")]:
            out = tempfile.mkdtemp(prefix="split-bench-", dir=args.data)
            result = timed(f"xargs {binary} split --shards {shards} --out {out} --cells {cells} "
                           f"--now 2030-01-01T00:00:00Z < {listing}")
            written = sum(os.path.getsize(p) for p in glob.glob(os.path.join(out, "*", "*.csv.zst")))
            shutil.rmtree(out)
            rows.append((f"split --shards {shards}", result, written))
    print(f"| run | wall s | CPU s | CPU ns/record | M records/CPU-s | × zstd -d CPU | peak RSS MiB | bytes out |")
    print("|---|---|---|---|---|---|---|---|")
    floor = None
    for name, (wall, cpu, rss), written in rows:
        if name == "zstd -d":
            floor = cpu
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {cpu / records * 1e9:.0f} | {records / cpu / 1e6:.2f} | "
              f"{cpu / floor:.1f} | {rss / 1024:.0f} | {written if written is not None else ''} |")
    print(f"\n{len(files)} files, {records} records, {compressed / records:.1f} compressed bytes/record in, "
          f"{decompressed / records:.1f} CSV bytes/record")


if __name__ == "__main__":
    main()
