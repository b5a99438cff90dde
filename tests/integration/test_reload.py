# SPDX-License-Identifier: BSD-3-Clause
"""Live lists: changes in force within reload-interval, without restart.

A list edit blocks a newly protected name (even one whose answer was
cached) and frees a removed one, while a steady query load sees no error; a
corrupt list is rejected whole and the old policy keeps blocking; an
`unbound-control reload` with corrupt lists falls back to the last-good
snapshot; a protected list kept as a zone is transferred from an NSD
primary by Unbound itself and a change there is in force within seconds.
"""
import os
import threading
import time
import unittest

import tglab

tglab.require_unbound()


def blocked(r):
    return r.get("rcode") == "NXDOMAIN" and r["answer"] == []


def write_atomic(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)


class Load:
    """A steady query load in the background; records every failure."""

    NAMES = [("army.mil", "MX"), ("google.ml", "A"), ("example.com", "MX"),
             ("bamako.ml", "MX")]

    def __init__(self, ub):
        self.ub, self.stop_flag, self.n, self.errors = ub, False, 0, []
        self.t = threading.Thread(target=self.run, daemon=True)

    def run(self):
        i = 0
        while not self.stop_flag:
            name, t = self.NAMES[i % len(self.NAMES)]
            r = self.ub.q(name, t, timeout_ms=2000)
            if r.get("rcode") != "NOERROR" or not r.get("answer"):
                self.errors.append((name, t, r))
            self.n += 1
            i += 1

    def __enter__(self):
        self.t.start()
        return self

    def __exit__(self, *a):
        self.stop_flag = True
        self.t.join(timeout=10)


class Reload(unittest.TestCase):
    def tearDown(self):
        tglab._cleanup()

    def start(self, lists, extra=""):
        ub = tglab.Unbound(tg_conf="protected: protected.list\nreload-interval: 1\n"
                           "stats-file: tg.prom\nstats-interval: 1\n" + extra,
                           lists=lists)
        return ub.start()

    def test_edit_in_force_within_interval_under_load(self):
        ub = self.start({"protected.list": "army.mil\n"})
        # navy.ml is not a lookalike yet: answered and cached
        r = ub.q("navy.ml", "MX")
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["0 ."], r)
        self.assertTrue(blocked(ub.q("army.ml", "MX")))
        with Load(ub) as load:
            time.sleep(0.5)
            t0 = time.time()
            write_atomic(ub.path("protected.list"), "navy.mil\n")
            ok = tglab.wait_for(lambda: blocked(ub.q("navy.ml", "MX")), timeout=5)
            took = time.time() - t0
            self.assertTrue(ok, ub.log()[-2000:])
            self.assertLess(took, 3.5)  # interval 1 s, plus build and slack
            # the removed name resolves again
            r = ub.q("army.ml", "MX")
            self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mx.army.ml."], r)
            time.sleep(0.5)
        self.assertEqual(load.errors, [])
        # queries were answered all through the change (each is a tgdig
        # process: about 20 in this window on an idle host, fewer under
        # sanitizers on a busy one; what counts is that none failed)
        self.assertGreaterEqual(load.n, 5)
        self.assertIn("lists reloaded: 1 protected names in force", ub.log())
        self.assertIn("removed 1 cached answers that the new lists block", ub.log())
        # and army.ml's blocked answer, cached before, is gone
        self.assertIn("removed 1 cached blocked answers that the new lists "
                      "no longer block", ub.log())
        # no restart happened
        self.assertEqual(ub.log().count("start of service"), 1)

    def test_cached_block_reports_the_new_lists(self):
        # A blocked answer stays in Unbound's message cache across a list
        # change that still blocks it; the events of its repeats report
        # the match under the lists in force (army.mil moved to line 2),
        # not the one kept when it was cached.  Another client after the
        # change, so that its events are lines of their own.
        ub = tglab.Unbound(tg_conf="protected: protected.list\n"
                           "reload-interval: 1\nevent-log: events.jsonl\n"
                           "event-interval: 1\n",
                           lists={"protected.list": "army.mil\n"}).start()
        self.assertTrue(blocked(ub.q("army.ml", "MX")))
        self.assertTrue(blocked(ub.q("army.ml", "MX")))  # from the cache
        write_atomic(ub.path("protected.list"), "navy.mil\narmy.mil\n")
        self.assertTrue(tglab.wait_for(
            lambda: "lists reloaded: 2 protected names" in ub.log(),
            timeout=5), ub.log()[-2000:])
        hits = tglab.cache_hits(ub)
        for _ in range(2):
            self.assertTrue(blocked(ub.q("army.ml", "MX", source="127.0.0.5")))
        self.assertEqual(tglab.cache_hits(ub), hits + 2)
        path = ub.path("events.jsonl")

        def lines():
            ev = tglab.event_lines(path)
            return ev if sum(e["count"] for e in ev) >= 4 else None
        ev = tglab.wait_for(lines, timeout=5)
        self.assertTrue(ev, tglab.event_lines(path))
        got = {}
        for e in ev:
            k = (e["client"], e["protected"], e["source_line"])
            got[k] = got.get(k, 0) + e["count"]
        self.assertEqual(got, {("127.0.0.1", "army.mil", 1): 2,
                               ("127.0.0.5", "army.mil", 2): 2}, ev)

    def test_corrupt_list_keeps_old_policy(self):
        ub = self.start({"protected.list": "army.mil\n"})
        write_atomic(ub.path("protected.list"), "navy.mil\nthis is not a name\n")
        self.assertTrue(tglab.wait_for(
            lambda: "list change rejected" in ub.log(), timeout=5), ub.log())
        self.assertIn("protected.list:2:", ub.log())
        self.assertTrue(blocked(ub.q("army.ml", "MX")))  # old policy in force
        r = ub.q("navy.ml", "A")  # the half-read new list is not in force
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["198.51.100.70"], r)
        from test_events import metrics
        m = tglab.wait_for(lambda: (lambda d: d if d.get(
            'typoguard_reloads_total{result="failed"}') == 1 else None)(
                metrics(ub.path("tg.prom"))), timeout=5)
        self.assertTrue(m, metrics(ub.path("tg.prom")))
        # fixing the file puts the new list in force
        write_atomic(ub.path("protected.list"), "navy.mil\n")
        self.assertTrue(tglab.wait_for(lambda: blocked(ub.q("navy.ml", "A")), timeout=5))

    def test_control_reload_falls_back_to_snapshot(self):
        ub = self.start({"protected.list": "army.mil\n"}, "state-dir: state\n")
        self.assertTrue(os.path.exists(ub.path("state/last-good.conf")))
        write_atomic(ub.path("protected.list"), "army..mil\n")
        r = ub.control("reload")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(tglab.wait_for(
            lambda: "RUNNING ON THE LAST GOOD SNAPSHOT" in ub.log(), timeout=10), ub.log())
        self.assertIsNone(ub.proc.poll(), "unbound died:\n" + ub.log())
        self.assertTrue(tglab.wait_for(lambda: blocked(ub.q("army.ml", "MX")), timeout=5))
        self.assertEqual(tglab.rdata(ub.q("army.mil", "MX")["answer"], "MX"),
                         ["10 mail.army.mil."])

    def test_control_reload_without_snapshot_refuses(self):
        ub = self.start({"protected.list": "army.mil\n"})
        write_atomic(ub.path("protected.list"), "army..mil\n")
        ub.control("reload")
        ub.proc.wait(timeout=20)
        self.assertIn("typoguard: not started", ub.log())


