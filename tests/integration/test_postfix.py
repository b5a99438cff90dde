# SPDX-License-Identifier: BSD-3-Clause
"""A real mail server behind typoguard: Debian's Postfix, on loopback.

The whole fixture runs in private namespaces that this test creates
(`unshare --net --mount --pid --fork`): a network with only `lo`, a private
/etc/resolv.conf (bind-mounted) naming 127.0.0.1, typoguard's Unbound on
127.0.0.1:53 as Postfix's only resolver, a Postfix with its own
config_directory and queue_directory in a temporary directory (no chroot),
and small SMTP sinks on 127.0.0.x:25 standing for the remote mail servers.
The lab zones are tests/lab/root.zone and tests/lab/mail.zone (army.mil's
MX is a sink on 127.0.0.25 there).  Everything in the namespaces dies with
it: the pid namespace ends when this test does.

What a postmaster would see:
  - mail to user@army.ml bounces at once, "Host or domain name not found",
    and the sender gets the non-delivery report;
  - in `action: sinkhole` mode the same mail lands on the sinkhole host;
  - mail to the protected army.mil reaches its MX;
  - with `action: log-only` (the control) Postfix does try army.ml's real
    MX, so the bounce above is typoguard's doing.
"""
import os
import pwd
import shutil
import signal
import smtplib
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import tglab

INNER = "TG_POSTFIX_IN_NAMESPACE"
POSTFIX = "/usr/sbin/postfix"
RELAY = "127.0.0.10"      # our Postfix's smtpd
ARMY_MIL_MX = "127.0.0.25"  # mx.army.mil in tests/lab/mail.zone
SINKHOLE = "127.0.0.1"    # sinkhole.typoguard.lab in tests/lab/root.zone
SENDER_MX = "127.0.0.30"  # the sender's own mail server: gets the bounces
SENDER = "alice@[%s]" % SENDER_MX


