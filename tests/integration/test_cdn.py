# SPDX-License-Identifier: BSD-3-Clause
"""The protected organisations' own CDN and proxy names resolve.

Real resolver traffic carries the protected host names inside CDN and
proxy names: www.navy.mil CNAME www.navy.mil.edgekey.net CNAME
e1234.dscb.akamaiedge.net (Akamai), imap.mail.me.com CNAME
p27-imap.mail.me.com.akadns.net, pbs.yahoo.com CNAME
pbs.yahoo.com.cdn.cloudflare.net, officeapps.live.com.mcas.ms (Defender
for Cloud Apps proxy).  The lab root zone gets these patterns for .mil and
for the mail providers, and a real Unbound with typoguard (the built-in
infrastructure list on, as by default) and

  - the sample list conf/protected.list, and
  - the 17 k list (every .gov, the registered .mil domains, the mail
    providers, from ../shared/data; skipped without the data),

must resolve every one of them, by CNAME chain and directly, while the
lookalikes (army.ml, armym.il, armymil.com, army-mil.com, army.mil.ml,
nasa.gov.com) are answered NXDOMAIN with EDE 15.  A chain that starts at a
protected name is never blocked for where it leads (checked without the
infrastructure list, and with a target that is a lookalike by another
class), and what it led to is still not cached for a direct query.
An operator's own `infrastructure:` file is picked up without a restart.
`answer-check:` block (default: an embedding-only target is logged),
log and off are checked on chains that start elsewhere.
"""
import csv
import gzip
import io
import os
import unittest

import tglab

tglab.require_unbound()

CONF = os.path.join(tglab.SRCDIR, "conf")
DATA = os.environ.get("TG_DATA_DIR") or os.path.join(
    tglab.SRCDIR, "..", "shared", "data")

# The CDN patterns, as the lab serves them (appended to root.zone).
CDN_ZONE = """
; --- CDN and proxy patterns (tests/integration/test_cdn.py)
www.navy.mil.              IN CNAME www.navy.mil.edgekey.net.
www.navy.mil.edgekey.net.  IN CNAME e1234.dscb.akamaiedge.net.
e1234.dscb.akamaiedge.net. IN A     192.0.2.80
www.af.mil.                IN CNAME www.af.mil.edgesuite.net.
www.af.mil.edgesuite.net.  IN CNAME a1.g.akamai.net.
a1.g.akamai.net.           IN A     192.0.2.81
www.army.mil.edgekey.net.  IN CNAME e5678.dscb.akamaiedge.net.
e5678.dscb.akamaiedge.net. IN A     192.0.2.82
imap.mail.me.com.          IN CNAME p27-imap.mail.me.com.akadns.net.
p27-imap.mail.me.com.akadns.net. IN A 192.0.2.83
roaming.live.com.          IN CNAME brzs.roaming1.live.com.akadns.net.
brzs.roaming1.live.com.akadns.net. IN A 192.0.2.84
www.icloud.com.            IN CNAME www.icloud.com.edgekey.net.
www.icloud.com.edgekey.net. IN CNAME e6858.dscb.akamaiedge.net.
e6858.dscb.akamaiedge.net. IN A     192.0.2.85
pbs.yahoo.com.             IN CNAME pbs.yahoo.com.cdn.cloudflare.net.
pbs.yahoo.com.cdn.cloudflare.net. IN A 192.0.2.86
www.msn.com.               IN CNAME www.msn.com.edgekey.net.
www.msn.com.edgekey.net.   IN CNAME e28578.d.akamaiedge.net.
e28578.d.akamaiedge.net.   IN A     192.0.2.87
officeapps.live.com.mcas.ms. IN A   192.0.2.88
outlook.office365.com.mcas.ms. IN A 192.0.2.89
www.army.mil.mcas.ms.      IN A     192.0.2.90
; a protected name whose chain leads to a lookalike of another class: the
; organisation chose it, so it resolves; the lookalike itself is still
; blocked when asked for directly
portal.af.mil.             IN CNAME armymil.com.
mx2.af.mil.                IN CNAME mx.army.ml.
; an operator's own edge provider, not on the built-in list
www.army.mil.edge.example-cdn.net. IN A 192.0.2.91
; chains that start elsewhere (answer-check)
embed-alias.example.net.   IN CNAME army.mil.ml.
"""

