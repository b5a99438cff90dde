#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Resolver benchmark (issue 6): typoguard against the alternatives.

Runs everything on loopback with dnsperf against real Unbound processes it
starts and stops itself:

  hit      cache-hit qps, typoguard loaded vs not (one binary, the test
           Unbound built with dynlib: "dynlib validator iterator" vs
           "validator iterator")
  miss     cache-miss qps: every query a fresh name under a wildcard in the
           lab root zone (auth-zone for-upstream, so each query passes the
           module stack and the iterator): typoguard with 100 k protected
           names vs no module (test binary), and Debian's stock unbound
           with a pass-through python module vs its own no-module baseline
  distinct cache-miss qps when every query is under a new registrable
           domain (`dN.lab`, a `*.lab` wildcard): the names share nothing
           a resolver thread's scorer memo could reuse; typoguard with
           100 k names vs no module
  blocked  qps for lookalikes typoguard blocks vs the same names as
           local-zone always_nxdomain (no module)
  enum     "enumerate and block": dnstwist permutations of N protected
           names as RPZ and as local-zones (no module), for N = 100, 1000,
           ... while memory allows, against typoguard with the same N and
           with 100 k: entries, load time, RSS, qps (cache-miss stream),
           and the share of a test set (TLD confusions, missing dots,
           embeddings) each catches
  score    the scorer microbenchmark (`make bench`)

Variants are interleaved (A B A B ...), each run on a freshly started
server; medians over --rounds.  With two or more CPUs, Unbound (one
thread) is pinned to the last CPU and dnsperf to the others (taskset), so
the two never take turns on one core (--no-pin turns this off).  Unbound's
own CPU time per query (utime + stime from /proc/PID/stat over the dnsperf
run) is recorded beside qps, because dnsperf can saturate its own core
before Unbound does.

Results go to --out (results.json, results.md); plots (gnuplot, PNG) to
--plots.  Generated data (query files, zones, enumerations) stay under
--work and are deleted at the end.  Every server started is killed on exit,
on error and on SIGTERM/SIGINT.  Before a large list is loaded the free
memory is checked (--min-free-gb must stay free, also while loading).

Usage (from the build tree, as root):
  tests/bench/resolver_bench.py [--parts hit,miss,distinct,blocked,score,enum]
      [--seconds 10] [--rounds 3] [--enum-n 100,1000,3000,10000] ...
`make bench-resolver` runs it with the defaults.
"""
import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HZ = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
LIVE = []            # servers to kill on exit
WILDCARD = "w.bench.lab"   # lab zone with a wildcard (not under test.)
DISTINCT = "lab"           # a wildcard right under the TLD: every name
                           # is its own registrable domain


def log(*a):
    print("[%s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


# ------------------------------------------------------------ cleanup

def cleanup():
    while LIVE:
        s = LIVE.pop()
        try:
            s.stop()
        except Exception as e:   # keep going
            log("cleanup:", e)


def on_signal(signum, frame):
    log("stopped by signal", signum)
    cleanup()
    os._exit(1)


# ------------------------------------------------------------ helpers

def free_port():
    for _ in range(100):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise RuntimeError("no free port")


def mem_available():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def proc_cpu(pid):
    """utime + stime of a process, seconds."""
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def proc_mem(pid):
    """(VmRSS, VmHWM) in bytes."""
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    return rss, hwm


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=0):
    if x is None:
        return "-"
    return ("{:,.%df}" % nd).format(x)


# ------------------------------------------------------------ servers

class Unbound:
    """One Unbound on a free loopback port, started in the foreground."""

    def __init__(self, args, binary, modcfg, extra="", rpz=None, tg=None,
                 python=False, tag="unbound", wrap=None):
        self.args = args
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="rb-%s-" % tag, dir=args.work)
        self.port = free_port()
        self.modcfg = modcfg
        self.extra = extra
        self.rpz = rpz
        self.tg = tg          # path of typoguard.conf or None
        self.python = python
        self.wrap = wrap      # command prefix (valgrind); None: pin_cmd
        self.proc = None
        self.logfile = os.path.join(self.dir, "unbound.log")
        self.load_s = None
        self.killed = None
        LIVE.append(self)

    def render(self):
        a = self.args
        c = f"""server:
    interface: 127.0.0.1@{self.port}
    port: {self.port}
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "{self.dir}"
    pidfile: "{self.dir}/unbound.pid"
    logfile: "{self.logfile}"
    use-syslog: no
    verbosity: 1
    num-threads: 1
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    module-config: "{self.modcfg}"
    ede: yes
    msg-cache-size: 32m
    rrset-cache-size: 64m
    outgoing-range: 1024
    num-queries-per-thread: 1024
    so-reuseport: no
    qname-minimisation: no
{self.extra}
remote-control:
    control-enable: no
