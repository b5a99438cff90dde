#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Instructions per cache miss, with and without typoguard (issue 18).

qps on this shared 2-core host swings by +-20 % from round to round;
instruction counts do not.  This counts every instruction one Unbound
process executes (valgrind --tool=callgrind, whole process, all threads):

  - the test Unbound (built with dynlib), `num-threads: 1`,
    `module-config: "validator iterator"` without typoguard and
    "dynlib validator iterator" with it, `reload-interval: 0`;
  - the lab root zone (tests/lab/root.zone) plus two wildcards, served by
    `auth-zone` for-upstream, so every query passes the module stack and
    the iterator, with no network;
  - --queries (20,000) cache misses, sent one at a time over UDP, each
    when Unbound sleeps again in its event loop (/proc/PID/stat), so every
    query costs one wakeup in every variant, after --warmup (200) misses of
    the same form;
  - start-up, warm-up and shutdown subtracted: the same variant is run
    once more with the warm-up queries only, and
    instructions per miss = (Ir(run) - Ir(run without the 20,000)) / 20,000,
    each Ir without the module's init() and deinit() (inclusive): they
    build and free the index, whose cost depends on its random seed, and
    each run has its own (with Tranco 100k the two builds could differ by
    ~3 M instructions, 150 a miss).

Streams (names drawn with a fixed seed, all distinct):
  sub     q<random>.bench.com: unique names under one registrable domain
  domain  d<random>.com: every name a new registrable domain (a *.com
          wildcard)

Lists (protected):
  17k        the registered .gov and .mil domains and the mail providers of
             ../shared/data (as tests/eval/false_positives.py builds them)
  tranco100k the Tranco top 100k (tranco_top100k.csv.gz)
  tranco1k, tranco10k  its first 1,000 / 10,000 (the cost should be flat)

It prints, per stream and list, instructions per miss without and with
typoguard and the ratio, then the typoguard part of the with-typoguard run
per function (self instructions per miss, from the callgrind output; the
code in typoguard.so, and the libc functions it calls, counted inclusive
from the calls Unbound makes into typoguard.so).  Results also go to
results.json / results.md and the callgrind files to --out.

Needs valgrind (contrib/install-deps.sh --instr) and about 3 minutes per
stream and list on a 2-core machine; no root needed.  Usage (build tree):
  tests/bench/bench_instr.py [--streams sub,domain] [--lists 17k,tranco100k]
      [--queries 20000]
`make bench-instr` runs it with the defaults.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "eval"))
import resolver_bench as rb  # noqa: E402  (Unbound, tg_conf, cleanup)
import tgeval  # noqa: E402  (the evaluation lists)

log = rb.log
ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789"
STREAMS = {
    # name, format of one query name (random part r)
    "sub": ("unique names under one registrable domain", "q{r}.bench.com"),
    "domain": ("every name a new registrable domain", "d{r}.com"),
}


# ------------------------------------------------------------ data

def stream_names(kind, n, warmup, seed):
    """warmup + n distinct names of a stream, fixed by seed."""
    rnd = random.Random("%s-%d" % (kind, seed))
    fmt = STREAMS[kind][1]
    seen, out = set(), []
    while len(out) < n + warmup:
        r = "".join(rnd.choice(ALPHA) for _ in range(10))
        name = fmt.format(r=r)
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out[:warmup], out[warmup:]


def protected_list(args, which):
    """(description, names) of a protected list."""
    d = args.data
    if which == "17k":
        names = tgeval.unique(tgeval.gov_domains(d) +
                              tgeval.mil_registered(d) +
                              tgeval.mail_providers(d))
        return ".gov, .mil and mail providers", names
    m = re.fullmatch(r"tranco(\d+)k", which)
    if m:
        n = int(m.group(1)) * 1000
        return "Tranco top %dk" % (n // 1000), tgeval.tranco(d)[:n]
    raise SystemExit("bench_instr: unknown list %r (17k, trancoNk)" % which)


# ------------------------------------------------------------ queries

def wire_query(qid, name, qtype=1):
    q = qid.to_bytes(2, "big") + b"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    for lab in name.strip(".").split("."):
        q += bytes([len(lab)]) + lab.encode()
    return q + b"\x00" + qtype.to_bytes(2, "big") + b"\x00\x01"


def proc_state(pid):
    """The state letter of a process (R running, S sleeping ...)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
        return st[st.rindex(")") + 2]
    except (OSError, ValueError, IndexError):
        return "?"


def wait_idle(pid, limit=2.0):
    """Wait until the server's main thread sleeps (in epoll_wait: it has
    finished with the previous query).  Otherwise, under valgrind, the
    next query may arrive while the worker is still busy and be read in
    the same wakeup of the event loop, or not, by chance: ~1 % of the
    instructions per miss moved from run to run with the host's timing."""
    t0 = time.monotonic()
    while proc_state(pid) not in "SD?":
        if time.monotonic() - t0 > limit:
            return
        time.sleep(0)


