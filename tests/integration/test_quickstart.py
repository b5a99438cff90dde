# SPDX-License-Identifier: BSD-3-Clause
"""The quick start's hints run as printed.

contrib/quickstart.sh (README command 1) starts its demo Unbound with
typoguard and ends with commands to "try yourself".  This runs the script
on a free loopback port with the tests' build (TG_QUICKSTART_NO_BUILD=1),
takes each printed command exactly as printed (the part before the
"# comment"), runs it with the shell, and checks what it shows: the
lookalike blocked, the unrelated name resolved, `explain` explaining, and
`report` reporting what the demo blocked.  The printed stop command then
stops the resolver.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import tglab

tglab.require_unbound()

SCRIPT = os.path.join(tglab.SRCDIR, "contrib", "quickstart.sh")


class QuickStart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("drill"):
            raise unittest.SkipTest("drill not installed (ldnsutils)")
        cls.demo = tempfile.mkdtemp(prefix="tgquick-")
        cls.env = dict(os.environ, TG_DEMO_DIR=cls.demo,
                       TG_DEMO_PORT=str(tglab.free_port()),
                       TG_QUICKSTART_NO_BUILD="1",
                       TG_BUILDDIR=tglab.BUILDDIR, UNBOUND=tglab.UNBOUND)
        cls.started = subprocess.run(["bash", SCRIPT], capture_output=True,
                                     text=True, timeout=120, env=cls.env)
        cls.out = cls.started.stdout

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["bash", SCRIPT, "stop"], capture_output=True,
                       timeout=30, env=cls.env)
        shutil.rmtree(cls.demo, ignore_errors=True)

    def hints(self):
        """The printed commands: {first words: command}."""
        m = re.search(r"Try it yourself:\n(.*?)\nConfiguration:", self.out,
                      re.S)
        self.assertTrue(m, self.out)
        cmds = [l.split("#")[0].strip() for l in m.group(1).splitlines()]
        self.assertEqual(len(cmds), 4, cmds)
        return cmds

    def sh(self, cmd):
        # the user's environment: no TYPOGUARD_CONF, nothing from the test
        env = {k: v for k, v in os.environ.items()
               if k not in ("TYPOGUARD_CONF", "TG_DEMO_DIR")}
        r = subprocess.run(["bash", "-c", cmd], capture_output=True,
                           text=True, timeout=60, env=env,
                           cwd=tempfile.gettempdir())
        self.assertEqual(r.returncode, 0, "%s\n%s%s" % (cmd, r.stdout,
                                                       r.stderr))
        return r.stdout

    def test_demo_started(self):
        self.assertEqual(self.started.returncode, 0,
                         self.out + self.started.stderr)
        self.assertRegex(self.out, r"query army\.ml MX.*\n\s+rcode: NXDOMAIN")
        self.assertRegex(self.out, r"query army\.mil MX.*\n\s+rcode: NOERROR")

    def test_printed_commands_run_as_printed(self):
        drill_navy, drill_google, explain, report = self.hints()
        self.assertRegex(self.sh(drill_navy), r"rcode: NXDOMAIN")
        self.assertRegex(self.sh(drill_google), r"rcode: NOERROR")
        out = self.sh(explain)
        self.assertRegex(out, r"^armym\.il: block, score \d+\n.*looks like "
                         r"army\.mil", out)
        # the demo blocked army.ml and navy.ml by now: both in the report
        path = os.path.join(self.demo, "events.jsonl")
        tglab.wait_for(lambda: len(tglab.event_lines(path)) >= 2)
        out = self.sh(report)
        m = re.search(r"^  all\s+(\d+)\s+(\d+)", out, re.M)
        self.assertTrue(m, out)
        self.assertGreaterEqual(int(m.group(1)), 2, out)
        self.assertRegex(out, r"(?m)^  army\.ml\s+army\.mil\s")
        self.assertRegex(out, r"(?m)^  navy\.ml\s+navy\.mil\s")

    def test_printed_stop_stops(self):
        # last: the other tests of this class run first (alphabetical)
        pidfile = os.path.join(self.demo, "unbound.pid")
        self.assertTrue(os.path.exists(pidfile), self.out)
        with open(pidfile) as f:
            pid = int(f.read().strip())
        m = re.search(r"Stop: (.*)$", self.out, re.M)
        self.assertTrue(m, self.out)
        env = {k: v for k, v in os.environ.items() if k != "TG_DEMO_DIR"}
        r = subprocess.run(["bash", "-c", m.group(1)], capture_output=True,
                           text=True, timeout=30, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        gone = tglab.wait_for(lambda: not os.path.exists("/proc/%d" % pid),
                              timeout=10)
        self.assertTrue(gone, "unbound %d still runs" % pid)


def load_tests(loader, tests, pattern):
    # the stop test last, whatever the order of names
    suite = unittest.TestSuite()
    for name in ("test_demo_started", "test_printed_commands_run_as_printed",
                 "test_printed_stop_stops"):
        suite.addTest(QuickStart(name))
    return suite


if __name__ == "__main__":
    unittest.main(verbosity=2)
