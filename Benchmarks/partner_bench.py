#!/usr/bin/env python3
"""Lookup services against a running lookup service (issue 19), each beside a same-run baseline.

1. Relay flows per second — code requested by the partner (POST /v1/partner/otp), read from the
   console gateway's log, relayed (POST /v1/partner/itinerary, granting a standing consent),
   card back — beside the person-facing flow (POST /v1/otp, POST /v1/itinerary) on the same
   server, run right before it with the same workers.
2. Standing-consent reads per second and their latency (GET /v1/partner/itinerary?phone=…, no
   SMS) beside GET /healthz on the same server, same connections and processes, alternated.

Start the service with its stdout in a file and the SMS and per-address limits raised, then:

    itinerary demo --state /tmp/pb --port 18083 --sms-per-minute 100000000 \\
        --code-requests-per-minute 100000000 --verifications-per-minute 100000000 > /tmp/pb-sms.log 2>&1 &
    python3 Benchmarks/partner_bench.py --url http://127.0.0.1:18083 --sms-log /tmp/pb-sms.log \\
        --itinerary .build/release/itinerary --state /tmp/pb

It registers a partner with `itinerary partners add` (quotas far above the load) on that store.
"""
import argparse, base64, http.client, json, multiprocessing, os, subprocess, sys, threading, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otp_flow_bench import CodeLog, sign_in, timed_flows  # noqa: E402  (the person-facing flow's helpers)


def token(url, client_id, secret):
    request = urllib.request.Request(
        url + "/v1/oauth/token", data=b"grant_type=client_credentials",
        headers={"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode(),
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["access_token"]


def post_bearer(url, path, body, bearer):
    request = urllib.request.Request(
        url + path, data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + bearer})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def flows(label, numbers, workers, run_one):
    """Runs `run_one(phone)` for every number on `workers` threads: flows/s, p50, p99."""
    return {"run": label, **timed_flows(numbers, workers, run_one)}


def read_loop(args):
    """One process: `threads` keep-alive connections GETting `paths` in turn for `seconds`."""
    host, port, paths, headers, threads, seconds = args
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset):
        connection = http.client.HTTPConnection(host, port, timeout=10)
        mine, index = [], offset
        while time.monotonic() < stop:
            path = paths[index % len(paths)]
            index += threads
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                mine.append(time.perf_counter() - started)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    [t.start() for t in pool]
    [t.join() for t in pool]
    return latencies, errors[0]


def reads(label, url, paths, headers, processes, threads, seconds):
    parsed = urllib.parse.urlparse(url)
    work = [(parsed.hostname, parsed.port, paths[i::processes] or paths, headers, threads, seconds)
            for i in range(processes)]
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(read_loop, work)
    latencies = sorted(l for found, _ in results for l in found)
    errors = sum(e for _, e in results)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
    return {"run": label, "requests": len(latencies), "errors": errors, "per_second": round(len(latencies) / seconds),
            "p50_ms": round(pick(0.5) * 1000, 2), "p99_ms": round(pick(0.99) * 1000, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--sms-log", required=True)
    parser.add_argument("--itinerary", required=True, help="the built itinerary, to register the partner")
    parser.add_argument("--state", required=True, help="the service's --state (or pass --database)")
    parser.add_argument("--database")
    parser.add_argument("--flows", type=int, default=300)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="connections per process for the reads")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()

    store = ["--state", options.state] + (["--database", options.database] if options.database else [])
    added = subprocess.run([options.itinerary, "partners", "add", f"基准健康码{int(time.time()) % 100000}", "--rps",
                            "100000000", "--reads-per-day", "2000000000"] + store,
                           check=True, capture_output=True, text=True).stdout
    fields = dict(line.split("\t", 1) for line in added.splitlines() if "\t" in line)
    bearer = token(options.url, fields["client_id"], fields["client_secret"])
    log = CodeLog.following(options.sms_log)
    # Distinct last four digits per run, so the masked number in the log names the flow.
    base = 13900000000 + int(time.time()) % 4000
    people, partnered = range(base, base + options.flows), range(base + 5000, base + 5000 + options.flows)

    def person(phone):
        sign_in(options.url, log, phone)

    def relay(phone):
        status, _ = post_bearer(options.url, "/v1/partner/otp", {"phone": phone, "consent_days": 7}, bearer)
        assert status == 200, status
        status, card = post_bearer(options.url, "/v1/partner/itinerary",
                                   {"phone": phone, "code": log.code_for(phone), "consent_days": 7}, bearer)
        assert status == 200 and "card_code" in card, status

    results = [flows("person-facing flow (baseline)", people, options.workers, person),
               flows("partner relay flow", partnered, options.workers, relay)]
    results[1]["ratio_to_baseline"] = round(results[1]["per_second"] / max(results[0]["per_second"], 0.1), 2)

    paths = [f"/v1/partner/itinerary?phone={n}" for n in partnered]
    for round_ in range(options.rounds):
        health = reads(f"GET /healthz (baseline), round {round_ + 1}", options.url, ["/healthz"], {},
                       options.processes, options.threads, options.seconds)
        consent = reads(f"standing-consent reads, round {round_ + 1}", options.url, paths,
                        {"Authorization": "Bearer " + token(options.url, fields["client_id"], fields["client_secret"])},
                        options.processes, options.threads, options.seconds)
        consent["ratio_to_baseline"] = round(consent["per_second"] / max(health["per_second"], 1), 2)
        results += [health, consent]
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
