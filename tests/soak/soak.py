# SPDX-License-Identifier: BSD-3-Clause
"""Soak: dnsperf load on Unbound + typoguard with live list changes.

Run through tests/soak/soak.sh (which sets the tglab environment):
    soak.py SECONDS QPS
Prints the figures and exits 1 when a check fails: any SERVFAIL, RSS
growing after warm-up beyond max(4 MiB, 5 %) over the measured window, or
counters that do not add up (blocked + logged + passed = scored).
"""
import os
import random
import re
import subprocess
import sys
import threading
import time

import tglab

SOAK = os.path.dirname(os.path.abspath(__file__))
PROTECTED = ["army.mil", "navy.mil", "gmail.com"]
ALLOW = ["navy.ml"]

# (share of queries, generator) — names in tests/lab/root.zone and
# tests/soak/soak.zone; every one exists, or is NXDOMAIN from the zones.
CACHED = [("army.mil", "MX"), ("army.mil", "A"), ("navy.mil", "MX"),
          ("gmail.com", "MX"), ("example.com", "A"), ("example.com", "MX"),
          ("google.ml", "A"), ("bamako.ml", "MX"), ("www.soak.lab", "A"),
          ("mail.example.com", "A"), ("af.mil", "MX"), ("navy.mil", "A")]
BLOCKED = [("army.ml", "MX"), ("armym.il", "MX"), ("gmial.com", "MX"),
           ("army.ml", "A"), ("army.mil.ml", "A"), ("armymil.com", "A")]
LOGGED = [("gmai.com", "MX")]           # score 60: answered, logged
ALLOWED = [("navy.ml", "A"), ("navy.ml", "MX")]  # on the allowlist


