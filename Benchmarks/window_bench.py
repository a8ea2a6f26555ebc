#!/usr/bin/env python3
"""Window benchmark (Benchmarks/README.md): the offline pipeline against its peers and the zstd floor.

One run builds the release binary, generates feeds with the project's generator, runs
`itinerary cards --window Wd --at T --workers N` per size and thread count (W = the generated
days, T = end of data), times `zstd -dc` over the same files, computes the same cards with each
peer engine on N threads (peers.py: DuckDB SQL, Polars lazy frames, Spark SQL on local[N], Flink
SQL in a batch TableEnvironment of parallelism N), CHECKS that every peer's cards equal the
project's on every phone (exits 1 otherwise), and writes a Markdown table, growth fits and a PNG
plot into Benchmarks/report/. Time, CPU and peak memory are those of each run's whole process
tree (a JVM included; measure.py).

    python3 Benchmarks/window_bench.py                 # default: 10k phones x 7, 14, 28 days, DuckDB, 1 and 2 threads
    python3 Benchmarks/window_bench.py --sizes 2000x7 --baselines duckdb,polars,spark,flink --skip-build
    python3 Benchmarks/window_bench.py --sizes 10000x14 --baselines duckdb,polars,spark,flink --threads 1,2
    python3 Benchmarks/window_bench.py --large         # adds 100k and 1M phones x 7, 14, 28 days (hours)

Needs: swift, zstd, /usr/bin/time (apt-get install time zstd), and for Spark and Flink a JDK
(apt-get install openjdk-17-jre-headless). Python packages (matplotlib and the peers' packages:
duckdb, polars, pyspark, apache-flink) are installed with pip into Benchmarks/.venv, which the
script creates and re-runs itself in.
"""
import argparse
import glob
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone

import peers
from measure import measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(HERE, ".venv")
START = peers.START
SEED = 20220501
DAY = 86_400
PEERS = list(peers.ENGINES)
LABELS = {"project": "itinerary", "duckdb": "DuckDB", "polars": "Polars", "spark": "Spark", "flink": "Flink"}


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_environment(baselines):
    """Creates Benchmarks/.venv, pip-installs what is missing there, and re-runs this script in it."""
    if peers.JVM & set(baselines) and not shutil.which("java"):
        raise SystemExit("java is missing (Spark and Flink need it): apt-get install -y openjdk-17-jre-headless")
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        log(f"creating the virtual environment {VENV}")
        run([sys.executable, "-m", "venv", VENV])
    wanted = {"matplotlib": "matplotlib", **{peers.MODULES[b]: peers.PACKAGES[b] for b in baselines}}
    probe = "import importlib.util, sys; print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))"
    missing = [wanted[m] for m in run([python, "-c", probe, *wanted], capture_output=True, text=True).stdout.split()]
    if missing:
        log(f"installing into {VENV} with pip: {' '.join(missing)}")
        run([python, "-m", "pip", "install", "--quiet", *missing], stdout=sys.stderr)
    if os.path.realpath(sys.prefix) != os.path.realpath(VENV):
        os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])


def build(scratch):
    command = ["swift", "build", "-c", "release", "--product", "itinerary"] + (["--scratch-path", scratch] if scratch else [])
    log(f"building: {' '.join(command)}")
    run(command, cwd=ROOT, stdout=sys.stderr)
    bin_dir = run(command[:4] + command[6:] + ["--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_dir, "itinerary")


def find_binary():
    """With --skip-build: the newest release binary of the shared .build or the benchmark's .build-bench."""
    candidates = [path for path in (os.path.join(ROOT, scratch, "release", "itinerary") for scratch in (".build", ".build-bench"))
                  if os.path.exists(path)]
    if not candidates:
        raise SystemExit("no release binary in .build/release or .build-bench/release: build one, or give --binary")
    return max(candidates, key=os.path.getmtime)


def commit_of_tree(binary):
    """The commit the binary was built from, as far as can be told: a COMMIT file in its scratch
    directory (written by whoever built it from a `git archive` export), else this checkout's HEAD,
    flagged when Sources has changes."""
    noted = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(binary))), "COMMIT")
    if os.path.exists(noted):
        return open(noted).read().strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "Sources", "Package.swift"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return head + (" (Sources modified in the work tree)" if dirty else "")


