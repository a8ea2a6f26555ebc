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

With --peer flink (the streaming peer, issue #20), instead: the same feed, drop directory layout
and offered rates for `itinerary stream` and for a Flink job (flink_stream.py, PyFlink in
Benchmarks/.venv, pip-installed if missing; Debian's openjdk-17-jre-headless): each one's
capacity, then each at 50/80/95 % of the daemon's capacity and of Flink's own, one after the other
(never both at once), with lag p50/p90/p99/max measured the same way for both: from the file's
arrival in the drop directory (its inode change time, set by the delivering rename) to the card
reflecting its records being readable — for the daemon, the commit (its `lag=`); for Flink, the
sink's emission of the last card line naming the file. A relay decompresses each file for Flink's
file source (no zstd codec there), at most --peer-ahead files ahead of what Flink has emitted
(its source reads a backlog out of order). Flink's final cards are checked equal,
phone by phone, to offline `itinerary cards` on the same files, and the daemon's stored cards
(`itinerary card`, 40 phones sampled) to the same; records Flink dropped as late are counted.

Uses a RELEASE build: --binary, else the newest of .build/release and .build-bench/release
(`swift build -c release --product itinerary` if there is none).

    Benchmarks/stream_bench.py                       # all three, default sizes
    Benchmarks/stream_bench.py --only capacity,sustained --phones 20000 --days 2 --fractions 0.5,0.8,0.95
    Benchmarks/stream_bench.py --only memory --memory-phones 10000 --memory-days 30
    Benchmarks/stream_bench.py --peer flink --phones 2000 --days 2          # against Flink, about 20 minutes

The daemon runs with --settle 0 (default of --settle here): the feeder delivers by atomic rename,
and the daemon's own default (2 s unchanged before a file is taken) would add 2 s to every lag.
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
SETTLE = 0  # set by main(): the daemon's --settle
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


def itinerary_cpu(daemon, store):
    """CPU seconds so far of the daemon and of its PostgreSQL server (the postmaster's tree)."""
    total = tree_cpu_seconds(daemon.process.pid)
    try:
        total += tree_cpu_seconds(int((store.state / "postgres" / "data" / "postmaster.pid").read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        pass
    return total


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


def capacity(work, feed, files, reference=None):
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
    daemon = Daemon(store, inbox, work / "capacity.log", ["--poll-interval", "20", "--metrics-port", "0", "--settle", str(SETTLE)])
    daemon.wait_for("streaming")
    cpu_before = itinerary_cpu(daemon, store)
    started = time.monotonic()
    for source in files:
        os.rename(staging / source.name, inbox / source.name)
    while len(finished_lines(daemon.log_path)) < len(files):
        if daemon.process.poll() is not None:
            raise SystemExit(f"daemon exited:\n{daemon.log_path.read_text()[-3000:]}")
        time.sleep(0.01)
    seconds = time.monotonic() - started
    cpu = itinerary_cpu(daemon, store) - cpu_before
    status = daemon.stop()
    stored, sample = None, []
    if reference:
        import random
        sample = random.Random(1).sample(sorted(reference), min(40, len(reference)))
        cards = stored_sample(store, sample)
        stored = sum(1 for phone in sample if cards[phone] != reference[phone])
    store.stop()
    rows = applied_lines(daemon.log_path)
    records = sum(int(r["records"]) for r in rows)
    result = {"files": len(files), "applied": len(rows), "records": records, "seconds": seconds,
              "startup": started - launched, "rate": records / seconds, "status": status,
              "mb": sum(f.stat().st_size for f in files) / 1e6,
              "cpu": cpu, "late": sum(int(r.get("late", 0)) for r in rows), "stored_differing": stored, "stored_checked": len(sample) if reference else 0}
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
    daemon = Daemon(store, inbox, work / f"sustained-{label}.log", ["--poll-interval", str(poll_ms), "--metrics-port", "0",
                                                                    "--settle", str(SETTLE)])
    daemon.wait_for("streaming")
    cpu_before = itinerary_cpu(daemon, store)
    started = time.monotonic()
    peak_rss = offer(files, staging, inbox, rate, counts, lambda: daemon.rss_kib())
    feeding = time.monotonic() - started
    while len(finished_lines(daemon.log_path)) < len(files):
        peak_rss = max(peak_rss, daemon.rss_kib())
        time.sleep(0.01)
    drained = time.monotonic() - started
    cpu = itinerary_cpu(daemon, store) - cpu_before
    status = daemon.stop()
    rows = applied_lines(daemon.log_path)
    lags = [float(r["lag"]) for r in rows]
    records = sum(int(r["records"]) for r in rows)
    store.stop()
    result = {"offered": rate, "records": records, "files": len(rows), "feeding": feeding, "drained": drained,
              "backlog": drained - feeding, "achieved": records / drained, "p50": percentile(lags, 0.5),
              "p90": percentile(lags, 0.9), "p99": percentile(lags, 0.99), "max": max(lags),
              "peak_rss_mb": peak_rss / 1024, "status": status, "cpu": cpu,
              "late": sum(int(r.get("late", 0)) for r in rows)}
    log(f"sustained {label}: offered {rate:,.0f} records/s for {feeding:.1f} s; {records} records in {drained:.1f} s = "
        f"{result['achieved']:,.0f} records/s; lag p50 {result['p50']:.3f} s p90 {result['p90']:.3f} s "
        f"p99 {result['p99']:.3f} s max {result['max']:.3f} s; drained {result['backlog']:.2f} s after the last file; "
        f"peak RSS {result['peak_rss_mb']:.0f} MB; exit {status}")
    return result


def offer(files, staging, inbox, rate, counts, sample):
    """Renames the files from staging into the inbox at `rate` offered records/s (a file when the
    records offered before it are due); returns the largest of sample() meanwhile."""
    started = time.monotonic()
    offered = 0
    peak = 0
    for source in files:
        # Deliver each file (a rename, as a carrier does) when the offered records so far are due at `rate`.
        pause = started + offered / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        os.rename(staging / source.name, inbox / source.name)
        offered += counts.get(source.name, 0)
        peak = max(peak, sample())
    return peak


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


# --- The Flink peer (--peer flink) ---------------------------------------------------------

VENV = ROOT / "Benchmarks" / ".venv"
LATENESS, WINDOW = 86_400, 14 * 86_400  # the daemon's defaults (docs/rules.md)


def venv_python():
    """Benchmarks/.venv's python with apache-flink in it (created and pip-installed if missing, as
    window_bench.py does)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        log(f"creating the virtual environment {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if subprocess.run([str(python), "-c", "import pyflink"], capture_output=True).returncode != 0:
        log(f"installing into {VENV} with pip: apache-flink")
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "apache-flink"], check=True, stdout=sys.stderr)
    if not shutil.which("java"):
        raise SystemExit("java is missing (Flink needs it): apt-get install -y openjdk-17-jre-headless")
    return python


def feed_header(path):
    line = subprocess.run(f"zstd -dcq '{path}' | head -n 1", shell=True, check=True, capture_output=True).stdout
    return [name.strip(" \t").lower() for name in line.decode().lstrip("\ufeff").rstrip("\r\n").split(",")]


def tree_cpu_seconds(pid):
    """User + system CPU of pid's live tree and of the children it reaped (/proc/PID/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15])
            for task in os.listdir(f"/proc/{current}/task"):
                stack.extend(int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def tree_pids(pid):
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                stack.extend(int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except (OSError, ValueError):
            pass
    return pids


def cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def tree_rss_kib(pid):
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                stack.extend(int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except (OSError, ValueError):
            pass
    return total


class FlinkPeer:
    """flink_stream.py's job on a drop directory of its own, with the relay that decompresses each
    arriving `.csv.zst` for Flink's file source, and the reader of its sink (the job's stdout).

    Lag of a file = the time the sink emitted the last card line naming it (read from the pipe
    as it is written) minus the file's arrival in the drop directory (its inode change time,
    which the delivering rename sets: what the daemon's `lag=` measures from)."""

    def __init__(self, work, label, feed, files, parallelism, poll_ms, expected, ahead):
        self.inbox = work / f"inbox-flink-{label}"
        self.input = work / f"flink-input-{label}"
        for directory in (self.inbox, self.input):
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
        headers = {}
        for source in files:
            carrier = NAME.match(source.name).group(1)
            if carrier not in headers:
                headers[carrier] = feed_header(source)
                (self.input / carrier).mkdir()
        self.poll = poll_ms / 1000
        self.parallelism = parallelism
        self.expected, self.ahead = expected, ahead
        self.arrival, self.last, self.lines, self.cards = {}, {}, {}, {}
        self.emitted = 0
        self.late = 0
        self.last_emission = None
        self.relayed = 0
        self.stopping = False
        self.log_path = work / f"flink-{label}.log"
        self.handle = open(self.log_path, "w")
        import json
        self.process = subprocess.Popen(
            [str(venv_python()), str(ROOT / "Benchmarks" / "flink_stream.py"), "--input", str(self.input),
             "--headers", json.dumps(headers), "--cells", str(feed / "cells.csv"), "--parallelism", str(parallelism),
             "--lateness", str(LATENESS), "--window", str(WINDOW)],
            stdout=subprocess.PIPE, stderr=self.handle, start_new_session=True)
        import threading
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        self.relay_thread = threading.Thread(target=self.relay, daemon=True)
        self.relay_thread.start()

    def read(self):
        for line in self.process.stdout:
            now = time.time()
            parts = line.rstrip(b"\n").split(b"\t", 2)
            if len(parts) != 3:
                continue
            name = parts[0].split(b"> ", 1)[-1].decode() + ".zst"  # the print sink's "N> " subtask prefix
            self.last[name] = now
            self.lines[name] = self.lines.get(name, 0) + 1
            if parts[1]:
                self.cards[parts[1].decode()] = parts[2]
            else:
                self.late += 1  # older than Flink's watermark: dropped, not applied
            self.emitted += 1
            self.last_emission = now

    def relay(self):
        """Each file arriving in the drop directory, decompressed into its carrier's directory
        (a hidden name, then a rename: Flink's file source skips names starting with '.')."""
        seen = set()
        self.handed = []
        while not self.stopping:
            found = False
            # In delivery order, as the daemon takes them: Flink's watermark follows the order it
            # reads files in, and a file read after others more than L newer loses its records as late.
            for path in sorted(self.inbox.iterdir(), key=lambda p: delivery_key(p.name)):
                match = NAME.match(path.name)
                if not match or path.name in seen:
                    continue
                found = True
                # At most `ahead` files handed to Flink and not yet all out: its file source reads
                # the files of a backlog out of delivery order (older after newer, as measured), so
                # a backlog wider than L would otherwise lose records as late.
                while self.ahead and not self.stopping and sum(
                        1 for name in self.handed if self.lines.get(name, 0) < self.expected.get(name, 0)) >= self.ahead:
                    time.sleep(0.005)
                seen.add(path.name)
                self.handed.append(path.name)
                self.arrival[path.name] = path.stat().st_ctime
                plain = path.name[:-len(".zst")]
                hidden = self.input / match.group(1) / f".{plain}"
                subprocess.run(["zstd", "-dqf", str(path), "-o", str(hidden)], check=True)
                os.rename(hidden, self.input / match.group(1) / plain)
                self.relayed += 1
            if not found:
                time.sleep(self.poll)

    def wait_running(self, settle=3.0, timeout=300):
        deadline = time.time() + timeout
        while "flink job running" not in self.log_path.read_text():
            if self.process.poll() is not None or time.time() > deadline:
                raise SystemExit(f"the Flink job did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.1)
        # The tasks deploy, and their Python workers start, after RUNNING: wait for those.
        while sum(1 for pid in tree_pids(self.process.pid) if b"beam_boot" in cmdline(pid)) < self.parallelism:
            if self.process.poll() is not None or time.time() > deadline:
                raise SystemExit(f"the Flink job's Python workers did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.1)
        time.sleep(settle)

    def wait_done(self, files, expected, quiet=5.0, timeout=3600):
        """Until every file's records are all out: its line count reaches `expected` (the daemon's
        applied records of that file), or, lacking that, every file named and `quiet` seconds
        without a line."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the Flink job exited:\n{self.log_path.read_text()[-3000:]}")
            missing = [f.name for f in files if self.lines.get(f.name, 0) < expected.get(f.name, 0)]
            silent = time.time() - (self.last_emission or time.time()) > quiet
            if not missing and (expected or silent):
                return
            if missing and self.relayed == len(files) and time.time() - (self.last_emission or time.time()) > 60:
                log(f"  flink: no line for 60 s and {len(missing)} files short of their records, e.g. "
                    + ", ".join(f"{n} {self.lines.get(n, 0)}/{expected.get(n, 0)}" for n in missing[:3]))
                return
            time.sleep(0.05)
        raise SystemExit("the Flink job did not finish in time")

    def stop(self):
        cpu = tree_cpu_seconds(self.process.pid)
        self.stopping = True
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        self.reader.join(timeout=10)
        self.handle.close()
        return cpu

    def lags(self, files):
        return [self.last[f.name] - self.arrival[f.name] for f in files if f.name in self.last and f.name in self.arrival]


def flink_run(work, feed, files, label, rate, parallelism, poll_ms, expected, ahead):
    """One Flink run: every file at once (rate None: capacity) or offered at `rate` records/s."""
    peer = FlinkPeer(work, label, feed, files, parallelism, poll_ms, expected, ahead)
    staging = work / f"staging-flink-{label}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    for source in files:
        shutil.copyfile(source, staging / source.name)
    launched = time.monotonic()
    peer.wait_running()
    startup = time.monotonic() - launched
    cpu_before = tree_cpu_seconds(peer.process.pid)
    started, started_wall = time.monotonic(), time.time()
    # The same offered schedule as the daemon's sustained runs (records per file from its capacity run).
    counts = {r["file"]: int(r["records"]) for r in applied_lines(work / "capacity.log")}
    if rate is None:
        for source in files:
            os.rename(staging / source.name, peer.inbox / source.name)
        peak = 0
    else:
        peak = offer(files, staging, peer.inbox, rate, counts, lambda: tree_rss_kib(peer.process.pid))
    feeding = time.monotonic() - started
    while True:
        peak = max(peak, tree_rss_kib(peer.process.pid))
        try:
            peer.wait_done(files, expected, timeout=0.5)
            break
        except SystemExit as error:
            if "did not finish" not in str(error):
                raise
    seconds = peer.last_emission - started_wall
    cpu = peer.stop() - cpu_before
    lags = peer.lags(files)
    result = {"label": label, "offered": rate, "records": peer.emitted, "late": peer.late, "files": len(lags), "feeding": feeding,
              "drained": seconds, "backlog": seconds - feeding, "achieved": peer.emitted / seconds, "rate": peer.emitted / seconds,
              "seconds": seconds, "startup": startup, "cpu": cpu, "peak_rss_mb": peak / 1024, "cards": peer.cards,
              "p50": percentile(lags, 0.5), "p90": percentile(lags, 0.9), "p99": percentile(lags, 0.99), "max": max(lags)}
    log(f"flink {label}: {peer.emitted} card lines ({peer.late} late records) for {len(lags)} files in {seconds:.2f} s = {result['rate']:,.0f} records/s"
        f" (offered {rate or 0:,.0f}); lag p50 {result['p50']:.3f} p99 {result['p99']:.3f} max {result['max']:.3f} s;"
        f" CPU {cpu:.1f} s; peak RSS {result['peak_rss_mb']:.0f} MB; start-up {startup:.1f} s (not counted)")
    return result


def offline_cards(feed, days):
    """`itinerary cards` at the end of the data (T = START + days; W = 14 d covers the feed): {phone: card}."""
    import json
    start = 1_651_363_200  # FeedGenerator's default start, 2022-05-01T00:00:00Z
    T = start + days * 86_400
    out = subprocess.run([str(BINARY), "cards", "--cells", str(feed / "cells.csv"), "--at", str(T), "--now", str(T),
                          "--lateness", f"{LATENESS}s", "--window", f"{WINDOW}s", str(feed / "feeds")],
                         check=True, capture_output=True).stdout
    cards = {}
    for line in out.splitlines():
        card = json.loads(line)
        cards[card.pop("phone")] = card
    return cards


def compare_cards(reference, peer_cards, label):
    """Phones whose card differs (or is missing on one side); logs the first few."""
    import json
    differing = [phone for phone in set(reference) | set(peer_cards)
                 if phone not in peer_cards or phone not in reference or json.loads(peer_cards[phone]) != reference[phone]]
    for phone in sorted(differing)[:3]:
        log(f"  {label} differs on {phone}: itinerary {reference.get(phone)} flink {peer_cards.get(phone)}")
    return len(differing)


def stored_sample(store, phones):
    """The stream store's cards of a few phones (`itinerary card`, the stored card at the data time)."""
    import json
    cards = {}
    for phone in phones:
        line = subprocess.run([str(BINARY), "card", "--state", str(store.state), phone], check=True,
                              capture_output=True).stdout
        card = json.loads(line)
        card.pop("phone")
        cards[phone] = card
    return cards


def main():
    global BINARY, SETTLE
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
    parser.add_argument("--settle", type=float, default=0, help="the daemon's --settle, seconds (default %(default)s: "
                        "the feeder delivers by atomic rename; the daemon's own default, 2 s, adds 2 s to every lag)")
    parser.add_argument("--peer", choices=["flink"], help="also run the streaming peer (flink_stream.py) on the same feed "
                        "at the same offered rates: those of itinerary's capacity and those of the peer's own")
    parser.add_argument("--peer-ahead", type=int, default=8, help="most files the relay hands Flink before the "
                        "earlier ones are all out (0: no bound; Flink then reads a backlog out of order and drops "
                        "what falls behind its watermark as late); default %(default)s, two hours of four carriers")
    parser.add_argument("--peer-parallelism", type=int, default=2, help="the Flink job's parallelism (default %(default)s)")
    args = parser.parse_args()
    SETTLE = args.settle
    if args.peer:
        return peer_main(args)
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


def peer_main(args):
    """--peer flink: capacity and lag of `itinerary stream` and of the Flink job, at the same offered
    rates (fractions of each one's capacity), and the final cards checked equal."""
    global BINARY
    os.environ["ITINERARY_PHONE_KEY_SECRET"] = SECRET
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o711)
    BINARY = find_binary(args.binary)
    venv_python()
    print(f"# itinerary stream against Flink ({time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} CPUs, `{BINARY}`, "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])})\n")
    feed, files = generate(work, args.phones, args.days, args.seed)
    reference = offline_cards(feed, args.days)
    log(f"offline cards: {len(reference)} phones")
    cap = capacity(work, feed, files, reference)
    # Flink emits one card line per accepted record, a duplicate included (its card unchanged).
    expected = {r["file"]: int(r["accepted"]) + int(r["duplicates"]) for r in applied_lines(work / "capacity.log")}
    fcap = flink_run(work, feed, files, "capacity", None, args.peer_parallelism, args.poll_interval, expected,
                    args.peer_ahead)
    checks = [("flink capacity", compare_cards(reference, fcap["cards"], "flink capacity"))]
    fractions = [float(f) for f in args.fractions.split(",")]
    rows = [("itinerary", "capacity", None, cap), ("flink", "capacity", None, fcap)]
    for base_name, base in (("itinerary", cap["rate"]), ("flink", fcap["rate"])):
        for fraction in fractions:
            rate = fraction * base
            label = f"{fraction * 100:.0f}% of {base_name}"
            tag = f"{base_name[0]}{fraction * 100:.0f}"
            sus = sustained(work, feed, files, rate, args.poll_interval, f"{tag}")
            rows.append(("itinerary", label, rate, sus))
            run_ = flink_run(work, feed, files, tag, rate, args.peer_parallelism, args.poll_interval, expected,
                    args.peer_ahead)
            checks.append((f"flink {label}", compare_cards(reference, run_["cards"], f"flink {label}")))
            rows.append(("flink", label, rate, run_))
    print(f"## {args.phones} phones x {args.days} days, {len(files)} files, {cap['records']:,} records; Flink parallelism "
          f"{args.peer_parallelism}, relay at most {args.peer_ahead or 'any number of'} files ahead; itinerary `stream` default "
          f"workers, --settle {args.settle:g}\n")
    print("| engine | offered | offered records/s | achieved records/s | first drop to last card s | feeding s "
          "| drained after last file s | lag p50 s | p90 s | p99 s | max s | CPU s (daemon + PostgreSQL; Flink's tree) "
          "| peak RSS MB | late records |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for engine, label, rate, r in rows:
        achieved = r.get("achieved", r.get("rate"))
        total = r["seconds"] if label == "capacity" else r["drained"]
        lag = ("| | | | " if label == "capacity" and engine == "itinerary" else
               f"| {r['p50']:.2f} | {r['p90']:.2f} | {r['p99']:.2f} | {r['max']:.2f} ")
        rss = r.get("peak_rss_mb")
        print(f"| {engine} | {label} | {'' if rate is None else f'{rate:,.0f}'} | {achieved:,.0f} | {total:.1f} "
              f"| {r.get('feeding', 0):.1f} | {r.get('backlog', 0):.2f} {lag}| {r.get('cpu', float('nan')):.1f} "
              f"| {'' if not rss else f'{rss:.0f}'} | {r.get('late', 0):,} |")
    print()
    print(f"Start-up, not counted: itinerary {cap['startup']:.1f} s, Flink {fcap['startup']:.1f} s (job RUNNING + 3 s).\n")
    for label, differing in checks:
        print(f"- {label}: " + ("cards equal to itinerary's on all %d phones" % len(reference) if not differing
                                else f"{differing} phones differ"))
    stored = cap.get("stored_differing")
    if stored is not None:
        print(f"- itinerary stream (stored cards after the capacity run, {cap['stored_checked']} phones sampled): "
              + ("equal to offline `cards`" if not stored else f"{stored} differ"))
    if any(differing for _, differing in checks) or stored:
        raise SystemExit(1)
    print("\ncards equal")


if __name__ == "__main__":
    main()
