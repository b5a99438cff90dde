# SPDX-License-Identifier: BSD-3-Clause
"""`typoguard export` round trip through resolvers that cannot load modules.

The export of a small protected list is loaded into Debian's STOCK unbound
(/usr/sbin/unbound from the `unbound` package, no typoguard module) on a
free loopback port, with the lab zones as its only data:

  - as an RPZ (`rpz:` with `zonefile:`): army.ml MX and the lookalikes'
    subdomains get NXDOMAIN, while army.mil, an allowlisted lookalike and
    unrelated .ml names resolve; a baseline server without the policy
    shows that the lab really answers those lookalikes;
  - as `local-zone: ... always_nxdomain` lines (include file), the same;
  - `named-checkzone` (bind9-utils) accepts the RPZ zone file;
  - two exports are byte-identical, -o writes the same bytes, and the
    header says what was generated from what.

Environment: TG_STOCK_UNBOUND (default /usr/sbin/unbound) and
NAMED_CHECKZONE (default: from PATH) name the Debian binaries; without
them the test is skipped (contrib/install-deps.sh installs both).
"""
import os
import re
import shutil
import subprocess
import sys
import unittest

import tglab

STOCK = os.environ.get("TG_STOCK_UNBOUND", "/usr/sbin/unbound")
CHECKZONE = os.environ.get("NAMED_CHECKZONE") or shutil.which(
    "named-checkzone") or "/usr/bin/named-checkzone"
TOOL = os.environ.get("TG_TOOL") or os.path.join(tglab.BUILDDIR, "core",
                                                "cli", "typoguard")
ORIGIN = "rpz.typoguard."

PROTECTED = "# export test list\narmy.mil\nnavy.mil\naf.mil\ngmail.com\n"
# an allowlisted lookalike that exists in the lab: never exported
ALLOW = "gmial.com\n"

for path, what in ((STOCK, "stock unbound (apt-get install unbound)"),
                   (CHECKZONE, "named-checkzone (apt-get install "
                    "bind9-utils)")):
    if not os.access(path, os.X_OK):
        print("SKIP: %s not found at %s" % (what, path))
        sys.exit(tglab.SKIP)
for path in (TOOL, tglab.TGDIG):
    if not os.path.exists(path):
        print("FAIL: %s not built" % path)
        sys.exit(1)


class StockUnbound(tglab.Unbound):
    """tglab's Unbound, run as Debian's binary with no module: respip for
    RPZ, or plain local-zones; the lab root zone as an auth-zone."""

    def __init__(self, policy=""):
        super().__init__(modules="respip iterator", ipv6=False, tail=policy)

    def start(self, wait=True, expect_fail=False):
        saved = tglab.UNBOUND
        tglab.UNBOUND = STOCK  # the Debian binary, not the test build
        try:
            return super().start(wait, expect_fail)
        finally:
            tglab.UNBOUND = saved