def generate(binary, data, phones, days):
    directory = os.path.join(data, f"p{phones}_d{days}_s{SEED}")
    marker = os.path.join(directory, "complete")
    if not os.path.exists(marker):
        shutil.rmtree(directory, ignore_errors=True)
        log(f"generating {phones} phones x {days} days")
        started = time.perf_counter()
        run([binary, "generate", "--phones", str(phones), "--days", str(days), "--seed", str(SEED),
             "--out", directory], stdout=sys.stderr, stderr=sys.stderr)
        log(f"  generated in {time.perf_counter() - started:.1f} s")
        open(marker, "w").close()
    return directory


def feed_files(directory):
    return sorted(glob.glob(os.path.join(directory, "feeds", "*.csv.zst")))


def run_cards(binary, directory, days, out, workers):
    T = START + days * DAY
    command = [binary, "cards", "--cells", os.path.join(directory, "cells.csv"), "--at", str(T), "--now", str(T),
               "--window", f"{days}d", "--workers", str(workers), os.path.join(directory, "feeds")]
    with open(out, "w") as stdout, open(out + ".err", "w+") as stderr:
        result = measure(command, stdout=stdout, stderr=stderr)
        stderr.seek(0)
        err = stderr.read()
    if result["returncode"] != 0:
        log(err)
        raise SystemExit(f"FAILED ({result['returncode']}): {' '.join(command)}")
    summary = [line for line in err.splitlines() if line.startswith("files ")][-1]
    numbers = {key: int(value) for key, value in re.findall(r"(records|accepted|duplicate|late|rejected|cards) (\d+)", summary)}
    return dict(result, summary=summary, **numbers)


def zstd_floor(files):
    started = time.perf_counter()
    with open(os.devnull, "w") as null:
        run(["zstd", "-dcq"] + files, stdout=null)
    wall = time.perf_counter() - started
    decompress = subprocess.Popen(["zstd", "-dcq"] + files, stdout=subprocess.PIPE)
    csv_bytes = 0
    while chunk := decompress.stdout.read(1 << 20):
        csv_bytes += len(chunk)
    decompress.wait()
    return wall, csv_bytes


def run_peer(name, directory, days, out, threads, heap):
    """One peer in a child process of its own: its whole tree measured, its own timings read back."""
    cmd = [sys.executable, os.path.abspath(__file__), "--engine-worker", name, "--worker-dir", directory,
           "--worker-days", str(days), "--worker-out", out, "--threads", str(threads), "--jvm-heap", heap]
    env = dict(os.environ)
    if name == "flink":
        env["JAVA_TOOL_OPTIONS"] = f"-Xmx{heap}"  # PyFlink's JVM: the same heap limit as Spark's driver
    with open(out + ".time", "w") as stdout, open(out + ".err", "w") as stderr:
        result = measure(cmd, stdout=stdout, stderr=stderr, env=env)
    if result["returncode"] != 0:
        tail = open(out + ".err").read()[-3000:]
        log(f"  {name} FAILED ({result['returncode']}):\n{tail}")
        return dict(result, failed=True)
    return dict(result, **json.loads(open(out + ".time").read().strip().splitlines()[-1]))


def compare(project_out, peer_out, name):
    """Exact equality of the two card sets, phone by phone, after JSON parsing: (phones, differing)."""
    def load(path):
        cards = {}
        for line in open(path):
            card = json.loads(line)
            cards[card["phone"]] = card
        return cards
    ours, theirs = load(project_out), load(peer_out)
    differences = [(phone, ours.get(phone), theirs.get(phone))
                   for phone in sorted(set(ours) | set(theirs)) if ours.get(phone) != theirs.get(phone)]
    if differences:
        log(f"  MISMATCH: {len(differences)} of {len(ours)} phones differ between the project and {name}")
        for phone, a, b in differences[:5]:
            log(f"  {phone}\n    project: {json.dumps(a, ensure_ascii=False)}\n    {name}: {json.dumps(b, ensure_ascii=False)}")
    return len(ours), len(differences)


