#!/usr/bin/env python3
"""Window benchmark (Benchmarks/README.md): the offline pipeline against a DuckDB baseline and the zstd floor.

One run builds the release binary, generates feeds with the project's generator, runs
`itinerary cards --window Wd --at T` per size (W = the generated days, T = end of data), times
`zstd -dc` over the same files, computes the same cards in DuckDB SQL (duckdb_cards.sql), CHECKS
that both agree on every phone (exits 1 otherwise), and writes a Markdown table, a growth fit and a
PNG plot into Benchmarks/report/.

    python3 Benchmarks/window_bench.py                 # default: 10k phones x 7, 14, 28 days (< 10 min)
    python3 Benchmarks/window_bench.py --sizes 10000x7,10000x14,10000x28,100000x14
    python3 Benchmarks/window_bench.py --large         # adds 100k and 1M phones x 7, 14, 28 days (hours)
    python3 Benchmarks/window_bench.py --workers 2 --duckdb-threads 2   # both on two cores

Needs: swift, zstd, /usr/bin/time (apt-get install time zstd), pip install duckdb matplotlib.
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESOURCES = os.path.join(ROOT, "Sources", "ItineraryFeed", "Resources")
START = 1_651_363_200  # FeedGenerator.Options.defaultStart, 2022-05-01T00:00:00Z
SEED = 20220501
CARRIERS = ["cmcc", "cucc", "ctcc", "cbn"]
DAY = 86_400


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdout):
    """Runs cmd under /usr/bin/time -v: (wall seconds, peak RSS KiB, user s, sys s, stderr text)."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        log(proc.stderr)
        raise SystemExit(f"FAILED ({proc.returncode}): {' '.join(cmd)}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", proc.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", proc.stderr).group(1))
    return wall, rss, user, system, proc.stderr


def build():
    log("building: swift build -c release --product itinerary")
    run(["swift", "build", "-c", "release", "--product", "itinerary"], cwd=ROOT, stdout=sys.stderr)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_dir, "itinerary")


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
    with open(out, "w") as stdout:
        wall, rss, user, system, err = timed(
            [binary, "cards", "--cells", os.path.join(directory, "cells.csv"), "--at", str(T), "--now", str(T),
             "--window", f"{days}d", "--workers", str(workers), os.path.join(directory, "feeds")], stdout)
    summary = [line for line in err.splitlines() if line.startswith("files ")][-1]
    numbers = {key: int(value) for key, value in re.findall(r"(records|accepted|duplicate|late|rejected|cards) (\d+)", summary)}
    return dict(wall=wall, rss_kib=rss, user=user, sys=system, summary=summary, **numbers)


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


def duckdb_sql(directory, days, out):
    T = START + days * DAY
    text = "\n".join(line for line in open(os.path.join(HERE, "duckdb_cards.sql")) if not line.lstrip().startswith("--"))
    feeds = os.path.join(directory, "feeds")
    raw = " UNION ALL ".join(
        "SELECT msisdn, event_time, mcc, mnc, lac, cell_id, event FROM read_csv("
        f"'{feeds}/{carrier}-*.csv.zst', all_varchar = true, header = true, ignore_errors = true, "
        "quote = '', escape = '', compression = 'zstd')"
        for carrier in CARRIERS if glob.glob(os.path.join(feeds, f"{carrier}-*.csv.zst")))
    return text.format(raw=raw, cells=os.path.join(directory, "cells.csv"),
                       divisions=os.path.join(RESOURCES, "divisions.csv"),
                       countries=os.path.join(RESOURCES, "countries.csv"),
                       T=T, W=days * DAY, D=4 * 3600, B=1800, now=T, out=out)


def duckdb_worker(args):
    """Child process (so /usr/bin/time measures its peak RSS): runs the SQL, prints its time."""
    import duckdb
    connection = duckdb.connect()
    connection.execute(f"SET threads = {args.duckdb_threads}")
    connection.execute("SET preserve_insertion_order = false")
    sql = duckdb_sql(args.worker_dir, args.worker_days, args.worker_out)
    started = time.perf_counter()
    connection.execute(sql)
    print(f"{time.perf_counter() - started:.3f}")


