# SPDX-License-Identifier: BSD-3-Clause
"""The version guard (issue 15): a typoguard.so built for another Unbound
is refused, with one log line naming both sides, instead of crashing it.

The real Unbound of the build (--with-unbound) loads three modules built
from the same sources: the one built against its own tree (it loads and
blocks army.ml), and two built to expect another Unbound
(tests/integration/local.mk): "other" another release with subnet and
cachedb, "patch" this release at the other patch level (Debian's backports
against upstream's).  Unbound must exit 1 at start and at `unbound-control
reload`, never by a signal.  `typoguard check-install` tells the same
before Unbound starts.
"""
import os
import re
import shutil
import subprocess
import time
import unittest

import tglab

tglab.require_unbound()

VARIANTS = os.path.join(tglab.BUILDDIR, "tests", "integration", ".libs")
OTHER = os.path.join(VARIANTS, "tg_guard_other.so")
PATCH = os.path.join(VARIANTS, "tg_guard_patch.so")
TOOL = os.path.join(tglab.BUILDDIR, "core", "cli", "typoguard")
REFUSAL = re.compile(r"error: typoguard: built for unbound (\S+) \(([^)]*)\), "
                     r"running in (\S+) \(([^)]*)\): rebuild typoguard "
                     r"against this Unbound")


def unbound_version():
    out = subprocess.run([tglab.UNBOUND, "-V"], capture_output=True,
                         text=True, timeout=30).stdout
    return re.search(r"^Version (\S+)", out, re.M).group(1)


class ModuleUnbound(tglab.Unbound):
    """tglab's Unbound, loading the module at self.module."""

    def __init__(self, module, **kw):
        super().__init__(**kw)
        self.module = module

    def render(self):
        return super().render().replace(tglab.MODULE, self.module)


def wait_exit(ub, timeout=30):
    try:
        return ub.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


class Guard(unittest.TestCase):

    def setUp(self):
        for p in (OTHER, PATCH, TOOL):
            self.assertTrue(os.path.exists(p), p + " not built (make check)")
        self.version = unbound_version()

    def refused(self, module):
        """Start unbound with \\p module; return its refusal line."""
        ub = ModuleUnbound(module)
        try:
            ub.start(expect_fail=True)
            rc = wait_exit(ub)
            log = ub.log()
            self.assertEqual(rc, 1, "unbound must exit 1 (negative: a "
                             "signal), got %r:\n%s" % (rc, log))
            lines = [l for l in log.splitlines() if "typoguard" in l]
            self.assertEqual(len(lines), 1, log)
            m = REFUSAL.search(lines[0])
            self.assertIsNotNone(m, log)
            self.assertIn("fatal error", log)
            print("refused:", lines[0])
            return m, lines[0]
        finally:
            ub.stop()

    def test_matching_module_loads_and_blocks(self):
        with tglab.Unbound() as ub:
            r = ub.q("army.ml", "A")
            self.assertEqual(r["rcode"], "NXDOMAIN")
            self.assertEqual(r["answer"], [])
            self.assertIn("blocked army.ml A", ub.log())
            self.assertNotIn("rebuild typoguard", ub.log())
            r = ub.q("army.mil", "A")
            self.assertEqual(r["rcode"], "NOERROR")

    def test_ede_option_read_by_name(self):
        # `ede:` comes through config_get_option, not a config_file field
        # (whose offset differs between Debian's and upstream's 1.17.1)
        for ede, codes in ((True, [15]), (False, [])):
            with tglab.Unbound(ede=ede) as ub:
                r = ub.q("army.ml", "A")
                self.assertEqual(r["rcode"], "NXDOMAIN")
                self.assertEqual([e["code"] for e in r["ede"]], codes)

    def test_other_release_and_options_refused_at_start(self):
        m, line = self.refused(OTHER)
        self.assertNotEqual(m.group(1), self.version)
        self.assertEqual(m.group(2).split(";")[0], "subnet, cachedb")
        self.assertEqual(m.group(3), self.version)
        # what this daemon was built with, as unbound -V says
        out = subprocess.run([tglab.UNBOUND, "-V"], capture_output=True,
                             text=True, timeout=30).stdout
        self.assertEqual("subnet" in m.group(4), "subnetcache" in out)
        self.assertEqual("cachedb" in m.group(4), "cachedb" in out)
        self.assertIn("typoguard check-install", line)

    def test_other_patch_level_refused_at_start(self):
        m, _ = self.refused(PATCH)
        self.assertEqual(m.group(1), self.version)
        self.assertEqual(m.group(3), self.version)
        # the same marker named on both sides, present on one only
        built = {n: w for w, n in re.findall(r"(with|without) (\w+)",
                                             m.group(2))}
        run = {n: w for w, n in re.findall(r"(with|without) (\w+)",
                                           m.group(4))}
        self.assertTrue(built, m.group(0))
        self.assertEqual(sorted(built), sorted(run))
        for name in built:
            self.assertNotEqual(built[name], run[name], m.group(0))

    def test_refused_at_reload(self):
        ub = ModuleUnbound(None)
        lib = ub.path("typoguard.so")
        shutil.copy(tglab.MODULE, lib)
        ub.module = lib
        with ub:
            self.assertEqual(ub.q("army.ml", "A")["rcode"], "NXDOMAIN")
            # an in-place upgrade of the .so to one built for another
            # Unbound (rename: the loaded one stays mapped)
            shutil.copy(OTHER, lib + ".new")
            os.rename(lib + ".new", lib)
            ub.control("reload")
            rc = wait_exit(ub)
            log = ub.log()
            self.assertEqual(rc, 1, "reload: unbound must exit 1, got %r:"
                             "\n%s" % (rc, log))
            self.assertEqual(len(REFUSAL.findall(log)), 1, log)
            self.assertIn("loaded", log)  # the first, matching load

    def check_install(self, module, config):
        return subprocess.run(
            [TOOL, "check-install", "--unbound", tglab.UNBOUND, "--module",
             module, "--config", config],
            capture_output=True, text=True, timeout=60)

    def test_check_install(self):
        ub = tglab.Unbound()  # only its lab files
        conf = ub.tg_conf_path
        r = self.check_install(tglab.MODULE, conf)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("install: ok:", r.stdout)
        self.assertIn("built for unbound %s" % self.version, r.stdout)
        self.assertIn("%s: ok: 4 protected" % conf, r.stdout)

        for module in (OTHER, PATCH):
            r = self.check_install(module, conf)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertRegex(r.stderr, r"built for unbound \S+ \(.*\), "
                             r"running in %s \(.*\): rebuild typoguard "
                             r"against this Unbound" % re.escape(
                                 self.version))
            self.assertNotIn("install: ok", r.stdout)

        # the configuration is checked too: file and line of the fault
        ub.write("typoguard.conf", "protected: protected.list\n"
                 "block-threshold: lots\n")
        r = self.check_install(tglab.MODULE, conf)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("install: ok:", r.stdout)
        self.assertRegex(r.stderr, re.escape(conf) + r":2:")

        # not a typoguard module, not an unbound
        r = self.check_install(tglab.TGDIG, ub.tg_conf_path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no typoguard build identity", r.stderr)
        r = subprocess.run([TOOL, "check-install", "--bogus"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        ub.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
