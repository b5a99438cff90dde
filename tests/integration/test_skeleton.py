# SPDX-License-Identifier: BSD-3-Clause
"""Walking skeleton: typoguard inside a real Unbound, on the lab zones.

A lookalike of a protected name is answered NXDOMAIN with an SOA and
EDE 15, and its repeats from Unbound's cache the same; the protected name, its subdomains, unrelated .ml
names and other query types resolve normally through the iterator.
"""
import sys
import unittest

import tglab

tglab.require_unbound()


class Skeleton(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ub = tglab.Unbound().start()

    @classmethod
    def tearDownClass(cls):
        print(cls.ub.log()[-3000:], file=sys.stderr)
        cls.ub.stop()

    def assertBlocked(self, name, qtype, protected):
        r = self.ub.q(name, qtype)
        self.assertEqual(r["rcode"], "NXDOMAIN", r)
        self.assertEqual(r["answer"], [], r)
        soa = tglab.rdata(r["authority"], "SOA")
        self.assertEqual(len(soa), 1, r)
        self.assertNotIn("ad", r["flags"])
        self.assertIn("qr", r["flags"])
        codes = [e["code"] for e in r["ede"]]
        self.assertEqual(codes, [15], r)
        self.assertIn(protected, r["ede"][0]["text"], r)
        return r

    def test_module_loaded(self):
        self.assertIn("typoguard:", self.ub.log())
        self.assertRegex(self.ub.log(), r"typoguard: .* loaded: 4 protected names")

    def test_lookalike_mx_blocked(self):
        self.assertBlocked("army.ml", "MX", "army.mil")

    def test_lookalike_a_aaaa_blocked(self):
        self.assertBlocked("army.ml", "A", "army.mil")
        self.assertBlocked("army.ml", "AAAA", "army.mil")

    def test_deeper_lookalike_blocked(self):
        self.assertBlocked("mail.army.ml", "A", "army.mil")
        self.assertBlocked("navy.ml", "MX", "navy.mil")

    def test_case_and_trailing_dot(self):
        self.assertBlocked("ArMy.Ml.", "MX", "army.mil")

    def test_protected_name_resolves(self):
        r = self.ub.q("army.mil", "MX")
        self.assertEqual(r["rcode"], "NOERROR", r)
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mail.army.mil."])
        self.assertEqual(r["ede"], [])

    def test_protected_subdomain_resolves(self):
        r = self.ub.q("www.army.mil", "A")
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["192.0.2.11"], r)
        r = self.ub.q("mail.army.mil", "A")
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["192.0.2.25"], r)

    def test_unrelated_ml_resolves(self):
        r = self.ub.q("google.ml", "A")
        self.assertEqual(r["rcode"], "NOERROR", r)
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["192.0.2.50"])
        r = self.ub.q("bamako.ml", "MX")
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mx.bamako.ml."])

    def test_other_qtypes_pass(self):
        r = self.ub.q("army.ml", "TXT")
        self.assertEqual(r["rcode"], "NOERROR", r)
        self.assertEqual(tglab.rdata(r["answer"], "TXT"), ['"not the US Army"'])
        self.assertEqual(r["ede"], [])

    def test_repeats_served_from_cache(self):
        # The first query is answered by the module; Unbound's message
        # cache answers the repeats (no mesh state each), and every one
        # still carries EDE 15 naming the protected name.
        before = tglab.cache_hits(self.ub)
        for _ in range(4):
            self.assertBlocked("navy.ml", "AAAA", "navy.mil")
        self.assertEqual(tglab.cache_hits(self.ub), before + 3)
        dump = self.ub.control("dump_cache")
        self.assertEqual(dump.returncode, 0, dump.stderr)
        soa = [l for l in dump.stdout.splitlines()
               if l.startswith("navy.ml.\t") and "\tSOA\t" in l]
        self.assertEqual(len(soa), 1, dump.stdout[-2000:])
        self.assertIn("typoguard.invalid.", soa[0])
        # only the blocked type: another type of the name is resolved
        r = self.ub.q("navy.ml", "TXT")
        self.assertEqual(r["rcode"], "NOERROR", r)
        self.assertEqual(r["ede"], [])

    def test_block_logged(self):
        self.ub.q("navy.ml", "A")
        lines = [l for l in self.ub.log().splitlines() if "blocked navy.ml A " in l]
        self.assertGreaterEqual(len(lines), 1)
        self.assertIn("lookalike of navy.mil", lines[-1])
        self.assertIn("from 127.0.0.1", lines[-1])

    def test_repeats_logged_once_per_interval(self):
        # A client retrying the same lookalike gets one line in Unbound's
        # log per event-interval (60 s here), not one per query; another
        # type of the same name is another line.
        for _ in range(4):
            self.assertBlocked("armym.il", "MX", "army.mil")
        self.assertBlocked("armym.il", "A", "army.mil")
        log = self.ub.log()
        self.assertEqual(log.count("blocked armym.il MX "), 1, log[-2000:])
        self.assertEqual(log.count("blocked armym.il A "), 1, log[-2000:])


class HeldLogged(unittest.TestCase):
    """A logged name whose class would block says in Unbound's log which
    rule held it (facebooks.com: a final s is a plural sibling more often
    than a typo); a block says nothing of the kind."""

    def test_held_in_log_line(self):
        with tglab.Unbound(lists={"protected.list": "facebook.com\n"}) as ub:
            ub.q("facebooks.com", "MX")
            ub.q("facebok.com", "MX")
            log = ub.log().splitlines()
            held = [l for l in log if "logged facebooks.com MX " in l]
            self.assertEqual(len(held), 1, log[-20:])
            self.assertTrue(held[0].endswith("action log-only held sibling"),
                            held[0])
            blocked = [l for l in log if "blocked facebok.com MX " in l]
            self.assertEqual(len(blocked), 1, log[-20:])
            self.assertNotIn(" held ", blocked[0])


class EdeOff(unittest.TestCase):
    """With Unbound's `ede: no`, the block carries no EDE option."""

    def test_no_ede(self):
        with tglab.Unbound(ede=False) as ub:
            r = ub.q("army.ml", "MX")
            self.assertEqual(r["rcode"], "NXDOMAIN", r)
            self.assertEqual(r["ede"], [])


class Threads(unittest.TestCase):
    """The module loads once and answers correctly from two threads."""

    def test_two_threads(self):
        with tglab.Unbound(threads=2) as ub:
            for i in range(40):
                r = ub.q("army.ml", "MX")
                self.assertEqual(r["rcode"], "NXDOMAIN", r)
                r = ub.q("army.mil", "MX", tcp=(i % 2 == 0))
                self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mail.army.mil."])
            self.assertEqual(ub.log().count("loaded: 4 protected names"), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
