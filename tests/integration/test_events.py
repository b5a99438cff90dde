# SPDX-License-Identifier: BSD-3-Clause
"""Events and counters, read the way alerting reads them.

The JSON Lines event log is parsed with a JSON parser and checked field by
field; identical repeats are aggregated with a count; an unwritable event
destination leaves resolution answering and counts the drops; the
Prometheus textfile counters add up; a rotated log file is reopened.
"""
import os
import re
import time
import unittest

import tglab

tglab.require_unbound()

LISTS = {"protected.list": "army.mil\nnavy.mil\naf.mil\ngmail.com\n"}
RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def metrics(path):
    """Prometheus textfile -> {name{labels}: value}."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                k, v = line.rsplit(None, 1)
                out[k] = float(v)
    except FileNotFoundError:
        pass
    return out


class Events(unittest.TestCase):
    def tearDown(self):
        tglab._cleanup()

    def start(self, extra):
        ub = tglab.Unbound(
            tg_conf="protected: protected.list\nidentity: lab-resolver\n"
            "stats-interval: 1\nevent-interval: 2\n" + extra, lists=LISTS)
        return ub.start()

    def test_json_event_fields(self):
        ub = self.start("event-log: events.jsonl\nstats-file: tg.prom\n")
        r = ub.q("ArMy.Ml.", "MX", source="127.0.0.3")
        self.assertEqual(r["rcode"], "NXDOMAIN")
        ev = tglab.wait_for(lambda: tglab.event_lines(ub.path("events.jsonl")))
        self.assertEqual(len(ev), 1, ev)
        e = ev[0]
        self.assertEqual(e["schema"], 1)
        self.assertRegex(e["time"], RFC3339_MS)
        self.assertEqual(e["client"], "127.0.0.3")
        self.assertIsInstance(e["client_port"], int)
        self.assertGreater(e["client_port"], 0)
        self.assertEqual(e["qname"], "army.ml")
        self.assertEqual(e["qtype"], "MX")
        self.assertEqual(e["decision"], "block")
        self.assertEqual(e["action"], "nxdomain")
        self.assertGreaterEqual(e["score"], 80)
        self.assertEqual(e["protected"], "army.mil")
        self.assertIn("tld-swap", e["reasons"])
        self.assertTrue(e["source"].endswith("protected.list"), e)
        self.assertEqual(e["source_line"], 1)
        self.assertEqual(e["resolver"], "lab-resolver")
        self.assertEqual(e["count"], 1)

    def test_names_keep_every_byte(self):
        """A query name with a quote, a backslash, a control byte or an
        escaped dot is written in DNS presentation format inside valid
        JSON, not with '?' for the special bytes."""
        ub = self.start("event-log: events.jsonl\n")
        for name in ('a\\"b\\\\c\\012d.army.ml', "a\\.b.army.ml"):
            r = ub.q(name, "A")
            self.assertEqual(r["rcode"], "NXDOMAIN", (name, r))
        ev = tglab.wait_for(
            lambda: len(tglab.event_lines(ub.path("events.jsonl"))) >= 2
            and tglab.event_lines(ub.path("events.jsonl")))
        self.assertEqual([e["qname"] for e in ev],
                         ['a\\"b\\\\c\\012d.army.ml', "a\\.b.army.ml"])

    def test_aggregation_of_repeats(self):
        ub = self.start("event-log: events.jsonl\n")
        for _ in range(6):  # a retrying MTA
            ub.q("navy.ml", "MX")
        ub.q("navy.ml", "MX", source="127.0.0.9")  # another client
        path = ub.path("events.jsonl")
        # first occurrence at once, the repeats folded into one event
        ev = tglab.wait_for(lambda: [e for e in tglab.event_lines(path)
                                     if e.get("count", 1) > 1], timeout=10)
        ev = tglab.event_lines(path)
        mine = [e for e in ev if e["client"] == "127.0.0.1"]
        other = [e for e in ev if e["client"] == "127.0.0.9"]
        self.assertEqual(sum(e["count"] for e in mine), 6, ev)
        self.assertLessEqual(len(mine), 2, ev)
        self.assertEqual(sum(e["count"] for e in other), 1, ev)
        # the repeats came from Unbound's message cache: their events
        # carry the same match as the first, block made by the module
        for e in ev:
            self.assertEqual((e["protected"], e["source_line"], e["score"],
                              e["reasons"]),
                             (ev[0]["protected"], 2, ev[0]["score"],
                              ev[0]["reasons"]), ev)
            self.assertTrue(e["source"].endswith("protected.list"), e)
        self.assertEqual(ev[0]["protected"], "navy.mil")

    def test_kv_format(self):
        ub = self.start("event-log: events.log\nevent-format: kv\n")
        ub.q("army.ml", "A")
        text = tglab.wait_for(lambda: open(ub.path("events.log")).read()
                              if os.path.exists(ub.path("events.log")) else "")
        self.assertIn("qname=army.ml", text)
        self.assertIn("decision=block", text)
        self.assertIn("protected=army.mil", text)

    def test_counters(self):
        ub = self.start("stats-file: tg.prom\n")
        # the two repeats of army.ml MX come from Unbound's message cache
        # and are counted all the same
        for name, t in [("army.ml", "MX"), ("navy.ml", "A"), ("army.mil", "MX"),
                        ("google.ml", "A"), ("army.ml", "TXT"),
                        ("army.ml", "MX"), ("army.ml", "MX")]:
            ub.q(name, t)
        path = ub.path("tg.prom")
        m = tglab.wait_for(lambda: (lambda d: d if d.get(
            'typoguard_blocked_total{action="nxdomain"}') == 4 else None)(
                metrics(path)), timeout=10)
        self.assertTrue(m, metrics(path))
        self.assertEqual(m['typoguard_blocked_total{action="nxdomain"}'], 4)
        self.assertEqual(m["typoguard_list_entries"], 4)
        self.assertGreaterEqual(m["typoguard_queries_total"], 5)
        blocked = sum(v for k, v in m.items() if k.startswith("typoguard_blocked_total"))
        # every scored name was blocked, logged or passed
        self.assertEqual(m["typoguard_scored_total"],
                         blocked + m["typoguard_logged_total"] + m["typoguard_passed_total"])

    def test_unwritable_destination(self):
        ub = self.start("event-log: no/such/dir/events.jsonl\nstats-file: tg.prom\n")
        for _ in range(3):
            self.assertEqual(ub.q("army.ml", "MX")["rcode"], "NXDOMAIN")
        r = ub.q("army.mil", "MX")
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mail.army.mil."])
        m = tglab.wait_for(lambda: (lambda d: d if d.get(
            "typoguard_events_dropped_total", 0) >= 1 else None)(
                metrics(ub.path("tg.prom"))), timeout=10)
        self.assertTrue(m, metrics(ub.path("tg.prom")))

    def test_rotation_reopens(self):
        ub = self.start("event-log: events.jsonl\n")
        path = ub.path("events.jsonl")
        ub.q("army.ml", "MX")
        self.assertTrue(tglab.wait_for(lambda: tglab.event_lines(path)))
        os.rename(path, path + ".1")  # logrotate
        time.sleep(1.5)
        ub.q("navy.ml", "MX")
        ev = tglab.wait_for(lambda: tglab.event_lines(path), timeout=10)
        self.assertEqual([e["qname"] for e in ev], ["navy.ml"])
        self.assertEqual([e["qname"] for e in tglab.event_lines(path + ".1")],
                         ["army.ml"])

    def test_shutdown_summary(self):
        ub = self.start("")
        ub.q("army.ml", "MX")
        log_before = ub.logfile
        ub.proc.terminate()
        ub.proc.wait(timeout=10)
        with open(log_before) as f:
            text = f.read()
        self.assertRegex(text, r"typoguard: stopping: \d+ queries, \d+ scored, 1 blocked")


class ConfigErrors(unittest.TestCase):
    """A bad configuration stops Unbound at start with file:line: reason."""

    def tearDown(self):
        tglab._cleanup()

    def test_bad_value_is_fatal_with_location(self):
        ub = tglab.Unbound(tg_conf="protected: protected.list\naction: drop\n",
                           lists=LISTS)
        ub.start(expect_fail=True)
        ub.proc.wait(timeout=20)
        self.assertNotEqual(ub.proc.returncode, 0)
        log = ub.log()
        self.assertIn("typoguard.conf:2: unknown action 'drop'", log)
        self.assertIn("typoguard: not started", log)

    def test_bad_list_line_is_fatal_with_location(self):
        ub = tglab.Unbound(lists={"protected.list": "army.mil\nbad..name\n"})
        ub.start(expect_fail=True)
        ub.proc.wait(timeout=20)
        self.assertNotEqual(ub.proc.returncode, 0)
        self.assertIn("protected.list:2:", ub.log())

    def test_missing_config(self):
        ub = tglab.Unbound(env={"TYPOGUARD_CONF": "/nonexistent/typoguard.conf"})
        ub.start(expect_fail=True)
        ub.proc.wait(timeout=20)
        self.assertNotEqual(ub.proc.returncode, 0)
        self.assertIn("/nonexistent/typoguard.conf: cannot open", ub.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