PRIMARY_ZONE = """$ORIGIN protected.typoguard.
$TTL 60
@ IN SOA ns hostmaster {serial} 3600 600 86400 60
@ IN NS ns
ns IN A 127.0.0.1
{entries}"""


def policy_zone(serial, names):
    return PRIMARY_ZONE.format(serial=serial, entries="".join(
        "%s IN TXT \"protected\"\n" % n for n in names))


class ZoneTransfer(unittest.TestCase):
    """NSD is the primary of the policy zone; Unbound keeps a copy in sync
    over AXFR/IXFR with NOTIFY; typoguard reads the file Unbound writes."""

    def tearDown(self):
        tglab._cleanup()

    def test_change_on_primary_blocks_within_seconds(self):
        if not tglab.NSD:
            self.skipTest("no nsd")
        ub_port = tglab.free_port()
        nsd = tglab.Nsd([("protected.typoguard.", policy_zone(1, ["army.mil"]))],
                        zone_extra="    provide-xfr: 127.0.0.0/8 NOKEY\n"
                        "    notify: 127.0.0.1@%d NOKEY\n" % ub_port,
                        control=True).start()
        ub = tglab.Unbound(tg_conf="protected-zone: policy.zone protected.typoguard.\n"
                           "reload-interval: 1\n", lists={})
        ub.port = ub_port
        # first start: the zone file is seeded (as an operator would)
        ub.write("policy.zone", policy_zone(1, ["army.mil"]))
        base = ub.render
        ub.render = lambda: base() + (
            'auth-zone:\n    name: "protected.typoguard."\n'
            '    primary: 127.0.0.1@%d\n    allow-notify: 127.0.0.1\n'
            '    zonefile: "%s"\n    for-downstream: no\n    for-upstream: no\n'
            % (nsd.port, ub.path("policy.zone")))
        ub.start()
        self.assertTrue(blocked(ub.q("army.ml", "MX")))
        r = ub.q("navy.ml", "A")
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["198.51.100.70"])
        # the network team adds navy.mil on the primary
        nsd.update("protected.typoguard.", policy_zone(2, ["army.mil", "navy.mil"]))
        ok = tglab.wait_for(lambda: blocked(ub.q("navy.ml", "A")), timeout=15)
        self.assertTrue(ok, ub.log()[-3000:] + nsd.log())
        self.assertTrue(blocked(ub.q("army.ml", "MX")))
        with open(ub.path("policy.zone")) as f:
            self.assertIn("navy.mil", f.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