def fit_exponent(xs, ys):
    """Least-squares slope of log y against log x: y ∝ x^k."""
    points = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y > 0]
    if len(points) < 2 or len({p[0] for p in points}) < 2:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} CPUs ({model}), {memory / 1024 / 1024:.0f} GiB RAM, {platform.system()} {platform.release()}"


def mib(kib):
    return kib / 1024


def plot(results, path):
    """Per size: records/s (log) and peak memory of each engine at each thread count."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(results), 2, figsize=(11, 3.6 * len(results)), squeeze=False)
    for row, r in zip(axes, results):
        engines = ["project"] + [name for name in PEERS if any(name in run["peers"] for run in r["runs"])]
        width = 0.8 / len(r["runs"])
        for index, run_ in enumerate(r["runs"]):
            xs = [i + (index - (len(r["runs"]) - 1) / 2) * width for i in range(len(engines))]
            rows = [run_["project"] if e == "project" else run_["peers"].get(e, {}) for e in engines]
            rate = [r["records"] / x["wall"] if x and not x.get("failed") else 0 for x in rows]
            memory = [mib(x["rss_kib"]) if x and not x.get("failed") else 0 for x in rows]
            row[0].bar(xs, rate, width, label=f"{run_['threads']} thread(s)")
            row[1].bar(xs, memory, width, label=f"{run_['threads']} thread(s)")
        for ax, title, unit in [(row[0], "records/s, whole run (start-up included)", "records/s"),
                                (row[1], "peak memory, whole process tree", "MiB")]:
            ax.set_xticks(range(len(engines)))
            ax.set_xticklabels([LABELS[e] for e in engines])
            ax.set_yscale("log")
            ax.set_ylabel(unit)
            ax.set_title(f"{r['phones']:,} phones × {r['days']} d: {title}", fontsize=9)
            ax.legend(fontsize=8)
            ax.grid(alpha=0.3, which="both", axis="y")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000x7,10000x14,10000x28", help="PHONESxDAYS,... (default %(default)s)")
    parser.add_argument("--large", action="store_true", help="add 100k and 1M phones x 7, 14, 28 days")
    parser.add_argument("--baselines", default="duckdb", help=f"peers to run, of {','.join(PEERS)} (default %(default)s)")
    parser.add_argument("--threads", default="1,2", help="thread counts: the project's --workers and each peer's "
                        "threads or parallelism, equal in each row (default %(default)s)")
    parser.add_argument("--jvm-heap", default="4g", help="Spark's driver memory and Flink's -Xmx (default %(default)s)")
    parser.add_argument("--data", default="/tmp/itinerary-window-bench", help="generated data and outputs (cached)")
    parser.add_argument("--report", default=os.path.join(HERE, "report"), help="where the table and plot go")
    parser.add_argument("--binary", help="the itinerary binary to measure (implies --skip-build)")
    parser.add_argument("--skip-build", action="store_true", help="use the newest of .build/release and "
                        ".build-bench/release instead of building")
    parser.add_argument("--scratch-path", help="swift build --scratch-path when building (e.g. .build-bench)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from REPORT/window_bench.json")
    parser.add_argument("--engine-worker", choices=PEERS, help=argparse.SUPPRESS)
    parser.add_argument("--worker-dir", help=argparse.SUPPRESS)
    parser.add_argument("--worker-days", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_worker:
        return peers.worker(args.engine_worker, args.worker_dir, args.worker_days, args.worker_out,
                            int(args.threads), args.jvm_heap)
    baselines = [name for name in args.baselines.split(",") if name]
    unknown = set(baselines) - set(PEERS)
    if unknown:
        raise SystemExit(f"unknown baseline(s) {', '.join(sorted(unknown))}: choose from {', '.join(PEERS)}")
    ensure_environment(baselines)
    if args.report_only:
        saved = json.load(open(os.path.join(args.report, "window_bench.json")))
        return write_report(saved["results"], dict(saved["meta"], report=args.report))

    for tool in ["zstd", "/usr/bin/time"]:
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install zstd time")
    threads = [int(n) for n in args.threads.split(",") if n]
    sizes = [tuple(int(part) for part in size.split("x")) for size in args.sizes.split(",") if size]
    if args.large:
        sizes += [(p, d) for p in (100_000, 1_000_000) for d in (7, 14, 28)]
    sizes = sorted(set(sizes))
    began = time.perf_counter()
    os.makedirs(args.data, exist_ok=True)
    os.makedirs(args.report, exist_ok=True)
    binary = args.binary or (find_binary() if args.skip_build else build(args.scratch_path))
    log(f"binary: {binary}")
    loads = [os.getloadavg()[0]]

    results = []
    baselines_rss = {}
    mismatches = []
    for phones, days in sizes:
        directory = generate(binary, args.data, phones, days)
        files = feed_files(directory)
        compressed = sum(os.path.getsize(f) for f in files)
        log(f"== {phones} phones x {days} days: {len(files)} files, {compressed / 1e6:.1f} MB compressed")
        floor, csv_bytes = zstd_floor(files)
        log(f"  zstd -d: {floor:.2f} s, {csv_bytes / 1e6:.1f} MB CSV")
        runs = []
        first_out = None
        for n in threads:
            if (days, n) not in baselines_rss:
                # Memory with ~no phones (the generator needs at least one): reference tables, cells, buffers.
                empty = generate(binary, args.data, 10, days)
                baselines_rss[(days, n)] = run_cards(
                    binary, empty, days, os.path.join(args.data, f"cards-empty-d{days}-w{n}.jsonl"), n)["rss_kib"]
            project_out = os.path.join(args.data, f"cards-p{phones}-d{days}-w{n}.jsonl")
            cards = run_cards(binary, directory, days, project_out, n)
            log(f"  project, {n} worker(s): {cards['wall']:.2f} s, {cards['cpu']:.2f} CPU-s, {mib(cards['rss_kib']):.0f} MiB; "
                f"{cards['summary']}")
            if cards.get("late", 0) != 0:
                log(f"  WARNING: the project reports late {cards['late']}: the data's disorder exceeded L")
            if first_out is None:
                first_out = project_out
            elif open(first_out, "rb").read() != open(project_out, "rb").read():
                log(f"  MISMATCH: the project's cards with {n} workers differ from those with {threads[0]}")
                mismatches.append(("project", phones, days, n))
            run_ = dict(threads=n, project=dict(cards, baseline_rss_kib=baselines_rss[(days, n)]), peers={})
            for name in baselines:
                out = os.path.join(args.data, f"{name}-p{phones}-d{days}-t{n}.jsonl")
                peer = run_peer(name, directory, days, out, n, args.jvm_heap)
                if not peer.get("failed"):
                    peer["checked"], peer["differing"] = compare(project_out, out, LABELS[name])
                    log(f"  {LABELS[name]}, {n} thread(s): {peer['wall']:.2f} s ({peer['startup_s']:.1f} s start-up, "
                        f"{peer['query_s']:.2f} s query), {peer['cpu']:.2f} CPU-s, {mib(peer['rss_kib']):.0f} MiB; "
                        + ("cards equal on all %d phones" % peer["checked"] if not peer["differing"]
                           else "cards DIFFER on %d of %d phones" % (peer["differing"], peer["checked"])))
                if peer.get("failed") or peer["differing"]:
                    mismatches.append((name, phones, days, n))
                run_["peers"][name] = peer
                loads.append(os.getloadavg()[0])
            runs.append(run_)
        results.append(dict(phones=phones, days=days, files=len(files), compressed=compressed, csv=csv_bytes,
                            records=runs[0]["project"]["records"], late=runs[0]["project"].get("late", 0),
                            zstd=floor, runs=runs))

    loads.append(os.getloadavg()[0])
    meta = dict(elapsed=time.perf_counter() - began, when=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                load=f"{min(loads):.1f}–{max(loads):.1f}", machine=machine(), binary=os.path.relpath(binary, ROOT),
                commit=commit_of_tree(binary), report=args.report, versions=versions(baselines), jvm_heap=args.jvm_heap,
                command="python3 Benchmarks/window_bench.py " + " ".join(
                    f"--{key} {value}" for key, value in [("sizes", ",".join(f"{p}x{d}" for p, d in sizes)),
                                                          ("baselines", ",".join(baselines)), ("threads", args.threads)]))
    write_report(results, meta)
    if mismatches:
        log("FAILED: " + "; ".join(f"{LABELS[name]} at {p}x{d}, {n} thread(s)" for name, p, d, n in mismatches))
        raise SystemExit(1)
    log("cards equal: " + ", ".join(LABELS[name] for name in baselines) + " against the project on every phone of every run")


def versions(baselines):
    from importlib.metadata import version
    found = {LABELS[name]: version(peers.PACKAGES[name]) for name in baselines}
    if peers.JVM & set(baselines):
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
        found["Java"] = java[0] if java else "?"
    found["Python"] = platform.python_version()
    return found


def rate(per_second):
    """records/s in M, or in k below a million."""
    return f"{per_second / 1e6:.2f} M" if per_second >= 1e6 else f"{per_second / 1e3:.1f} k"


def per_phone(bytes_kib, base_kib, phones):
    return (bytes_kib - base_kib) * 1024 / phones


def write_report(results, meta):
    lines = ["# Window benchmark results\n"]
    lines.append(f"Run {meta['when']} on {meta['machine']}; `{meta['command']}` ({meta['elapsed'] / 60:.1f} min in all, "
                 f"generation included). Binary `{meta['binary']}` built from {meta['commit']}. "
                 + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
                 + f"; JVM heap limit {meta['jvm_heap']}. Seed {SEED}; W = days of data; T = end of data; D = 4 h, "
                 f"B = 30 min, L = 24 h. Load average (1 min) during the run: {meta['load']} on {os.cpu_count()} CPUs "
                 "(the machine is shared: wall times are noisy, CPU time less so).\n")
    lines.append("## Every engine on the same files\n")
    lines.append("| size | threads | engine | time | start-up | query | CPU | peak RSS | records/s | per core | "
                 "records/CPU-s | bytes/phone | time / project | cards |")
    lines.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        for run_ in r["runs"]:
            n, project = run_["threads"], run_["project"]
            rows = [("project", project)] + list(run_["peers"].items())
            for name, x in rows:
                size = f"{r['phones']:,} × {r['days']} d"
                if x.get("failed"):
                    lines.append(f"| {size} | {n} | {LABELS[name]} | failed (exit {x['returncode']}) | | | | | | | | | | not compared |")
                    continue
                startup = x.get("startup_s", 0.0)
                query = x.get("query_s", x["wall"])
                base = x.get("ready_rss_kib", project["baseline_rss_kib"])
                equal = ("reference" if name == "project" else
                         "equal" if not x["differing"] else f"**{x['differing']} differ**")
                lines.append(
                    f"| {size} | {n} | {LABELS[name]} | {x['wall']:.2f} s | {startup:.2f} s | {query:.2f} s | {x['cpu']:.2f} s "
                    f"| {mib(x['rss_kib']):,.0f} MiB | {rate(r['records'] / x['wall'])} | {rate(r['records'] / x['wall'] / n)} "
                    f"| {rate(r['records'] / x['cpu'])} | {per_phone(x['rss_kib'], base, r['phones']):,.0f} "
                    f"| {x['wall'] / project['wall']:.1f}× ({query / project['wall']:.1f}×) | {equal} |")
    lines.append("")
    lines.append("time: the whole run, process start to the cards written (for a peer: its Python process, "
                 "the engine's start-up, the query, writing the JSON); start-up: until the engine answers "
                 "(SparkSession, PyFlink's TableEnvironment and JVM; imports for DuckDB and Polars); query = time − start-up. "
                 "CPU: user + system of the whole process tree. peak RSS: the largest sum of the tree's resident "
                 "sets (sampled every 50 ms; a JVM's RSS is mostly the heap it chose to fill, up to the limit). "
                 "per core = records/s ÷ threads. bytes/phone = (peak RSS − RSS once the engine is up; for the "
                 "project, − the peak of the same command on 10 phones) / phones. time / project: the whole run's "
                 "time over the project's at the same thread count (query only in brackets); > 1 means the "
                 "project is faster. cards: every phone's card compared with the project's after JSON parsing.\n")
    lines.append("## The project against the zstd floor\n")
    lines.append("| size | workers | records | time | CPU | records/s | records/CPU-s | MB/s zst | MB/s CSV | peak RSS | "
                 "bytes/phone | cards/s | late | zstd -d | project/zstd |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for run_ in r["runs"]:
            c = run_["project"]
            lines.append(
                f"| {r['phones']:,} × {r['days']} d | {run_['threads']} | {r['records']:,} | {c['wall']:.2f} s | {c['cpu']:.2f} s "
                f"| {rate(r['records'] / c['wall'])} | {rate(r['records'] / c['cpu'])} "
                f"| {r['compressed'] / c['wall'] / 1e6:.1f} | {r['csv'] / c['wall'] / 1e6:.0f} | {mib(c['rss_kib']):.0f} MiB "
                f"| {per_phone(c['rss_kib'], c['baseline_rss_kib'], r['phones']):,.0f} | {c['cards'] / c['wall']:,.0f} "
                f"| {r['late']} | {r['zstd']:.2f} s | {c['wall'] / r['zstd']:.1f}× |")
    lines.append("")
    lines.append("MB/s over the compressed `.csv.zst` bytes and over the decompressed CSV bytes; zstd -d is "
                 "`zstd -dcq FILES > /dev/null` on one core, the floor.\n")
    lines.append("## Growth\n")
    for n in sorted({run_["threads"] for r in results for run_ in r["runs"]}):
        for name in ["project"] + PEERS:
            points = [(r["records"], run_["project"] if name == "project" else run_["peers"].get(name))
                      for r in results for run_ in r["runs"] if run_["threads"] == n]
            points = [(records, x) for records, x in points if x and not x.get("failed")]
            k = fit_exponent([p[0] for p in points], [p[1].get("query_s", p[1]["wall"]) for p in points])
            if k is not None:
                ns = [x.get("query_s", x["wall"]) / records * 1e9 for records, x in points]
                lines.append(f"- {LABELS[name]}, {n} thread(s): time (query) ∝ records^{k:.2f} "
                             f"({'about linear' if abs(k - 1) < 0.15 else 'not linear'}); {min(ns):.0f}–{max(ns):.0f} ns per record.")
    if len(results) < 2:
        lines.append("(one size: no fit)")
    lines.append("")
    lines.append("![records/s and peak memory per engine](window_bench.png)\n")
    lines.append("Project summary lines (stderr of `itinerary cards`):\n")
    for r in results:
        lines.append(f"- {r['phones']:,} × {r['days']} d: `{r['runs'][0]['project']['summary']}`")
    text = "\n".join(lines) + "\n"
    report = meta["report"]
    with open(os.path.join(report, "window_bench.md"), "w") as out:
        out.write(text)
    with open(os.path.join(report, "window_bench.json"), "w") as out:
        json.dump(dict(results=results, meta={k: v for k, v in meta.items() if k != "report"}), out, indent=1)
    plot(results, os.path.join(report, "window_bench.png"))
    print(text)


if __name__ == "__main__":
    main()
