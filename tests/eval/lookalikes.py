# SPDX-License-Identifier: BSD-3-Clause
"""Recall on real lookalikes and false blocks with a brand list (issue 19).

Ground truth, as the held-out measurement defines it: the registrable label
of a name (Public Suffix List, ../shared/data) and its Damerau-Levenshtein
distance to a brand's registrable label, under any suffix (distance 0 is
skipped):
  ed1    distance 1, brand label >= 4 characters;
  ed2    distance 2, brand label >= 7 characters;
  combo  the brand label (>= 5 characters) as a hyphen/digit-delimited
         token of the label, or (>= 6 characters) its prefix or suffix.
A name may count in several kinds.  Sets: the MetaMask blacklist against its
fuzzylist brands, and the phishing sample against the Tranco top 1,000, both
protected with the brand profile (`--brand`); the .gov/.mil/mail list has
the default (typo) profile.
"flagged" is verdict log or block.

Required (the test fails otherwise, except for the OPEN target below): the
MetaMask whitelist (legitimate near-brand names) gets 0 blocks; no
protected name blocks as a lookalike of another protected name (each list
scored against itself in folds, so that a name is never in the index it is
scored against; three fold layouts, a pair is missed only when it shares a
fold in all three); false blocks <= 0.01 % on the Tranco top 100k and on
the Umbrella half, with the .gov/.mil/mail list and with the Tranco top
1,000 as a brand list; the issue's recall targets (TARGET) on the MetaMask
set.  Recall floors (MIN) are what the model reaches today, so a change
that lowers one fails.

Printed, not required: why the ed1 names that are not blocked are not (the
rules the false-positive targets impose), and the same figures with the
operator's levers between the two: lower block thresholds (TRADEOFF), and
the brands also on a typo-profile list.
"""

import gzip
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tgeval  # noqa: E402

MAX_FP_RATE = 0.0001
BRANDS_TOP = 1000
FOLDS = 8
#: TG_RULE_BRAND_BLOCK_MIN (core/rules_internal.h)
BRAND_BLOCK_MIN = 10
#: block thresholds whose trade-off the log shows besides the default
TRADEOFF = (75, 70)
SHOW = int(os.environ.get("TG_EVAL_SHOW", "12"))
#: recall floors (percent), the model's figures when they were last raised
MIN = {
    # 34.9 before issue 19; 32.5 with keyboard weighting and the digit
    # rule; 46.2 since brand labels of 10 or more characters score higher
    # and shorter ones stay below block (false blocks win); 65.7 since a
    # slip of such a label blocks under another suffix too
    ("metamask", "ed1", "block"): 65.7,
    ("metamask", "ed1", "flag"): 100.0,
    # 21.2 before two edits beside a brand's intact head or tail
    ("metamask", "ed2", "flag"): 68.9,
    ("metamask", "combo", "flag"): 99.8,
    ("phishing", "ed1", "flag"): 28.6,
    ("phishing", "ed2", "flag"): 25.0,
    ("phishing", "combo", "flag"): 85.7,
}
#: the issue's targets on the MetaMask set (percent)
TARGET = {
    ("metamask", "ed1", "block"): 90.0,
    ("metamask", "ed2", "flag"): 60.0,
    ("metamask", "combo", "flag"): 60.0,
}
#: requirements the model does not meet (issue 19): their figures are
#: printed and marked OPEN, and they fail the test once removed from here.
#: ed1 blocked: MetaMask's whitelist holds one-edit names under other
#: suffixes (metmask.com, metamaks.ru, opensera.com, mynetherwallet.io) and
#: the Tranco top 1,000 has legitimate one-edit neighbours of short brands
#: (googl.com, twiter.com) and, under other suffixes, of long ones
#: (mercadolibre.cl, aftenbladet.no, disney-plus.net): blocking them fails
#: the false-positive targets, which win.
OPEN = {"target:metamask/ed1/block"}


# ------------------------------------------------------------------ PSL

class Psl:
    """Public Suffix List rules (ICANN and private sections)."""

    def __init__(self, path):
        self.rules, self.wild, self.exc = set(), set(), set()
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("//"):
                    continue
                rule = line.split()[0].lower()
                try:
                    rule = rule.encode("idna").decode("ascii")
                except UnicodeError:
                    pass
                if rule.startswith("!"):
                    self.exc.add(rule[1:])
                elif rule.startswith("*."):
                    self.wild.add(rule[2:])
                else:
                    self.rules.add(rule)

    def suffix_labels(self, labels):
        """Labels in the public suffix of a name (list of labels)."""
        n = len(labels)
        for i in range(n):
            s = ".".join(labels[i:])
            if s in self.exc:
                return n - i - 1
            if s in self.rules:
                return n - i
            if i + 1 < n and ".".join(labels[i + 1:]) in self.wild:
                return n - i
        return 1

    def split(self, name):
        """(registrable label, suffix) or None for a suffix itself."""
        labels = name.strip(".").lower().split(".")
        ps = self.suffix_labels(labels)
        if ps >= len(labels):
            return None
        r = len(labels) - 1 - ps
        return labels[r], ".".join(labels[r + 1:])


