# SPDX-License-Identifier: BSD-3-Clause
"""False positives of `typoguard score` on real, legitimate names.

Three sets of names, none of them a lookalike:
  - the Tranco top 100k (registrable domains of popular web sites);
  - the UK public-sector domains and the US federal names outside .gov/.mil;
  - half of Cisco Umbrella's top 100k: DNS names as resolvers see them,
    CDN and proxy targets included (www.msn.com.edgekey.net,
    p27-imap.mail.me.com.akadns.net, officeapps.live.com.mcas.ms).
Protected: every registered .gov domain, the distinct registered .mil
domains and the webmail provider domains (the "17 k list"); the Umbrella
half is also scored with the sample list conf/protected.list.  Every run
uses the built-in infrastructure list (conf/infrastructure.list), as the
module does by default.  Names that are protected or below a protected
name are removed first.  At most 0.01 % of each set may reach block; every
blocked name is printed, and the names at log level.  For the Umbrella half
the figure without the infrastructure list is printed too (not asserted):
it shows what that list is for.  Every entry of that list must be under a
domain that Tranco or the Umbrella half ranks (registered, so no attacker
can take it).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tgeval  # noqa: E402

MAX_BLOCK_FRACTION = 0.0001  # 0.01 %
SHOW_LOG = 40


def run_set(args, work, title, names, files, protected, builtin=True,
            assert_it=True):
    """Score the names of one set; print the figures; True if within the
    limit (or not asserted)."""
    names = [n for n in names if not tgeval.under(n, protected)]
    extra = [] if builtin else ["--no-builtin-infrastructure"]
    results = tgeval.score(args.tool, files, names, work, extra)
    block = [r for r in results if r["verdict"] == "block"]
    log = [r for r in results if r["verdict"] == "log"]
    limit = int(len(names) * MAX_BLOCK_FRACTION)
    print(f"== {title}: {len(names)} names scored")
    print(f"block: {len(block)} ({100.0 * len(block) / len(names):.4f} %), "
          f"limit {limit}{'' if assert_it else ' (reference, not asserted)'}")
    for r in block if assert_it else block[:10]:
        print(f"  BLOCK {r['name']:<40} {r['score']:>3} "
              f"~ {r['protected']:<24} {','.join(r['reasons'])}")
    if len(block) > 10 and not assert_it:
        print(f"  ... {len(block) - 10} more")
    print(f"log:   {len(log)} ({100.0 * len(log) / len(names):.3f} %)")
    for r in log[:SHOW_LOG]:
        print(f"  log   {r['name']:<40} {r['score']:>3} "
              f"~ {r['protected']:<24} {','.join(r['reasons'])}")
    if len(log) > SHOW_LOG:
        print(f"  ... {len(log) - SHOW_LOG} more at log level")
    ok = not assert_it or len(block) <= limit
    print(f"{title}:", "PASS" if ok else
          f"FAIL ({len(block)} blocked, at most {limit} allowed)")
    return ok


def check_infrastructure_ranked(args, src, umbrella):
    """Every entry of the built-in infrastructure list is under a domain
    that a public ranking knows (Tranco, or the Umbrella half): an
    unregistered domain there would be one an attacker could register and
    fill with embeddings.  (Registrable domain approximated by the last
    two labels; every entry is under a one-label public suffix.)"""
    ranked = set(tgeval.tranco(args.data_dir))
    for n in umbrella:
        ranked.add(".".join(n.split(".")[-2:]))
    entries = tgeval.list_file_names(
        os.path.join(src, "conf", "infrastructure.list"))
    bad = [e for e in entries if ".".join(e.split(".")[-2:]) not in ranked]
    print(f"== built-in infrastructure list: {len(entries)} entries, "
          f"{len(entries) - len(bad)} under a ranked domain")
    for e in bad:
        print(f"  NOT RANKED {e}")
    print("infrastructure entries ranked:", "PASS" if not bad else "FAIL")
    return not bad


def main():
    args = tgeval.parse_args(__doc__.splitlines()[0])
    work = tgeval.tmpdir(args.keep)
    src = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    sample = os.path.join(src, "conf", "protected.list")
    gov = tgeval.gov_domains(args.data_dir)
    mil = tgeval.mil_registered(args.data_dir)
    mail = tgeval.mail_providers(args.data_dir)
    big = [
        tgeval.write_list(os.path.join(work, "gov.list"), gov, ".gov"),
        tgeval.write_list(os.path.join(work, "mil.list"), mil, ".mil"),
        tgeval.write_list(os.path.join(work, "mail.list"), mail, "mail"),
    ]
    big_set = set(gov) | set(mil) | set(mail)
    sample_set = set(tgeval.list_file_names(sample))
    print(f"protected: the 17 k list ({len(big_set)} names: {len(gov)} .gov, "
          f"{len(mil)} .mil, {len(mail)} mail) or the sample list "
          f"({len(sample_set)} names); the built-in infrastructure list")
    umbrella = tgeval.umbrella(args.data_dir)
    ok = check_infrastructure_ranked(args, src, umbrella)
    ok &= run_set(args, work, "Tranco top 100k, 17 k list",
                  tgeval.tranco(args.data_dir), big, big_set)
    ok &= run_set(args, work, "UK public sector + US federal non-.gov, "
                  "17 k list",
                  tgeval.uk_gov_domains(args.data_dir) +
                  tgeval.federal_non_gov(args.data_dir),
                  big, big_set)
    ok &= run_set(args, work, "Umbrella half a, 17 k list",
                  umbrella, big, big_set)
    ok &= run_set(args, work, "Umbrella half a, sample list",
                  umbrella, [sample], sample_set)
    run_set(args, work, "Umbrella half a, 17 k list, "
            "without the infrastructure list",
            umbrella, big, big_set, builtin=False, assert_it=False)
    print("result:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
