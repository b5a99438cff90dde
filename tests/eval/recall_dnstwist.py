# SPDX-License-Identifier: BSD-3-Clause
"""Recall of `typoguard score` against dnstwist permutations.

dnstwist (Debian package) is the independent oracle: for a deterministic
sample of protected names from ../shared/data (every Nth .gov domain, every
Nth registered .mil domain plus army.mil and navy.mil, every Nth webmail
provider, every Nth federal non-.gov name) it generates the typo
permutations, and the built tool scores them all with the sample protected.

Required (the test fails on any miss): every addition, omission, insertion,
repetition, transposition, hyphenation, "various", single-step homoglyph and
cyrillic permutation of an e2LD of at least 5 characters that lands outside
the restricted registries (.mil .gov .edu .int), and is not itself a
protected name, reaches the log threshold (verdict log or block).  The other
dnstwist classes (replacement, vowel-swap, bitsquatting, subdomain,
tld-swap) are reported only.  The 2023 .mil/.ml cases must block.

dnstwist runs in a child process with no network: under `unshare -n` when
that works, and always with the socket API disabled.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tgeval  # noqa: E402

REQUIRED = ("addition", "omission", "insertion", "repetition",
            "transposition", "hyphenation", "various", "homoglyph",
            "cyrillic")
REPORTED = ("replacement", "vowel-swap", "bitsquatting", "subdomain",
            "tld-swap")
HOMOGLYPH_SPLIT = ("homoglyph/1", "homoglyph/n")
MUST_BLOCK = ("army.ml", "navy.ml", "mail.army.ml", "army.mil.ml",
              "armymil.com", "army-mil.com", "armym.il")
MIN_LABEL = 5
TLD_DICT = "/usr/share/dnstwist/dictionaries/common_tlds.dict"


# ------------------------------------------------------------ the child

def _no_network():
    import socket

    def refuse(*a, **k):
        raise OSError("network disabled in the recall test")

    class NoSocket(socket.socket):
        def __init__(self, *a, **k):
            refuse()

    socket.socket = NoSocket
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    socket.gethostbyname = refuse


def _homoglyph_single(domain, glyphs):
    """dnstwist's homoglyph mix(), applied once (its first step): within a
    window, every occurrence of one character becomes one glyph.  Returns
    {label: fewest positions replaced}."""
    out = {}
    for w in range(1, len(domain)):
        for i in range(len(domain) - w + 1):
            pre, win, suf = domain[:i], domain[i:i + w], domain[i + w:]
            for c in set(win):
                for g in glyphs.get(c, []):
                    label = pre + win.replace(c, g) + suf
                    n = win.count(c)
                    if n < out.get(label, 99):
                        out[label] = n
    return out


def generate(in_path, out_path):
    """Child: write "original TAB fuzzer TAB permutation TAB e2ld" rows."""
    _no_network()
    import dnstwist

    tlds = []
    if os.path.exists(TLD_DICT):
        with open(TLD_DICT, encoding="utf-8") as f:
            tlds = [t.strip() for t in f if t.strip()]
    fuzzers = list(REQUIRED + REPORTED)
    with open(in_path, encoding="utf-8") as f:
        domains = [d.strip() for d in f
                   if d.strip() and not d.startswith("#")]
    with open(out_path, "w", encoding="utf-8") as out:
        for d in domains:
            try:
                fz = dnstwist.Fuzzer(d, tld_dictionary=tlds)
            except Exception as e:  # e.g. a name that is a public suffix
                out.write(f"{d}\t*skipped\t{type(e).__name__}: {e}\t\n")
                continue
            glyph_sets = _homoglyph_single(fz.domain, fz.glyphs)
            fz._homoglyph = lambda g=glyph_sets: set(g)
            fz.generate(fuzzers=fuzzers)
            positions = {}
            for label, n in glyph_sets.items():
                full = ".".join(filter(None, [fz.subdomain, label, fz.tld]))
                try:
                    positions[dnstwist.idna.encode(full).decode()] = n
                except Exception:
                    pass
            for p in sorted(fz.domains, key=lambda p: (p["fuzzer"],
                                                       p["domain"])):
                if not p["domain"] or p["fuzzer"] == "*original":
                    continue
                fuzzer = p["fuzzer"]
                if fuzzer == "homoglyph":
                    n = positions.get(p["domain"], 1)
                    fuzzer += "/1" if n == 1 else "/n"
                out.write(f"{d}\t{fuzzer}\t{p['domain']}\t{fz.domain}\n")


# ----------------------------------------------------------- the parent

def sample(data_dir):
    gov = sorted(tgeval.gov_domains(data_dir))
    mil = sorted(tgeval.mil_registered(data_dir))
    mail = sorted(tgeval.mail_providers(data_dir))
    fed = sorted(tgeval.federal_non_gov(data_dir))
    picked = (gov[::500] + mil[::5] + ["army.mil", "navy.mil"] +
              mail[::3] + fed[::20])
    return tgeval.unique(picked), tgeval.unique(mil[::5] + ["army.mil",
                                                            "navy.mil"])


def run_child(sample_file, perm_file):
    cmd = [sys.executable, os.path.abspath(__file__), "--generate",
           sample_file, perm_file]
    how = "unshare -n"
    try:
        ok = subprocess.run(["unshare", "-n", "true"],
                            capture_output=True).returncode == 0
    except OSError:
        ok = False
    if ok:
        cmd = ["unshare", "-n"] + cmd
    else:
        how = "socket API disabled (unshare -n not permitted)"
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        if "No module named 'dnstwist'" in proc.stderr:
            print("SKIP: dnstwist is not installed (apt-get install "
                  "dnstwist)")
            sys.exit(tgeval.EXIT_SKIP)
        print("FAIL: dnstwist generation failed")
        sys.exit(1)
    return how


def pct(n, d):
    return f"{100.0 * n / d:6.1f}%" if d else "     -"


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--generate":
        generate(sys.argv[2], sys.argv[3])
        return 0
    args = tgeval.parse_args(__doc__.splitlines()[0])
    work = tgeval.tmpdir(args.keep)
    names, mil_sample = sample(args.data_dir)
    prot_file = tgeval.write_list(os.path.join(work, "protected.list"),
                                  names, "recall sample")
    sample_file = tgeval.write_list(os.path.join(work, "sample.txt"),
                                    names, "recall sample")
    perm_file = os.path.join(work, "perms.tsv")
    how = run_child(sample_file, perm_file)

    rows = []
    with open(perm_file, encoding="utf-8") as f:
        for line in f:
            orig, fuzzer, perm, e2ld = line.rstrip("\n").split("\t")
            if fuzzer == "*skipped":
                print(f"note: dnstwist cannot permute {orig}: {perm}")
                continue
            rows.append((orig, fuzzer, perm, e2ld))
            if fuzzer.startswith("homoglyph/"):
                rows.append((orig, "homoglyph", perm, e2ld))
    uniq = tgeval.unique([r[2] for r in rows])
    results = tgeval.score(args.tool, [prot_file], uniq, work)
    by_name = dict(zip(uniq, results))
    mil_file = tgeval.write_list(os.path.join(work, "mil.list"), mil_sample,
                                 ".mil sample")
    mil_results = dict(zip(MUST_BLOCK, tgeval.score(
        args.tool, [mil_file], list(MUST_BLOCK), work)))
    protected = set(names)

    print(f"recall vs dnstwist: {len(names)} protected names "
          f"({len(mil_sample)} .mil), {len(rows)} permutations, "
          f"{len(uniq)} distinct, dnstwist run with {how}")
    stats = {}
    misses = []
    for orig, fuzzer, perm, e2ld in rows:
        s = stats.setdefault(fuzzer, [0, 0, 0, 0, 0])
        s[0] += 1
        tld = perm.rsplit(".", 1)[-1]
        r = by_name[perm]
        if (len(e2ld) < MIN_LABEL or tld in tgeval.RESTRICTED_TLDS or
                r.get("is_protected") or tgeval.under(perm, protected)):
            s[4] += 1
            continue
        s[1] += 1
        if r["verdict"] == "block":
            s[2] += 1
        if r["verdict"] in ("block", "log"):
            s[3] += 1
        elif fuzzer in REQUIRED and fuzzer != "homoglyph":
            misses.append((fuzzer, perm, orig, r))
        elif fuzzer.startswith("homoglyph/"):
            misses.append((fuzzer, perm, orig, r))

    print()
    print(f"{'class':<15} {'generated':>9} {'excluded':>8} {'in scope':>8} "
          f"{'block':>7} {'>=log':>7}  required")
    for fuzzer in REQUIRED + HOMOGLYPH_SPLIT + REPORTED:
        gen, scope, blk, lg, excl = stats.get(fuzzer, [0, 0, 0, 0, 0])
        print(f"{fuzzer:<15} {gen:>9} {excl:>8} {scope:>8} "
              f"{pct(blk, scope)} {pct(lg, scope)}  "
              f"{'yes' if fuzzer in REQUIRED else '(part)' if fuzzer in HOMOGLYPH_SPLIT else 'report'}")
    print("(excluded: e2LD shorter than 5, inside .mil/.gov/.edu/.int, "
          "or a protected name;\n homoglyph/1: one position replaced, "
          "homoglyph/n: one character replaced at\n several positions, "
          "as dnstwist's single homoglyph step does)")

    failed = False
    if misses:
        failed = True
        print(f"\nFAIL: {len(misses)} required permutations below the "
              "log threshold; first 20:")
        for fuzzer, perm, orig, r in misses[:int(os.environ.get("TG_EVAL_MISSES", "20"))]:
            print(f"  {fuzzer:<13} {perm:<40} (of {orig}) "
                  f"{r['verdict']} {r['score']} {','.join(r['reasons'])}")
    else:
        print("\nall required permutations reach the log threshold")

    print(f"\n.mil/.ml cases, only the {len(mil_sample)} sampled .mil names "
          "protected (must block):")
    for n in MUST_BLOCK:
        r = mil_results[n]
        ok = r["verdict"] == "block"
        failed |= not ok
        print(f"  {'ok  ' if ok else 'FAIL'} {n:<16} {r['verdict']:<5} "
              f"{r['score']:>3} {r['protected'] or '-'} "
              f"{','.join(r['reasons']) or '-'}")
    print("\nresult:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
