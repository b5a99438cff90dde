# SPDX-License-Identifier: BSD-3-Clause
"""typoguard integration harness: real Unbound (and NSD) on loopback.

Each test module starts the Unbound built for the tests (configure
--with-unbound) with typoguard.so loaded through dynlib, on free loopback
ports, from a templated configuration in a private temporary directory.  The
lab zones (tests/lab/*.zone) are served through `auth-zone` with
`for-upstream: yes` and `for-downstream: no`, so every query passes the
module stack and the iterator, with no network.  Queries go through tgdig
(ldns) and come back as JSON.

Everything started here is torn down on exit, on failure, on SIGTERM and
when the watchdog (TG_TEST_TIMEOUT, default 300 s) fires.

Environment (set by tests/integration/local.mk):
  TG_BUILDDIR, TG_SRCDIR   the build and source trees
  UNBOUND                  the dynlib-enabled unbound binary ("" to skip)
  NSD                      nsd binary (optional)
"""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
BUILDDIR = os.environ.get("TG_BUILDDIR", os.getcwd())
SRCDIR = os.environ.get("TG_SRCDIR", BUILDDIR)
UNBOUND = os.environ.get("UNBOUND", "")
NSD = os.environ.get("NSD", "")
TGDIG = os.path.join(BUILDDIR, "tests", "tgdig")
MODULE = os.path.join(BUILDDIR, "module", ".libs", "typoguard.so")
LAB = os.path.join(SRCDIR, "tests", "lab")

_live = []  # processes and directories to clean up


def _cleanup():
    while _live:
        item = _live.pop()
        try:
            item.stop()
        except Exception as e:  # keep cleaning up the rest
            print("cleanup: %s" % e, file=sys.stderr)


atexit.register(_cleanup)


def _on_signal(signum, frame):
    _cleanup()
    print("tglab: stopped by signal %d (timeout or kill)" % signum,
          file=sys.stderr)
    os._exit(1)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGALRM, _on_signal)
signal.alarm(int(os.environ.get("TG_TEST_TIMEOUT", "300")))


def stop_group(proc, grace=10):
    """Stop a server started with start_new_session=True: SIGTERM to its
    process group, SIGKILL after `grace` seconds; close its output pipe."""
    if proc and proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=grace)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=grace)
    if proc and proc.stdout:
        proc.stdout.close()


def require_unbound():
    """Exit with automake's SKIP code when no test Unbound is configured."""
    if not UNBOUND or not os.access(UNBOUND, os.X_OK):
        print("SKIP: no dynlib Unbound (configure --with-unbound=PREFIX)")
        sys.exit(SKIP)
    for p in (TGDIG, MODULE):
        if not os.path.exists(p):
            print("FAIL: %s not built" % p)
            sys.exit(1)


def have_ipv6_loopback():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


def free_port():
    """A port free for UDP and TCP on 127.0.0.1 (and ::1 when present)."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        ok = True
        socks = [t]
        try:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            socks.append(u)
            u.bind(("127.0.0.1", port))
            if have_ipv6_loopback():
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    s6 = socket.socket(socket.AF_INET6, kind)
                    socks.append(s6)
                    s6.bind(("::1", port))
        except OSError:
            ok = False
        for s in socks:
            s.close()
        if ok:
            return port
    raise RuntimeError("no free port found")


def query(port, name, qtype, server="127.0.0.1", source=None, cd=False,
          tcp=False, timeout_ms=3000):
    """Query through tgdig; return the parsed JSON response."""
    cmd = [TGDIG, "-s", server, "-p", str(port), "-T", str(timeout_ms)]
    if source:
        cmd += ["-b", source]
    if cd:
        cmd.append("-c")
    if tcp:
        cmd.append("-t")
    cmd += [name, qtype]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         timeout=timeout_ms / 1000 * 3 + 5)
    if out.returncode not in (0, 3):
        raise RuntimeError("tgdig failed: %s %s" % (out.stdout, out.stderr))
    return json.loads(out.stdout)


def cache_hits(ub):
    """Unbound's total.num.cachehits (unbound-control stats_noreset)."""
    st = ub.control("stats_noreset")
    if st.returncode != 0:
        raise AssertionError("unbound-control stats_noreset: " + st.stderr)
    for line in st.stdout.splitlines():
        if line.startswith("total.num.cachehits="):
            return int(line.split("=", 1)[1])
    raise AssertionError("no total.num.cachehits in: " + st.stdout[:500])