def tool(*args, check=True):
    r = subprocess.run([TOOL] + list(args), capture_output=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError("typoguard %s: exit %d\n%s" % (
            " ".join(args), r.returncode, r.stderr.decode(errors="replace")))
    return r


class Export(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.dir = tempfile.mkdtemp(prefix="tgexport-")
        cls.prot = os.path.join(cls.dir, "protected.list")
        cls.allow = os.path.join(cls.dir, "allow.list")
        with open(cls.prot, "w") as f:
            f.write(PROTECTED)
        with open(cls.allow, "w") as f:
            f.write(ALLOW)
        cls.lists = ["--protected", cls.prot, "--allow", cls.allow]
        cls.rpz = tool("export", "--format", "rpz", *cls.lists).stdout
        cls.lz = tool("export", "--format", "local-zone", *cls.lists).stdout
        cls.rpz_file = os.path.join(cls.dir, "typoguard.rpz")
        cls.lz_file = os.path.join(cls.dir, "typoguard-local.conf")
        with open(cls.rpz_file, "wb") as f:
            f.write(cls.rpz)
        with open(cls.lz_file, "wb") as f:
            f.write(cls.lz)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    # ---------------------------------------------------------- the files

    def test_deterministic(self):
        for fmt, first in (("rpz", self.rpz), ("local-zone", self.lz)):
            again = tool("export", "--format", fmt, *self.lists).stdout
            self.assertEqual(first, again, fmt)
        out = os.path.join(self.dir, "o.rpz")
        r = tool("export", "--format", "rpz", "-o", out, *self.lists)
        self.assertIn(b"lookalikes", r.stdout)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.rpz)
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o644)
        # nothing left behind next to it
        self.assertEqual(sorted(os.listdir(self.dir)),
                         sorted(["protected.list", "allow.list", "o.rpz",
                                 "typoguard.rpz", "typoguard-local.conf"]))

    def test_header(self):
        text = self.rpz.decode()
        head = [l for l in text.splitlines() if l.startswith(";")]
        self.assertRegex(head[0], r"^; typoguard \S+ export --format rpz$")
        self.assertIn("; protected: %s (4 entries)" % self.prot, head)
        self.assertIn("; allow: %s (1 entry)" % self.allow, head)
        self.assertTrue(any(re.match(r"; thresholds: block 80, log 50; "
                                     r"minimum verdict: block", l)
                            for l in head), head)
        self.assertFalse(any("generated:" in l for l in head))
        self.assertTrue(self.lz.decode().startswith(
            "# typoguard "), self.lz[:80])

    def test_rpz_content(self):
        text = self.rpz.decode()
        owners = set(l.split()[0] for l in text.splitlines()
                     if l and not l.startswith(";"))
        for name in ("army.ml", "armym.il", "army.mil.ml", "armymil.com",
                     "army-mil.com", "navy.ml", "gmail.co"):
            self.assertIn(name + "." + ORIGIN, owners, name)
            self.assertIn("*." + name + "." + ORIGIN, owners, name)
        for name in ("army.mil", "gmail.com", "gmial.com", "google.ml"):
            self.assertNotIn(name + "." + ORIGIN, owners, name)
        self.assertRegex(text, r"(?m)^rpz\.typoguard\.\s+\d+\s+IN\s+SOA\s")
        self.assertRegex(text, r"(?m)^rpz\.typoguard\.\s+\d+\s+IN\s+NS\s")
        self.assertRegex(text, r"(?m)^army\.ml\.rpz\.typoguard\.\s+\d+\s+"
                         r"IN\s+CNAME\s+\.$")
        lz = self.lz.decode()
        self.assertIn('local-zone: "army.ml." always_nxdomain\n', lz)
        self.assertNotIn('"gmial.com."', lz)
        # the same names in both formats
        names = set(re.findall(r'local-zone: "([^"]+)\." always_nxdomain',
                               lz))
        rpz_names = set(o[:-len(ORIGIN) - 1] for o in owners
                        if o.endswith("." + ORIGIN) and not
                        o.startswith("*."))
        self.assertEqual(names, rpz_names)

    def test_options(self):
        few = tool("export", "--format", "rpz", "--limit", "2",
                   "--origin", "tg.example.", "--serial", "2026112801",
                   *self.lists).stdout.decode()
        cnames = [l for l in few.splitlines() if " CNAME" in l or
                  "\tCNAME" in l]
        self.assertEqual(len(cnames), 4 * 2 * 2, few)  # names*limit*2
        self.assertRegex(few, r"(?m)^tg\.example\.\s+\d+\s+IN\s+SOA\s+\S+ "
                         r"\S+ 2026112801 ")
        logs = tool("export", "--format", "local-zone", "--min-verdict",
                    "log", *self.lists).stdout
        self.assertGreater(len(logs.splitlines()),
                           len(self.lz.splitlines()))
        env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        r = subprocess.run([TOOL, "export", "--format", "rpz", "--date"] +
                           self.lists, capture_output=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"; generated: 2023-11-14T22:13:20Z", r.stdout)
        self.assertRegex(r.stdout.decode(), r"IN\s+SOA\s+\S+ \S+ 1700000000 ")
        for bad in (["--format", "bind"], ["--format", "rpz", "--limit",
                                           "x"],
                    ["--format", "rpz", "--min-verdict", "pass"],
                    ["--format", "rpz", "--origin", "a..b"], []):
            r = tool("export", *(bad + self.lists), check=False)
            self.assertEqual(r.returncode, 2, (bad, r.stderr))

    def test_named_checkzone(self):
        r = subprocess.run([CHECKZONE, ORIGIN, self.rpz_file],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK", r.stdout)

    # ------------------------------------------------------ stock unbound

    def check_policy(self, ub, how):
        for name, qtype in (("army.ml", "MX"), ("army.ml", "A"),
                            ("mail.army.ml", "A"), ("navy.ml", "MX"),
                            ("army.mil.ml", "A"), ("armymil.com", "A"),
                            ("armym.il", "MX")):
            r = ub.q(name, qtype)
            self.assertEqual(r["rcode"], "NXDOMAIN", (how, name, r))
            self.assertEqual(r["answer"], [], (how, name, r))
        r = ub.q("army.mil", "MX")
        self.assertEqual(r["rcode"], "NOERROR", (how, r))
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mail.army.mil."])
        for name, qtype in (("gmial.com", "MX"), ("google.ml", "A"),
                            ("gmail.com", "MX"), ("example.com", "A")):
            r = ub.q(name, qtype)
            self.assertEqual(r["rcode"], "NOERROR", (how, name, r))
            self.assertNotEqual(r["answer"], [], (how, name, r))

    def test_baseline_resolves_lookalikes(self):
        # without the policy the lab answers the lookalikes: the NXDOMAINs
        # below come from the export, not from the lab
        with StockUnbound() as ub:
            for name, qtype in (("army.ml", "MX"), ("mail.army.ml", "A"),
                                ("army.mil.ml", "A"), ("armym.il", "MX")):
                r = ub.q(name, qtype)
                self.assertEqual(r["rcode"], "NOERROR", (name, r))
                self.assertNotEqual(r["answer"], [], (name, r))

    def test_stock_unbound_rpz(self):
        policy = ('rpz:\n    name: "%s"\n    zonefile: "%s"\n'
                  '    rpz-log: yes\n    rpz-log-name: "typoguard"\n'
                  % (ORIGIN, self.rpz_file))
        with StockUnbound(policy) as ub:
            self.check_policy(ub, "rpz")
            log = ub.log()
            self.assertRegex(log, r"rpz: applied \[typoguard\] army\.ml\. "
                             r"rpz-nxdomain .* army\.ml\. MX IN")
            # subdomains through the wildcard record
            self.assertRegex(log, r"rpz: applied \[typoguard\] \*\.army\.ml\."
                             r" rpz-nxdomain .* mail\.army\.ml\. A IN")

    def test_stock_unbound_local_zone(self):
        conf = StockUnbound('include: "%s"\n' % self.lz_file)
        checkconf = os.path.join(os.path.dirname(STOCK), "unbound-checkconf")
        with conf as ub:
            if os.access(checkconf, os.X_OK):
                r = subprocess.run([checkconf, ub.conf], capture_output=True,
                                   text=True, timeout=60)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.check_policy(ub, "local-zone")


if __name__ == "__main__":
    unittest.main(verbosity=2)