# (query, type): must resolve with an address
CHAINS_MIL = [("www.navy.mil", "A"), ("www.af.mil", "A"),
              ("www.army.mil.edgekey.net", "A"), ("www.army.mil.mcas.ms", "A"),
              ("www.navy.mil.edgekey.net", "A")]
CHAINS_MAIL = [("roaming.live.com", "A"), ("www.icloud.com", "A"),
               ("pbs.yahoo.com", "A"), ("officeapps.live.com.mcas.ms", "A"),
               ("brzs.roaming1.live.com.akadns.net", "A"),
               ("www.icloud.com.edgekey.net", "A"),
               ("pbs.yahoo.com.cdn.cloudflare.net", "A"),
               ("outlook.office365.com.mcas.ms", "A")]
# only with the 17 k list (me.com and msn.com are mail providers there)
CHAINS_17K = [("imap.mail.me.com", "A"),
              ("p27-imap.mail.me.com.akadns.net", "A"),
              ("www.msn.com", "A"), ("www.msn.com.edgekey.net", "A")]
LOOKALIKES = [("army.ml", "MX"), ("armym.il", "MX"), ("armymil.com", "A"),
              ("army-mil.com", "A"), ("army.mil.ml", "A"),
              ("mail.army.ml", "A"), ("navy.ml", "MX")]


def lab_zone(workdir):
    with open(os.path.join(tglab.LAB, "root.zone")) as f:
        text = f.read()
    path = os.path.join(workdir, "root-cdn.zone")
    with open(path, "w") as f:
        f.write(text + CDN_ZONE)
    return path


def list_17k():
    """The 17 k list as one file's text, or None without the data."""
    def column(name, col, delim=","):
        path = os.path.join(DATA, name)
        raw = gzip.open(path, "rb") if name.endswith(".gz") else open(
            path, "rb")
        with io.TextIOWrapper(raw, encoding="utf-8") as f:
            return [r[col].strip().lower()
                    for r in csv.DictReader(f, delimiter=delim) if r[col]]
    try:
        names = (column("us_gov_domains.csv.gz", "Domain name")
                 + column("us_mil_hostnames.csv.gz", "registered_domain")
                 + column("email_provider_domains.tsv", "domain", "\t"))
    except OSError:
        return None
    return "\n".join(sorted(set(names))) + "\n"


def start(protected, conf_extra="", infra=True):
    """Unbound with typoguard; infra: the built-in infrastructure list is
    on (the default, as the sample configuration leaves it)."""
    lists = {"protected.list": protected}
    conf = "protected: protected.list\n" + conf_extra
    if not infra:
        conf += "infrastructure-builtin: no\n"
    ub = tglab.Unbound(tg_conf=conf, lists=lists)
    ub.zones = [(".", lab_zone(ub.dir))]
    return ub.start()


def blocked(r):
    return r["rcode"] == "NXDOMAIN" and \
        [e["code"] for e in r["ede"]] == [15]