def rdata(rrs, rtype=None):
    """The rdata strings of presentation-format RRs (optionally one type)."""
    res = []
    for rr in rrs:
        f = rr.split(None, 4)
        if len(f) == 5 and (rtype is None or f[3] == rtype):
            res.append(f[4])
    return res


class Unbound:
    """A real unbound with typoguard loaded, on a free loopback port."""

    def __init__(self, tg_conf="", threads=1, extra="", ede=True,
                 lists=None, zones=None, ipv6=None, env=None,
                 modules="dynlib validator iterator", tail=""):
        self.dir = tempfile.mkdtemp(prefix="tglab-")
        self.port = free_port()
        self.cport = free_port()
        self.threads = threads
        self.extra = extra
        self.tail = tail          # clauses after the server: (rpz: ...)
        self.modules = modules    # without "dynlib": no typoguard
        self.ede = ede
        self.ipv6 = have_ipv6_loopback() if ipv6 is None else ipv6
        self.zones = zones if zones is not None else [
            (".", os.path.join(LAB, "root.zone"))]
        self.proc = None
        self.logfile = os.path.join(self.dir, "unbound.log")
        self.conf = os.path.join(self.dir, "unbound.conf")
        self.tg_conf_path = os.path.join(self.dir, "typoguard.conf")
        self.env = dict(os.environ)
        self.env["TYPOGUARD_CONF"] = self.tg_conf_path
        # configure --enable-sanitizers: typoguard.so is built with ASan,
        # unbound is not, so the ASan runtime is preloaded into unbound
        # alone (not into python or tgdig).  Reports go to files under
        # tests/sanitizer/ of the build tree (LSan runs when unbound exits,
        # after the test's checks); start() makes the test fail on any.
        if os.environ.get("TG_SANITIZER_PRELOAD"):
            self.san_dir = os.path.join(BUILDDIR, "tests", "sanitizer")
            os.makedirs(self.san_dir, exist_ok=True)
            self.san_prefix = os.path.join(self.san_dir, "%s.unbound" % (
                os.path.splitext(os.path.basename(sys.argv[0]))[0]))
            self.env["LD_PRELOAD"] = os.environ["TG_SANITIZER_PRELOAD"]
            self.env["ASAN_OPTIONS"] = (
                "detect_leaks=1:log_path=%s:halt_on_error=1:"
                "detect_odr_violation=0:allocator_may_return_null=1"
                % self.san_prefix)
            self.env["UBSAN_OPTIONS"] = (
                "print_stacktrace=1:halt_on_error=1:log_path=%s"
                % self.san_prefix)
            # tgdig and the tool, ASan-built too, run from the tests with
            # the default options: a leak or error there fails the query.
        if env:
            self.env.update(env)
        for name, body in (lists or {"protected.list": "army.mil\nnavy.mil\naf.mil\ngmail.com\n"}).items():
            self.write(name, body)
        if not tg_conf:
            tg_conf = "protected: protected.list\n"
        self.write("typoguard.conf", tg_conf)
        _live.append(self)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)

    def render(self):
        ifs = "    interface: 127.0.0.1@%d\n" % self.port
        if self.ipv6:
            ifs += "    interface: ::1@%d\n" % self.port
        zones = ""
        for name, zfile in self.zones:
            zones += ("auth-zone:\n    name: \"%s\"\n    zonefile: \"%s\"\n"
                      "    for-upstream: yes\n    for-downstream: no\n"
                      "    fallback-enabled: no\n" % (name, zfile))
        dynlib = ('dynlib:\n    dynlib-file: "%s"\n' % MODULE
                  if "dynlib" in self.modules else "")
        return f"""server:
{ifs}    port: {self.port}
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "{self.dir}"
    pidfile: "{self.dir}/unbound.pid"
    logfile: "{self.logfile}"
    use-syslog: no
    log-time-ascii: yes
    verbosity: 1
    num-threads: {self.threads}
    access-control: 127.0.0.0/8 allow
    access-control: ::1/128 allow
    do-not-query-localhost: no
    module-config: "{self.modules}"
    ede: {"yes" if self.ede else "no"}
    msg-cache-size: 4m
    rrset-cache-size: 8m
    outgoing-range: 64
    num-queries-per-thread: 64
    so-reuseport: no
    qname-minimisation: no
{self.extra}
remote-control:
    control-enable: yes
    control-interface: 127.0.0.1
    control-port: {self.cport}
    control-use-cert: no
{dynlib}{zones}{self.tail}"""

    def start(self, wait=True, expect_fail=False):
        # free_port() closes its probe sockets, so another test (or a
        # tgdig source port) can take a port before unbound binds it:
        # then start again on new ports, a few times
        for attempt in range(4):
            self._start(wait, expect_fail)
            if not wait or expect_fail or self.proc.poll() is None or \
                    "address already in use" not in self.log().lower() or \
                    attempt == 3:
                break
            self.port, self.cport = free_port(), free_port()
            try:
                os.unlink(self.logfile)
            except FileNotFoundError:
                pass
        if wait and not expect_fail and self.proc.poll() is not None:
            raise RuntimeError("unbound exited (%d) at start:\n%s" %
                               (self.proc.returncode, self.log()))
        return self

    def _start(self, wait, expect_fail):
        with open(self.conf, "w") as f:
            f.write(self.render())
        cmd = [UNBOUND, "-d", "-c", self.conf]
        import glob
        if os.environ.get("TG_SANITIZER_PRELOAD") and \
                not getattr(Unbound, "_san_hook", False):
            # Once per test process, at exit: stop every server (so LSan
            # has run in each unbound), then fail on any sanitizer report
            # this test's unbounds wrote.
            Unbound._san_hook = True
            prefix = self.san_prefix

            def san_check():
                _cleanup()
                bad = [p for p in glob.glob(prefix + ".*")
                       if os.path.getsize(p) > 0]
                for p in bad:
                    with open(p, errors="replace") as f:
                        print("---- %s\n%s" % (p, f.read()), file=sys.stderr)
                if bad:
                    print("FAIL: sanitizer reports from unbound (above)",
                          file=sys.stderr)
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(1)
            for p in glob.glob(prefix + ".*"):
                os.unlink(p)
            atexit.register(san_check)
        if os.environ.get("TG_VALGRIND"):
            # make memcheck (tests/soak/memcheck.sh): unbound under
            # valgrind memcheck, one log per process in $TG_VALGRIND_DIR.
            vdir = os.environ.get("TG_VALGRIND_DIR") or os.path.join(
                BUILDDIR, "tests", "memcheck")
            os.makedirs(vdir, exist_ok=True)
            tag = os.path.splitext(os.path.basename(sys.argv[0]))[0]
            cmd = ["valgrind", "--tool=memcheck", "--leak-check=full",
                   "--errors-for-leak-kinds=definite",
                   "--show-leak-kinds=definite,possible",
                   "--num-callers=30", "--track-origins=yes",
                   "--suppressions=" + os.path.join(SRCDIR, "tests",
                                                    "valgrind.supp"),
                   "--log-file=" + os.path.join(vdir, tag + ".%p.vg")] + cmd
        self.proc = subprocess.Popen(
            cmd, cwd=self.dir, env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        if not wait:
            return self
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return self  # start() decides: retry, fail or expected
            if "start of service" in self.log():
                return self
            time.sleep(0.05)
        raise RuntimeError("unbound did not start:\n" + self.log())

    def log(self):
        text = ""
        try:
            with open(self.logfile, errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            pass
        if self.proc and self.proc.poll() is not None and self.proc.stdout:
            # read once: a second read() of the pipe would return nothing
            if getattr(self, "_exit_proc", None) is not self.proc:
                self._exit_proc = self.proc
                self._exit_out = self.proc.stdout.read().decode(
                    errors="replace")
            text += self._exit_out
        return text

    def control(self, *args):
        ctl = os.path.join(os.path.dirname(UNBOUND), "unbound-control")
        return subprocess.run([ctl, "-c", self.conf] + list(args),
                              capture_output=True, text=True, timeout=30)

    def q(self, name, qtype, **kw):
        return query(self.port, name, qtype, **kw)

    def stop(self):
        stop_group(self.proc)
        if os.path.isdir(self.dir):
            if os.environ.get("TG_KEEP") and self.proc:
                print("kept", self.dir, file=sys.stderr)
            else:
                shutil.rmtree(self.dir, ignore_errors=True)
        if self in _live:
            _live.remove(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if exc[0] is not None:
            print("---- unbound log ----\n" + self.log()[-6000:],
                  file=sys.stderr)
        self.stop()


class Nsd:
    """An NSD on a free loopback port serving the given zones."""

    def __init__(self, zones, extra="", zone_extra="", control=False):
        if not NSD or not os.access(NSD, os.X_OK):
            raise RuntimeError("nsd not available")
        self.dir = tempfile.mkdtemp(prefix="tgnsd-")
        self.port = free_port()
        self.zones = zones  # list of (name, zonefile text)
        self.extra = extra
        self.zone_extra = zone_extra
        self.control = control
        self.sock = os.path.join(self.dir, "nsd.ctl")
        self.proc = None
        _live.append(self)

    def zonefile(self, name):
        return os.path.join(self.dir, (name.strip(".") or "root") + ".zone")

    def update(self, name, text):
        """Rewrite a zone and make NSD load it (and send its NOTIFYs)."""
        with open(self.zonefile(name), "w") as f:
            f.write(text)
        ctl = os.path.join(os.path.dirname(NSD), "nsd-control")
        r = subprocess.run([ctl, "-c", os.path.join(self.dir, "nsd.conf"),
                            "reload", name], capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            raise RuntimeError("nsd-control reload: " + r.stdout + r.stderr)

    def log(self):
        try:
            with open(os.path.join(self.dir, "nsd.log")) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self):
        conf = os.path.join(self.dir, "nsd.conf")
        body = f"""server:
    ip-address: 127.0.0.1@{self.port}
    port: {self.port}
    username: ""
    chroot: ""
    zonesdir: "{self.dir}"
    database: ""
    zonelistfile: "{self.dir}/zone.list"
    xfrdfile: "{self.dir}/xfrd.state"
    xfrdir: "{self.dir}"
    pidfile: "{self.dir}/nsd.pid"
    logfile: "{self.dir}/nsd.log"
    verbosity: 1
    server-count: 1
{self.extra}
remote-control:
    control-enable: {"yes" if self.control else "no"}
    control-interface: "{self.sock}"
"""
        for name, text in self.zones:
            with open(self.zonefile(name), "w") as f:
                f.write(text)
            body += (f'zone:\n    name: "{name}"\n'
                     f'    zonefile: "{self.zonefile(name)}"\n'
                     + self.zone_extra)
        with open(conf, "w") as f:
            f.write(body)
        return self._launch(conf, body)

    def _launch(self, conf, body, attempt=0):
        self.proc = subprocess.Popen([NSD, "-d", "-c", conf], cwd=self.dir,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 20
        first = self.zones[0][0]
        while time.time() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode() + self.log()
                if "already in use" in out and attempt < 3:
                    # as Unbound.start(): the port was taken meanwhile
                    old, self.port = self.port, free_port()
                    body = body.replace(f"@{old}\n", f"@{self.port}\n")
                    body = body.replace(f"port: {old}\n",
                                        f"port: {self.port}\n")
                    with open(conf, "w") as f:
                        f.write(body)
                    return self._launch(conf, body, attempt + 1)
                raise RuntimeError("nsd exited: " + out)
            r = query(self.port, first, "SOA", timeout_ms=300)
            if r.get("rcode") == "NOERROR":
                return self
            time.sleep(0.1)
        raise RuntimeError("nsd did not start")

    def stop(self):
        stop_group(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)
        if self in _live:
            _live.remove(self)


class SlowProxy:
    """A UDP relay on a free loopback port that delays every answer.

    Put in front of NSD (stub-addr), it keeps a query in flight long enough
    for a second client's identical query to arrive while the first one is
    still unanswered: the case where Unbound would share one mesh state.
    """

    def __init__(self, upstream_port, delay=0.6):
        import threading
        self.threading = threading
        self.upstream = ("127.0.0.1", upstream_port)
        self.delay = delay
        self.port = free_port()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.settimeout(0.2)
        self.running = True
        self.relayed = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)
        _live.append(self)

    def start(self):
        self.thread.start()
        return self

    def _one(self, data, addr):
        time.sleep(self.delay)
        up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        up.settimeout(3)
        try:
            up.sendto(data, self.upstream)
            reply, _ = up.recvfrom(65535)
            if self.running:
                self.sock.sendto(reply, addr)
                self.relayed += 1
        except OSError:
            pass
        finally:
            up.close()

    def _loop(self):
        while self.running:
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self.threading.Thread(target=self._one, args=(data, addr),
                                  daemon=True).start()

    def stop(self):
        self.running = False
        if self.thread.is_alive():
            self.thread.join(timeout=2)
        self.sock.close()
        if self in _live:
            _live.remove(self)


def event_lines(path):
    """The JSON events in an event log, parsed (missing file: [])."""
    try:
        with open(path) as f:
            return [json.loads(l) for l in f if l.strip()]
    except FileNotFoundError:
        return []


def wait_for(pred, timeout=10, step=0.1):
    """Poll pred() until it is true or timeout; return its last value."""
    deadline = time.time() + timeout
    while True:
        v = pred()
        if v or time.time() > deadline:
            return v
        time.sleep(step)
