#!/usr/bin/env python3
"""Half-sent request flood against the lookup service (issue 9's slow-client drill).

Opens CONNECTIONS sockets (spread over PROCESSES processes, as one process may not hold them all
under the open-file limit), sends `GET / HTTP/1.1\\r\\nHost: x\\r\\n` on each and never finishes it.
Once the flood is in, times GET /healthz on new connections, then reports how long the server
took to close every silent socket.

    python3 Benchmarks/http_flood.py --port 18090 --connections 20000 --processes 2
"""
import argparse, multiprocessing, resource, select, socket, statistics, time

HALF = b"GET / HTTP/1.1\r\nHost: x\r\n"


def flood(port, count, ready, results, wait_limit):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sockets, refused = [], 0
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(HALF)
            s.setblocking(False)
            sockets.append(s)
        except OSError:
            refused += 1
    start = time.monotonic()
    ready.put((len(sockets), refused))
    open_ = {s.fileno(): s for s in sockets}
    closed_at = []
    poller = select.epoll()
    for fd in open_:
        poller.register(fd, select.EPOLLIN | select.EPOLLRDHUP | select.EPOLLHUP)
    while open_ and time.monotonic() - start < wait_limit:
        for fd, _ in poller.poll(0.5):
            s = open_.pop(fd, None)
            if s is None:
                continue
            try:
                data = s.recv(1)
            except OSError:
                data = b""
            if data == b"":
                closed_at.append(time.monotonic() - start)
                poller.unregister(fd)
                s.close()
            else:
                open_[fd] = s
    results.put((len(closed_at), len(open_), max(closed_at) if closed_at else None, sorted(closed_at)))


def healthz(port):
    started = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    answer = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        answer += chunk
    s.close()
    return (time.monotonic() - started) * 1000, answer.split(b"\r\n", 1)[0].decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--probes", type=int, default=50)
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for the server to close the flood")
    args = parser.parse_args()
    ready, results = multiprocessing.Queue(), multiprocessing.Queue()
    share = args.connections // args.processes
    workers = [multiprocessing.Process(target=flood, args=(args.port, share, ready, results, args.wait)) for _ in range(args.processes)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    opened = refused = 0
    for _ in workers:
        o, r = ready.get()
        opened, refused = opened + o, refused + r
    print(f"flood in: {opened} half-sent connections ({refused} refused) in {time.monotonic() - started:.1f} s")
    time.sleep(1)
    probes = [healthz(args.port) for _ in range(args.probes)]
    latencies = sorted(ms for ms, _ in probes)
    statuses = {status for _, status in probes}
    print(f"/healthz on new connections during the flood: {statuses}; p50 {statistics.median(latencies):.1f} ms, "
          f"max {latencies[-1]:.1f} ms ({len(latencies)} probes)")
    closed = still_open = 0
    last = 0.0
    everything = []
    for _ in workers:
        c, o, m, times = results.get()
        closed, still_open, last = closed + c, still_open + o, max(last, m or 0)
        everything += times
    everything.sort()
    print(f"closed by the server: {closed}, still open after {args.wait:.0f} s: {still_open}; "
          f"last closed {last:.1f} s after the flood was in (median {statistics.median(everything):.1f} s)")
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