def outer():
    """Skip when the tools are missing, else re-run inside namespaces."""
    tglab.require_unbound()
    if os.geteuid() != 0:
        print("SKIP: needs root (network, mount and pid namespaces, port 25)")
        sys.exit(tglab.SKIP)
    for tool in (POSTFIX, shutil.which("unshare"), shutil.which("ip")):
        if not tool or not os.access(tool, os.X_OK):
            print("SKIP: postfix, unshare or ip missing "
                  "(contrib/install-deps.sh installs them)")
            sys.exit(tglab.SKIP)
    probe = subprocess.run(["unshare", "--net", "--mount", "--pid", "--fork",
                            "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print("SKIP: cannot create namespaces here: " + probe.stderr.strip())
        sys.exit(tglab.SKIP)
    signal.alarm(0)  # the inner run has its own watchdog
    env = dict(os.environ, **{INNER: "1"})
    proc = subprocess.Popen(
        ["unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc",
         "--", sys.executable, os.path.abspath(__file__)] + sys.argv[1:],
        env=env)
    try:
        rc = proc.wait(timeout=int(os.environ.get("TG_TEST_TIMEOUT", "300")) + 30)
    except subprocess.TimeoutExpired:
        proc.kill()  # pid 1 of the namespace: takes everything with it
        proc.wait()
        print("FAIL: timeout")
        rc = 1
    sys.exit(rc)


# ------------------------------------------------------------ inner fixture


class Sink(socketserver.ThreadingTCPServer):
    """A minimal SMTP receiver on ADDRESS:25 that keeps every message."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address):
        self.messages = []
        self.lock = threading.Lock()
        super().__init__((address, 25), SinkHandler)
        self.thread = threading.Thread(target=self.serve_forever,
                                       kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def received(self):
        with self.lock:
            return list(self.messages)

    def stop(self):
        self.shutdown()
        self.server_close()


class SinkHandler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())

    def handle(self):
        me = self.server.server_address[0]
        self.reply("220 sink-%s ESMTP test sink" % me)
        env = {"to": [], "from": None}
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.decode(errors="replace").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink-%s" % me)
            elif verb == "MAIL":
                env = {"to": [], "from": cmd[10:].strip()}
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                env["to"].append(cmd[8:].strip())
                self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while True:
                    l = self.rfile.readline(65536)
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    body.append(l.decode(errors="replace"))
                with self.server.lock:
                    self.server.messages.append(
                        dict(env, data="".join(body), at=me))
                self.reply("250 2.0.0 Ok: kept")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:  # RSET, NOOP, anything else
                self.reply("250 2.0.0 Ok")


MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command
smtp      inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    """Postfix with a private config and queue directory, no chroot."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tgpostfix-")
        os.chmod(self.dir, 0o755)  # the postfix user walks into the queue
        self.conf = os.path.join(self.dir, "etc")
        self.maillog = os.path.join(self.dir, "maillog")
        os.mkdir(self.conf)
        os.mkdir(os.path.join(self.dir, "spool"), 0o755)
        os.mkdir(os.path.join(self.dir, "data"), 0o700)
        pw = pwd.getpwnam("postfix")
        os.chown(os.path.join(self.dir, "data"), pw.pw_uid, pw.pw_gid)
        main = f"""\
compatibility_level = 3.6
config_directory = {self.conf}
queue_directory = {self.dir}/spool
data_directory = {self.dir}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = {self.maillog}
maillog_file_prefixes = {self.dir}
myhostname = relay.typoguard.lab
mydomain = typoguard.lab
myorigin = $myhostname
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = {RELAY}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_peername_lookup = no
smtputf8_enable = no
smtp_tls_security_level = none
smtp_host_lookup = dns
smtp_connect_timeout = 5s
smtp_dns_support_level = enabled
biff = no
"""
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(main)
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(MASTER_CF)

    def cmd(self, *args, check=True):
        r = subprocess.run([POSTFIX, "-c", self.conf] + list(args),
                           capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError("postfix %s: %s%s\n%s" % (
                " ".join(args), r.stdout, r.stderr, self.log()[-3000:]))
        return r

    def start(self):
        self.cmd("check")
        self.cmd("start")
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection((RELAY, 25), timeout=2) as s:
                    if s.recv(512).startswith(b"220"):
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("postfix smtpd did not answer:\n" + self.log())

    def log(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def send(self, rcpt):
        """Submit one message over SMTP; return its queue id."""
        msg = ("From: <%s>\r\nTo: <%s>\r\nSubject: typoguard test\r\n"
               "Message-ID: <%s@typoguard.lab>\r\n\r\nhello %s\r\n" % (
                   SENDER, rcpt, time.time_ns(), rcpt))
        with smtplib.SMTP(RELAY, 25, timeout=30) as s:
            s.ehlo("client.typoguard.lab")
            code, _ = s.mail(SENDER)
            assert code == 250, code
            code, text = s.rcpt(rcpt)
            assert code == 250, (code, text)
            code, text = s.data(msg.encode())
            assert code == 250, (code, text)
        qid = text.decode().rsplit(" ", 1)[-1]
        return qid

    def status(self, qid, rcpt, timeout=30):
        """The first delivery status line of qid for rcpt (or "")."""
        key = "%s: to=<%s>" % (qid, rcpt)

        def find():
            for line in self.log().splitlines():
                if key in line and "status=" in line:
                    return line
            return ""
        return tglab.wait_for(find, timeout=timeout, step=0.2)

    def stop(self):
        self.cmd("stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def setUpModule():
    global SINKS
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # Postfix binds only to addresses of an interface (inet_interfaces)
    for a in (RELAY, ARMY_MIL_MX, SENDER_MX):
        subprocess.run(["ip", "addr", "add", a + "/32", "dev", "lo"],
                       check=True)
    # typoguard's Unbound is the only resolver Postfix can ask
    resolv = os.path.join(tempfile.mkdtemp(prefix="tgresolv-"), "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.1\noptions timeout:2 attempts:2\n")
    subprocess.run(["mount", "--bind", resolv, "/etc/resolv.conf"],
                   check=True)
    SINKS = {a: Sink(a) for a in (ARMY_MIL_MX, SINKHOLE, SENDER_MX)}


def tearDownModule():
    for s in SINKS.values():
        s.stop()
    subprocess.run(["umount", "/etc/resolv.conf"], check=False)


class MailThroughTypoguard(unittest.TestCase):
    def setUp(self):
        self.postfix = None
        self.ub = None
        for s in SINKS.values():
            with s.lock:
                s.messages.clear()

    def tearDown(self):
        if self.postfix:
            if os.environ.get("TG_KEEP"):
                print("---- postfix log ----\n" + self.postfix.log()[-4000:],
                      file=sys.stderr)
            self.postfix.stop()
        tglab._cleanup()

    def fixture(self, tg_conf):
        self.ub = tglab.Unbound(
            tg_conf="protected: protected.list\nevent-log: events.jsonl\n"
            + tg_conf,
            lists={"protected.list": "army.mil\nnavy.mil\ngmail.com\n"},
            zones=[(".", os.path.join(tglab.LAB, "root.zone")),
                   ("army.mil.", os.path.join(tglab.LAB, "mail.zone"))],
            ipv6=False)
        self.ub.port = 53  # the libc resolver knows no other port
        self.ub.start()
        self.postfix = Postfix().start()
        return self.postfix

    def delivered(self, sink, rcpt, timeout=30):
        return tglab.wait_for(
            lambda: [m for m in SINKS[sink].received()
                     if "<%s>" % rcpt in m["to"]], timeout=timeout, step=0.2)

    def test_lookalike_bounces_at_once(self):
        pf = self.fixture("action: nxdomain\n")
        t0 = time.time()
        qid = pf.send("user@army.ml")
        line = pf.status(qid, "user@army.ml")
        took = time.time() - t0
        self.assertIn("status=bounced", line, pf.log()[-3000:])
        self.assertIn("Host or domain name not found", line)
        self.assertRegex(line, r"dsn=5\.4\.4, .*Name service error for "
                         r"name=army\.ml type=(MX|A): Host not found")
        self.assertIn("relay=none", line)  # no connection was attempted
        self.assertLess(took, 20, "bounce took %.1f s" % took)
        self.assertNotRegex(pf.log(), r"%s: .*status=(deferred|sent)" % qid)
        # the sender's mail server gets the non-delivery report
        dsn = tglab.wait_for(lambda: [m for m in SINKS[SENDER_MX].received()
                                      if "<%s>" % SENDER in m["to"]],
                             timeout=30, step=0.2)
        self.assertTrue(dsn, pf.log()[-3000:])
        self.assertIn("Host or domain name not found", dsn[0]["data"])
        self.assertIn("user@army.ml", dsn[0]["data"])
        self.assertEqual(SINKS[ARMY_MIL_MX].received(), [])
        self.assertIn("typoguard: blocked army.ml MX from 127.0.0.1",
                      self.ub.log())

    def test_protected_domain_is_delivered(self):
        pf = self.fixture("action: nxdomain\n")
        qid = pf.send("user@army.mil")
        got = self.delivered(ARMY_MIL_MX, "user@army.mil")
        self.assertTrue(got, pf.log()[-3000:])
        self.assertIn("hello user@army.mil", got[0]["data"])
        line = pf.status(qid, "user@army.mil")
        self.assertIn("status=sent", line)
        self.assertIn("relay=mx.army.mil[127.0.0.25]:25", line)
        self.assertNotIn("typoguard: blocked", self.ub.log())

    def test_sinkhole_mode_delivers_to_the_sinkhole(self):
        pf = self.fixture("action: sinkhole\nsinkhole-mx: sinkhole.typoguard.lab\n"
                          "sinkhole-a: 127.0.0.1\n")
        qid = pf.send("user@army.ml")
        got = self.delivered(SINKHOLE, "user@army.ml")
        self.assertTrue(got, pf.log()[-3000:])
        self.assertIn("hello user@army.ml", got[0]["data"])
        line = pf.status(qid, "user@army.ml")
        self.assertIn("status=sent", line)
        self.assertIn("relay=sinkhole.typoguard.lab[127.0.0.1]:25", line)
        self.assertEqual(SINKS[ARMY_MIL_MX].received(), [])
        ev = tglab.wait_for(lambda: tglab.event_lines(self.ub.path("events.jsonl")))
        self.assertEqual([(e["qname"], e["action"]) for e in ev if e["qtype"] == "MX"],
                         [("army.ml", "sinkhole")])

    def test_control_log_only_lets_postfix_try_the_lookalike(self):
        """Without a block, Postfix goes for army.ml's real MX host."""
        pf = self.fixture("action: log-only\n")
        qid = pf.send("user@army.ml")
        line = pf.status(qid, "user@army.ml")
        self.assertIn("status=deferred", line, pf.log()[-3000:])
        self.assertIn("198.51.100.67", line)  # mx.army.ml in root.zone
        self.assertNotIn("Host or domain name not found", line)
        self.assertIn("typoguard: logged army.ml MX", self.ub.log())


if __name__ == "__main__":
    if os.environ.get(INNER) != "1":
        outer()
    tglab.require_unbound()
    unittest.main(verbosity=2)