class Cdn(unittest.TestCase):
    def tearDown(self):
        tglab._cleanup()

    def resolves(self, ub, name, qtype):
        r = ub.q(name, qtype)
        self.assertEqual(r["rcode"], "NOERROR", (name, r))
        self.assertTrue(tglab.rdata(r["answer"], "A"), (name, r))
        self.assertEqual(r["ede"], [], (name, r))

    def blocks(self, ub, name, qtype):
        r = ub.q(name, qtype)
        self.assertTrue(blocked(r), (name, r))

    def check(self, ub, chains, lookalikes):
        for name, qtype in chains:
            with self.subTest(resolves=name):
                self.resolves(ub, name, qtype)
        for name, qtype in lookalikes:
            with self.subTest(blocks=name):
                self.blocks(ub, name, qtype)
        self.assertNotIn("typoguard: blocked www.", ub.log())

    def test_sample_list(self):
        with open(os.path.join(CONF, "protected.list")) as f:
            ub = start(f.read())
        self.check(ub, CHAINS_MIL + CHAINS_MAIL, LOOKALIKES)

    def test_17k_list(self):
        text = list_17k()
        if text is None:
            self.skipTest(f"no data in {DATA}")
        ub = start(text)
        self.check(ub, CHAINS_MIL + CHAINS_MAIL + CHAINS_17K,
                   LOOKALIKES + [("nasa.gov.com", "A")])

    def test_chain_from_protected_name(self):
        """Without the infrastructure list: chains from protected names
        still resolve; the same CDN name asked directly is an embedding;
        a lookalike the chain led to is not served from the cache."""
        ub = start("army.mil\nnavy.mil\naf.mil\nlive.com\nyahoo.com\n",
                   infra=False)
        for name in ("www.navy.mil", "www.af.mil", "roaming.live.com",
                     "pbs.yahoo.com", "portal.af.mil"):
            with self.subTest(resolves=name):
                self.resolves(ub, name, "A")
        self.blocks(ub, "www.army.mil.edgekey.net", "A")
        r = ub.q("mx2.af.mil", "A")
        self.assertEqual(tglab.rdata(r["answer"], "A"), ["198.51.100.67"])
        # what the chains led to was not cached: asked for directly,
        # the lookalikes are blocked
        self.blocks(ub, "armymil.com", "A")
        self.blocks(ub, "mx.army.ml", "A")
        self.assertNotIn("blocked portal.af.mil", ub.log())

    def test_own_infrastructure_file(self):
        """A domain added to an `infrastructure:` file of the operator's
        own is in force at the next list check, without a restart."""
        name = "www.army.mil.edge.example-cdn.net"
        ub = tglab.Unbound(
            tg_conf="protected: protected.list\n"
                    "infrastructure: my-cdns.list\nreload-interval: 1\n",
            lists={"protected.list": "army.mil\n",
                   "my-cdns.list": "# our CDN\n"})
        ub.zones = [(".", lab_zone(ub.dir))]
        ub.start()
        self.blocks(ub, name, "A")
        tmp = ub.path("my-cdns.list.tmp")
        with open(tmp, "w") as f:
            f.write("# our CDN\nexample-cdn.net\n")
        os.replace(tmp, ub.path("my-cdns.list"))
        self.assertTrue(tglab.wait_for(
            lambda: ub.q(name, "A")["rcode"] == "NOERROR", timeout=15),
            ub.log())
        self.resolves(ub, name, "A")
        self.blocks(ub, "army.ml", "A")

    def test_answer_check(self):
        prot = "army.mil\nnavy.mil\naf.mil\n"
        # default (block): a lookalike target blocks, an embedding-only
        # target (the shape of a CDN name) is logged and answered
        ub = start(prot)
        self.blocks(ub, "alias.example.net", "A")
        self.resolves(ub, "embed-alias.example.net", "A")
        self.assertTrue(tglab.wait_for(
            lambda: "logged embed-alias.example.net A" in ub.log()),
            ub.log())
        self.blocks(ub, "army.mil.ml", "A")  # not from the cache
        tglab._cleanup()
        ub = start(prot, "answer-check: log\n")
        self.resolves(ub, "alias.example.net", "A")
        self.assertTrue(tglab.wait_for(
            lambda: "logged alias.example.net A" in ub.log()), ub.log())
        self.blocks(ub, "army.ml", "A")
        tglab._cleanup()
        ub = start(prot, "answer-check: off\n")
        self.resolves(ub, "alias.example.net", "A")
        self.blocks(ub, "army.ml", "A")
        self.assertNotIn("alias.example.net", ub.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
