# SPDX-License-Identifier: BSD-3-Clause
"""Limits of the running resolver (README "Limits").

A full disk under the event log (/dev/full) loses events, counted, and
nothing else; a list file that becomes a directory while running is a
rejected change and the policy stays (unreadable files: a root resolver
reads them anyway, tests/unit/test_limits.c covers them); a policy zone
whose primary is unreachable keeps the last transferred copy: Unbound
serves it from its zonefile, and typoguard keeps (and after a restart
reloads) its policy from that same file.
"""
import os
import shutil
import unittest

import tglab
from test_events import metrics
from test_reload import blocked, policy_zone, write_atomic

tglab.require_unbound()

LISTS = {"protected.list": "army.mil\nnavy.mil\n"}


def mx(r):
    return tglab.rdata(r["answer"], "MX")


class RunningLimits(unittest.TestCase):
    def tearDown(self):
        tglab._cleanup()

    def test_event_log_on_full_disk(self):
        ub = tglab.Unbound(tg_conf="protected: protected.list\n"
                           "event-log: /dev/full\nevent-interval: 1\n"
                           "stats-file: tg.prom\nstats-interval: 1\n",
                           lists=LISTS).start()
        for name in ("army.ml", "navy.ml", "armym.il"):
            self.assertTrue(blocked(ub.q(name, "MX")), name)
        self.assertEqual(mx(ub.q("army.mil", "MX")), ["10 mail.army.mil."])
        m = tglab.wait_for(lambda: (lambda d: d if d.get(
            "typoguard_events_dropped_total", 0) >= 3 else None)(
                metrics(ub.path("tg.prom"))), timeout=10)
        self.assertTrue(m, metrics(ub.path("tg.prom")))
        self.assertEqual(m.get("typoguard_events_written_total", 0), 0, m)
        # still answering, still blocking after the writes failed
        self.assertTrue(blocked(ub.q("army.ml", "A")))
        self.assertIsNone(ub.proc.poll(), ub.log())

    def test_list_replaced_by_directory(self):
        ub = tglab.Unbound(tg_conf="protected: protected.list\n"
                           "reload-interval: 1\n", lists=LISTS).start()
        self.assertTrue(blocked(ub.q("army.ml", "MX")))
        path = ub.path("protected.list")
        os.rename(path, path + ".bak")
        os.mkdir(path)
        self.assertTrue(tglab.wait_for(
            lambda: "list change rejected" in ub.log(), timeout=10), ub.log())
        self.assertIn("protected.list", ub.log().split(
            "list change rejected")[-1][:400])
        self.assertTrue(blocked(ub.q("navy.ml", "MX")))  # policy kept
        self.assertEqual(mx(ub.q("army.mil", "MX")), ["10 mail.army.mil."])
        # back to a file, with a change: in force again
        os.rmdir(path)
        write_atomic(path, "army.mil\n")
        self.assertTrue(tglab.wait_for(
            lambda: not blocked(ub.q("navy.ml", "A")), timeout=10))
        self.assertTrue(blocked(ub.q("army.ml", "MX")))
        self.assertIsNone(ub.proc.poll(), ub.log())


class UnreachablePrimary(unittest.TestCase):
    """The policy zone's primary goes away: nothing is lost."""

    def tearDown(self):
        tglab._cleanup()

    def test_primary_down_keeps_policy_across_restart(self):
        if not tglab.NSD:
            self.skipTest("no nsd")
        ub_port = tglab.free_port()
        nsd = tglab.Nsd([("protected.typoguard.",
                          policy_zone(1, ["army.mil"]))],
                        zone_extra="    provide-xfr: 127.0.0.0/8 NOKEY\n"
                        "    notify: 127.0.0.1@%d NOKEY\n" % ub_port,
                        control=True).start()
        ub = tglab.Unbound(
            tg_conf="protected-zone: policy.zone protected.typoguard.\n"
            "reload-interval: 1\n", lists={})
        ub.port = ub_port
        ub.write("policy.zone", policy_zone(1, ["army.mil"]))
        base = ub.render
        primary = nsd.port
        ub.render = lambda: base() + (
            'auth-zone:\n    name: "protected.typoguard."\n'
            '    primary: 127.0.0.1@%d\n    allow-notify: 127.0.0.1\n'
            '    zonefile: "%s"\n    for-downstream: no\n'
            '    for-upstream: no\n' % (primary, ub.path("policy.zone")))
        ub.start()
        # a change on the primary is transferred and in force
        nsd.update("protected.typoguard.",
                   policy_zone(2, ["army.mil", "navy.mil"]))
        self.assertTrue(tglab.wait_for(
            lambda: blocked(ub.q("navy.ml", "A")), timeout=15),
            ub.log()[-3000:] + nsd.log())
        # the primary becomes unreachable
        nsd.stop()
        ub.control("auth_zone_transfer", "protected.typoguard.")
        self.assertTrue(blocked(ub.q("navy.ml", "A")))
        self.assertTrue(blocked(ub.q("army.ml", "MX")))
        # Unbound restarts while the primary is still down: it loads the
        # last transferred file, and so does typoguard
        with open(ub.path("policy.zone")) as f:
            saved = f.read()
        self.assertIn("navy.mil", saved)
        keep = ub.dir + ".keep"
        shutil.copytree(ub.dir, keep)
        ub.stop()
        shutil.copytree(keep, ub.dir)
        shutil.rmtree(keep)
        os.unlink(ub.logfile)  # start() waits for a new "start of service"
        tglab._live.append(ub)  # stop() took it off the clean-up list
        ub.start()
        self.assertTrue(blocked(ub.q("navy.ml", "A")), ub.log()[-3000:])
        self.assertTrue(blocked(ub.q("army.ml", "MX")))
        self.assertEqual(mx(ub.q("army.mil", "MX")), ["10 mail.army.mil."])
        with open(ub.path("policy.zone")) as f:
            self.assertEqual(f.read(), saved)


if __name__ == "__main__":
    unittest.main(verbosity=2)
