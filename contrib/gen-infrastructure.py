#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Regenerate the derived part of conf/infrastructure.list.

CDNs, clouds and proxies name their edge hosts after their customers'
host names: www.army.mil.edgekey.net, p27-imap.mail.me.com.akadns.net,
officeapps.live.com.mcas.ms.  typoguard must not take such a name for an
embedding of the protected name inside it.  This script finds the domains
that do this in a ranking of real DNS names (such as Cisco Umbrella's top
list, which ranks the names resolvers answer, CDN targets included):

  a registrable domain D (Public Suffix List, ICANN section only, so that
  akadns.net and cdn.cloudflare.net count as the operator's domain) is
  infrastructure when at least --min-names names of the ranking under D
  carry, left of D, a registrable domain that is itself ranked (a
  customer: qq.com.w.alikunlun.net carries qq.com), and the PSL's PRIVATE
  section lists no suffix under D (those are hosting platforms whose
  customers choose their own names, S3 buckets with dots included: an
  attacker could put paypal.com there; such a domain can only be curated).

It never looks at a protected list, so it is not tuned to one.  The
result replaces the lines between '# BEGIN DERIVED' and '# END DERIVED' of
the list file; the curated part above is kept.  The list is compiled into
typoguard (`infrastructure-builtin:` in typoguard.conf(5)); operators add
their own in files named by `infrastructure:`.

usage:
  contrib/gen-infrastructure.py --psl public_suffix_list.dat[.gz] \\
      --ranking umbrella-top-1m.csv[.gz] [--ranking ...] \\
      [--known tranco.csv[.gz] ...] [--min-names 2] [--list FILE] [--dry-run]

Ranking and known files: one name per line, or CSV "rank,name"; gzip is
read as such.
"""

import argparse
import collections
import datetime
import gzip
import io
import os
import sys


def read_lines(path):
    raw = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
    with io.TextIOWrapper(raw, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            yield line


def read_names(path):
    for line in read_lines(path):
        name = line.split(",")[-1].strip().lower().rstrip(".")
        if name and name != "domain" and "." in name:
            yield name


class PSL:
    """The ICANN section of the Public Suffix List (and, apart, the
    domains under which the PRIVATE section lists suffixes)."""

    def __init__(self, path):
        self.rules, self.exc, self.wild = set(), set(), set()
        self.private = set()  # every parent of a PRIVATE-section rule
        icann = private = False
        raw = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
        with io.TextIOWrapper(raw, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if "===BEGIN ICANN DOMAINS===" in line:
                    icann = True
                elif "===END ICANN DOMAINS===" in line:
                    icann = False
                elif "===BEGIN PRIVATE DOMAINS===" in line:
                    private = True
                elif "===END PRIVATE DOMAINS===" in line:
                    private = False
                if not line or line.startswith("//"):
                    continue
                if private:
                    labels = line.split()[0].lower().lstrip("!*.").split(".")
                    for i in range(len(labels) - 1):
                        self.private.add(".".join(labels[i:]))
                    continue
                if not icann:
                    continue
                rule = line.split()[0].lower()
                if rule.startswith("!"):
                    self.exc.add(rule[1:])
                elif rule.startswith("*."):
                    self.wild.add(rule[2:])
                else:
                    self.rules.add(rule)
        if not self.rules:
            sys.exit(f"{path}: no ICANN section found")

    def suffix_labels(self, labels):
        n = len(labels)
        for i in range(n):
            s = ".".join(labels[i:])
            if s in self.exc:
                return n - i - 1
            if s in self.rules:
                return n - i
            if i + 1 < n and ".".join(labels[i + 1:]) in self.wild:
                return n - i
        return 1  # an unlisted TLD is a suffix of its own

    def registrable(self, labels):
        ps = self.suffix_labels(labels)
        if ps >= len(labels):
            return None
        return ".".join(labels[len(labels) - ps - 1:])


def derive(psl, ranking, known, min_names):
    """{domain: (names, customers)} for every infrastructure domain."""
    names = collections.defaultdict(set)
    customers = collections.defaultdict(set)
    for name in ranking:
        labels = name.split(".")
        ps = psl.suffix_labels(labels)
        if ps + 2 > len(labels):
            continue  # nothing left of the registrable domain
        r = len(labels) - ps - 1
        dom = ".".join(labels[r:])
        left = labels[:r]
        # the longest ranked registrable domain ending anywhere left of D
        for j in range(len(left) - 1, 0, -1):
            cust = psl.registrable(left[:j + 1])
            if cust and cust != dom and cust in known:
                names[dom].add(name)
                customers[dom].add(cust)
                break
    return {d: (len(n), len(customers[d]))
            for d, n in names.items()
            if len(n) >= min_names and d not in psl.private}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--psl", required=True)
    ap.add_argument("--ranking", action="append", required=True)
    ap.add_argument("--known", action="append", default=[],
                    help="more ranked registrable domains (e.g. Tranco)")
    ap.add_argument("--min-names", type=int, default=2)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--list", default=os.path.join(
        here, "..", "conf", "infrastructure.list"))
    ap.add_argument("--dry-run", action="store_true",
                    help="print the derived block instead of writing")
    a = ap.parse_args()

    psl = PSL(a.psl)
    ranking = []
    for path in a.ranking:
        ranking.extend(read_names(path))
    known = set()
    for name in ranking:
        d = psl.registrable(name.split("."))
        if d:
            known.add(d)
    for path in a.known:
        for name in read_names(path):
            d = psl.registrable(name.split("."))
            if d:
                known.add(d)
    found = derive(psl, ranking, known, a.min_names)

    with open(a.list, encoding="utf-8") as f:
        text = f.read().split("\n")
    try:
        b = text.index("# BEGIN DERIVED")
        e = text.index("# END DERIVED")
    except ValueError:
        sys.exit(f"{a.list}: no '# BEGIN DERIVED' / '# END DERIVED' lines")
    curated = set()
    for line in text[:b]:
        w = line.split("#")[0].strip().lower()
        if w:
            curated.add(w)
    block = [
        f"# {len(found)} domains: ranking {', '.join(map(os.path.basename, a.ranking))}"
        + (f"; known {', '.join(map(os.path.basename, a.known))}" if a.known else "")
        + f"; --min-names {a.min_names}; {datetime.date.today().isoformat()}",
        "# (names under it that carry a ranked domain, distinct such domains)",
    ]
    for d, (n, c) in sorted(found.items(), key=lambda x: (-x[1][0], x[0])):
        if d in curated:
            continue
        block.append(f"{d:<32} # {n} names, {c} domains")
    out = text[:b + 1] + block + text[e:]
    if a.dry_run:
        print("\n".join(block))
        return 0
    tmp = a.list + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    os.replace(tmp, a.list)
    print(f"{a.list}: {len(block) - 2} derived domains "
          f"({len(found)} found, {len(found) - len(block) + 2} already curated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