"""
        if "dynlib" in self.modcfg:
            c += 'dynlib:\n    dynlib-file: "%s"\n' % a.module
        if self.python:
            c += 'python:\n    python-script: "%s/passthrough.py"\n' % self.dir
        c += ('auth-zone:\n    name: "."\n    zonefile: "%s"\n'
              '    for-upstream: yes\n    for-downstream: no\n'
              '    fallback-enabled: no\n' % a.rootzone)
        if self.rpz:
            c += ('rpz:\n    name: "rpz.bench."\n    zonefile: "%s"\n'
                  % self.rpz)
        return c

    def log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def _service_started(self):
        try:
            with open(self.logfile, "rb") as f:
                f.seek(0, 2)
                size = f.tell()
                f.seek(max(0, size - 65536))
                return b"start of service" in f.read()
        except FileNotFoundError:
            return False

    def start(self, timeout=120):
        conf = os.path.join(self.dir, "unbound.conf")
        with open(conf, "w") as f:
            f.write(self.render())
        if self.python:
            shutil.copy(self.args.unboundmodule_py, self.dir)
            with open(os.path.join(self.dir, "passthrough.py"), "w") as f:
                f.write(PASSTHROUGH)
        env = dict(os.environ)
        if self.tg:
            env["TYPOGUARD_CONF"] = self.tg
        t0 = time.monotonic()
        prefix = pin_cmd(self.args, "server") if self.wrap is None \
            else self.wrap
        self.proc = subprocess.Popen(prefix +
                                     [self.binary, "-d", "-c", conf],
                                     cwd=self.dir, env=env,
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "stderr"), "w"),
                                     start_new_session=True)
        limit = self.args.min_free_gb * 2**30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("unbound exited at start (%s):\n%s%s" % (
                    self.proc.returncode, self.log()[-3000:],
                    open(os.path.join(self.dir, "stderr")).read()[-2000:]))
            if self._service_started():
                self.load_s = time.monotonic() - t0
                break
            if mem_available() < limit:
                self.killed = "memory: less than %g GB free while loading" % (
                    self.args.min_free_gb)
                self.stop()
                return self
            if time.monotonic() - t0 > timeout:
                self.killed = "load took longer than %d s" % timeout
                self.stop()
                return self
            time.sleep(0.01)
        return self

    def mem(self):
        return proc_mem(self.proc.pid)

    def cpu(self):
        return proc_cpu(self.proc.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=60)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=30)
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)
        if self in LIVE:
            LIVE.remove(self)


PASSTHROUGH = '''# trivial pass-through python module (resolver_bench.py)
def init(id, cfg):
    return True

def deinit(id):
    return True

def inform_super(id, qstate, superqstate, qdata):
    return True

def operate(id, event, qstate, qdata):
    if event == MODULE_EVENT_NEW or event == MODULE_EVENT_PASS:
        qstate.ext_state[id] = MODULE_WAIT_MODULE
        return True
    if event == MODULE_EVENT_MODDONE:
        qstate.ext_state[id] = MODULE_FINISHED
        return True
    qstate.ext_state[id] = MODULE_ERROR
    return True
'''


def probe(port, name, qtype=1):
    """rcode name of one UDP query (a check that a list is in force)."""
    import random
    qid = random.randrange(65536)
    q = qid.to_bytes(2, "big") + b"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    for lab in name.strip(".").split("."):
        q += bytes([len(lab)]) + lab.encode()
    q += b"\x00" + qtype.to_bytes(2, "big") + b"\x00\x01"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    try:
        s.sendto(q, ("127.0.0.1", port))
        r, _ = s.recvfrom(4096)
    except OSError:
        return "timeout"
    finally:
        s.close()
    return {0: "NOERROR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED"}.get(
        r[3] & 15, str(r[3] & 15))


# ------------------------------------------------------------ dnsperf

def pin_cmd(args, who):
    """taskset prefix: the server on the last CPU, the client on the rest
    (nothing when --no-pin, on one CPU, or without taskset)."""
    n = os.cpu_count() or 1
    if not args.pin or n < 2 or not shutil.which("taskset"):
        return []
    cpus = str(n - 1) if who == "server" else "0-%d" % (n - 2)
    return ["taskset", "-c", cpus]


def dnsperf(args, srv, qfile, seconds=None, passes=None):
    """Run dnsperf against srv; return a dict of figures."""
    cmd = pin_cmd(args, "client") + ["dnsperf", "-s", "127.0.0.1", "-p", str(srv.port), "-d", qfile,
           "-c", str(args.clients), "-T", "1", "-q", str(args.outstanding),
           "-t", "5"]
    if passes:
        cmd += ["-n", str(passes)]
    else:
        cmd += ["-l", str(seconds)]
    c0 = srv.cpu()
    out = subprocess.run(cmd, capture_output=True, text=True,
                         timeout=(seconds or 60) + 60)
    c1 = srv.cpu()
    txt = out.stdout

    def grab(pat, conv=float):
        m = re.search(pat, txt)
        return conv(m.group(1)) if m else None
    r = {
        "sent": grab(r"Queries sent:\s+(\d+)", int),
        "completed": grab(r"Queries completed:\s+(\d+)", int),
        "lost": grab(r"Queries lost:\s+(\d+)", int),
        "qps": grab(r"Queries per second:\s+([\d.]+)"),
        "latency_ms": grab(r"Average Latency \(s\):\s+([\d.]+)"),
        "rcodes": dict(re.findall(r"(NOERROR|NXDOMAIN|SERVFAIL|REFUSED)\s+(\d+)", txt)),
        "unbound_cpu_s": c1 - c0,
    }
    if r["latency_ms"] is not None:
        r["latency_ms"] *= 1000
    if r["completed"]:
        r["us_per_query"] = (c1 - c0) / r["completed"] * 1e6
    if out.returncode != 0 or r["qps"] is None:
        raise RuntimeError("dnsperf failed: %s %s" % (txt[-1000:], out.stderr[-1000:]))
    return r


# ------------------------------------------------------------ data

def read_column(path, col, sep):
    op = gzip.open if path.endswith(".gz") else open
    out = []
    with op(path, "rt", encoding="utf-8", errors="replace") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\r\n").split(sep)
            if len(parts) <= col:
                continue
            s = parts[col].strip().lower()
            if s.startswith("*."):
                s = s[2:]
            if s and len(s) <= 253 and "*" not in s:
                out.append(s)
    return out


def protected_pool(data, n=100000):
    """The 100 k protected names, as tests/bench/bench_score.c builds them:
    .gov, .mil hostnames, UK public sector, US federal non-.gov, webmail
    providers, even-ranked Tranco, then even Tranco labels under other TLDs
    up to n.  Kept in that order (not shuffled)."""
    tmp = []
    tmp += read_column(os.path.join(data, "us_gov_domains.csv.gz"), 0, ",")
    tmp += read_column(os.path.join(data, "us_mil_hostnames.csv.gz"), 0, ",")
    tmp += read_column(os.path.join(data, "uk_gov_domains.tsv.gz"), 0, "\t")
    tmp += read_column(os.path.join(data, "us_federal_non_gov_domains.csv"), 0, ",")
    tmp += read_column(os.path.join(data, "email_provider_domains.tsv"), 0, "\t")
    tranco = read_column(os.path.join(data, "tranco_top100k.csv.gz"), 1, ",")
    tmp += tranco[0::2]
    pool, seen = [], set()
    for s in tmp:
        if len(pool) >= n:
            break
        if s not in seen:
            seen.add(s)
            pool.append(s)
    for tld in ("net", "org", "de", "io", "co.uk", "fr", "info"):
        for nm in tranco[0::2]:
            if len(pool) >= n:
                break
            if "." not in nm:
                continue
            s = nm.split(".", 1)[0] + "." + tld
            if s not in seen:
                seen.add(s)
                pool.append(s)
    return pool


def subset(pool, n):
    """A deterministic, representative n-name sample: every (len/n)-th
    (nested: the 100 sample is part of the 1000 sample, and so on)."""
    return [pool[i * len(pool) // n] for i in range(n)]


def write_list(path, names):
    with open(path, "w") as f:
        f.write("# resolver_bench protected names (%d)\n" % len(names))
        for s in names:
            f.write(s + "\n")


def psl_tlds(data):
    tlds = set()
    with gzip.open(os.path.join(data, "public_suffix_list.dat.gz"), "rt",
                   encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("//") and "." not in line \
                    and not line[0] in "*!":
                tlds.add(line)
    return tlds


def test_set(names, tlds):
    """Lookalikes of names, by class (not tuned to typoguard):
    tld: the TLD with one letter dropped, when that is a delegated TLD
         (army.ml for army.mil: the 2023 case);
    missing-dot: the dot before the TLD dropped, under .com (armymil.com),
         and a www prefix without its dot (wwwarmy.mil);
    embedding: the whole name under .com, under its confusable TLD (or
         .net) and under an unrelated registered domain
         (army.mil.com, army.mil.ml, army.mil.account-verify.com)."""
    prot = set(names)
    out = {"tld": [], "missing-dot": [], "embedding": []}
    for p in names:
        if "." not in p:
            continue
        rest, tld = p.rsplit(".", 1)
        conf = sorted({tld[:i] + tld[i + 1:] for i in range(len(tld))}
                      & tlds - {tld})
        for c in conf:
            out["tld"].append(rest + "." + c)
        out["missing-dot"].append(rest + tld + ".com")
        out["missing-dot"].append("www" + p)
        out["embedding"].append(p + ".com")
        out["embedding"].append(p + "." + (conf[0] if conf else "net"))
        out["embedding"].append(p + ".account-verify.com")
    for k in out:
        out[k] = sorted({x for x in out[k]
                         if x not in prot and len(x) <= 253
                         and all(0 < len(l) <= 63 for l in x.split("."))})
    return out


DNSTWIST_CHILD = r'''
import sys, dnstwist, re
ok = re.compile(r"^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$")
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for d in f:
        d = d.strip()
        if not d or d.startswith("#"):
            continue
        try:
            fz = dnstwist.Fuzzer(d)
            fz.generate()
        except Exception as e:
            print("dnstwist %s: %s" % (d, e), file=sys.stderr)
            continue
        for p in fz.domains:
            n = p["domain"].lower()
            if p["fuzzer"] != "*original" and n != d and len(n) <= 253 \
                    and ok.match(n):
                out.write(n + "\n")
'''


def dnstwist_enumerate(args, names, out_path):
    """dnstwist permutations of names (parallel, args.jobs processes),
    sorted, unique, without the protected names themselves.  Names already
    enumerated for a smaller (nested) sample are not enumerated again."""
    if not hasattr(args, "twist_done"):
        args.twist_done, args.twist_chunks = set(), []
        args.twist_dir = tempfile.mkdtemp(prefix="rb-twist-", dir=args.work)
    work = args.twist_dir
    if not args.twist_done <= set(names):
        raise RuntimeError("samples are not nested")
    todo = [n for n in names if n not in args.twist_done]
    jobs = max(1, min(args.jobs, len(todo)))
    procs, outs = [], []
    env = dict(os.environ, LC_ALL="C")
    for j in range(jobs):
        k = len(args.twist_chunks) + j
        inp = os.path.join(work, "in%d" % k)
        write_list(inp, todo[j::jobs])
        outp = os.path.join(work, "out%d" % k)
        outs.append(outp)
        procs.append(subprocess.Popen([args.dnstwist_python, "-c",
                                       DNSTWIST_CHILD, inp, outp]))
    for p in procs:
        if p.wait() != 0:
            raise RuntimeError("dnstwist child failed")
    for o in outs:
        subprocess.run(["sort", "-u", "-S", "1G", "-T", work, "-o", o + ".s", o],
                       check=True, env=env)
        os.unlink(o)
        args.twist_chunks.append(o + ".s")
    args.twist_done |= set(todo)
    prot = os.path.join(work, "prot")
    with open(prot, "w") as f:
        f.write("\n".join(sorted(set(names))) + "\n")
    subprocess.run("sort -u {p} > {p}.s && sort -m -u {c} | comm -23 - {p}.s > {o}"
                   .format(p=prot, c=" ".join(args.twist_chunks), o=out_path),
                   shell=True, check=True, env=env)
    with open(out_path, "rb") as f:
        return sum(1 for _ in f)


def write_rpz(names_file, path):
    with open(path, "w") as f:
        f.write("$ORIGIN rpz.bench.\n$TTL 300\n"
                "@ IN SOA ns.rpz.bench. hostmaster.rpz.bench. 1 3600 600 86400 60\n"
                "@ IN NS ns.rpz.bench.\n")
    subprocess.run("sed 's/$/.rpz.bench. CNAME ./' %s >> %s" % (names_file, path),
                   shell=True, check=True)


def write_localzone(names_file, path):
    with open(path, "w") as f:
        f.write("server:\n")
    subprocess.run("sed 's/.*/local-zone: \"&.\" always_nxdomain/' %s >> %s"
                   % (names_file, path), shell=True, check=True)


def membership(names_file, tests, suffix):
    """Which test names are in the enumeration (suffix: also a parent of
    the test name is, as local-zone covers subdomains)."""
    keys = {}
    for cls, lst in tests.items():
        for t in lst:
            labels = t.split(".")
            cand = [".".join(labels[i:]) for i in range(len(labels) - 1)] \
                if suffix else [t]
            for c in cand:
                keys.setdefault(c, set()).add(t)
    hit = set()
    with open(names_file, errors="replace") as f:
        for line in f:
            s = line.rstrip("\n")
            if s in keys:
                hit |= keys[s]
    return {cls: sum(1 for t in lst if t in hit) for cls, lst in tests.items()}


def tg_score(args, list_files, names):
    """Verdicts of `typoguard score` for names with the given lists."""
    cmd = [args.tool, "score"]
    for lf in list_files:
        cmd += ["-p", lf]
    cmd.append("-")
    out = subprocess.run(cmd, input="\n".join(names) + "\n",
                         capture_output=True, text=True, check=True)
    res = {}
    for line in out.stdout.splitlines():
        f = line.split()
        if len(f) >= 2:
            res[f[0]] = f[1]
    return res


# ------------------------------------------------------------ setup

def setup(args):
    os.makedirs(args.work, exist_ok=True)
    # lab root zone plus a wildcard for fresh names
    args.rootzone = os.path.join(args.work, "root.zone")
    with open(os.path.join(args.srcdir, "tests", "lab", "root.zone")) as f:
        z = f.read()
    z += "\n; resolver_bench: fresh names for the cache-miss path\n"
    z += "*.%s. IN A 192.0.2.99\n" % WILDCARD
    z += "*.%s. IN A 192.0.2.98\n" % DISTINCT
    with open(args.rootzone, "w") as f:
        f.write(z)
    log("building the protected list (100 k, as bench_score.c)")
    args.pool = protected_pool(args.data)
    if len(args.pool) < 100000:
        raise RuntimeError("only %d protected names" % len(args.pool))
    args.list100k = os.path.join(args.work, "protected-100k.list")
    write_list(args.list100k, args.pool)
    args.tgconf100k = tg_conf(args, "100k", [args.list100k])
    # query files
    args.qhit = os.path.join(args.work, "hit.txt")
    with open(args.qhit, "w") as f:
        for i in range(1000):
            f.write("h%d.%s A\n" % (i, WILDCARD))
    n_miss = int(args.max_qps * max(args.seconds, args.enum_seconds))
    args.qmiss = os.path.join(args.work, "miss.txt")
    with open(args.qmiss, "w") as f:
        for i in range(n_miss):
            f.write("m%d.%s A\n" % (i, WILDCARD))
    args.n_miss = n_miss
    args.qdistinct = os.path.join(args.work, "distinct.txt")
    with open(args.qdistinct, "w") as f:
        for i in range(n_miss):
            f.write("d%d.%s A\n" % (i, DISTINCT))


def tg_conf(args, tag, lists):
    path = os.path.join(args.work, "typoguard-%s.conf" % tag)
    with open(path, "w") as f:
        for lf in lists:
            f.write("protected: %s\n" % lf)
        f.write("reload-interval: 0\n")
    return path


# ------------------------------------------------------------ parts

def run_variants(args, part, variants, qfile, seconds, prime=None):
    """variants: list of (name, factory); interleaved over rounds, a fresh
    server per run.  Returns {name: [run dicts]}."""
    res = {name: [] for name, _ in variants}
    for r in range(args.rounds):
        for name, make in variants:
            srv = make().start()
            if srv.killed:
                raise RuntimeError("%s: %s" % (name, srv.killed))
            rss0, _ = srv.mem()
            if prime:
                dnsperf(args, srv, prime, passes=1)
            d = dnsperf(args, srv, qfile, seconds)
            d["load_s"] = srv.load_s
            d["rss_start"] = rss0
            d["rss_end"], d["hwm"] = srv.mem()
            if "typoguard" in name:
                m = re.search(r"loaded: (\d+) protected names.*?, (\d+) bytes",
                              srv.log())
                if m:
                    d["tg_names"], d["tg_bytes"] = int(m.group(1)), int(m.group(2))
            srv.stop()
            if (d["sent"] and qfile in (args.qmiss, args.qdistinct)
                    and d["sent"] >= args.n_miss):
                log("WARNING: %s sent %d >= %d unique names: the file "
                    "wrapped around" % (name, d["sent"], args.n_miss))
            log("%-8s round %d %-28s %9.0f qps  %6.2f us/q  lost %s  load %.2fs"
                % (part, r + 1, name, d["qps"], d.get("us_per_query", 0),
                   d["lost"], srv.load_s))
            res[name].append(d)
    return res


def summarise(runs):
    s = {}
    for name, lst in runs.items():
        s[name] = {k: median([d.get(k) for d in lst]) for k in
                   ("qps", "us_per_query", "latency_ms", "load_s",
                    "rss_start", "rss_end", "lost")}
        s[name]["qps_all"] = [round(d["qps"]) for d in lst]
        s[name]["us_all"] = [round(d.get("us_per_query") or 0, 2) for d in lst]
    return s


def tg_and_base(args, tag):
    """The pair most parts compare: typoguard with the 100 k list and no
    module, both on the test Unbound."""
    B = args.unbound
    return [
        ("typoguard (100k)", lambda: Unbound(args, B, "dynlib validator iterator",
                                             tg=args.tgconf100k, tag=tag + "-tg")),
        ("no module", lambda: Unbound(args, B, "validator iterator",
                                      tag=tag + "-none")),
    ]


def part_hit(args):
    return run_variants(args, "hit", tg_and_base(args, "hit"), args.qhit,
                        args.seconds, prime=args.qhit)


def part_miss(args):
    D = args.stock_unbound
    variants = tg_and_base(args, "miss") + [
        ("stock: python pass-through", lambda: Unbound(
            args, D, "python validator iterator", python=True, tag="miss-py")),
        ("stock: no module", lambda: Unbound(args, D, "validator iterator",
                                             tag="miss-stock")),
    ]
    return run_variants(args, "miss", variants, args.qmiss, args.seconds)


def part_distinct(args):
    return run_variants(args, "distinct", tg_and_base(args, "dist"),
                        args.qdistinct, args.seconds)


def part_blocked(args):
    """Lookalikes typoguard (100 k list) blocks, from its own export of a
    1 k subset, confirmed with the 100 k list; the same names as
    local-zone always_nxdomain."""
    sub = subset(args.pool, 1000)
    lf = os.path.join(args.work, "blocked-src.list")
    write_list(lf, sub)
    out = subprocess.run([args.tool, "export", "--format", "local-zone",
                          "-p", lf], capture_output=True, text=True, check=True)
    cands = re.findall(r'local-zone: "([^"]+)\." always_nxdomain', out.stdout)
    verdicts = tg_score(args, [args.list100k], cands)
    names = [n for n in cands if verdicts.get(n) == "block"]
    step = max(1, len(names) // args.blocked_names)
    names = names[::step][:args.blocked_names]
    qfile = os.path.join(args.work, "blocked.txt")
    with open(qfile, "w") as f:
        for n in names:
            f.write("%s A\n" % n)
    lz = os.path.join(args.work, "blocked-localzone.conf")
    with open(lz, "w") as f:
        f.write("server:\n")
        for n in names:
            f.write('local-zone: "%s." always_nxdomain\n' % n)
    log("blocked path: %d lookalike names (of %d exported)" % (len(names), len(cands)))
    B = args.unbound
    variants = [
        ("typoguard (100k)", lambda: Unbound(args, B, "dynlib validator iterator",
                                             tg=args.tgconf100k, tag="blk-tg")),
        ("local-zone always_nxdomain", lambda: Unbound(
            args, B, "validator iterator", extra='    include: "%s"\n' % lz,
            tag="blk-lz")),
    ]
    res = run_variants(args, "blocked", variants, qfile, args.seconds)
    args.blocked_count = len(names)
    args.blocked_sample = names[:8]
    return res


def measure_loaded(args, srv_factory, label, n, entries, results, qps=True,
                   check=None):
    """Start (repeat starts while quick), RSS, qps on the miss stream;
    check: a name that must be NXDOMAIN once the list is in force."""
    loads, rss, hwm = [], [], []
    srv = None
    for i in range(args.rounds):
        srv = srv_factory().start(timeout=args.max_load_s)
        if srv.killed:
            log("enum %s N=%s: %s" % (label, n, srv.killed))
            results.append({"what": label, "n": n, "entries": entries,
                            "stopped": srv.killed})
            return None
        loads.append(srv.load_s)
        r, h = srv.mem()
        rss.append(r)
        hwm.append(h)
        if srv.load_s > 5 or i == args.rounds - 1:
            break
        srv.stop()
    row = {"what": label, "n": n, "entries": entries,
           "load_s": median(loads), "loads": [round(x, 3) for x in loads],
           "rss": median(rss), "hwm": max(hwm)}
    if check:
        row["check"] = "%s %s" % (check, probe(srv.port, check))
        if not row["check"].endswith("NXDOMAIN"):
            log("WARNING: %s N=%s: %s is not NXDOMAIN" % (label, n, row["check"]))
    if qps:
        q, us = [], []
        for i in range(args.rounds):
            d = dnsperf(args, srv, args.qmiss_enum[i % len(args.qmiss_enum)],
                        args.enum_seconds)
            q.append(d["qps"])
            us.append(d.get("us_per_query"))
        row["qps"] = median(q)
        row["qps_all"] = [round(x) for x in q]
        row["us_per_query"] = median(us)
    srv.stop()
    log("enum %-22s N=%-6s entries %10s load %7.2fs RSS %8.1f MB qps %s" % (
        label, n, entries, row["load_s"], row["rss"] / 1e6, fmt(row.get("qps"))))
    results.append(row)
    return row


def part_enum(args, res_all):
    B = args.unbound
    results = res_all.setdefault("enum_rows", [])
    cover = res_all.setdefault("coverage", [])
    tlds = psl_tlds(args.data)
    # separate miss files per qps round would be needed only when a server
    # lives across rounds: it does here, so rounds use disjoint name ranges
    args.qmiss_enum = []
    per = int(args.max_qps * args.enum_seconds)
    for i in range(args.rounds):
        p = os.path.join(args.work, "miss-enum-%d.txt" % i)
        with open(p, "w") as f:
            for j in range(per):
                f.write("e%d-%d.%s A\n" % (i, j, WILDCARD))
        args.qmiss_enum.append(p)
    # base and typoguard 100k
    measure_loaded(args, lambda: Unbound(args, B, "validator iterator",
                                         tag="enum-base"),
                   "no module (base)", 0, 0, results)
    measure_loaded(args, lambda: Unbound(args, B, "dynlib validator iterator",
                                         tg=args.tgconf100k, tag="enum-tg"),
                   "typoguard", 100000, 100000, results)
    per_name = {}      # bytes per entry of the last measured N, per kind
    per_domain = None  # dnstwist names per protected name
    for n in args.enum_n:
        sub = subset(args.pool, n)
        lf = os.path.join(args.work, "protected-%d.list" % n)
        write_list(lf, sub)
        est = per_domain * n if per_domain else None
        if est and per_name:
            need = max(per_name.values()) * est * 1.2
            if mem_available() - need < args.min_free_gb * 2**30:
                msg = ("not run: %s entries would need ~%.1f GB, leaving less "
                       "than %g GB free" % (fmt(est), need / 1e9, args.min_free_gb))
                log("enum N=%d: %s" % (n, msg))
                results.append({"what": "dnstwist (all)", "n": n,
                                "entries": est, "stopped": msg})
                break
        if args.deadline and time.time() > args.deadline:
            log("enum N=%d: past the deadline, stopping" % n)
            results.append({"what": "dnstwist (all)", "n": n,
                            "stopped": "not run: time budget"})
            break
        t0 = time.monotonic()
        enum = os.path.join(args.work, "dnstwist-%d.txt" % n)
        entries = dnstwist_enumerate(args, sub, enum)
        gen_s = time.monotonic() - t0
        per_domain = entries / n
        log("enum N=%d: dnstwist %d names (%.0f per name) in %.1f s" % (
            n, entries, per_domain, gen_s))
        res_all.setdefault("dnstwist_gen", []).append(
            {"n": n, "entries": entries, "seconds": gen_s})
        # coverage of the test set
        tests = test_set(sub, tlds)
        v = tg_score(args, [lf], sum(tests.values(), []))
        v100 = tg_score(args, [args.list100k], sum(tests.values(), []))
        exp_out = os.path.join(args.work, "export-%d.txt" % n)
        ex = subprocess.run([args.tool, "export", "--format", "local-zone",
                             "-p", lf], capture_output=True, text=True, check=True)
        exported = re.findall(r'local-zone: "([^"]+)\." always_nxdomain', ex.stdout)
        with open(exp_out, "w") as f:
            f.write("\n".join(exported) + "\n")
        cov = {"n": n, "tests": {k: len(x) for k, x in tests.items()},
               "typoguard": {k: sum(1 for t in x if v.get(t) == "block")
                             for k, x in tests.items()},
               "typoguard_log": {k: sum(1 for t in x if v.get(t) in ("block", "log"))
                                 for k, x in tests.items()},
               "typoguard_100k": {k: sum(1 for t in x if v100.get(t) == "block")
                                  for k, x in tests.items()},
               "rpz": membership(enum, tests, suffix=False),
               "local-zone": membership(enum, tests, suffix=True),
               "export local-zone": membership(exp_out, tests, suffix=True),
               "examples": {k: x[:3] for k, x in tests.items()}}
        cover.append(cov)
        log("coverage N=%d: %s" % (n, json.dumps({k: cov[k] for k in (
            "tests", "typoguard", "rpz", "local-zone")})))
        # typoguard with the same N
        tgc = tg_conf(args, str(n), [lf])
        blocked = [t for t in sum(tests.values(), []) if v.get(t) == "block"]
        measure_loaded(args, lambda: Unbound(args, B, "dynlib validator iterator",
                                             tg=tgc, tag="enum-tg%d" % n),
                       "typoguard", n, n, results,
                       check=blocked[0] if blocked else None)
        # typoguard's own enumeration as local-zone (small)
        lzx = os.path.join(args.work, "export-%d.conf" % n)
        write_localzone(exp_out, lzx)
        measure_loaded(args, lambda: Unbound(args, B, "validator iterator",
                                             extra='    include: "%s"\n' % lzx,
                                             tag="enum-exp%d" % n),
                       "typoguard export as local-zone", n, len(exported), results,
                       check=exported[len(exported) // 2] if exported else None)
        # dnstwist as local-zone, then as RPZ
        for kind in ("local-zone", "rpz"):
            if args.deadline and time.time() > args.deadline:
                results.append({"what": "dnstwist as " + kind, "n": n,
                                "entries": entries,
                                "stopped": "not run: time budget"})
                continue
            need = per_name.get(kind, 1500) * entries * 1.2
            if mem_available() - need < args.min_free_gb * 2**30:
                msg = ("not run: would need ~%.1f GB, leaving less than %g GB free"
                       % (need / 1e9, args.min_free_gb))
                log("enum %s N=%d: %s" % (kind, n, msg))
                results.append({"what": "dnstwist as " + kind, "n": n,
                                "entries": entries, "stopped": msg})
                continue
            zf = os.path.join(args.work, "enum-%d.%s" % (n, kind))
            if kind == "rpz":
                write_rpz(enum, zf)
                fac = lambda: Unbound(args, B, "respip validator iterator",
                                      rpz=zf, tag="enum-rpz%d" % n)
            else:
                write_localzone(enum, zf)
                fac = lambda: Unbound(args, B, "validator iterator",
                                      extra='    include: "%s"\n' % zf,
                                      tag="enum-lz%d" % n)
            with open(enum) as f:
                first = f.readline().strip()
            row = measure_loaded(args, fac, "dnstwist as " + kind, n, entries,
                                 results, check=first)
            os.unlink(zf)
            if row:
                base = [r for r in results if r.get("n") == 0][0]["rss"]
                per_name[kind] = max(1.0, (row["hwm"] - base) / entries)
        for p in (enum, exp_out, lzx):
            if os.path.exists(p):
                os.unlink(p)
        save(args, res_all)


def part_score(args):
    log("make bench (the scorer microbenchmark)")
    out = subprocess.run(["make", "-s", "-C", args.builddir, "bench"],
                         capture_output=True, text=True, timeout=1800)
    return {"returncode": out.returncode, "output": out.stdout + out.stderr}


# ------------------------------------------------------------ report

def save(args, res):
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)


def ratio(a, b):
    return a / b if a and b else None


def report(args, res):
    L = []
    P = L.append
    if any(p in res for p in ("hit", "miss", "distinct", "blocked")):
        P("| path | variant | qps (median) | ratio | Unbound CPU µs/query | ratio | runs (qps) |")
        P("|---|---|---:|---:|---:|---:|---|")
        for part, base_of in (("hit", {"typoguard (100k)": "no module"}),
                              ("miss", {"typoguard (100k)": "no module",
                                        "stock: python pass-through": "stock: no module"}),
                              ("distinct", {"typoguard (100k)": "no module"}),
                              ("blocked", {"typoguard (100k)": "local-zone always_nxdomain"})):
            if part not in res:
                continue
            s = res[part]["summary"]
            for name, v in s.items():
                b = base_of.get(name)
                rq = ratio(v["qps"], s[b]["qps"]) if b else None
                ru = ratio(v["us_per_query"], s[b]["us_per_query"]) if b else None
                P("| %s | %s | %s | %s | %s | %s | %s |" % (
                    part, name, fmt(v["qps"]),
                    ("%.3f× %s" % (rq, b)) if rq else "1",
                    fmt(v["us_per_query"], 2),
                    ("%.3f×" % ru) if ru else "1",
                    " ".join(str(x) for x in v["qps_all"])))
        lt = {"typoguard (100k)": [], "no module": []}
        for part in ("hit", "miss", "distinct", "blocked"):
            for name in lt:
                for d in res.get(part, {}).get("runs", {}).get(name, []):
                    lt[name].append((d["load_s"], d["rss_start"]))
        if lt["typoguard (100k)"] and lt["no module"]:
            a = median([x[0] for x in lt["typoguard (100k)"]])
            b = median([x[0] for x in lt["no module"]])
            ra = median([x[1] for x in lt["typoguard (100k)"]])
            rb_ = median([x[1] for x in lt["no module"]])
            P("")
            P("Start to \"start of service\" (all %d/%d starts above, median): "
              "typoguard with 100 k names %.3f s, no module %.3f s: the list is "
              "loaded and indexed and in force %.3f s after start.  RSS at "
              "start: %.1f MB vs %.1f MB (+%.1f MB)." % (
                  len(lt["typoguard (100k)"]), len(lt["no module"]), a, b,
                  a - b, ra / 1e6, rb_ / 1e6, (ra - rb_) / 1e6))
        if "miss" in res:
            s = res["miss"]["summary"]
            tg = s["typoguard (100k)"]["qps"] / s["no module"]["qps"]
            py = s["stock: python pass-through"]["qps"] / s["stock: no module"]["qps"]
            P("")
            P("Cache-miss, each relative to its own binary's no-module "
              "baseline: typoguard %.3f×, python pass-through %.3f×." % (tg, py))
    if "enum_rows" in res:
        base = [r for r in res["enum_rows"] if r.get("n") == 0]
        b = base[0]["rss"] if base else None
        bl = base[0]["load_s"] if base else None
        P("")
        P("| approach | protected names | entries | load s (start → service) | RSS MB | RSS − base MB | peak RSS MB | qps (miss stream) | ratio to base |")
        P("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        bq = base[0].get("qps") if base else None
        for r in res["enum_rows"]:
            if "stopped" in r:
                P("| %s | %s | %s | %s | | | | | |" % (r["what"], fmt(r["n"]),
                                                   fmt(r.get("entries")), r["stopped"]))
                continue
            P("| %s | %s | %s | %.2f | %.1f | %s | %.1f | %s | %s |" % (
                r["what"], fmt(r["n"]), fmt(r["entries"]), r["load_s"],
                r["rss"] / 1e6, "%.1f" % ((r["rss"] - b) / 1e6) if b else "-",
                r["hwm"] / 1e6, fmt(r.get("qps")),
                "%.3f×" % (r["qps"] / bq) if r.get("qps") and bq else "-"))
    for g in res.get("dnstwist_gen", []):
        P("")
        P("dnstwist (Debian 20221213, all default fuzzers, no dictionaries) "
          "for N = %s: %s names, %.0f per protected name; generated in "
          "%.0f s (names not already enumerated for a smaller N only, %d "
          "processes)." % (fmt(g["n"]), fmt(g["entries"]),
                           g["entries"] / g["n"], g["seconds"], args.jobs))
    if "coverage" in res:
        P("")
        P("| N | class | test names | typoguard (N) | typoguard (100k) | dnstwist as RPZ | dnstwist as local-zone | typoguard export as local-zone |")
        P("|---:|---|---:|---:|---:|---:|---:|---:|")
        for c in res["coverage"]:
            for k, tot in c["tests"].items():
                pc = lambda x: "%.0f %%" % (100.0 * x / tot) if tot else "-"
                P("| %s | %s | %d | %s | %s | %s | %s | %s |" % (
                    fmt(c["n"]), k, tot, pc(c["typoguard"][k]),
                    pc(c["typoguard_100k"][k]), pc(c["rpz"][k]),
                    pc(c["local-zone"][k]), pc(c["export local-zone"][k])))
    if "score" in res:
        P("")
        P("```")
        P(res["score"]["output"].rstrip())
        P("```")
    return "\n".join(L) + "\n"


def plots(args, res):
    if not shutil.which("gnuplot"):
        log("gnuplot missing: no plots")
        return []
    os.makedirs(args.plots, exist_ok=True)
    made = []
    dat = os.path.join(args.work, "plot")
    os.makedirs(dat, exist_ok=True)
    rows = [r for r in res.get("enum_rows", []) if "stopped" not in r]
    base = [r for r in rows if r["n"] == 0]
    series = [("typoguard", "typoguard"),
              ("dnstwist as rpz", "dnstwist as RPZ"),
              ("dnstwist as local-zone", "dnstwist as local-zones"),
              ("typoguard export as local-zone", "typoguard export as local-zones")]
    files = []
    for key, title in series:
        pts = sorted((r["n"], r["rss"], r["load_s"], r["entries"])
                     for r in rows if r["what"] == key and r["n"] > 0)
        if not pts:
            continue
        p = os.path.join(dat, re.sub(r"\W+", "_", key) + ".dat")
        with open(p, "w") as f:
            for n, rss, ld, e in pts:
                f.write("%d %.3f %.4f %d\n" % (n, rss / 1e6, ld, e))
        files.append((p, title))
    if files:
        for what, col, ylabel, fname in (
                ("memory", 2, "Unbound RSS after start (MB)", "memory_vs_names.png"),
                ("load", 3, "load time, start to service (s)", "loadtime_vs_names.png")):
            gp = ["set terminal pngcairo size 900,560 font 'sans,10' noenhanced",
                  "set output '%s'" % os.path.join(args.plots, fname),
                  "set logscale xy", "set grid",
                  "set key top left",
                  "set xlabel 'protected names N'",
                  "set ylabel '%s'" % ylabel,
                  "set title 'Unbound 1.17.1, %s vs protected names (dnstwist: all permutations of each name)'" % what]
            if base:
                v = base[0]["rss"] / 1e6 if col == 2 else base[0]["load_s"]
                gp.append("set arrow from graph 0, first %g to graph 1, first %g nohead dt 2" % (v, v))
                gp.append("set label 'no module (base)' at graph 0.75, first %g offset 0,0.7" % v)
            gp.append("plot " + ", ".join(
                "'%s' using 1:%d with linespoints lw 2 pt 7 title '%s'" % (p, col, t)
                for p, t in files))
            subprocess.run(["gnuplot"], input="\n".join(gp) + "\n", text=True,
                           check=True)
            made.append(fname)
    # qps per path
    bars = []
    for part, label in (("hit", "cache hit"), ("miss", "cache miss"),
                        ("distinct", "miss, new domains"),
                        ("blocked", "blocked")):
        if part in res:
            for name, v in res[part]["summary"].items():
                bars.append((label, name, v["qps"], v["us_per_query"]))
    if bars:
        p = os.path.join(dat, "qps.dat")
        with open(p, "w") as f:
            for i, (lab, name, q, us) in enumerate(bars):
                f.write('%d "%s\\n%s" %.0f %.3f\n' % (i, lab, name, q, us))
        gp = ["set terminal pngcairo size 1100,600 font 'sans,9' noenhanced",
              "set key outside top center horizontal",
              "set output '%s'" % os.path.join(args.plots, "qps_per_path.png"),
              "set style fill solid 0.6 border -1", "set boxwidth 0.7",
              "set grid ytics", "set yrange [0:*]", "set xtics rotate by -30",
              "set ylabel 'queries per second (median of %d)'" % args.rounds,
              "set y2label 'Unbound CPU per query (µs)'", "set y2tics",
              "set y2range [0:*]",
              "set title 'qps per path (dnsperf, loopback, 1 Unbound thread)'",
              "plot '%s' using 1:3:xtic(2) with boxes title 'qps', "
              "'' using 1:4 axes x1y2 with points pt 7 ps 1.5 title 'µs/query (right)'" % p]
        subprocess.run(["gnuplot"], input="\n".join(gp) + "\n", text=True,
                       check=True)
        made.append("qps_per_path.png")
    return made


# ------------------------------------------------------------ main

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--builddir", default=os.getcwd())
    ap.add_argument("--srcdir", default=os.path.dirname(os.path.dirname(here)))
    ap.add_argument("--data", default=None, help="../shared/data")
    ap.add_argument("--unbound", default=os.environ.get(
        "UNBOUND", "/var/cache/typoguard/unbound-1.17.1-2+deb12u4/prefix/sbin/unbound"))
    ap.add_argument("--stock-unbound", default="/usr/sbin/unbound")
    ap.add_argument("--parts", default="hit,miss,distinct,blocked,score,enum")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--enum-seconds", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--enum-n", default="100,1000,3000,10000")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--outstanding", type=int, default=200)
    ap.add_argument("--max-qps", type=float, default=260000,
                    help="sizes the unique-name files (names = qps x seconds)")
    ap.add_argument("--blocked-names", type=int, default=10000)
    ap.add_argument("--min-free-gb", type=float, default=6)
    ap.add_argument("--max-load-s", type=float, default=400)
    ap.add_argument("--budget-min", type=float, default=0,
                    help="stop starting new enum steps after this many minutes")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--plots", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-pin", dest="pin", action="store_false",
                    help="do not pin Unbound and dnsperf to separate CPUs")
    args = ap.parse_args()
    args.data = args.data or os.path.join(args.srcdir, "..", "shared", "data")
    args.module = os.path.join(args.builddir, "module", ".libs", "typoguard.so")
    args.tool = os.path.join(args.builddir, "core", "cli", "typoguard")
    args.work = args.work or tempfile.mkdtemp(prefix="tg-resolver-bench-",
                                              dir="/var/tmp")
    args.out = args.out or args.work + "-out"
    args.plots = args.plots or os.path.join(args.srcdir, "tests", "bench", "plots")
    args.enum_n = [int(x) for x in args.enum_n.split(",") if x]
    args.deadline = time.time() + args.budget_min * 60 if args.budget_min else None
    parts = args.parts.split(",")
    os.makedirs(args.out, exist_ok=True)
    for p in (args.unbound, args.module, args.tool):
        if not os.path.exists(p):
            print("resolver_bench: %s missing (build first)" % p, file=sys.stderr)
            return 77
    for tool in ("dnsperf",):
        if not shutil.which(tool):
            print("resolver_bench: %s missing (apt-get install %s)" % (tool, tool),
                  file=sys.stderr)
            return 77
    # Debian's python: dnstwist and unboundmodule.py live there
    args.dnstwist_python = "/usr/bin/python3"
    args.unboundmodule_py = "/usr/lib/python3/dist-packages/unboundmodule.py"
    if "miss" in parts and not os.path.exists(args.unboundmodule_py):
        print("resolver_bench: %s missing (apt-get install python3-unbound)"
              % args.unboundmodule_py, file=sys.stderr)
        return 77
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "argv": sys.argv, "machine": machine(args)}
    t0 = time.time()
    try:
        setup(args)
        for part, fn in (("hit", part_hit), ("miss", part_miss),
                         ("distinct", part_distinct),
                         ("blocked", part_blocked)):
            if part in parts:
                log("=== %s" % part)
                runs = fn(args)
                res[part] = {"runs": runs, "summary": summarise(runs)}
                save(args, res)
        if "blocked" in res:
            res["blocked"]["names"] = args.blocked_count
            res["blocked"]["sample"] = args.blocked_sample
        if "score" in parts:
            res["score"] = part_score(args)
            save(args, res)
        if "enum" in parts:
            log("=== enum")
            part_enum(args, res)
    finally:
        cleanup()
        res["seconds"] = time.time() - t0
        save(args, res)
        try:
            res["plots"] = plots(args, res)
        except Exception as e:
            log("plots failed:", e)
        md = report(args, res)
        with open(os.path.join(args.out, "results.md"), "w") as f:
            f.write(md)
        save(args, res)
        print(md)
        log("results in %s (results.json, results.md); plots in %s" % (
            args.out, args.plots))
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    return 0


def machine(args):
    m = {}
    try:
        with open("/proc/cpuinfo") as f:
            m["cpu"] = re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    except Exception:
        pass
    m["cpus"] = os.cpu_count()
    m["mem_gb"] = round(os.sysconf("SC_PHYS_PAGES") * PAGE / 2**30, 1)
    m["kernel"] = os.uname().release
    for k, cmd in (("unbound", [args.unbound, "-V"]),
                   ("stock_unbound", [args.stock_unbound, "-V"]),
                   ("dnsperf", ["dnsperf", "-h"])):
        try:
            o = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            m[k] = (o.stdout + o.stderr).splitlines()[0:1]
        except Exception:
            pass
    return m


if __name__ == "__main__":
    sys.exit(main())
