# SPDX-License-Identifier: BSD-3-Clause
"""The leak matrix: an in-scope client never receives a lookalike answer.

Whatever another client asked before or at the same moment (message cache,
shared mesh states), through CNAME chases, MX targets and NS-target
subqueries, with CD=1, over IPv4 and IPv6, with 4 threads.  Out-of-scope
clients and query types get the real answer.  Each test asserts the exact
answer each client gets.
"""
import concurrent.futures
import unittest

import tglab

tglab.require_unbound()

IN4, OUT4 = "127.0.0.2", "127.0.0.1"
LISTS = {"protected.list": "army.mil\nnavy.mil\naf.mil\ngmail.com\nmarines.mil\n"}
SCOPED = "protected: protected.list\nclients: 127.0.0.2/32 ::1/128\n"


def blocked(r):
    return r.get("rcode") == "NXDOMAIN" and r["answer"] == [] and \
        [e["code"] for e in r["ede"]] == [15]


class Matrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ub = tglab.Unbound(tg_conf=SCOPED, lists=LISTS).start()

    @classmethod
    def tearDownClass(cls):
        cls.ub.stop()

    def q(self, name, qtype, src, **kw):
        return self.ub.q(name, qtype, source=src, **kw)

    def test_out_of_scope_first_then_in_scope(self):
        r = self.q("army.ml", "MX", OUT4)
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mx.army.ml."], r)
        self.assertEqual(r["ede"], [])
        r = self.q("army.ml", "MX", IN4)
        self.assertTrue(blocked(r), r)
        # and the out-of-scope client still gets the real answer
        r = self.q("army.ml", "MX", OUT4)
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mx.army.ml."], r)

    def test_in_scope_first_then_out_of_scope(self):
        self.assertTrue(blocked(self.q("navy.ml", "A", IN4)))
        r = self.q("navy.ml", "A", OUT4)
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["198.51.100.70"], r)

    def test_blocks_not_cached_with_clients(self):
        # with `clients:` a cached block could reach an out-of-scope
        # client (Unbound serves cache hits without asking the module
        # which client it is for): every block is the module's own answer
        before = tglab.cache_hits(self.ub)
        for _ in range(3):
            self.assertTrue(blocked(self.q("armym.il", "MX", IN4)))
        self.assertEqual(tglab.cache_hits(self.ub), before)

    def test_qtype_scope(self):
        # TXT is not in qtypes: answered normally even for in-scope clients
        r = self.q("army.ml", "TXT", IN4)
        self.assertEqual(tglab.rdata(r["answer"], "TXT"), ['"not the US Army"'])
        for t in ("MX", "A", "AAAA"):
            self.assertTrue(blocked(self.q("army.ml", t, IN4)), t)
            r = self.q("army.ml", t, OUT4)
            self.assertEqual(r["rcode"], "NOERROR", (t, r))
            self.assertEqual(len(r["answer"]), 1, (t, r))

    def test_cname_into_lookalike(self):
        # out-of-scope first: real chain; must not be cached for others
        r = self.q("alias.example.net", "A", OUT4)
        self.assertIn("198.51.100.66", tglab.rdata(r["answer"], "A"), r)
        r = self.q("alias.example.net", "A", IN4)
        self.assertTrue(blocked(r), r)
        self.assertIn("army.mil", r["ede"][0]["text"])
        r = self.q("alias.example.net", "A", IN4)
        self.assertTrue(blocked(r), r)
        self.assertIn("blocked alias.example.net A from 127.0.0.2: army.ml is a lookalike",
                      self.ub.log())

    def test_mx_target_lookalike(self):
        r = self.q("mx-into.example.net", "MX", IN4)
        self.assertTrue(blocked(r), r)
        r = self.q("mx-into.example.net", "MX", OUT4)
        self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mx.army.ml."], r)
        self.assertTrue(blocked(self.q("mx-into.example.net", "MX", IN4)))

    def test_ns_target_subquery(self):
        # resolving under delegated.example.org makes the iterator fetch
        # ns.army.ml itself (an internal query, left alone) ...
        self.q("x.delegated.example.org", "A", OUT4, timeout_ms=1500)
        # ... which must not hand the lookalike to an in-scope client
        self.assertTrue(blocked(self.q("ns.army.ml", "A", IN4)))
        r = self.q("ns.army.ml", "A", OUT4)
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["127.0.0.1"], r)

    def test_cd_bit(self):
        r = self.q("mail.army.ml", "A", OUT4, cd=True)
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["198.51.100.68"], r)
        r = self.q("mail.army.ml", "A", IN4, cd=True)
        self.assertTrue(blocked(r), r)
        r = self.q("mail.army.ml", "A", IN4)
        self.assertTrue(blocked(r), r)

    @unittest.skipUnless(tglab.have_ipv6_loopback(), "no IPv6 loopback")
    def test_ipv6_client(self):
        r = self.ub.q("army.ml", "AAAA", server="::1", source="::1")
        self.assertTrue(blocked(r), r)
        r = self.ub.q("army.mil", "AAAA", server="::1", source="::1")
        self.assertEqual(tglab.rdata(r["answer"], "AAAA"), ["2001:db8::10"], r)
        self.assertIn("blocked army.ml AAAA from ::1", self.ub.log())

    def test_protected_names_resolve_for_everyone(self):
        for src in (IN4, OUT4):
            r = self.q("army.mil", "MX", src)
            self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mail.army.mil."])
            r = self.q("gmail.com", "MX", src)
            self.assertEqual(tglab.rdata(r["answer"], "MX"),
                             ["5 gmail-smtp-in.l.google.com."])