def run_duckdb(directory, days, out, threads):
    cmd = [sys.executable, os.path.abspath(__file__), "--duckdb-worker", "--worker-dir", directory,
           "--worker-days", str(days), "--worker-out", out, "--duckdb-threads", str(threads)]
    with open(out + ".time", "w") as stdout:
        wall, rss, user, system, _ = timed(cmd, stdout)
    return dict(wall=float(open(out + ".time").read().strip()), process_wall=wall, rss_kib=rss)


def compare(project_out, duckdb_out):
    """Exact equality of the two card sets, phone by phone, after JSON parsing."""
    def load(path):
        cards = {}
        for line in open(path):
            card = json.loads(line)
            cards[card["phone"]] = card
        return cards
    ours, theirs = load(project_out), load(duckdb_out)
    differences = []
    for phone in sorted(set(ours) | set(theirs)):
        if ours.get(phone) != theirs.get(phone):
            differences.append((phone, ours.get(phone), theirs.get(phone)))
    if differences:
        log(f"MISMATCH: {len(differences)} of {len(ours)} phones differ between the project and DuckDB")
        for phone, a, b in differences[:5]:
            log(f"  {phone}\n    project: {json.dumps(a, ensure_ascii=False)}\n    duckdb:  {json.dumps(b, ensure_ascii=False)}")
        raise SystemExit(1)
    return len(ours)


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
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    by_days = {}
    for r in results:
        by_days.setdefault(r["days"], []).append(r)
    by_phones = {}
    for r in results:
        by_phones.setdefault(r["phones"], []).append(r)
    ax = axes[0]
    for phones, rows in sorted(by_phones.items()):
        rows.sort(key=lambda r: r["days"])
        ax.plot([r["days"] for r in rows], [r["records_per_s"] / 1e6 for r in rows], "o-", label=f"project, {phones:,} phones")
        ax.plot([r["days"] for r in rows], [r["records"] / r["duckdb"]["wall"] / 1e6 for r in rows], "s--", label=f"DuckDB, {phones:,} phones")
    ax.set_xlabel("window W = days of data")
    ax.set_ylabel("M records/s (end to end)")
    ax.set_title("Throughput against the window")
    ax.set_xticks(sorted(by_days))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax = axes[1]
    for days, rows in sorted(by_days.items()):
        rows.sort(key=lambda r: r["phones"])
        ax.plot([r["phones"] for r in rows], [mib(r["cards"]["rss_kib"]) for r in rows], "o-", label=f"project, W={days} d")
        ax.plot([r["phones"] for r in rows], [mib(r["duckdb"]["rss_kib"]) for r in rows], "s--", label=f"DuckDB, W={days} d")
    for phones, rows in sorted(by_phones.items()):
        if len(rows) > 1:
            for r in rows:
                ax.annotate(f"{r['days']}d", (r["phones"], mib(r["cards"]["rss_kib"])), fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("phones")
    ax.set_ylabel("peak RSS (MiB)")
    ax.set_title("Peak memory against phones")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000x7,10000x14,10000x28", help="PHONESxDAYS,... (default %(default)s)")
    parser.add_argument("--large", action="store_true", help="add 100k and 1M phones x 7, 14, 28 days")
    parser.add_argument("--data", default="/tmp/itinerary-window-bench", help="generated data and outputs (cached)")
    parser.add_argument("--report", default=os.path.join(HERE, "report"), help="where the table and plot go")
    parser.add_argument("--workers", type=int, default=1, help="the project's --workers (default %(default)s)")
    parser.add_argument("--duckdb-threads", type=int, default=1, help="DuckDB threads (default %(default)s; "
                        "give the same number as --workers for a fair row)")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from REPORT/window_bench.json")
    parser.add_argument("--duckdb-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker-dir", help=argparse.SUPPRESS)
    parser.add_argument("--worker-days", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.duckdb_worker:
        return duckdb_worker(args)
    if args.report_only:
        saved = json.load(open(os.path.join(args.report, "window_bench.json")))
        return write_report(saved["results"], args, saved["elapsed"], saved["when"], saved["load"])

    for tool in ["zstd", "/usr/bin/time"]:
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install zstd time")
    sizes = [tuple(int(part) for part in size.split("x")) for size in args.sizes.split(",") if size]
    if args.large:
        sizes += [(p, d) for p in (100_000, 1_000_000) for d in (7, 14, 28)]
    sizes = sorted(set(sizes))
    began = time.perf_counter()
    os.makedirs(args.data, exist_ok=True)
    os.makedirs(args.report, exist_ok=True)
    binary = os.path.join(ROOT, ".build", "release", "itinerary") if args.skip_build else build()

    results = []
    baselines = {}
    for phones, days in sizes:
        directory = generate(binary, args.data, phones, days)
        if days not in baselines:
            # Memory with ~no phones (the generator needs at least one): reference tables, cells, buffers.
            empty = generate(binary, args.data, 10, days)
            baselines[days] = run_cards(
                binary, empty, days, os.path.join(args.data, f"cards-empty-d{days}.jsonl"), args.workers)["rss_kib"]
        files = feed_files(directory)
        compressed = sum(os.path.getsize(f) for f in files)
        log(f"== {phones} phones x {days} days: {len(files)} files, {compressed / 1e6:.1f} MB compressed")
        project_out = os.path.join(args.data, f"cards-p{phones}-d{days}.jsonl")
        cards = run_cards(binary, directory, days, project_out, args.workers)
        log(f"  project: {cards['wall']:.2f} s, {mib(cards['rss_kib']):.0f} MiB; {cards['summary']}")
        if cards.get("late", 0) != 0:
            log(f"  WARNING: the project reports late {cards['late']}: the data's disorder exceeded L")
        floor, csv_bytes = zstd_floor(files)
        log(f"  zstd -d: {floor:.2f} s, {csv_bytes / 1e6:.1f} MB CSV")
        duck_out = os.path.join(args.data, f"duckdb-p{phones}-d{days}.jsonl")
        duck = run_duckdb(directory, days, duck_out, args.duckdb_threads)
        log(f"  DuckDB ({args.duckdb_threads} thread(s)): {duck['wall']:.2f} s, {mib(duck['rss_kib']):.0f} MiB")
        checked = compare(project_out, duck_out)
        log(f"  cards equal on all {checked} phones")
        results.append(dict(
            phones=phones, days=days, files=len(files), compressed=compressed, csv=csv_bytes,
            records=cards["records"], late=cards.get("late", 0), cards=cards, duckdb=duck, zstd=floor,
            baseline_rss_kib=baselines[days], checked=checked,
            records_per_s=cards["records"] / cards["wall"]))

    write_report(results, args, time.perf_counter() - began, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                 " ".join(open("/proc/loadavg").read().split()[:3]))


def write_report(results, args, elapsed, now, load):
    lines = []
    sizes_text = ",".join("%dx%d" % (r["phones"], r["days"]) for r in results)
    lines.append("# Window benchmark results\n")
    lines.append(f"Run {now} on {machine()}; `python3 Benchmarks/window_bench.py --sizes "
                 f"{sizes_text} --workers {args.workers} --duckdb-threads {args.duckdb_threads}` "
                 f"({elapsed / 60:.1f} min in all, generation included). Seed {SEED}; W = days of data; "
                 f"T = end of data; D = 4 h, B = 30 min, L = 24 h. The project ran with {args.workers} worker(s); "
                 f"DuckDB ran with {args.duckdb_threads} thread(s). Every row's cards were checked equal "
                 f"(project vs DuckDB) on every phone. Load average at the end: {load} (the machine is shared: "
                 f"wall times are noisy, CPU time less so).\n")
    lines.append("| size | records | time | CPU | records/s | records/CPU-s | MB/s zst | MB/s CSV | peak RSS | bytes/phone | cards/s | late | DuckDB time | DuckDB RSS | project/DuckDB time | zstd -d | project/zstd |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        c = r["cards"]
        per_phone = (r["cards"]["rss_kib"] - r["baseline_rss_kib"]) * 1024 / r["phones"]
        lines.append(
            f"| {r['phones']:,} × {r['days']} d | {r['records']:,} | {c['wall']:.2f} s | {c['user'] + c['sys']:.2f} s "
            f"| {r['records_per_s'] / 1e6:.2f} M | {r['records'] / (c['user'] + c['sys']) / 1e6:.2f} M "
            f"| {r['compressed'] / c['wall'] / 1e6:.1f} | {r['csv'] / c['wall'] / 1e6:.0f} | {mib(c['rss_kib']):.0f} MiB "
            f"| {per_phone:,.0f} | {c['cards'] / c['wall']:,.0f} | {r['late']} | {r['duckdb']['wall']:.2f} s "
            f"| {mib(r['duckdb']['rss_kib']):.0f} MiB | {c['wall'] / r['duckdb']['wall']:.2f} "
            f"| {r['zstd']:.2f} s | {c['wall'] / r['zstd']:.1f}× |")
    lines.append("")
    lines.append("bytes/phone = (peak RSS − peak RSS of the same command on 10 phones over the same days) / phones; "
                 "MB/s over the compressed `.csv.zst` bytes and over the decompressed CSV bytes; "
                 "project/DuckDB < 1 means the project is faster; zstd -d is `zstd -dcq FILES > /dev/null`, the floor.\n")
    lines.append("## Growth\n")
    k_time = fit_exponent([r["records"] for r in results], [r["cards"]["wall"] for r in results])
    k_duck = fit_exponent([r["records"] for r in results], [r["duckdb"]["wall"] for r in results])
    ns = [r["cards"]["wall"] / r["records"] * 1e9 for r in results]
    if k_time is not None:
        lines.append(f"- Project time ∝ records^{k_time:.2f} over all sizes ({'about linear' if abs(k_time - 1) < 0.15 else 'not linear'}); "
                     f"{min(ns):.0f}–{max(ns):.0f} ns per record.")
    if k_duck is not None:
        lines.append(f"- DuckDB time ∝ records^{k_duck:.2f}.")
    for phones in sorted({r["phones"] for r in results}):
        rows = sorted((r for r in results if r["phones"] == phones), key=lambda r: r["days"])
        if len(rows) > 1:
            k_w = fit_exponent([r["days"] for r in rows], [r["cards"]["wall"] for r in rows])
            k_m = fit_exponent([r["days"] for r in rows], [r["cards"]["rss_kib"] - r["baseline_rss_kib"] for r in rows])
            lines.append(f"- {phones:,} phones, W = {', '.join(str(r['days']) for r in rows)} d (records grow with W): "
                         f"time ∝ W^{k_w:.2f}; memory above baseline ∝ W^{k_m:.2f}" if k_m is not None else
                         f"- {phones:,} phones: time ∝ W^{k_w:.2f}")
    for days in sorted({r["days"] for r in results}):
        rows = sorted((r for r in results if r["days"] == days), key=lambda r: r["phones"])
        if len(rows) > 1:
            k_p = fit_exponent([r["phones"] for r in rows], [r["cards"]["wall"] for r in rows])
            k_m = fit_exponent([r["phones"] for r in rows], [r["cards"]["rss_kib"] - r["baseline_rss_kib"] for r in rows])
            lines.append(f"- W = {days} d, phones {', '.join(format(r['phones'], ',') for r in rows)}: time ∝ phones^{k_p:.2f}, "
                         f"memory above baseline ∝ phones^{k_m:.2f}")
    lines.append("")
    lines.append("![records/s and peak memory](window_bench.png)\n")
    lines.append("Project summary lines (stderr of `itinerary cards`):\n")
    for r in results:
        lines.append(f"- {r['phones']:,} × {r['days']} d: `{r['cards']['summary']}`")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(args.report, "window_bench.md"), "w") as out:
        out.write(text)
    with open(os.path.join(args.report, "window_bench.json"), "w") as out:
        json.dump(dict(results=results, elapsed=elapsed, when=now, load=load), out, indent=1)
    plot(results, os.path.join(args.report, "window_bench.png"))
    print(text)


if __name__ == "__main__":
    main()
