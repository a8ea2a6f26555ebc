#!/usr/bin/env python3
"""Token look-ups (`GET /v1/itinerary`) beside `/healthz`, with wrk, for one or more builds.

Each round starts every binary's `itinerary demo` in turn (own state directory, per-address
limits raised), gets one phone's token through the real code flow (console gateway), then runs
`wrk -t2 -c24 -d10s --latency` on the look-up and on `/healthz`, and stops the demo. Rounds
alternate the binaries, so a machine whose speed drifts hurts them alike.

    python3 Benchmarks/lookup_wrk.py --binary before=/tmp/old/itinerary \
        --binary after=.build/release/itinerary --rounds 3
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otp_flow_bench import CodeLog, sign_in  # noqa: E402

PHONE = "13010310868"  # a sample phone with a green card (Samples/expected-cards.jsonl)


def wait_healthy(url, process, timeout=600):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"demo exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("demo did not become healthy")


def wrk(url, seconds, header=None):
    command = ["wrk", "-t2", "-c24", f"-d{seconds}s", "--latency"]
    if header:
        command += ["-H", header]
    text = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    return {"per_second": round(rate), "p99_ms": round(float(p99.group(1)) * scale, 2),
            "non_2xx": int(bad.group(1)) if bad else 0}


def one_run(label, binary, port, seconds, workdir):
    # A fresh store each run: the phone's daily code limit would refuse later rounds.
    state = os.path.join(workdir, label + "-state")
    shutil.rmtree(state, ignore_errors=True)
    log_path = os.path.join(workdir, f"{label}.log")
    url = f"http://127.0.0.1:{port}"
    limits = ["--card-reads-per-minute", "100000000", "--code-requests-per-minute", "1000000",
              "--verifications-per-minute", "1000000", "--sms-per-minute", "1000000"]
    with open(log_path, "ab") as log:
        process = subprocess.Popen([binary, "demo", "--state", state, "--port", str(port)] + limits,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, process)
        card = sign_in(url, CodeLog.following(log_path), PHONE)
        assert card.get("color") == "green", card
        lookup = wrk(url + "/v1/itinerary", seconds, "Authorization: Bearer " + card["token"])
        health = wrk(url + "/healthz", seconds)
        return {"binary": label, "lookup": lookup, "healthz": health,
                "ratio": round(lookup["per_second"] / health["per_second"], 3)}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", action="append", required=True, help="LABEL=PATH, repeatable")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=18093)
    parser.add_argument("--workdir", default="/tmp/lookup-wrk")
    options = parser.parse_args()
    binaries = [entry.split("=", 1) for entry in options.binary]
    os.makedirs(options.workdir, exist_ok=True)
    results = []
    for round_number in range(options.rounds):
        for label, binary in binaries:
            result = one_run(label, binary, options.port, options.seconds, options.workdir)
            result["round"] = round_number + 1
            print(json.dumps(result), flush=True)
            results.append(result)
    for label, _ in binaries:
        mine = [r for r in results if r["binary"] == label]
        print(f"{label}: look-ups {min(r['lookup']['per_second'] for r in mine)}–"
              f"{max(r['lookup']['per_second'] for r in mine)}/s, p99 "
              f"{min(r['lookup']['p99_ms'] for r in mine)}–{max(r['lookup']['p99_ms'] for r in mine)} ms; "
              f"/healthz {min(r['healthz']['per_second'] for r in mine)}–"
              f"{max(r['healthz']['per_second'] for r in mine)}/s")


if __name__ == "__main__":
    main()
