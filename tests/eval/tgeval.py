# SPDX-License-Identifier: BSD-3-Clause
"""Shared helpers of the evaluation tests (tests/eval/*.py).

The evaluation runs the real, built `core/cli/typoguard` tool over real data from
../shared/data (TG_DATA_DIR overrides).  Without the data a test exits 77,
which the automake harness reports as SKIP.  Nothing here copies the data:
the lists are read from the data directory and the files the tool needs are
written to a private mkdtemp directory that is removed at exit.
"""

import argparse
import atexit
import csv
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

EXIT_SKIP = 77
#: registries in which outsiders cannot register names
RESTRICTED_TLDS = ("mil", "gov", "edu", "int")


def parse_args(description):
    """Common command line: --tool PATH --data-dir DIR.  The defaults come
    from the test environment (tests/local.mk): TG_BUILDDIR/core/cli/typoguard
    and TG_DATA_DIR, else ../shared/data next to the source tree."""
    here = os.path.dirname(os.path.abspath(__file__))
    src = os.environ.get("TG_SRCDIR") or os.path.dirname(os.path.dirname(here))
    build = os.environ.get("TG_BUILDDIR") or src
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--tool", default=os.path.join(build, "core", "cli", "typoguard"),
                   help="the built core/cli/typoguard")
    p.add_argument("--data-dir", default=os.environ.get("TG_DATA_DIR") or
                   os.path.join(src, "..", "shared", "data"))
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory (debugging)")
    a = p.parse_args()
    if not a.data_dir or not os.path.isdir(a.data_dir):
        print(f"SKIP: data directory {a.data_dir!r} not found "
              "(set TG_DATA_DIR)")
        sys.exit(EXIT_SKIP)
    if not os.access(a.tool, os.X_OK):
        print(f"FAIL: {a.tool} is not an executable (build it first)")
        sys.exit(1)
    return a


_tmpdirs = []


def tmpdir(keep=False):
    """A private temporary directory, removed at exit unless keep."""
    d = tempfile.mkdtemp(prefix="tg-eval-")
    if not keep:
        _tmpdirs.append(d)
    else:
        print(f"(keeping {d})")
    return d


@atexit.register
def _cleanup():
    for d in _tmpdirs:
        shutil.rmtree(d, ignore_errors=True)


def data_path(data_dir, name):
    path = os.path.join(data_dir, name)
    if not os.path.exists(path):
        print(f"SKIP: {path} missing")
        sys.exit(EXIT_SKIP)
    return path


def _open_text(path):
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def _column(path, column, delimiter=","):
    with _open_text(path) as f:
        rows = csv.DictReader(f, delimiter=delimiter)
        out = []
        for row in rows:
            v = (row.get(column) or "").strip().lower()
            if v:
                out.append(v)
        return out


def unique(seq):
    seen = set()
    out = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def gov_domains(data_dir):
    """Registered .gov domains (us_gov_domains.csv.gz, column 1)."""
    return unique(_column(data_path(data_dir, "us_gov_domains.csv.gz"),
                          "Domain name"))


def mil_registered(data_dir):
    """Distinct registered .mil domains of us_mil_hostnames.csv.gz."""
    return unique(_column(data_path(data_dir, "us_mil_hostnames.csv.gz"),
                          "registered_domain"))


def mail_providers(data_dir):
    """Distinct webmail provider domains (email_provider_domains.tsv)."""
    return unique(_column(data_path(data_dir, "email_provider_domains.tsv"),
                          "domain", delimiter="\t"))


def federal_non_gov(data_dir):
    """US federal names outside .gov/.mil (us_federal_non_gov_domains)."""
    return unique(_column(data_path(data_dir,
                                    "us_federal_non_gov_domains.csv"),
                          "domain"))


def uk_gov_domains(data_dir):
    """UK public-sector domains (uk_gov_domains.tsv.gz), wildcard
    patterns such as *.gov.uk left out."""
    return unique(n for n in _column(
        data_path(data_dir, "uk_gov_domains.tsv.gz"), "domain_or_pattern",
        delimiter="\t") if "*" not in n)


def umbrella(data_dir):
    """Half of Cisco Umbrella's top 100k: DNS names as resolvers see them
    (CDN and proxy targets included), in rank order."""
    return _column(data_path(data_dir, "umbrella_top100k_half_a.csv.gz"),
                   "domain")


def list_file_names(path):
    """The names of a typoguard list file (comments and blanks left out)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.split("#", 1)[0].strip().lower().rstrip(".")
            if w:
                out.append(w)
    return out


def tranco(data_dir):
    """The Tranco top-100k names, in rank order."""
    return _column(data_path(data_dir, "tranco_top100k.csv.gz"), "domain")


def write_list(path, names, header):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {header}\n")
        for n in names:
            f.write(n + "\n")
    return path


def under(name, protected):
    """True if name is a protected name or below one."""
    labels = name.split(".")
    for i in range(len(labels)):
        if ".".join(labels[i:]) in protected:
            return True
    return False


def score(tool, protected_files, names, workdir, extra=()):
    """Run `typoguard score --json -` over names; return one dict per name,
    in order.  Fails the test on a tool error or a mismatched output."""
    inp = os.path.join(workdir, "names.txt")
    with open(inp, "w", encoding="utf-8") as f:
        for n in names:
            f.write(n + "\n")
    cmd = [tool, "score", "--json"]
    for p in protected_files:
        cmd += ["--protected", p]
    cmd += list(extra) + ["-"]
    with open(inp, "rb") as stdin:
        proc = subprocess.run(cmd, stdin=stdin, capture_output=True)
    if proc.returncode not in (0, 3):
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
        print(f"FAIL: {' '.join(cmd)} exited {proc.returncode}")
        sys.exit(1)
    lines = proc.stdout.decode("utf-8").splitlines()
    if len(lines) != len(names):
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[:4000])
        print(f"FAIL: {len(names)} names in, {len(lines)} results out")
        sys.exit(1)
    results = []
    for i, line in enumerate(lines):
        try:
            r = json.loads(line)
        except ValueError as e:
            print(f"FAIL: output line {i + 1} is not JSON ({e}): {line!r}")
            sys.exit(1)
        for key in ("name", "verdict", "score", "protected", "reasons"):
            if key not in r:
                print(f"FAIL: output line {i + 1} lacks {key!r}: {line}")
                sys.exit(1)
        results.append(r)
    if proc.returncode == 3:
        bad = proc.stderr.decode("utf-8", "replace").splitlines()
        print(f"note: the tool rejected {len(bad)} input lines, e.g.:")
        for b in bad[:5]:
            print("   ", b)
    return results

