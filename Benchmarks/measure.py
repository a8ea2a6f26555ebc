"""Time, CPU and peak memory of a whole process tree (a JVM started by Python included).

`/usr/bin/time` reports the largest single process's peak RSS, and loses the CPU of any
descendant its parent never waited for (PySpark's and PyFlink's JVMs). Here the benchmark makes
itself a child subreaper, so orphaned descendants are re-parented to it and reaped by it: their
CPU lands in its RUSAGE_CHILDREN, and a measurement ends only when the last of them has exited
(no JVM shutting down under the next run). Peak memory is the largest sum of VmRSS over the tree,
sampled every `interval` seconds, and never less than the largest single process's own peak.
"""
import ctypes
import os
import resource
import subprocess
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
_subreaper = False


def become_subreaper():
    global _subreaper
    if not _subreaper:
        if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
        _subreaper = True


def _children(pid):
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


def tree(pid):
    """pid and every descendant still alive."""
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        stack.extend(_children(current))
    return pids


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def tree_rss_kib(pid=None):
    return rss_kib(tree(pid or os.getpid()))


class Sampler(threading.Thread):
    """Largest summed RSS of pid's tree, sampled until stop()."""

    def __init__(self, pid, interval):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            self.peak = max(self.peak, rss_kib(tree(self.pid)))
            self.done.wait(self.interval)

    def stop(self):
        self.done.set()
        self.join()


def measure(cmd, stdout=None, stderr=None, env=None, interval=0.05, linger=60):
    """Runs cmd to the end of its whole tree: dict(wall, cpu, user, sys, rss_kib, returncode).

    wall is the time until the direct child exits; cpu is user + system of every descendant."""
    become_subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, env=env)
    sampler = Sampler(process.pid, interval)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.stop()
    largest = usage.ru_maxrss
    # Orphans (a JVM its Python parent did not wait for) are ours now: wait for each, and end
    # any still alive after `linger` seconds (they are this run's own processes).
    deadline = time.monotonic() + linger
    while True:
        try:
            pid, _, orphan = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            largest = max(largest, orphan.ru_maxrss)
        elif time.monotonic() > deadline:
            for leftover in _children(os.getpid()):
                os.kill(leftover, 9)
            deadline = float("inf")
        else:
            time.sleep(0.05)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return dict(wall=wall, cpu=user + system, user=user, sys=system,
                rss_kib=max(sampler.peak, largest), returncode=process.returncode)
