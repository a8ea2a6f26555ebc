#!/usr/bin/env python3
"""Full OTP flows per second against a running lookup service (issue #5).

Each flow: POST /v1/otp for a fresh number, wait for the console gateway to print the code,
POST /v1/itinerary with it, check the card came back. Numbers are 138000xxxxx with distinct
last four digits, so the masked number in the SMS log identifies the flow.

Start the service with its stdout in a file and the per-address limits raised, e.g.

    itinerary demo --port 18082 --code-requests-per-minute 1000000 --verifications-per-minute 1000000 > /tmp/sms.log 2>&1 &
    python3 Benchmarks/otp_flow_bench.py --url http://127.0.0.1:18082 --sms-log /tmp/sms.log --flows 400 --workers 32
"""
import argparse
import json
import os
import re
import threading
import time
import urllib.request

CODE = re.compile(r"SMS to (\d{3}\*\*\*\*\d{4}): .*?(\d{6})")


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


class CodeLog:
    """Follows the SMS log and hands out codes by masked number."""

    def __init__(self, path):
        self.path, self.offset, self.codes, self.lock = path, 0, {}, threading.Lock()

    @classmethod
    def following(cls, path):
        """A reader of what is written to `path` from now on."""
        log = cls(path)
        log.offset = os.path.getsize(path)
        return log

    def code_for(self, phone, timeout=20.0):
        """The code last sent to `phone`, found by the masked number the gateway prints."""
        return self.code(phone[:3] + "****" + phone[-4:], timeout)

    def code(self, masked, timeout=20.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                with open(self.path, "rb") as log:
                    log.seek(self.offset)
                    data = log.read()
                # Only whole lines: a line caught half-written is read again next time.
                data = data[: data.rfind(b"\n") + 1]
                self.offset += len(data)
                text = data.decode("utf-8", errors="replace")
                for found in CODE.finditer(text):
                    self.codes[found.group(1)] = found.group(2)
                if masked in self.codes:
                    return self.codes.pop(masked)
            time.sleep(0.02)
        raise TimeoutError(f"no code for {masked}")


def sign_in(url, log, phone):
    """The person-facing flow: a code by SMS, read from the log, then the card and its token."""
    status, _ = post(url + "/v1/otp", {"phone": phone})
    assert status == 200, status
    status, card = post(url + "/v1/itinerary", {"phone": phone, "code": log.code_for(phone), "consent": True})
    assert status == 200 and "token" in card, status
    return card


def timed_flows(numbers, workers, run_one):
    """Runs `run_one(phone)` for every number on `workers` threads; a flow that raises is a
    failure. Returns flows, failures, seconds, flows/s, p50 and p99 in ms, the first failures."""
    pending, durations, failures, lock = iter(numbers), [], [], threading.Lock()

    def worker():
        while True:
            with lock:
                number = next(pending, None)
            if number is None:
                return
            started = time.time()
            try:
                run_one(str(number))
                with lock:
                    durations.append(time.time() - started)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    failures.append(f"{number}: {error}")

    started = time.time()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - started
    durations.sort()
    pick = lambda q: durations[min(len(durations) - 1, int(q * len(durations)))] if durations else float("nan")
    return {"flows": len(durations), "failures": len(failures), "seconds": round(elapsed, 2),
            "per_second": round(len(durations) / elapsed, 1), "p50_ms": round(pick(0.5) * 1000, 1),
            "p99_ms": round(pick(0.99) * 1000, 1), "first_failures": failures[:3]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--sms-log", required=True)
    parser.add_argument("--flows", type=int, default=400)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--first", type=int, default=13800000000 + int(time.time()) % 5000)
    options = parser.parse_args()
    log = CodeLog.following(options.sms_log)
    result = timed_flows(range(options.first, options.first + options.flows), options.workers,
                         lambda phone: sign_in(options.url, log, phone))
    print(json.dumps({
        "flows": result["flows"], "failures": result["failures"], "seconds": result["seconds"],
        "flows_per_second": result["per_second"], "flow_p50_s": round(result["p50_ms"] / 1000, 3),
        "flow_p99_s": round(result["p99_ms"] / 1000, 3), "first_failures": result["first_failures"],
    }, indent=2))


if __name__ == "__main__":
    main()