class SharedMeshState(unittest.TestCase):
    """Identical concurrent queries from an out-of-scope and an in-scope
    client, held in flight by a slow authoritative path (NSD behind a
    delaying relay)."""

    ZONE = """$ORIGIN marines.ml.
$TTL 300
@ IN SOA ns hostmaster 1 3600 600 86400 60
@ IN NS ns
ns IN A 127.0.0.1
@ IN MX 10 mx
@ IN A 198.51.100.80
mx IN A 198.51.100.81
"""

    def test_concurrent_in_and_out_of_scope(self):
        if not tglab.NSD:
            self.skipTest("no nsd")
        nsd = tglab.Nsd([("marines.ml.", self.ZONE)]).start()
        proxy = tglab.SlowProxy(nsd.port, delay=0.8).start()
        extra = ('stub-zone:\n    name: "marines.ml."\n'
                 '    stub-addr: 127.0.0.1@%d\n' % proxy.port)
        # stub-zone must come after server: options: append to the file
        # the slow path must not look like a dead server to Unbound
        ub = tglab.Unbound(tg_conf=SCOPED, lists=LISTS,
                           extra="    unknown-server-time-limit: 3000\n")
        base = ub.render

        ub.render = lambda: base() + extra
        ub.start()
        try:
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                out1 = pool.submit(ub.q, "marines.ml", "MX", source=OUT4,
                                   timeout_ms=5000)
                import time
                time.sleep(0.2)
                in1 = pool.submit(ub.q, "marines.ml", "MX", source=IN4,
                                  timeout_ms=5000)
                out2 = pool.submit(ub.q, "marines.ml", "MX", source=OUT4,
                                   timeout_ms=5000)
                r_out1, r_in1, r_out2 = out1.result(), in1.result(), out2.result()
            self.assertTrue(blocked(r_in1), r_in1)
            for r in (r_out1, r_out2):
                self.assertEqual(tglab.rdata(r["answer"], "MX"), ["10 mx.marines.ml."], r)
            self.assertGreaterEqual(proxy.relayed, 1)
            # afterwards, too
            self.assertTrue(blocked(ub.q("marines.ml", "MX", source=IN4)))
        finally:
            ub.stop()
            proxy.stop()
            nsd.stop()


class FourThreads(unittest.TestCase):
    """num-threads: 4, many clients at once: every answer exact."""

    def test_four_threads(self):
        ub = tglab.Unbound(tg_conf=SCOPED, lists=LISTS, threads=4).start()
        try:
            cases = []
            for i in range(200):
                name, t = [("army.ml", "MX"), ("navy.ml", "A"), ("army.mil", "MX"),
                           ("google.ml", "A"), ("alias.example.net", "A")][i % 5]
                # every third query over TCP: with 5 names and 2 sources
                # (periods 5, 2, 3) each name is asked by each source
                # over both transports, the same way in every run
                cases.append((name, t, IN4 if i % 2 else OUT4, i % 3 == 0))

            def run(c):
                return c, ub.q(c[0], c[1], source=c[2], tcp=c[3])

            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                results = list(pool.map(run, cases))
            for (name, t, src, _), r in results:
                lookalike = name in ("army.ml", "navy.ml", "alias.example.net")
                if lookalike and src == IN4:
                    self.assertTrue(blocked(r), (name, t, src, r))
                else:
                    self.assertEqual(r["rcode"], "NOERROR", (name, t, src, r))
                    self.assertTrue(r["answer"], (name, t, src, r))
            self.assertEqual(ub.log().count("loaded: 5 protected names"), 1)
        finally:
            ub.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
