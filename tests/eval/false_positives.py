# SPDX-License-Identifier: BSD-3-Clause
"""False positives of `typoguard score` on the Tranco top 100k.

Protected: every registered .gov domain (us_gov_domains.csv.gz, column 1),
the distinct registered .mil domains (us_mil_hostnames.csv.gz), and the
webmail provider domains (email_provider_domains.tsv).  Every Tranco name
that is not a protected name or below one is scored by the built tool.
These are popular, legitimate names: at most MAX_BLOCK (0.01 % of 100k) may
reach the block threshold.  All blocked names are printed, and the number
(and the first few) at log level.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tgeval  # noqa: E402

MAX_BLOCK = 10
SHOW_LOG = 40


def main():
    args = tgeval.parse_args(__doc__.splitlines()[0])
    work = tgeval.tmpdir(args.keep)
    gov = tgeval.gov_domains(args.data_dir)
    mil = tgeval.mil_registered(args.data_dir)
    mail = tgeval.mail_providers(args.data_dir)
    files = [
        tgeval.write_list(os.path.join(work, "gov.list"), gov, ".gov"),
        tgeval.write_list(os.path.join(work, "mil.list"), mil, ".mil"),
        tgeval.write_list(os.path.join(work, "mail.list"), mail, "mail"),
    ]
    protected = set(gov) | set(mil) | set(mail)
    top = tgeval.tranco(args.data_dir)
    names = [n for n in top if not tgeval.under(n, protected)]
    results = tgeval.score(args.tool, files, names, work)

    block = [r for r in results if r["verdict"] == "block"]
    log = [r for r in results if r["verdict"] == "log"]
    print(f"false positives: {len(protected)} protected names "
          f"({len(gov)} .gov, {len(mil)} .mil, {len(mail)} mail), "
          f"{len(names)} Tranco names scored "
          f"({len(top) - len(names)} removed as protected or below)")
    print(f"block: {len(block)} ({100.0 * len(block) / len(names):.4f} %), "
          f"limit {MAX_BLOCK}")
    for r in block:
        print(f"  BLOCK {r['name']:<32} {r['score']:>3} "
              f"~ {r['protected']:<28} {','.join(r['reasons'])}")
    print(f"log:   {len(log)} ({100.0 * len(log) / len(names):.3f} %)")
    for r in log[:SHOW_LOG]:
        print(f"  log   {r['name']:<32} {r['score']:>3} "
              f"~ {r['protected']:<28} {','.join(r['reasons'])}")
    if len(log) > SHOW_LOG:
        print(f"  ... {len(log) - SHOW_LOG} more at log level")
    ok = len(block) <= MAX_BLOCK
    print("result:", "PASS" if ok else
          f"FAIL ({len(block)} blocked, at most {MAX_BLOCK} allowed)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