def dl(a, b, cap):
    """Damerau-Levenshtein (optimal string alignment) distance, or cap+1
    when it exceeds cap."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev2 = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        lo = cap + 1
        for j in range(1, len(b) + 1):
            c = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2] and
                    a[i - 2] == b[j - 1]):
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            lo = min(lo, v)
        if lo > cap:
            return cap + 1
        prev2, prev = prev, cur
    return prev[-1]


def is_combo(label, brand):
    if label == brand or brand not in label:
        return False
    if len(brand) >= 6 and (label.startswith(brand) or label.endswith(brand)):
        return True
    if len(brand) >= 5:
        for tok in re.split(r"[-0-9]+", label):
            if tok == brand:
                return True
    return False


def ground_truth(psl, names, brands):
    """{kind: [(name, brand)]} for kinds ed1, ed2, combo."""
    blabels = {}
    for b in brands:
        sp = psl.split(b)
        if sp:
            blabels.setdefault(sp[0], b)
    bylen = {}
    for lab in blabels:
        bylen.setdefault(len(lab), []).append(lab)
    out = {"ed1": [], "ed2": [], "combo": []}
    for n in names:
        sp = psl.split(n)
        if not sp:
            continue
        lab = sp[0]
        if lab in blabels:
            continue  # distance 0
        kinds = {}
        for L in range(len(lab) - 2, len(lab) + 3):
            for b in bylen.get(L, ()):
                d = dl(lab, b, 2)
                if d == 1 and len(b) >= 4 and "ed1" not in kinds:
                    kinds["ed1"] = blabels[b]
                elif d == 2 and len(b) >= 7 and "ed2" not in kinds:
                    kinds["ed2"] = blabels[b]
        for b in blabels:
            if len(b) >= 5 and len(b) < len(lab) and is_combo(lab, b):
                kinds["combo"] = blabels[b]
                break
        for k, b in kinds.items():
            out[k].append((n, b))
    return out


def pct(n, d):
    return 100.0 * n / d if d else 0.0


def brand_args(files):
    """The tool's options for lists with the brand profile."""
    return [x for f in files for x in ("--brand", f)]


def recall(tag, tool, prot_files, psl, names, brands, work):
    names = tgeval.unique(n for n in names if "/" not in n and " " not in n)
    gt = ground_truth(psl, names, brands)
    todo = tgeval.unique(n for k in gt.values() for n, _ in k)
    res = dict(zip(todo, tgeval.score(tool, [], todo, work,
                                      brand_args(prot_files))))
    print(f"\n{tag}: {len(names)} names, {len(brands)} brands")
    figures = {}
    for kind in ("ed1", "ed2", "combo"):
        rows = gt[kind]
        blk = [n for n, _ in rows if res[n]["verdict"] == "block"]
        flg = [n for n, _ in rows if res[n]["verdict"] in ("block", "log")]
        figures[(tag, kind, "block")] = pct(len(blk), len(rows))
        figures[(tag, kind, "flag")] = pct(len(flg), len(rows))
        print(f"  {kind:<6} {len(rows):>5} names: block {len(blk):>5} "
              f"({pct(len(blk), len(rows)):5.1f} %), flagged {len(flg):>5} "
              f"({pct(len(flg), len(rows)):5.1f} %)")
        missed = [(n, b) for n, b in rows if n not in set(flg)]
        for n, b in missed[:SHOW]:
            r = res[n]
            print(f"      missed {n:<36} ~ {b:<22} {r['verdict']} "
                  f"{r['score']} {','.join(r['reasons']) or '-'}")
        if kind == "ed1":
            for why, ns in sorted(ed1_unblocked(psl, rows, res).items(),
                                  key=lambda x: -len(x[1])):
                print(f"      not blocked: {len(ns):>4} {why} "
                      f"(e.g. {', '.join(ns[:3])})")
    return figures, gt


def blocks(tool, prot_files, names, work, brand=False):
    extra = brand_args(prot_files) if brand else ()
    return [r for r in tgeval.score(tool, [] if brand else prot_files,
                                    names, work, extra)
            if r["verdict"] == "block"]


