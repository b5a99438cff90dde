# SPDX-License-Identifier: BSD-3-Clause
"""`typoguard report` on the event log of a real Unbound, and its page in a
real browser.

A real Unbound with typoguard answers a scripted query mix from six client
addresses (127.0.0.2-7): blocks (one retried, so that the module aggregates
the repeats into one line with a count), a decision on the answer (an MX
target that is a lookalike), names only logged, an allowlisted lookalike, a
protected name and an unrelated one.  The queries go in two phases, so that
`--since` has names seen before and names new in the period.  Then
`typoguard report` reads the event log and its text and JSON figures are
compared with the queries sent; the same log split into a gzip-compressed
rotated part and a plain part with a broken line and an unknown field gives
the same figures; the HTML page is opened in headless Chromium, its DOM
(`--dump-dom`) must hold the charts and one table row per name and client,
and a screenshot is kept in the build tree (tests/report/report.png).

Edge cases without a resolver (synthetic logs): bad and over-long lines,
a truncated gzip file, schema 2, names that need escaping, the caps, and
the progress line on a terminal.
"""
import collections
import datetime
import gzip
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

import tglab

tglab.require_unbound()

TOOL = os.path.join(tglab.BUILDDIR, "core", "cli", "typoguard")
ARTIFACTS = os.path.join(tglab.BUILDDIR, "tests", "report")
LISTS = {"protected.list": "army.mil\nnavy.mil\naf.mil\ngmail.com\n",
         "allow.list": "navy.ml\n"}
# block at 88: army.ml, armym.il (90) and mx.army.ml are blocked,
# gmial.com (80) and army.mil.ml (85) only logged
CONF = ("protected: protected.list\nallow: allow.list\n"
        "identity: lab-resolver\nblock-threshold: 88\nlog-threshold: 50\n"
        "event-interval: 1\nevent-log: events.jsonl\n")

# (name, qtype, client, decision or None, lookalike, protected, class)
Q = collections.namedtuple("Q", "name qtype client decision lookalike "
                           "protected cls")
PHASE1 = [
    Q("army.ml", "MX", "127.0.0.2", "block", "army.ml", "army.mil",
      "tld-swap"),
    Q("army.ml", "MX", "127.0.0.2", "block", "army.ml", "army.mil",
      "tld-swap"),
    Q("army.ml", "MX", "127.0.0.2", "block", "army.ml", "army.mil",
      "tld-swap"),
    Q("armym.il", "MX", "127.0.0.2", "block", "armym.il", "army.mil",
      "dot-shift"),
    Q("gmial.com", "MX", "127.0.0.3", "log", "gmial.com", "gmail.com",
      "transposition"),
    Q("navy.ml", "MX", "127.0.0.3", None, None, None, None),  # allowlisted
    Q("army.mil", "MX", "127.0.0.4", None, None, None, None),  # protected
    Q("google.ml", "A", "127.0.0.4", None, None, None, None),  # unrelated
]
PHASE2 = [
    Q("army.ml", "MX", "127.0.0.3", "block", "army.ml", "army.mil",
      "tld-swap"),
    Q("army.ml", "MX", "127.0.0.4", "block", "army.ml", "army.mil",
      "tld-swap"),
    Q("army.ml", "A", "127.0.0.5", "block", "army.ml", "army.mil",
      "tld-swap"),
    Q("army.ml", "MX", "127.0.0.6", "block", "army.ml", "army.mil",
      "tld-swap"),
    Q("army.mil.ml", "A", "127.0.0.5", "log", "army.mil.ml", "army.mil",
      "embedding"),
    # the answer leads into the lookalike: the MX target mx.army.ml
    Q("mx-into.example.net", "MX", "127.0.0.7", "block", "mx.army.ml",
      "army.mil", None),
    Q("navy.ml", "A", "127.0.0.6", None, None, None, None),  # allowlisted
]
SENT = PHASE1 + PHASE2
DECIDED = [q for q in SENT if q.decision]

