#!/usr/bin/env python3
"""CPU shares of a `perf record` profile, grouped the way Benchmarks/README.md reports them.

Each sample counts for its leaf frame, put in the first group whose pattern matches the frame's
symbol or library; the shares are of all samples (so the threads' lines add up to 100 %).

    perf record -e cpu-clock -F 999 -g -o w1.data itinerary cards --workers 1 ...
    python3 Benchmarks/perf_shares.py w1.data                # groups over the whole profile
    python3 Benchmarks/perf_shares.py w2.data --threads      # and per thread
    python3 Benchmarks/perf_shares.py ingest.data --comm postgres,oot.default-qos

(`perf record -e cpu-clock`: this machine has no hardware counters.)
"""
import argparse
import collections
import re
import subprocess

GROUPS = [
    ("phone -> key table", r"PhoneKeyTable|PhoneKeyNaming"),
    ("zstd", r"libzstd|ZSTD_|HUF_|FSE_"),
    ("parse", r"ItineraryFeed0B6Reader|LineParser|5PhoneV5ascii|applyDirectly"),
    ("held records", r"HeldRecords|PartitionedEngine"),
    ("engine", r"PhoneTrack|ItineraryCore0A6Engine|RawDictionaryStorage|Hasher|isUniquely"),
    ("COPY rows, encodings, JSON", r"CopyWriter|ItineraryStore|JSON|jsonLine|StoredCards|Encoder"),
    ("libpq", r"libpq"),
    ("sha256", r"sha256"),
    ("memory copies", r"memmove|memcpy|memset"),
    ("kernel", r"kernel\.kallsyms"),
    ("malloc/free, retain/release", r"malloc|_int_free|cfree|swift_(allocObject|release|retain)"),
    ("postgres", r"/postgres(\s|\))|postgresql"),
]


def samples(path, comms):
    """(comm, tid, leaf frame) of every sample."""
    command = ["perf", "script", "-i", path, "-F", "comm,tid,ip,sym,dso"]
    if comms:
        command += ["--comms", comms]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    head, found = None, []
    for line in out.splitlines():
        if line and not line[0].isspace():
            head = line.rsplit(None, 1)
            continue
        if head is not None and line.strip():
            found.append((head[0].strip(), head[-1], line))
            head = None
    return found


def group(frame):
    for name, pattern in GROUPS:
        if re.search(pattern, frame):
            return name
    match = re.search(r"\(([^)]*)\)\s*$", frame)
    return "other: " + (match.group(1).rsplit("/", 1)[-1] if match else "?")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile")
    parser.add_argument("--threads", action="store_true", help="one line per thread as well")
    parser.add_argument("--comm", help="only these commands (comma-separated, as perf names them)")
    args = parser.parse_args()
    found = samples(args.profile, args.comm)
    total = len(found) or 1
    overall = collections.Counter(group(frame) for _, _, frame in found)
    print(f"{len(found)} samples; by command: " + ", ".join(
        f"{comm} {100 * count / total:.1f} %" for comm, count in collections.Counter(c for c, _, _ in found).most_common(4)))
    for name, count in overall.most_common():
        print(f"{100 * count / total:6.1f} %  {name}")
    if args.threads:
        per = collections.defaultdict(collections.Counter)
        for comm, tid, frame in found:
            per[(comm, tid)][group(frame)] += 1
        for (comm, tid), counts in sorted(per.items(), key=lambda item: -sum(item[1].values())):
            share = 100 * sum(counts.values()) / total
            if share >= 0.5:
                print(f"thread {tid} ({comm}) {share:.1f} %: "
                      + ", ".join(f"{name} {100 * count / total:.1f}" for name, count in counts.most_common(7)))


if __name__ == "__main__":
    main()