def send_all(port, names, pid=None, timeout=30.0):
    """Send names one at a time (each after the previous answer, and with
    pid, after the server is idle again); return {rcode: count}.  A lost
    answer is an error: a resend would be a second query and change the
    count."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    rcodes = {}
    try:
        for i, n in enumerate(names):
            if pid:
                wait_idle(pid)
            qid = i & 0xffff
            s.send(wire_query(qid, n))
            while True:
                r = s.recv(4096)
                if len(r) >= 4 and int.from_bytes(r[:2], "big") == qid:
                    break
            rc = r[3] & 15
            rcodes[rc] = rcodes.get(rc, 0) + 1
    except socket.timeout:
        raise RuntimeError("no answer to query %d (%s) within %g s"
                           % (i, names[i], timeout))
    finally:
        s.close()
    return rcodes


# ------------------------------------------------------------ callgrind

def callgrind_total(path):
    """Total Ir of a callgrind output file."""
    with open(path) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("no totals in %s" % path)


def callgrind_costs(path, mine):
    """From a callgrind output file: self Ir per function of the objects
    for which mine(object path) is true, and the inclusive Ir of calls
    from other objects (not libc: qsort's callbacks) into them (the entry
    points) per callee."""
    names = {"ob": {}, "fn": {}}
    selfc, entry = {}, {}
    ob = fn = cob = cfn = None
    pending_call = False

    def resolve(kind, val):
        m = re.match(r"\((\d+)\)(?:\s+(.*))?$", val)
        if not m:
            return val
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
            return m.group(2)
        return names[kind].get(m.group(1), val)
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                cost = int(parts[1]) if len(parts) > 1 else 0
                if pending_call:
                    pending_call = False
                    if (mine(cob or ob) and not mine(ob) and
                            "libc" not in (ob or "")):
                        entry[cfn] = entry.get(cfn, 0) + cost
                    continue
                if mine(ob):
                    selfc[fn] = selfc.get(fn, 0) + cost
                continue
            key, _, val = line.partition("=")
            if key == "ob":
                ob = resolve("ob", val)
            elif key in ("fl", "fi", "fe"):
                pass
            elif key == "fn":
                fn = resolve("fn", val)
                cob = None
            elif key == "cob":
                cob = resolve("ob", val)
            elif key == "cfn":
                cfn = resolve("fn", val)
            elif key == "calls":
                pending_call = True
            elif key in ("cfi", "cfl"):
                pass
    return selfc, entry


# ------------------------------------------------------------ runs

def module_startup(path):
    """Inclusive Ir of Unbound's calls of typoguard.so's init() and
    deinit() (index build and free: seed-dependent) in a callgrind file."""
    _, entry = callgrind_costs(
        path, lambda ob: ob is not None and "typoguard.so" in ob)
    return entry.get("init", 0) + entry.get("deinit", 0)


def run_one(args, variant, tgconf, warm, names, tag, extra=""):
    """One Unbound under callgrind: warm-up, then names; returns the
    total Ir (without the module's init() and deinit(): module_startup())
    and the callgrind file.  extra: server options (a local-zone
    include)."""
    out = os.path.join(args.out, "callgrind.%s.out" % tag)
    wrap = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
            "--dump-instr=no", "--compress-strings=yes"]
    if variant == "typoguard":
        srv = rb.Unbound(args, args.unbound, "dynlib validator iterator",
                         tg=tgconf, tag="instr-tg", wrap=wrap)
    else:
        srv = rb.Unbound(args, args.unbound, "validator iterator",
                         extra=extra, tag="instr-none", wrap=wrap)
    t0 = time.monotonic()
    srv.start(timeout=args.start_timeout)
    if srv.killed:
        raise RuntimeError("%s: %s" % (tag, srv.killed))
    rc_warm = send_all(srv.port, warm, srv.proc.pid)
    rc = send_all(srv.port, names, srv.proc.pid) if names else {}
    if variant == "typoguard" and "loaded:" not in srv.log():
        raise RuntimeError("%s: typoguard not loaded:\n%s" % (tag, srv.log()[-2000:]))
    srv.stop()
    if not os.path.exists(out):
        raise RuntimeError("%s: no callgrind output" % tag)
    ir = callgrind_total(out)
    start = module_startup(out) if variant == "typoguard" else 0
    log("%-32s Ir %15s  %d queries  %.0f s  rcodes %s%s" % (
        tag, "{:,}".format(ir), len(warm) + len(names),
        time.monotonic() - t0, rc or rc_warm,
        "  (init/deinit %s)" % "{:,}".format(start) if start else ""))
    return ir - start, out, rc


def fmtk(x):
    return "%.1f k" % (x / 1000.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--builddir", default=os.getcwd())
    ap.add_argument("--srcdir", default=os.path.dirname(os.path.dirname(HERE)))
    ap.add_argument("--data", default=None, help="../shared/data")
    ap.add_argument("--unbound", default=os.environ.get(
        "UNBOUND", "/var/cache/typoguard/unbound-1.17.1-2+deb12u4/prefix/sbin/unbound"))
    ap.add_argument("--streams", default="sub,domain")
    ap.add_argument("--lists", default="17k,tranco100k")
    ap.add_argument("--queries", type=int, default=20000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--blocked", action="store_true",
                    help="also blocked answers vs local-zone always_nxdomain "
                    "(with the first list)")
    ap.add_argument("--top", type=int, default=25,
                    help="functions shown in the typoguard profile")
    ap.add_argument("--start-timeout", type=float, default=900)
    ap.add_argument("--work", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    args.data = args.data or os.path.join(args.srcdir, "..", "shared", "data")
    args.module = os.path.join(args.builddir, "module", ".libs", "typoguard.so")
    args.tool = os.path.join(args.builddir, "core", "cli", "typoguard")
    # what resolver_bench.Unbound reads
    args.pin = False
    args.min_free_gb = 1
    args.work = args.work or tempfile.mkdtemp(prefix="tg-bench-instr-",
                                              dir="/var/tmp")
    args.out = args.out or args.work + "-out"
    streams = [s for s in args.streams.split(",") if s]
    lists = [x for x in args.lists.split(",") if x]
    for s in streams:
        if s not in STREAMS:
            raise SystemExit("bench_instr: unknown stream %r (sub, domain)" % s)
    for p in (args.unbound, args.module, args.tool):
        if not os.path.exists(p):
            print("bench_instr: %s missing (build first)" % p, file=sys.stderr)
            return 77
    if not shutil.which("valgrind"):
        print("bench_instr: valgrind missing (contrib/install-deps.sh --instr)",
              file=sys.stderr)
        return 77
    if not os.path.isdir(args.data):
        print("bench_instr: no data in %s (TG_DATA_DIR)" % args.data,
              file=sys.stderr)
        return 77
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    signal.signal(signal.SIGTERM, rb.on_signal)
    signal.signal(signal.SIGINT, rb.on_signal)

    # the lab root zone with the two wildcards of the streams
    args.rootzone = os.path.join(args.work, "root.zone")
    with open(os.path.join(args.srcdir, "tests", "lab", "root.zone")) as f:
        z = f.read()
    z += ("\n; bench_instr: the cache-miss streams\n"
          "*.bench.com. IN A 192.0.2.97\n*.com. IN A 192.0.2.96\n")
    with open(args.rootzone, "w") as f:
        f.write(z)

    res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "argv": sys.argv, "queries": args.queries, "warmup": args.warmup,
           "commit": git_commit(args.srcdir), "rows": [], "profiles": {}}
    t_start = time.time()
    try:
        confs = {}
        for lname in lists:
            desc, names = protected_list(args, lname)
            lf = os.path.join(args.work, "protected-%s.list" % lname)
            rb.write_list(lf, names)
            confs[lname] = (desc, len(names), rb.tg_conf(args, lname, [lf]), lf)
        base_ir = {}   # the no-module start-up/warm-up run, per stream
        for s in streams:
            warm, names = stream_names(s, args.queries, args.warmup, args.seed)
            row_none = None
            for lname in [None] + lists:
                variant = "none" if lname is None else "typoguard"
                tgc = confs[lname][2] if lname else None
                tag = "%s.%s" % (s, lname or "none")
                ir0, cg0, _ = run_one(args, variant, tgc, warm, [],
                                      tag + ".idle")
                ir1, cg, rc = run_one(args, variant, tgc, warm, names, tag)
                per = (ir1 - ir0) / len(names)
                if lname is None:
                    row_none = per
                    continue
                flagged = flagged_count(args, confs[lname][3], names)
                row = {"stream": s, "stream_desc": STREAMS[s][0],
                       "example": names[0], "list": lname,
                       "list_desc": confs[lname][0],
                       "list_names": confs[lname][1],
                       "without": row_none, "with": per,
                       "ratio": per / row_none, "rcodes": rc,
                       "flagged": flagged}
                prof = typoguard_profile(cg, cg0, len(names))
                row["typoguard_part"] = prof["entry_total"]
                res["rows"].append(row)
                res["profiles"][tag] = prof
                log("%s %s: %s without, %s with: %.3fx (+%.1f %%)" % (
                    s, lname, fmtk(row_none), fmtk(per), per / row_none,
                    100 * (per / row_none - 1)))
                save(args, res)
        if args.blocked:
            res["blocked"] = part_blocked(args, confs[lists[0]], lists[0])
            save(args, res)
    finally:
        rb.cleanup()
        res["seconds"] = time.time() - t_start
        save(args, res)
        md = report(args, res)
        with open(os.path.join(args.out, "results.md"), "w") as f:
            f.write(md)
        print(md)
        log("results in %s (results.json, results.md, callgrind.*.out)"
            % args.out)
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    return 0


def part_blocked(args, conf, lname):
    """Blocked answers: 1,000 lookalikes of every 10th name of the list (its own
    `typoguard export`, each confirmed block by `typoguard score`), --queries
    of them, typoguard vs the same names as `local-zone: always_nxdomain`
    without the module.  Every name is asked once before (the steady state
    of a qps run, where each name repeats thousands of times): typoguard's
    repeats come from Unbound's message cache, as on a resolver."""
    desc, n, tgc, lf = conf
    sub = os.path.join(args.work, "blocked-src.list")
    names = [x.strip() for x in open(lf) if x.strip() and x[0] != "#"]
    rb.write_list(sub, names[::10])
    out = subprocess.run([args.tool, "export", "--format", "local-zone",
                          "-p", sub], capture_output=True, text=True,
                         check=True)
    cands = re.findall(r'local-zone: "([^"]+)\." always_nxdomain',
                       out.stdout)
    v = rb.tg_score(args, [lf], cands)
    blocked = [x for x in cands if v.get(x) == "block"][:1000]
    if not blocked:
        raise RuntimeError("no blocked names from %s" % lf)
    lz = os.path.join(args.work, "blocked-localzone.conf")
    with open(lz, "w") as f:
        f.write("server:\n")
        for x in blocked:
            f.write('local-zone: "%s." always_nxdomain\n' % x)
    qs = [blocked[i % len(blocked)] for i in range(args.queries)]
    warm = blocked
    r = {"list": lname, "names": len(blocked), "example": blocked[0]}
    for variant, tag, extra in (
            ("typoguard", "blocked.%s" % lname, ""),
            ("none", "blocked.local-zone", '    include: "%s"\n' % lz)):
        ir0, cg0, _ = run_one(args, variant, tgc, warm, [], tag + ".idle",
                              extra)
        ir1, cg, rc = run_one(args, variant, tgc, warm, qs, tag, extra)
        r[variant] = (ir1 - ir0) / len(qs)
        r[variant + "_rcodes"] = rc
        if variant == "typoguard":
            r["profile"] = typoguard_profile(cg, cg0, len(qs))
    r["ratio"] = r["typoguard"] / r["none"]
    log("blocked (%s): typoguard %s, local-zone %s per query: %.2fx" % (
        lname, fmtk(r["typoguard"]), fmtk(r["none"]), r["ratio"]))
    return r


def git_commit(src):
    try:
        return subprocess.run(["git", "-C", src, "describe", "--always",
                               "--dirty"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except Exception:
        return ""


def flagged_count(args, list_file, names):
    """How many stream names typoguard itself would log or block (they take
    the decision path, not the plain pass)."""
    v = rb.tg_score(args, [list_file], names)
    return {k: sum(1 for x in v.values() if x == k) for k in ("block", "log")}


def typoguard_profile(cg, cg0, n):
    """Per miss: the run's costs minus those of the run without the
    misses (start-up, warm-up, shutdown)."""
    mine = lambda ob: ob is not None and "typoguard.so" in ob
    selfc, entry = callgrind_costs(cg, mine)
    self0, entry0 = callgrind_costs(cg0, mine)
    for d, d0 in ((selfc, self0), (entry, entry0)):
        for k, v in d0.items():
            d[k] = d.get(k, 0) - v
        for k in [k for k, v in d.items() if abs(v) < n / 2]:
            del d[k]
    for k in ("init", "deinit"):   # start-up and shutdown
        entry.pop(k, None)
    return {
        "entry_total": sum(entry.values()) / n,
        "entry": {k: v / n for k, v in sorted(entry.items(),
                                              key=lambda kv: -kv[1])},
        "self": {k: v / n for k, v in sorted(selfc.items(),
                                             key=lambda kv: -kv[1])},
        "self_total": sum(selfc.values()) / n,
    }


def save(args, res):
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)


def report(args, res):
    L = []
    P = L.append
    P("Instructions per cache miss (callgrind, whole Unbound process, "
      "%d misses, start-up, %d warm-up misses and shutdown subtracted, "
      "the module's index build and free (init, deinit) left out; "
      "commit %s, %s)" % (res["queries"], res["warmup"], res.get("commit", ""),
                          res["date"]))
    P("")
    P("| stream | list | without typoguard | with typoguard | ratio | "
      "typoguard.so entry points | names logged/blocked |")
    P("|---|---|---:|---:|---:|---:|---:|")
    for r in res["rows"]:
        P("| %s (`%s`) | %s (%s names) | %s | %s | %.3f× (%+.1f %%) | %s | %d/%d |" % (
            r["stream"], r["example"], r["list"], "{:,}".format(r["list_names"]),
            fmtk(r["without"]), fmtk(r["with"]), r["ratio"],
            100 * (r["ratio"] - 1), fmtk(r["typoguard_part"]),
            r["flagged"]["log"], r["flagged"]["block"]))
    for tag, p in res.get("profiles", {}).items():
        P("")
        P("typoguard's part, %s: %.0f instr/miss from Unbound's calls into "
          "typoguard.so (inclusive: %s), of which self in typoguard.so %.0f:"
          % (tag, p["entry_total"],
             ", ".join("%s %.0f" % (k, v) for k, v in p["entry"].items()),
             p["self_total"]))
        P("")
        P("| function (typoguard.so) | self instr/miss |")
        P("|---|---:|")
        for k, v in list(p["self"].items())[:args.top]:
            if v >= 0.5:
                P("| %s | %.0f |" % (k, v))
    b = res.get("blocked")
    if b:
        P("")
        P("Blocked answers (%d lookalikes of the %s list, e.g. `%s`, "
          "answered NXDOMAIN): typoguard %s instr/query, the same names as "
          "`local-zone: always_nxdomain` %s: %.2f× (typoguard.so's part %s)."
          % (b["names"], b["list"], b["example"], fmtk(b["typoguard"]),
             fmtk(b["none"]), b["ratio"], fmtk(b["profile"]["entry_total"])))
        P("")
        P("| function (typoguard.so), blocked path | self instr/query |")
        P("|---|---:|")
        for k, v in list(b["profile"]["self"].items())[:args.top]:
            if v >= 0.5:
                P("| %s | %.0f |" % (k, v))
    P("")
    P("(%.0f s)" % res.get("seconds", 0))
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.exit(main())