WORK = ""
EVENTS = ""        # the event log the resolver wrote
SINCE = ""         # RFC 3339 time between the two phases
RAW = []           # its lines, parsed


def rfc3339(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def run(*args, stdin=None, check=True):
    r = subprocess.run([TOOL, "report"] + list(args), capture_output=True,
                       text=True, timeout=120, input=stdin)
    if check and r.returncode != 0:
        raise AssertionError("typoguard report %s: %d\n%s%s" % (
            " ".join(args), r.returncode, r.stdout[-3000:], r.stderr))
    return r


def report_json(*args, **kw):
    return json.loads(run("--format", "json", *args, **kw).stdout)


def setUpModule():
    global WORK, EVENTS, SINCE
    WORK = tempfile.mkdtemp(prefix="tgreport-")
    ub = tglab.Unbound(tg_conf=CONF, lists=LISTS)
    ub.start()
    path = ub.path("events.jsonl")
    for q in PHASE1:
        ub.q(q.name, q.qtype, source=q.client)
    # the retried army.ml from .2 is written once at once and once more,
    # aggregated, after event-interval: wait for both lines
    tglab.wait_for(lambda: sum(e.get("count", 1) for e in tglab.event_lines(
        path)) >= len([q for q in PHASE1 if q.decision]), timeout=15)
    time.sleep(1.2)
    SINCE = rfc3339(time.time())
    time.sleep(0.2)
    for q in PHASE2:
        ub.q(q.name, q.qtype, source=q.client)
    got = tglab.wait_for(lambda: sum(e.get("count", 1) for e in
                                     tglab.event_lines(path)) >= len(DECIDED),
                         timeout=15)
    time.sleep(1.5)  # nothing more may come
    if not got:
        raise AssertionError("events: %s\n%s" % (tglab.event_lines(path),
                                                 ub.log()[-3000:]))
    EVENTS = os.path.join(WORK, "events.jsonl")
    shutil.copy(path, EVENTS)
    ub.stop()
    RAW.extend(tglab.event_lines(EVENTS))


def tearDownModule():
    tglab._cleanup()
    if WORK:
        shutil.rmtree(WORK, ignore_errors=True)


def expected(queries):
    """What the report must say about these queries."""
    exp = {"block": 0, "log": 0, "clients": collections.Counter(),
           "client_block": collections.Counter(),
           "protected": collections.Counter(),
           "names": collections.Counter(),
           "name_block": collections.Counter(),
           "name_clients": collections.defaultdict(set),
           "classes": collections.Counter()}
    for q in queries:
        if not q.decision:
            continue
        exp[q.decision] += 1
        exp["clients"][q.client] += 1
        if q.decision == "block":
            exp["client_block"][q.client] += 1
            exp["name_block"][q.lookalike] += 1
        exp["protected"][q.protected] += 1
        exp["names"][q.lookalike] += 1
        exp["name_clients"][q.lookalike].add(q.client)
        if q.cls:
            exp["classes"][q.cls] += 1
    return exp


class TheLogItself(unittest.TestCase):
    """The resolver did what the expectations assume (else a report test
    could pass or fail for the wrong reason)."""

    def test_events_match_the_queries(self):
        self.assertEqual(sum(e["count"] for e in RAW), len(DECIDED), RAW)
        self.assertTrue(any(e["count"] > 1 for e in RAW),
                        "no aggregated line: %s" % RAW)
        self.assertLess(len(RAW), len(DECIDED))
        per = collections.Counter()
        for e in RAW:
            per[(e["via"] or e["qname"], e["client"], e["decision"])] += \
                e["count"]
        want = collections.Counter((q.lookalike, q.client, q.decision)
                                   for q in DECIDED)
        self.assertEqual(per, want)
        self.assertNotIn("navy.ml", {e["qname"] for e in RAW})


class Figures(unittest.TestCase):
    def check_json(self, rep, queries=DECIDED):
        exp = expected(queries)
        self.assertEqual(rep["totals"]["block"], exp["block"])
        self.assertEqual(rep["totals"]["log"], exp["log"])
        self.assertEqual(rep["totals"]["count"], exp["block"] + exp["log"])
        acts = {a["name"]: a["count"] for a in rep["totals"]["actions"]}
        self.assertEqual(acts, {"nxdomain": exp["block"],
                                "log-only": exp["log"]})
        self.assertEqual({c["client"]: c["count"] for c in rep["clients"]},
                         dict(exp["clients"]))
        self.assertEqual({c["client"]: c["block"] for c in rep["clients"]},
                         {c: exp["client_block"][c] for c in exp["clients"]})
        self.assertEqual({p["name"]: p["count"] for p in rep["protected"]},
                         dict(exp["protected"]))
        names = {n["name"]: n for n in rep["lookalikes"]}
        self.assertEqual({k: v["count"] for k, v in names.items()},
                         dict(exp["names"]))
        self.assertEqual({k: v["block"] for k, v in names.items()},
                         {k: exp["name_block"][k] for k in exp["names"]})
        self.assertEqual({k: v["clients"] for k, v in names.items()},
                         {k: len(v) for k, v in exp["name_clients"].items()})
        # the most frequent first
        self.assertEqual(rep["lookalikes"][0]["name"], "army.ml")
        self.assertEqual(names["army.ml"]["protected"], "army.mil")
        self.assertEqual(names["army.ml"]["classes"], ["tld-swap"])
        self.assertEqual(names["army.ml"]["score"], 90)
        self.assertLessEqual(names["army.ml"]["first"],
                             names["army.ml"]["last"])
        series = rep["series"]["points"]
        self.assertEqual(rep["series"]["bucket"], "hour")
        self.assertEqual(sum(p["block"] for p in series), exp["block"])
        self.assertEqual(sum(p["log"] for p in series), exp["log"])
        return names

    def test_json_figures_equal_the_queries(self):
        rep = report_json(EVENTS)
        names = self.check_json(rep)
        # the decision on the answer is counted under the MX target
        self.assertEqual(names["mx.army.ml"]["via"], 1)
        self.assertEqual(names["mx.army.ml"]["protected"], "army.mil")
        self.assertEqual(rep["input"]["lines"], len(RAW))
        self.assertEqual(rep["input"]["problems"], [])
        self.assertEqual(rep["totals"]["lines"], len(RAW))
        self.assertNotIn("navy.ml", {n["name"] for n in rep["lookalikes"]})
        self.assertEqual(rep["false_positive_candidates"]["candidates"], [])
        # per class: each event counts once in each of its classes
        want = collections.Counter()
        for e in RAW:
            for c in e["reasons"]:
                want[c] += e["count"]
        self.assertEqual({c["name"]: c["count"] for c in rep["classes"]},
                         dict(want))
        for q in DECIDED:
            if q.cls:
                self.assertIn(q.cls, want)

    def test_text_figures_equal_the_queries(self):
        out = run(EVENTS).stdout
        exp = expected(DECIDED)
        m = re.search(r"^  all\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
        self.assertTrue(m, out)
        self.assertEqual((int(m.group(1)), int(m.group(2)), int(m.group(3))),
                         (exp["block"], exp["log"], len(RAW)))
        for client, n in exp["clients"].items():
            m = re.search(r"^  %s\s+(\d+)\s+(\d+)\s+(\d+)\s" %
                          re.escape(client), out, re.M)
            self.assertTrue(m, (client, out))
            self.assertEqual(int(m.group(1)), n, client)
            self.assertEqual(int(m.group(2)), exp["client_block"][client])
        m = re.search(r"^  army\.ml\s+army\.mil\s+tld-swap\s+90\s+\S+\s+\S+"
                      r"\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
        self.assertTrue(m, out)
        self.assertEqual([int(x) for x in m.groups()],
                         [exp["names"]["army.ml"], exp["name_block"]["army.ml"],
                          0, len(exp["name_clients"]["army.ml"])])
        self.assertNotIn("navy.ml ", out)
        self.assertIn("Input problems", run(EVENTS, "-", stdin="x\n").stdout)

    def test_since_until_and_new_names(self):
        rep = report_json("--since", SINCE, EVENTS)
        self.check_json(rep, [q for q in PHASE2 if q.decision])
        fresh = {n["name"] for n in rep["new_names"]["names"]}
        # army.ml was seen before the period: not new
        self.assertEqual(fresh, {q.lookalike for q in PHASE2
                                 if q.decision} - {"army.ml"})
        self.assertEqual(rep["input"]["outside_period"],
                         len([e for e in RAW if e["time"] < SINCE]))
        rep = report_json("--until", SINCE, EVENTS)
        self.check_json(rep, [q for q in PHASE1 if q.decision])
        rep = report_json("--since", "2000-01-01", "--until", "2000-01-02",
                          EVENTS)
        self.assertEqual(rep["totals"]["count"], 0)
        self.assertEqual(rep["lookalikes"], [])

    def test_false_positive_candidates(self):
        # army.ml came from 5 clients (one day): with --fp-clients 5
        # --fp-days 1 it is a candidate, nothing else is
        rep = report_json("--fp-clients", "5", "--fp-days", "1", EVENTS)
        c = rep["false_positive_candidates"]["candidates"]
        self.assertEqual([(x["name"], x["allowlist_line"]) for x in c],
                         [("army.ml", "army.ml")])
        self.assertEqual(c[0]["rule"], "resolved by 5 clients on 1 day")
        rep = report_json("--fp-clients", "6", "--fp-days", "1", EVENTS)
        self.assertEqual(rep["false_positive_candidates"]["candidates"], [])
        # a popular registrable domain: its name is the allowlist line
        pop = os.path.join(WORK, "top.csv")
        with open(pop, "w") as f:
            f.write("1,example.org\n2,army.ml\n")
        rep = report_json("--popular", pop, EVENTS)
        c = rep["false_positive_candidates"]["candidates"]
        self.assertEqual(sorted((x["name"], x["allowlist_line"]) for x in c),
                         [("army.ml", "army.ml"), ("mx.army.ml", "army.ml")])
        text = run("--fp-clients", "5", "--fp-days", "1", EVENTS).stdout
        self.assertIn("allowlist line: army.ml\n", text)

    def test_rotated_gzip_stdin_bad_line_unknown_field(self):
        with open(EVENTS) as f:
            lines = f.read().splitlines()
        half = len(lines) // 2
        rotated = os.path.join(WORK, "events.jsonl.1.gz")
        with gzip.open(rotated, "wt") as f:
            f.write("\n".join(lines[:half]) + "\n")
        current = os.path.join(WORK, "events.jsonl.cur")
        extra = json.loads(lines[half])
        extra["severity"] = {"future": ["field"]}   # unknown: ignored
        with open(current, "w") as f:
            f.write(json.dumps(extra) + "\n")
            f.write("{this is not json\n")          # line 2
            f.write("\n".join(lines[half + 1:]) + "\n")
        with open(current) as f:
            cur_text = f.read()
        for args, stdin in (([rotated, current], None),
                            ([rotated, "-"], cur_text)):
            r = run("--format", "json", *args, stdin=stdin)
            rep = json.loads(r.stdout)
            self.check_json(rep)
            name = current if stdin is None else "-"
            self.assertEqual([(p["file"], p["line"])
                              for p in rep["input"]["problems"]],
                             [(name, 2)])
            self.assertEqual(rep["input"]["not_json"], 1)
            self.assertIn("%s:2: not JSON" % name, r.stderr)


def chromium():
    for c in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(c)
        if p:
            return p
    return None


class Page(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(ARTIFACTS, exist_ok=True)
        cls.html = os.path.join(ARTIFACTS, "report.html")
        run("--format", "html", "--fp-clients", "5", "--fp-days", "1",
            "-o", cls.html, EVENTS)
        with open(cls.html) as f:
            cls.text = f.read()

    def browser(self, *args):
        exe = chromium()
        if not exe:
            self.skipTest("chromium not installed (contrib/install-deps.sh "
                          "--tests)")
        prof = tempfile.mkdtemp(prefix="tgchromium-", dir=WORK)
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               "--user-data-dir=" + prof, "--hide-scrollbars"] + \
            list(args) + ["file://" + self.html]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, HOME=prof))
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        return r

    def test_self_contained(self):
        t = self.text
        self.assertTrue(t.startswith("<!DOCTYPE html>"))
        for bad in ("<link", "src=", "@import", "url(", "http://",
                    "https://", "@font-face"):
            self.assertNotIn(bad, t)
        self.assertIn("@media print", t)
        self.assertIn("<svg", t)

    def test_dom_in_chromium(self):
        dom = self.browser("--dump-dom").stdout
        exp = expected(DECIDED)
        self.assertIn('id="series"', dom)
        # one bar per hour with blocks (the run fits in one or two hours)
        self.assertGreaterEqual(dom.count('class="bar-block"'), 1)

        def section(id_):
            m = re.search(r'<(svg|table)[^>]*id="%s".*?</\1>' % id_, dom,
                          re.S)
            self.assertTrue(m, id_)
            return m.group(0)
        self.assertEqual(section("bars-protected").count('<g class="row">'),
                         len(exp["protected"]))
        self.assertEqual(section("bars-clients").count('<g class="row">'),
                         len(exp["clients"]))
        self.assertEqual(section("lookalikes").count("<tr>") - 1,
                         len(exp["names"]))
        self.assertEqual(section("clients").count("<tr>") - 1,
                         len(exp["clients"]))
        self.assertEqual(section("protected").count("<tr>") - 1,
                         len(exp["protected"]))
        fp = section("fp")
        self.assertIn("<code>army.ml</code>", fp)
        self.assertIn('id="total-block">%d<' % exp["block"], dom)
        self.assertIn('id="total-log">%d<' % exp["log"], dom)

    def test_tables_sort_in_chromium(self):
        """A click on a column head sorts the table: the page's own script,
        clicked by a line added to a copy of the page."""
        copy = os.path.join(WORK, "sorted.html")
        click = ("<script>var h=document.querySelectorAll("
                 "'#clients th');h[1].click();"
                 "document.querySelectorAll('#lookalikes th')[0].click();"
                 "document.querySelectorAll('#lookalikes th')[0].click();"
                 "</script></body>")
        with open(copy, "w") as f:
            f.write(self.text.replace("</body>", click))
        saved, self.html = self.html, copy
        try:
            dom = self.browser("--dump-dom").stdout
        finally:
            self.html = saved
        table = re.search(r'<table[^>]*id="clients".*?</table>', dom, re.S)
        counts = [int(c) for c in re.findall(
            r'<tr><td>[^<]*</td><td class="n">(\d+)</td>', table.group(0))]
        self.assertEqual(len(counts), len(expected(DECIDED)["clients"]))
        self.assertEqual(counts, sorted(counts))            # ascending
        self.assertNotEqual(counts, sorted(counts, reverse=True))
        self.assertIn('sorted-asc">Count<', table.group(0))
        table = re.search(r'<table[^>]*id="lookalikes".*?</table>', dom, re.S)
        names = re.findall(r'<tr><td class="name">([^<]*)</td>',
                           table.group(0))
        self.assertEqual(names, sorted(names, reverse=True))  # clicked twice

    def test_screenshot(self):
        png = os.path.join(ARTIFACTS, "report.png")
        if os.path.exists(png):
            os.unlink(png)
        self.browser("--screenshot=" + png, "--window-size=1280,1700")
        with open(png, "rb") as f:
            head = f.read(24)
        self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(struct.unpack(">II", head[16:24]), (1280, 1700))
        self.assertGreater(os.path.getsize(png), 20000)  # not a blank page
        print("screenshot: %s" % png)


class Synthetic(unittest.TestCase):
    """Edge cases on hand-made logs: no resolver needed."""

    def ev(self, **kw):
        e = {"schema": 1, "time": "2026-11-28T14:29:40.508Z",
             "client": "192.0.2.25", "client_port": 1, "qname": "army.ml",
             "qtype": "MX", "decision": "block", "action": "nxdomain",
             "score": 90, "protected": "army.mil", "reasons": ["tld-swap"],
             "source": "p", "source_line": 1, "via": None, "resolver": "r",
             "count": 1}
        e.update(kw)
        return json.dumps(e)

    def write(self, name, lines, gz=False):
        p = os.path.join(WORK, name)
        with (gzip.open(p, "wt") if gz else open(p, "w")) as f:
            f.write("\n".join(lines) + "\n")
        return p

    def test_bad_lines_are_counted_and_named(self):
        p = self.write("bad.jsonl", [
            self.ev(count=3),
            "not json",
            '{"schema":2,"qname":"x"}',
            "x" * 70000,                      # over the 64 KiB line cap
            self.ev(count=0),
            "[1,2]",
            '{"schema":1,"truncated":true,"count":4}',
            self.ev(decision="drop"),
            self.ev(time="yesterday"),
            "",
            self.ev(),                        # still read after all that
        ])
        r = run("--format", "json", p)
        rep = json.loads(r.stdout)
        self.assertEqual(rep["totals"]["block"], 4)
        self.assertEqual([pr["line"] for pr in rep["input"]["problems"]],
                         [2, 3, 4, 5, 6, 8, 9])
        self.assertEqual(rep["input"]["too_long"], 1)
        self.assertEqual(rep["input"]["truncated_occurrences"], 4)
        for line in (2, 3, 4, 5, 6, 8, 9):
            self.assertIn("%s:%d: " % (p, line), r.stderr)

    def test_truncated_gzip(self):
        full = self.write("t.jsonl.gz", [self.ev()] * 2000, gz=True)
        with open(full, "rb") as f:
            data = f.read()
        cut = os.path.join(WORK, "cut.jsonl.gz")
        with open(cut, "wb") as f:
            f.write(data[:len(data) // 2])
        r = run("--format", "json", cut)
        rep = json.loads(r.stdout)
        self.assertEqual(rep["input"]["problems"][-1]["file"], cut)
        self.assertIn("gzip", rep["input"]["problems"][-1]["reason"])
        r = run(os.path.join(WORK, "missing.jsonl"), check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.jsonl: cannot open", r.stderr)

    def test_names_escaped_in_json_and_html(self):
        odd = 'we"ird<b>&x.navy.ml'
        p = self.write("odd.jsonl", [self.ev(qname=odd, client="<i>")])
        rep = report_json(p)
        name = rep["lookalikes"][0]["name"]
        # presentation format, as tg_name_format() writes it everywhere
        self.assertEqual(name, 'we\\"ird\\<b\\>\\&x.navy.ml')
        html = run("--format", "html", p).stdout
        self.assertNotIn('ird<b>', html)
        self.assertNotIn('ird\\<b', html)
        self.assertNotIn("<i>", html)
        self.assertIn("ird\\&lt;b\\&gt;\\&amp;x.navy.ml", html)
        # a byte outside printable ASCII is \DDD in presentation format
        p = self.write("bin.jsonl", [self.ev(qname="a\u00e9b.army.ml")])
        self.assertRegex(report_json(p)["lookalikes"][0]["name"],
                         r"^a\\195\\169b\.army\.ml$")
        # names as the module writes them (presentation format) come out
        # the same, not escaped twice: "a\.b" is one label
        names = ['a\\"b\\\\c\\012d.army.ml', "a\\.b.army.ml"]
        p = self.write("pres.jsonl", [self.ev(qname=n) for n in names])
        self.assertEqual(
            sorted(x["name"] for x in report_json(p)["lookalikes"]),
            sorted(names))

    def test_json_strings_valid_utf8(self):
        # a file name that is not UTF-8 (bytes are legal in names): the
        # report is still valid JSON, the byte U+FFFD (tg_json_string(),
        # as the event log); UTF-8 is kept
        good = self.write("caf\u00e9.jsonl", [self.ev()])
        bad = os.path.join(os.fsencode(WORK), b"bad\xff.jsonl")
        with open(bad, "w") as f:
            f.write(self.ev() + "\n")
        r = subprocess.run([TOOL, "report", "--format", "json",
                            os.fsencode(good), bad], capture_output=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        rep = json.loads(r.stdout.decode("utf-8"))  # strict: valid UTF-8
        self.assertEqual(rep["input"]["files"],
                         [good, os.path.join(WORK, "bad\ufffd.jsonl")])
        self.assertEqual(rep["totals"]["block"], 2)

    def test_caps_keep_totals(self):
        n = 65536 + 100
        lines = [self.ev(qname="n%d.army.ml" % i, client="10.%d.%d.%d" % (
            i >> 16, (i >> 8) & 255, i & 255)) for i in range(n)]
        p = self.write("many.jsonl", lines)
        rep = report_json("--top", "3", p)
        self.assertEqual(rep["totals"]["block"], n)
        self.assertEqual(rep["totals"]["lookalike_names"], 65536)
        self.assertEqual(rep["caps"]["unattributed"], 200)  # names, clients
        self.assertEqual(len(rep["lookalikes"]), 3)

    def test_time_forms(self):
        p = self.write("times.jsonl", [
            self.ev(time="2026-11-28T13:59:59.999Z", qname="a.army.ml"),
            self.ev(time="2026-11-28T14:00:00.000Z", qname="b.army.ml"),
            self.ev(time="2026-11-29T00:00:00.000Z", qname="c.army.ml")])
        for since, until, want in (
                ("2026-11-28T14:00:00Z", None, {"b", "c"}),
                ("2026-11-28T15:00+01:00", None, {"b", "c"}),
                ("2026-11-28T13:59:59.999Z", "2026-11-28T14:00Z", {"a"}),
                ("2026-11-28", "2026-11-29", {"a", "b"}),
                ("30000d", None, {"a", "b", "c"})):
            args = ["--since", since] + (["--until", until] if until else [])
            rep = report_json(*args, p)
            self.assertEqual({n["name"][0] for n in rep["lookalikes"]}, want,
                             args)
        for bad in ("yesterday", "2026-13-01", "5x", "2026-11-28T25:00Z"):
            r = run("--since", bad, p, check=False)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("not a time", r.stderr)
        r = run("--since", "2026-11-29", "--until", "2026-11-28", p,
                check=False)
        self.assertEqual(r.returncode, 2)

    def test_output_to_a_fifo_stays_a_fifo(self):
        """-o FILE is written atomically (a new file renamed over it),
        except when FILE is not a regular file: a FIFO here, /dev/null
        for real (renaming over it would replace the device)."""
        import stat
        import threading
        p = self.write("fifo-in.jsonl", [self.ev()])
        fifo = os.path.join(WORK, "report.fifo")
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(
            target=lambda: got.append(open(fifo).read()), daemon=True)
        reader.start()
        run("-o", fifo, p)
        reader.join(timeout=30)
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
        self.assertTrue(got and got[0].startswith("typoguard report\n"), got)
        self.assertEqual(os.listdir(WORK).count("report.fifo"), 1)
        r = run("-o", os.path.join(WORK, "no", "such", "dir.txt"), p,
                check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot write", r.stderr)

    def test_progress_on_a_terminal(self):
        p = self.write("prog.jsonl", [self.ev()] * 10)
        master, slave = pty.openpty()
        r = subprocess.run([TOOL, "report", p], stdout=subprocess.PIPE,
                           stderr=slave, timeout=60)
        os.close(slave)
        err = os.read(master, 65536).decode(errors="replace")
        os.close(master)
        self.assertEqual(r.returncode, 0)
        self.assertIn("10 lines", err)
        # and none when stderr is not a terminal
        self.assertNotIn("lines", run(p).stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