def self_blocks(tool, names, work, tag, brand):
    """Protected names that block against the rest of their own list."""
    names = tgeval.unique(names)
    out = {}
    for layout in range(3):
        folds = [[] for _ in range(FOLDS)]
        for i, n in enumerate(names):
            folds[(i // FOLDS ** layout) % FOLDS].append(n)
        for f in range(FOLDS):
            rest = [n for g in range(FOLDS) if g != f for n in folds[g]]
            pf = tgeval.write_list(os.path.join(work, f"self-{tag}.list"),
                                   rest, f"{tag} without fold {f}")
            for r in blocks(tool, [pf], folds[f], work, brand):
                out[r["name"]] = r
    return list(out.values())


def show_blocks(rows, limit=SHOW):
    for r in rows[:limit]:
        print(f"      BLOCK {r['name']:<34} {r['score']:>3} "
              f"~ {r['protected']:<28} {','.join(r['reasons'])}")
    if len(rows) > limit:
        print(f"      ... {len(rows) - limit} more")


def ed1_unblocked(psl, rows, res):
    """Why the ed1 names that log, not block, do (the conflicting rules)."""
    why = {}
    for n, b in rows:
        r = res[n]
        if r["verdict"] == "block":
            continue
        sp = psl.split(r["protected"] or b)
        if sp and len(sp[0]) < BRAND_BLOCK_MIN:
            k = f"brand label under {BRAND_BLOCK_MIN} characters"
        elif "other-suffix" in r["reasons"]:
            k = "under another suffix, not a slip of the hand"
        else:
            k = "a weaker class under the brand's suffix"
        why.setdefault(k, []).append(n)
    return why


def tradeoff(tool, gt, wl, brand_file, fuzzy_file, fp_sets, work):
    """The operator's levers between the ed1 block target and the
    false-positive targets: a lower block threshold, and brands also put on
    a typo-profile list (their short labels then block as typos do).  Print
    what each buys and costs (informational; the required figures are the
    default's)."""
    print("\nthe operator's levers against the false-positive targets "
          "(informational):")
    rows = gt["ed1"]
    names = [n for n, _ in rows]

    def args(f, lever):
        if lever == "typo":
            return brand_args([f]) + ["--protected", f]
        return brand_args([f]) + ["-b", str(lever)]

    for lever in TRADEOFF + ("typo",):
        res = tgeval.score(tool, [], names, work, args(fuzzy_file, lever))
        blk = sum(r["verdict"] == "block" for r in res)
        wb = [r for r in tgeval.score(tool, [], wl, work,
                                      args(fuzzy_file, lever))
              if r["verdict"] == "block"]
        what = (f"block at {lever}" if lever != "typo"
                else "brands also on a typo list")
        line = (f"  {what}: metamask ed1 blocked "
                f"{pct(blk, len(rows)):.1f} %, whitelist blocks {len(wb)}")
        shown = list(wb)
        for sname, fnames in fp_sets:
            fb = [r for r in tgeval.score(tool, [], fnames, work,
                                          args(brand_file, lever))
                  if r["verdict"] == "block"]
            line += (f", false blocks {sname} {len(fb)} "
                     f"(limit {int(MAX_FP_RATE * len(fnames))})")
            shown += fb
        print(line)
        show_blocks(shown, 6)


def main():
    args = tgeval.parse_args(__doc__.splitlines()[0])
    work = tgeval.tmpdir(args.keep)
    d = args.data_dir
    psl = Psl(tgeval.data_path(d, "public_suffix_list.dat.gz"))
    mm = {"blacklist": [], "fuzzylist": [], "whitelist": []}
    with gzip.open(tgeval.data_path(
            d, "metamask_eth_phishing_detect_1.2.0.tsv.gz"), "rt",
            encoding="utf-8") as f:
        next(f)
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            if k in mm and v:
                mm[k].append(v.strip().lower())
    with open(tgeval.data_path(d, "phishing_database_sample.txt"),
              encoding="utf-8") as f:
        phish = [x.strip().lower() for x in f if x.strip()]
    top = tgeval.tranco(d)
    brands = tgeval.unique(top[:BRANDS_TOP])
    gov = tgeval.gov_domains(d)
    mil = tgeval.mil_registered(d)
    mail = tgeval.mail_providers(d)
    umb = tgeval.unique(tgeval._column(
        tgeval.data_path(d, "umbrella_top100k_half_a.csv.gz"), "domain"))

    fuzzy_file = tgeval.write_list(os.path.join(work, "fuzzy.list"),
                                   mm["fuzzylist"], "MetaMask fuzzylist")
    brand_file = tgeval.write_list(os.path.join(work, "brands.list"),
                                   brands, f"Tranco top {BRANDS_TOP}")
    gmm = [tgeval.write_list(os.path.join(work, "gov.list"), gov, ".gov"),
           tgeval.write_list(os.path.join(work, "mil.list"), mil, ".mil"),
           tgeval.write_list(os.path.join(work, "mail.list"), mail, "mail")]
    failed = []

    figs = {}
    f, mm_gt = recall("metamask", args.tool, [fuzzy_file], psl,
                      mm["blacklist"], mm["fuzzylist"], work)
    figs.update(f)
    figs.update(recall("phishing", args.tool, [brand_file], psl, phish,
                       brands, work)[0])
    for key, floor in MIN.items():
        if round(figs.get(key, 0.0), 1) < floor:
            failed.append(("recall", f"{'/'.join(key)} {figs[key]:.1f} % "
                                     f"< {floor} %"))
    for key, goal in TARGET.items():
        ok = figs.get(key, 0.0) >= goal
        print(f"target {'/'.join(key)} >= {goal} %: {figs[key]:.1f} % "
              f"({'met' if ok else 'not met'})")
        if not ok:
            failed.append((f"target:{'/'.join(key)}",
                           f"{'/'.join(key)} {figs[key]:.1f} % < {goal} %"))

    wl = [n for n in tgeval.unique(mm["whitelist"])
          if not tgeval.under(n, set(mm["fuzzylist"]))]
    wb = blocks(args.tool, [fuzzy_file], wl, work, True)
    print(f"\nMetaMask whitelist: {len(wl)} names, {len(wb)} blocked "
          "(must be 0)")
    show_blocks(wb)
    if wb:
        failed.append(("whitelist", f"{len(wb)} whitelist names blocked"))

    for tag, names, brand in (("gov-mil-mail", gov + mil + mail, False),
                              ("brands", brands, True)):
        sb = self_blocks(args.tool, names, work, tag, brand)
        print(f"protected vs protected ({tag}, {len(set(names))} names, "
              f"{FOLDS} folds x 3 layouts): {len(sb)} blocked (must be 0)")
        show_blocks(sb)
        if sb:
            failed.append((f"self:{tag}",
                           f"{len(sb)} {tag} protected names blocked"))

    for ltag, lname, lset, lfiles, brand in (
            ("gov-mil-mail", "gov-mil-mail", set(gov) | set(mil) | set(mail),
             gmm, False),
            ("brands", f"Tranco top {BRANDS_TOP} (brand profile)",
             set(brands), [brand_file], True)):
        for sname, src in (("Tranco 100k", top), ("Umbrella half", umb)):
            names = [n for n in src if not tgeval.under(n, lset)]
            res = tgeval.score(args.tool, [] if brand else lfiles, names,
                               work, brand_args(lfiles) if brand else ())
            fb = [r for r in res if r["verdict"] == "block"]
            nlog = sum(r["verdict"] == "log" for r in res)
            held = {}
            for r in res:
                for h in r.get("held", ()) if r["verdict"] == "log" else ():
                    held[h] = held.get(h, 0) + 1
            nheld = sum(1 for r in res if r["verdict"] == "log" and
                        r.get("held"))
            limit = int(MAX_FP_RATE * len(names))
            print(f"false blocks, {sname} with {lname}: {len(fb)} of "
                  f"{len(names)} ({pct(len(fb), len(names)):.4f} %), "
                  f"limit {limit}; logged {nlog} "
                  f"({pct(nlog, len(names)):.2f} %), {nheld} of them held "
                  f"below block by a rule"
                  + (" (" + ", ".join(f"{k} {v}" for k, v in sorted(
                      held.items(), key=lambda x: -x[1])) + ")"
                     if held else ""))
            show_blocks(fb, 25)
            if len(fb) > limit:
                failed.append((f"fp:{sname}:{ltag}",
                               f"{len(fb)} false blocks on {sname} with "
                               f"{lname}"))

    bset = set(brands)
    tradeoff(args.tool, mm_gt, wl, brand_file, fuzzy_file,
             [(sname, [n for n in src if not tgeval.under(n, bset)])
              for sname, src in (("Tranco", top), ("Umbrella", umb))],
             work)

    hard = [m for k, m in failed if k not in OPEN]
    for k, m in failed:
        if k in OPEN:
            print(f"OPEN target not met (issue 19): {m}")
    for k in sorted(OPEN - {k for k, _ in failed}):
        print(f"note: OPEN target {k} is met now: make it required")
    print("\nresult:", "PASS" if not hard else "FAIL: " + "; ".join(hard))
    return 1 if hard else 0


if __name__ == "__main__":
    sys.exit(main())
