#!/usr/bin/env python3
"""Streaming ingest benchmark (issues #4, #20): `itinerary stream` on a drop directory.

Three measurements, each on a fresh embedded PostgreSQL cluster under --work:

  capacity   the daemon is started on an empty inbox and, once it logs `streaming` (cluster up,
             state loaded), every file of a generated feed is renamed in at once: records/s from
             the renames to the last file's commit (read, apply, COPY, commit, move), start-up
             excluded (it is reported on its own).
  sustained  for each fraction of that capacity (default 50, 80 and 95 %), a fresh daemon while a
             feeder renames the files into the inbox at that offered rate: records/s achieved,
             p50/p90/p99/max lag from rename to commit (the daemon's `lag=` log field: commit time
             minus the file's inode change time, which the rename sets), and the backlog left when
             the feeder finished (how long the daemon took to drain it).
  memory     30 simulated days at a steady phone count, delivered one day at a time; after each
             day drains, the daemon's resident set (VmRSS) and phones in state are sampled.

Uses a RELEASE build: --binary, else the newest of .build/release and .build-bench/release
(`swift build -c release --product itinerary` if there is none).

    Benchmarks/stream_bench.py                       # all three, default sizes
    Benchmarks/stream_bench.py --only capacity,sustained --phones 20000 --days 2 --fractions 0.5,0.8,0.95
    Benchmarks/stream_bench.py --only memory --memory-phones 10000 --memory-days 30
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = None  # set by main(): --binary or the newest release build
SECRET = "stream-bench-phone-key-secret-0123456789"
NAME = re.compile(r"^(cmcc|cucc|ctcc|cbn)-(\d{14})-(\d{4})\.csv\.zst$")


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(arguments, **kwargs):
    return subprocess.run([str(BINARY)] + [str(a) for a in arguments], check=True, **kwargs)


def find_binary(given):
    if given:
        return Path(given).resolve()
    candidates = [ROOT / scratch / "release" / "itinerary" for scratch in (".build", ".build-bench")]
    candidates = [path for path in candidates if path.exists()]
    if not candidates:
        log("building the release binary ...")
        subprocess.run(["swift", "build", "-c", "release", "--product", "itinerary"], cwd=ROOT, check=True)
        return ROOT / ".build" / "release" / "itinerary"
    return max(candidates, key=lambda path: path.stat().st_mtime)


def generate(work, phones, days, seed):
    directory = work / f"feed-{phones}p-{days}d-s{seed}"
    if not (directory / "cells.csv").exists():
        log(f"generating {phones} phones x {days} days ...")
        started = time.time()
        run(["generate", "--phones", phones, "--days", days, "--seed", seed, "--out", directory])
        log(f"  generated in {time.time() - started:.1f} s")
    files = sorted((directory / "feeds").glob("*.csv.zst"), key=lambda p: delivery_key(p.name))
    return directory, files


def delivery_key(name):
    match = NAME.match(name)
    return (match.group(2), match.group(1), match.group(3)) if match else ("~", name, "")


class Store:
    """A fresh embedded cluster under `state`, with the feed's cells loaded."""

    def __init__(self, work, label, cells):
        self.state = work / f"state-{label}"
        self.stop()
        shutil.rmtree(self.state, ignore_errors=True)
        self.state.mkdir(parents=True)
        os.chmod(self.state, 0o711)
        run(["cells", "load", "--state", self.state, cells], stderr=subprocess.DEVNULL)

    def stop(self):
        data = self.state / "postgres" / "data"
        if (data / "postmaster.pid").exists():
            subprocess.run(["su", "postgres", "-c", f"pg_ctl -D '{data}' stop -m fast"] if os.geteuid() == 0
                           else ["pg_ctl", "-D", str(data), "stop", "-m", "fast"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Daemon:
    def __init__(self, store, inbox, log_path, extra=()):
        self.log_path = log_path
        self.handle = open(log_path, "w")
        self.process = subprocess.Popen(
            [str(BINARY), "stream", "--inbox", str(inbox), "--state", str(store.state)] + [str(e) for e in extra],
            stdout=subprocess.DEVNULL, stderr=self.handle)

    def wait_for(self, text, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log_path.read_text():
                return
            if self.process.poll() is not None:
                raise SystemExit(f"daemon exited:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.05)
        raise SystemExit(f"no '{text}' in the daemon log after {timeout} s")

    def rss_kib(self):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=120)
        self.handle.close()
        return status


def applied_lines(log_path):
    """Metadata of each `outcome=applied` log line."""
    rows = []
    for line in log_path.read_text().splitlines():
        if "outcome=applied" in line:
            rows.append(dict(re.findall(r"(\w+)=(\S+)", line)))
    return rows


def waiting(inbox):
    return [p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".tmp")]


def deliver(source, inbox):
    """Copy under a .tmp name, then rename into place (atomic delivery)."""
    temporary = inbox / (source.name + ".tmp")
    shutil.copyfile(source, temporary)
    os.rename(temporary, inbox / source.name)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def capacity(work, feed, files):
    """Records/s from dropping every file at once to the last commit, the daemon already up."""
    store = Store(work, "capacity", feed / "cells.csv")
    inbox = work / "inbox-capacity"
    staging = work / "staging-capacity"
    for directory in (inbox, staging):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir()
    for source in files:
        shutil.copyfile(source, staging / source.name)
    launched = time.monotonic()
    daemon = Daemon(store, inbox, work / "capacity.log", ["--poll-interval", "20", "--metrics-port", "0"])
    daemon.wait_for("streaming")
    started = time.monotonic()
    for source in files:
        os.rename(staging / source.name, inbox / source.name)
    while len(finished_lines(daemon.log_path)) < len(files):
        if daemon.process.poll() is not None:
            raise SystemExit(f"daemon exited:\n{daemon.log_path.read_text()[-3000:]}")
        time.sleep(0.01)
    seconds = time.monotonic() - started
    status = daemon.stop()
    store.stop()
    rows = applied_lines(daemon.log_path)
    records = sum(int(r["records"]) for r in rows)
    result = {"files": len(files), "applied": len(rows), "records": records, "seconds": seconds,
              "startup": started - launched, "rate": records / seconds, "status": status,
              "mb": sum(f.stat().st_size for f in files) / 1e6}
    log(f"capacity: {records} records in {len(files)} files ({len(rows)} applied), {seconds:.2f} s from the drop to the "
        f"last commit: {result['rate']:,.0f} records/s (daemon start-up {result['startup']:.1f} s, not counted)")
    return result


def finished_lines(log_path):
    """Log lines of files the daemon is done with (applied, duplicate or refused)."""
    return [line for line in log_path.read_text().splitlines() if re.search(r"outcome=(applied|duplicate|refused)", line)]


def sustained(work, feed, files, rate, poll_ms, label):
    store = Store(work, f"sustained-{label}", feed / "cells.csv")
    inbox = work / f"inbox-sustained-{label}"
    staging = work / f"staging-sustained-{label}"
    for directory in (inbox, staging):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir()
    for source in files:
        shutil.copyfile(source, staging / source.name)
    # Records per file, from the generator's hourly files: the capacity run's log has them.
    counts = {r["file"]: int(r["records"]) for r in applied_lines(work / "capacity.log")}
    # The poll interval trades lag for throughput: files that arrived during one commit are
    # committed together in the next.
    daemon = Daemon(store, inbox, work / f"sustained-{label}.log", ["--poll-interval", str(poll_ms), "--metrics-port", "0"])
    daemon.wait_for("streaming")
    started = time.monotonic()
    offered = 0
    peak_rss = 0
    for source in files:
        # Deliver each file (a rename, as a carrier does) when the offered records so far are due at `rate`.
        pause = started + offered / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        os.rename(staging / source.name, inbox / source.name)
        offered += counts.get(source.name, 0)
        peak_rss = max(peak_rss, daemon.rss_kib())
    feeding = time.monotonic() - started
    while len(finished_lines(daemon.log_path)) < len(files):
        peak_rss = max(peak_rss, daemon.rss_kib())
        time.sleep(0.01)
    drained = time.monotonic() - started
    status = daemon.stop()
    rows = applied_lines(daemon.log_path)
    lags = [float(r["lag"]) for r in rows]
    records = sum(int(r["records"]) for r in rows)
    store.stop()
    result = {"offered": rate, "records": records, "files": len(rows), "feeding": feeding, "drained": drained,
              "backlog": drained - feeding, "achieved": records / drained, "p50": percentile(lags, 0.5),
              "p90": percentile(lags, 0.9), "p99": percentile(lags, 0.99), "max": max(lags),
              "peak_rss_mb": peak_rss / 1024, "status": status}
    log(f"sustained {label}: offered {rate:,.0f} records/s for {feeding:.1f} s; {records} records in {drained:.1f} s = "
        f"{result['achieved']:,.0f} records/s; lag p50 {result['p50']:.3f} s p90 {result['p90']:.3f} s "
        f"p99 {result['p99']:.3f} s max {result['max']:.3f} s; drained {result['backlog']:.2f} s after the last file; "
        f"peak RSS {result['peak_rss_mb']:.0f} MB; exit {status}")
    return result


def memory(work, phones, days, seed):
    feed, files = generate(work, phones, days, seed)
    store = Store(work, "memory", feed / "cells.csv")
    inbox = work / "inbox-memory"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir()
    daemon = Daemon(store, inbox, work / "memory.log", ["--poll-interval", "20"])
    daemon.wait_for("streaming")
    by_day = {}
    for source in files:
        by_day.setdefault(delivery_key(source.name)[0][:8], []).append(source)
    table = []
    seen = 0
    for index, day in enumerate(sorted(by_day), start=1):
        started = time.time()
        for source in by_day[day]:
            deliver(source, inbox)
        while waiting(inbox):
            time.sleep(0.02)
        seconds = time.time() - started
        rows = applied_lines(daemon.log_path)
        records = sum(int(r["records"]) for r in rows[seen:])
        phones_in_state = rows[-1]["phones"] if rows else "0"
        seen = len(rows)
        table.append((index, day, len(by_day[day]), records, phones_in_state, daemon.rss_kib() / 1024, seconds))
        log(f"  day {index:2d} {day}: {len(by_day[day])} files, {records} records, phones {phones_in_state}, "
            f"RSS {table[-1][5]:.1f} MB, {seconds:.1f} s")
    status = daemon.stop()
    store.stop()
    return table, status


def main():
    global BINARY
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default="/tmp/itinerary-stream-bench", help="scratch directory (feeds, clusters, logs)")
    parser.add_argument("--binary", help="the itinerary binary (default: the newest release build)")
    parser.add_argument("--only", default="capacity,sustained,memory")
    parser.add_argument("--phones", type=int, default=20_000, help="phones of the throughput feed")
    parser.add_argument("--days", type=int, default=2, help="days of the throughput feed")
    parser.add_argument("--fractions", default="0.5,0.8,0.95", help="offered rates in the sustained runs, as "
                        "fractions of the measured capacity (default %(default)s)")
    parser.add_argument("--rate", type=float, help="one offered rate in records/s instead of --fractions")
    parser.add_argument("--memory-phones", type=int, default=10_000)
    parser.add_argument("--memory-days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--poll-interval", type=int, default=20, help="daemon poll interval in the sustained run, ms")
    args = parser.parse_args()
    os.environ["ITINERARY_PHONE_KEY_SECRET"] = SECRET
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o711)
    BINARY = find_binary(args.binary)
    only = set(args.only.split(","))
    print(f"# itinerary stream benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, `{BINARY}`, "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])})\n")
    if only & {"capacity", "sustained"}:
        feed, files = generate(work, args.phones, args.days, args.seed)
        cap = capacity(work, feed, files)
        print(f"## Capacity ({args.phones} phones x {args.days} days, every file renamed in at once, daemon already up)\n")
        print("| files | records | compressed MB | drop to last commit s | records/s | daemon start-up s (not counted) |")
        print("|---:|---:|---:|---:|---:|---:|")
        print(f"| {cap['files']} | {cap['records']:,} | {cap['mb']:.1f} | {cap['seconds']:.2f} | {cap['rate']:,.0f} "
              f"| {cap['startup']:.1f} |\n")
        if "sustained" in only:
            plan = ([(f"{args.rate:.0f}/s", args.rate)] if args.rate else
                    [(f"{float(f) * 100:.0f}%", float(f) * cap["rate"]) for f in args.fractions.split(",")])
            rows = [(label, sustained(work, feed, files, rate, args.poll_interval, label.rstrip("%/s")))
                    for label, rate in plan]
            print("## Sustained (a feeder renames files in at a fixed offered rate; lag = commit − rename)\n")
            print("| offered | offered records/s | achieved records/s | feeding s | drain after last file s | files "
                  "| lag p50 s | p90 s | p99 s | max s | peak RSS MB |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for label, sus in rows:
                print(f"| {label} of capacity | {sus['offered']:,.0f} | {sus['achieved']:,.0f} | {sus['feeding']:.1f} "
                      f"| {sus['backlog']:.2f} | {sus['files']} | {sus['p50']:.3f} | {sus['p90']:.3f} | {sus['p99']:.3f} "
                      f"| {sus['max']:.3f} | {sus['peak_rss_mb']:.0f} |")
            print()
    if "memory" in only:
        table, status = memory(work, args.memory_phones, args.memory_days, args.seed)
        print(f"## Resident memory over {args.memory_days} simulated days ({args.memory_phones} phones, one day delivered at a time)\n")
        print("| day | date | files | records | phones in state | RSS MB | drain s |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for row in table:
            print(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]:,} | {row[4]} | {row[5]:.1f} | {row[6]:.1f} |")
        print(f"\n(daemon exit status after SIGTERM: {status})")


if __name__ == "__main__":
    main()