def query_file(path, n, seed=7):
    """n query lines: 35 % cached, 25 % unique uncached, 15 % fixed blocked,
    10 % unique blocked (embedding), 5 % logged, 10 % allowlisted."""
    rnd = random.Random(seed)
    with open(path, "w") as f:
        for i in range(n):
            x = rnd.random()
            if x < 0.35:
                name, t = rnd.choice(CACHED)
            elif x < 0.60:
                name, t = "q%d-%d.u.soak.lab" % (i, rnd.randrange(10**6)), \
                    rnd.choice(("A", "MX"))
            elif x < 0.75:
                name, t = rnd.choice(BLOCKED)
            elif x < 0.85:
                name, t = "army.mil.q%d.e.soak.lab" % i, rnd.choice(("A", "MX"))
            elif x < 0.90:
                name, t = rnd.choice(LOGGED)
            else:
                name, t = rnd.choice(ALLOWED)
            f.write("%s %s\n" % (name, t))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def slope(points):
    """Least-squares slope of (t, y) points, y units per second."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    den = sum((p[0] - mt) ** 2 for p in points)
    return sum((p[0] - mt) * (p[1] - my) for p in points) / den if den else 0.0


def main():
    secs = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    qps = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    tglab.require_unbound()
    ub = tglab.Unbound(
        tg_conf="protected: protected.list\nallow: allow.list\n"
        "reload-interval: 1\nstats-file: tg.prom\nstats-interval: 1\n"
        "event-log: events.jsonl\nevent-interval: 10\n",
        lists={"protected.list": "\n".join(PROTECTED) + "\n",
               "allow.list": "\n".join(ALLOW) + "\n"},
        zones=[(".", os.path.join(tglab.LAB, "root.zone")),
               ("soak.lab.", os.path.join(SOAK, "soak.zone"))],
        threads=2, extra="    num-queries-per-thread: 1024\n"
        "    outgoing-range: 2048\n")
    ub.start()
    pid = ub.proc.pid
    qfile = ub.path("queries.txt")
    query_file(qfile, min(qps * secs + 1000, 3000000))

    # live list changes every 3 s: af.mil comes and goes in the protected
    # list, a throwaway name in the allowlist
    stop = threading.Event()
    changes = [0]

    def churn():
        k = 0
        while not stop.wait(3):
            k += 1
            prot = PROTECTED + (["af.mil"] if k % 2 else [])
            allow = ALLOW + ["churn%d.example" % k]
            for name, body in (("protected.list", prot),
                               ("allow.list", allow)):
                tmp = ub.path(name + ".new")
                with open(tmp, "w") as f:
                    f.write("\n".join(body) + "\n")
                os.rename(tmp, ub.path(name))
            changes[0] += 1

    samples = []
    t0 = time.time()

    def sample():
        while not stop.wait(5):
            samples.append((time.time() - t0, rss_kib(pid)))

    threads = [threading.Thread(target=churn, daemon=True),
               threading.Thread(target=sample, daemon=True)]
    for t in threads:
        t.start()
    perf = subprocess.run(
        ["dnsperf", "-s", "127.0.0.1", "-p", str(ub.port), "-d", qfile,
         "-l", str(secs), "-Q", str(qps), "-c", "8", "-T", "2", "-t", "5",
         "-S", "60"],
        capture_output=True, text=True, timeout=secs + 120)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    time.sleep(2.5)  # one more stats interval after the load
    out = perf.stdout
    alive = ub.proc.poll() is None

    def num(pattern, default=0.0):
        m = re.search(pattern, out)
        return float(m.group(1).replace(",", "")) if m else default

    sent = num(r"Queries sent:\s+(\d+)")
    done = num(r"Queries completed:\s+(\d+)")
    lost = num(r"Queries lost:\s+(\d+)")
    rate = num(r"Queries per second:\s+([\d.]+)")
    lat = num(r"Average Latency \(s\):\s+([\d.]+)")
    codes = dict((k, int(v)) for k, v in
                 re.findall(r"([A-Z]+) (\d+) \(", out.split(
                     "Response codes:")[-1].split("\n")[0]))
    servfail = codes.get("SERVFAIL", 0)

    from test_events import metrics
    m = metrics(ub.path("tg.prom"))
    scored = m.get("typoguard_scored_total", 0)
    blocked = sum(v for k, v in m.items()
                  if k.startswith("typoguard_blocked_total{"))
    logged = m.get("typoguard_logged_total", 0)
    passed = m.get("typoguard_passed_total", 0)
    reloads = {k: v for k, v in m.items() if k.startswith("typoguard_reloads_total")}

    warm = max(60.0, secs * 0.2)
    steady = [p for p in samples if p[0] >= warm]
    sl = slope(steady) * 60  # KiB per minute
    first = steady[0][1] if steady else 0
    last = steady[-1][1] if steady else 0
    window = (steady[-1][0] - steady[0][0]) if len(steady) > 1 else 0
    growth = sl / 60 * window
    allowed_growth = max(4096, 0.05 * first)

    print("soak: %d s at %d q/s target, 2 Unbound threads, 8 dnsperf clients"
          % (secs, qps))
    print("soak: queries sent %d, completed %d, lost %d, %.0f q/s, "
          "average latency %.2f ms" % (sent, done, lost, rate, lat * 1000))
    print("soak: response codes %s" % codes)
    print("soak: list changes %d, reloads %s" % (changes[0], reloads))
    print("soak: RSS after warm-up (%ds): first %d KiB, last %d KiB, "
          "max %d KiB, slope %.1f KiB/min (%+.0f KiB over %.0f s)"
          % (warm, first, last, max([p[1] for p in samples] or [0]),
             sl, growth, window))
    print("soak: counters scored %d = blocked %d + logged %d + passed %d "
          "(%d); allowlisted %d; events written %d, dropped %d"
          % (scored, blocked, logged, passed, blocked + logged + passed,
             m.get("typoguard_allowlisted_total", 0),
             m.get("typoguard_events_written_total", 0),
             m.get("typoguard_events_dropped_total", 0)))
    fails = []
    if perf.returncode != 0 or sent == 0:
        fails.append("dnsperf failed: %s" % perf.stderr[-500:])
    if servfail:
        fails.append("%d SERVFAIL answers" % servfail)
    if not alive:
        fails.append("unbound died:\n" + ub.log()[-3000:])
    if growth > allowed_growth:
        fails.append("RSS grew %.0f KiB after warm-up (allowed %.0f)"
                     % (growth, allowed_growth))
    if scored == 0 or scored != blocked + logged + passed:
        fails.append("counters do not add up")
    if reloads.get('typoguard_reloads_total{result="failed"}', 0):
        fails.append("a list change was rejected")
    ub.stop()
    for f in fails:
        print("soak: FAIL: " + f)
    print("soak: %s" % ("PASS" if not fails else "FAIL"))
    print(out, file=sys.stderr)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
