# SPDX-License-Identifier: BSD-3-Clause
"""Every action, as a client sees it, and what the log records.

nxdomain (SOA, EDE 15), nodata, refuse, sinkhole (A, AAAA, MX with EDE 4,
the MX host resolvable), log-only (real answer, decision logged); policy
answers never carry AD and use answer-ttl.
"""
import unittest

import tglab

tglab.require_unbound()

LISTS = {"protected.list": "army.mil\nnavy.mil\naf.mil\ngmail.com\n"}


def start(conf):
    return tglab.Unbound(tg_conf="protected: protected.list\n" + conf,
                         lists=LISTS).start()


class Actions(unittest.TestCase):
    def tearDown(self):
        tglab._cleanup()

    def test_nxdomain_default(self):
        ub = start("answer-ttl: 42\n")
        r = ub.q("army.ml", "MX")
        self.assertEqual(r["rcode"], "NXDOMAIN", r)
        self.assertEqual(r["answer"], [])
        soa = [rr.split() for rr in r["authority"]]
        self.assertEqual(len(soa), 1, r)
        self.assertEqual(soa[0][0], "army.ml.")
        self.assertEqual(soa[0][3], "SOA")
        self.assertLessEqual(int(soa[0][1]), 42)
        self.assertEqual(soa[0][-1], "42")  # SOA minimum = answer-ttl
        self.assertEqual([e["code"] for e in r["ede"]], [15])
        self.assertNotIn("ad", r["flags"])

    def test_nodata(self):
        ub = start("action: nodata\n")
        r = ub.q("army.ml", "A")
        self.assertEqual(r["rcode"], "NOERROR", r)
        self.assertEqual(r["answer"], [])
        self.assertEqual(len(tglab.rdata(r["authority"], "SOA")), 1, r)
        self.assertEqual([e["code"] for e in r["ede"]], [15])

    def test_refuse(self):
        ub = start("action: refuse\n")
        r = ub.q("army.ml", "MX")
        self.assertEqual(r["rcode"], "REFUSED", r)
        self.assertEqual(r["answer"], [])
        self.assertEqual([e["code"] for e in r["ede"]], [15])

    def test_sinkhole(self):
        ub = start("action: sinkhole\nsinkhole-a: 192.0.2.99\n"
                   "sinkhole-aaaa: 2001:db8::99\n"
                   "sinkhole-mx: sinkhole.typoguard.lab\nanswer-ttl: 30\n")
        r = ub.q("army.ml", "A")
        self.assertEqual(r["rcode"], "NOERROR", r)
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["192.0.2.99"])
        self.assertLessEqual(int(r["answer"][0].split()[1]), 30)
        self.assertEqual([e["code"] for e in r["ede"]], [4])
        self.assertNotIn("ad", r["flags"])
        r = ub.q("mail.army.ml", "AAAA")
        self.assertEqual(tglab.rdata(r["answer"], "AAAA"), ["2001:db8::99"])
        r = ub.q("army.ml", "MX")
        self.assertEqual(tglab.rdata(r["answer"], "MX"),
                         ["10 sinkhole.typoguard.lab."])
        # the sinkhole host is a name the resolver answers itself
        r = ub.q("sinkhole.typoguard.lab", "A")
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["127.0.0.1"])
        # the real names still resolve
        r = ub.q("army.mil", "MX")
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mail.army.mil."])

    def test_sinkhole_type_without_target_is_nodata(self):
        ub = start("action: sinkhole\nsinkhole-a: 192.0.2.99\n")
        r = ub.q("army.ml", "AAAA")
        self.assertEqual(r["rcode"], "NOERROR", r)
        self.assertEqual(r["answer"], [])

    def test_log_only(self):
        ub = start("action: log-only\n")
        r = ub.q("army.ml", "MX")
        self.assertEqual(r["rcode"], "NOERROR", r)
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mx.army.ml."])
        self.assertEqual(r["ede"], [])
        self.assertIn("typoguard: logged army.ml MX from 127.0.0.1", ub.log())
        # log-only answers are still never cached: the module answers
        # each one (Unbound counts no cache hit); the repeat is not logged
        # again within event-interval
        hits = tglab.cache_hits(ub)
        r = ub.q("army.ml", "MX")
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mx.army.ml."])
        self.assertEqual(tglab.cache_hits(ub), hits)
        self.assertEqual(ub.log().count("logged army.ml MX"), 1)

    def test_ede_text(self):
        ub = start("ede-text: \"mail to this domain is blocked by policy\"\n")
        r = ub.q("army.ml", "MX")
        self.assertEqual(r["ede"], [{"code": 15, "text":
                                     "mail to this domain is blocked by policy"}])

    def test_tcp(self):
        ub = start("")
        r = ub.q("army.ml", "MX", tcp=True)
        self.assertEqual(r["rcode"], "NXDOMAIN", r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
