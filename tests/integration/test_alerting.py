# SPDX-License-Identifier: BSD-3-Clause
"""The alerting recipes in contrib/alerting/, run on real events.

A real Unbound with typoguard answers block, log, response-side (`via`),
aggregated, sinkhole and IPv6-client queries; the JSON Lines it writes are
checked against module/event.schema.json (and the schema must
reject broken events), fed to the jq filter blocked-mx.jq, forwarded by a
real rsyslogd running the rsyslog snippet to a loopback TCP collector, and
the Prometheus rules are checked by promtool against the counters the same
run wrote.  The Grafana dashboard may use only metrics (and label values)
that stats file has, in PromQL that promtool parses, and shows the rules'
own expressions.
"""
import copy
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import tglab

tglab.require_unbound()

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema not installed (contrib/install-deps.sh)")
    raise SystemExit(tglab.SKIP)

ALERTING = os.path.join(tglab.SRCDIR, "contrib", "alerting")
SCHEMA_FILE = os.path.join(tglab.SRCDIR, "module", "event.schema.json")
LISTS = {"protected.list": "army.mil\nnavy.mil\naf.mil\ngmail.com\n",
         "brands.list": "myetherwallet.com\n"}
# block at 88: army.ml (90) is blocked, gmial.com (80) and army.mil.ml (85)
# are only logged; the brand list's lookalikes below are logged with the
# brand profile's classes
CONF = ("protected: protected.list\nprotected: brands.list profile=brand\n"
        "identity: lab-resolver\n"
        "block-threshold: 88\nlog-threshold: 50\nevent-interval: 1\n"
        "event-log: events.jsonl\nstats-file: tg.prom\nstats-interval: 1\n")

EVENTS = []      # every event line of both runs, parsed
EVENT_FILE = ""  # the nxdomain run's event file, kept for jq and rsyslog
PROM = ""        # that run's textfile counters
WORK = ""


def _run_resolver(extra, queries, expect_lines):
    ub = tglab.Unbound(tg_conf=CONF + extra, lists=LISTS)
    ub.start()
    for name, qtype, src in queries:
        ub.q(name, qtype, source=src,
             server="::1" if ":" in src else "127.0.0.1")
    path = ub.path("events.jsonl")
    got = tglab.wait_for(
        lambda: len(tglab.event_lines(path)) >= expect_lines, timeout=15)
    if not got:
        raise AssertionError("expected %d event lines, got:\n%s\n%s" % (
            expect_lines, tglab.event_lines(path), ub.log()[-3000:]))
    tglab.wait_for(lambda: os.path.exists(ub.path("tg.prom")), timeout=5)
    time.sleep(1.2)  # one more stats interval: counters include every query
    keep = os.path.join(WORK, "%d-events.jsonl" % len(os.listdir(WORK)))
    shutil.copy(path, keep)
    prom = keep.replace("events.jsonl", "tg.prom")
    shutil.copy(ub.path("tg.prom"), prom)
    ub.stop()
    return keep, prom


def setUpModule():
    global EVENT_FILE, PROM, WORK
    WORK = tempfile.mkdtemp(prefix="tgalert-")
    v6 = tglab.have_ipv6_loopback()
    queries = [
        ("army.ml", "MX", "127.0.0.1"),   # block; repeats are aggregated
        ("army.ml", "MX", "127.0.0.1"),
        ("army.ml", "MX", "127.0.0.1"),
        ("armym.il", "MX", "127.0.0.1"),  # block, dot-shift
        ("army.ml", "MX", "127.0.0.5"),
        ("mx-into.example.net", "MX", "127.0.0.5"),  # via mx.army.ml
        ("alias.example.net", "A", "127.0.0.5"),     # via army.ml (CNAME)
        ("gmial.com", "MX", "127.0.0.1"),            # log (80)
        ("army.mil.ml", "A", "127.0.0.1"),           # log (85)
        ("navy.ml", "AAAA", "127.0.0.1"),
        ("army.mil", "MX", "127.0.0.1"),             # protected: no event
        ("myetherwallet-login.com", "A", "127.0.0.1"),  # log: combo
        ("myetherwoliet.com", "A", "127.0.0.1"),        # log: two-edits
        ("myetherwallets.com", "A", "127.0.0.1"),       # log: plural
        ("myetharwallet.net", "A", "127.0.0.1"),        # log: other-suffix
    ]
    if v6:
        queries.append(("army.ml", "A", "::1"))
    # 12 decisions (+1 IPv6) written at once, then the aggregated repeats
    EVENT_FILE, PROM = _run_resolver("", queries, 12 + v6 + 1)
    EVENTS.extend(tglab.event_lines(EVENT_FILE))
    sink, _ = _run_resolver(
        "action: sinkhole\nsinkhole-a: 192.0.2.99\n"
        "sinkhole-mx: sinkhole.typoguard.lab\n",
        [("army.ml", "A", "127.0.0.1"), ("navy.ml", "MX", "127.0.0.1")], 2)
    EVENTS.extend(tglab.event_lines(sink))


def tearDownModule():
    tglab._cleanup()
    if WORK:
        shutil.rmtree(WORK, ignore_errors=True)


def validator():
    with open(SCHEMA_FILE) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


class Schema(unittest.TestCase):
    def test_real_events_validate(self):
        v = validator()
        self.assertGreaterEqual(len(EVENTS), 11, EVENTS)
        for e in EVENTS:
            errors = [err.message for err in v.iter_errors(e)]
            self.assertEqual(errors, [], e)

    def test_readme_example_validates(self):
        """The example line in README's "Events" section fits the schema."""
        with open(os.path.join(tglab.SRCDIR, "README.md")) as f:
            readme = f.read()
        m = re.search(r"## Events \(schema version 1\).*?```json\n(.*?)\n```",
                      readme, re.S)
        self.assertTrue(m, "no JSON example in README's Events section")
        e = json.loads(m.group(1))
        self.assertEqual([err.message for err in validator().iter_errors(e)],
                         [])

    def test_run_covers_every_kind(self):
        """The events checked include each kind an alerting rule meets."""
        self.assertEqual({e["decision"] for e in EVENTS}, {"block", "log"})
        self.assertEqual({e["action"] for e in EVENTS},
                         {"nxdomain", "sinkhole", "log-only"})
        vias = {e["qname"]: e["via"] for e in EVENTS if e["via"]}
        self.assertEqual(vias, {"mx-into.example.net": "mx.army.ml",
                                "alias.example.net": "army.ml"})
        self.assertTrue(any(e["count"] > 1 for e in EVENTS), EVENTS)
        seen = {c for e in EVENTS for c in e.get("reasons", ())}
        self.assertLessEqual({"combo", "two-edits", "plural",
                              "other-suffix"}, seen)
        if tglab.have_ipv6_loopback():
            self.assertIn("::1", {e["client"] for e in EVENTS})

    def test_schema_knows_every_class(self):
        """The schema's reasons are the scorer's classes, no more, no
        fewer (it missed the four of issue 19, so that their events did
        not validate)."""
        with open(SCHEMA_FILE) as f:
            enum = json.load(f)["$defs"]["event"]["properties"][
                "reasons"]["items"]["enum"]
        out = subprocess.run(
            [os.path.join(tglab.BUILDDIR, "core", "cli", "typoguard"),
             "explain", "--classes"], capture_output=True, text=True,
            check=True).stdout
        classes = [line.split()[0] for line in out.splitlines()
                   if line.strip()]
        self.assertEqual(sorted(enum), sorted(classes))

    def test_schema_rejects_broken_events(self):
        v = validator()
        good = next(e for e in EVENTS if e["decision"] == "block")
        self.assertTrue(v.is_valid(good))
        broken = {
            "missing qname": lambda e: e.pop("qname"),
            "score above 100": lambda e: e.update(score=101),
            "unknown decision": lambda e: e.update(decision="drop"),
            "unknown action": lambda e: e.update(action="drop"),
            "unknown reason": lambda e: e.update(reasons=["typo"]),
            "uppercase name with dot": lambda e: e.update(qname="Army.ML."),
            "time without ms": lambda e: e.update(time="2026-11-28T14:29:40Z"),
            "via not a string": lambda e: e.update(via=5),
            "port as string": lambda e: e.update(client_port="53"),
            "count zero": lambda e: e.update(count=0),
            "schema 2": lambda e: e.update(schema=2),
            "extra field": lambda e: e.update(severity="high"),
            "log with a block action": lambda e: e.update(decision="log"),
        }
        for what, mutate in broken.items():
            e = copy.deepcopy(good)
            mutate(e)
            self.assertFalse(v.is_valid(e), what)
        # the module's last-resort line for an event that never fits
        self.assertTrue(v.is_valid({"schema": 1, "truncated": True,
                                    "count": 3}))


class JqFilter(unittest.TestCase):
    def test_blocked_mx_per_protected_per_client(self):
        if not shutil.which("jq"):
            self.skipTest("jq not installed")
        r = subprocess.run(
            ["jq", "-s", "-f", os.path.join(ALERTING, "blocked-mx.jq"),
             EVENT_FILE], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [{k: row[k] for k in ("protected", "client", "blocked", "names")}
               for row in json.loads(r.stdout)]
        # 3 army.ml + 1 armym.il from .1; army.ml + the MX via mx.army.ml
        # from .5; gmial.com MX was only logged, A/AAAA are no MX lookups
        self.assertEqual(got, [
            {"protected": "army.mil", "client": "127.0.0.1", "blocked": 4,
             "names": ["army.ml", "armym.il"]},
            {"protected": "army.mil", "client": "127.0.0.5", "blocked": 2,
             "names": ["army.ml", "mx.army.ml"]},
        ])
        for row in json.loads(r.stdout):
            self.assertLessEqual(row["first"], row["last"])


class Rsyslog(unittest.TestCase):
    def test_snippet_forwards_events(self):
        rsyslogd = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
        if not os.access(rsyslogd, os.X_OK):
            self.skipTest("rsyslog not installed")
        work = tempfile.mkdtemp(prefix="tgrsyslog-", dir=WORK)
        events = os.path.join(work, "events.jsonl")
        received = []
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)
        srv.settimeout(0.2)
        port = srv.getsockname()[1]
        stop = threading.Event()

        def collect():
            while not stop.is_set():
                try:
                    c, _ = srv.accept()
                except socket.timeout:
                    continue
                c.settimeout(0.2)
                buf = b""
                while not stop.is_set():
                    try:
                        data = c.recv(65536)
                    except socket.timeout:
                        continue
                    if not data:
                        break
                    buf += data
                    *lines, buf = buf.split(b"\n")
                    received.extend(l.decode() for l in lines if l)
                c.close()

        t = threading.Thread(target=collect, daemon=True)
        t.start()
        with open(os.path.join(ALERTING, "rsyslog-typoguard.conf")) as f:
            snippet = f.read()
        snippet = snippet.replace('target="siem.example.net" port="6514"',
                                  'target="127.0.0.1" port="%d"' % port)
        snippet = snippet.replace("/var/log/typoguard/events.jsonl", events)
        self.assertIn(events, snippet)
        self.assertIn(str(port), snippet)
        conf = os.path.join(work, "rsyslog.conf")
        with open(conf, "w") as f:
            f.write('global(workDirectory="%s")\n%s' % (work, snippet))
        check = subprocess.run([rsyslogd, "-N1", "-f", conf],
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        proc = subprocess.Popen(
            [rsyslogd, "-n", "-f", conf, "-i", os.path.join(work, "pid")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            # events appended while rsyslogd runs, as the module writes them
            time.sleep(0.5)
            with open(EVENT_FILE) as src, open(events, "a") as dst:
                for line in src:
                    dst.write(line)
                    dst.flush()
            want = len(tglab.event_lines(events))
            tglab.wait_for(lambda: len(received) >= want, timeout=20)
        finally:
            os.killpg(proc.pid, 15)
            out = proc.communicate(timeout=10)[0].decode(errors="replace")
            stop.set()
            t.join(timeout=5)
            srv.close()
        self.assertEqual(len(received), want, (received, out))
        v = validator()
        for rec in received:
            # RFC 5424: <PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID SD MSG
            head = rec.split(" ", 7)
            self.assertRegex(head[0], r"^<\d+>1$", rec)
            self.assertEqual(head[3], "typoguard", rec)
            pri = int(head[0][1:-2])
            self.assertEqual((pri >> 3, pri & 7), (21, 5), rec)  # local5.notice
            e = json.loads(head[7])
            self.assertTrue(v.is_valid(e), e)
        self.assertEqual([json.loads(r.split(" ", 7)[7]) for r in received],
                         tglab.event_lines(EVENT_FILE))


class PrometheusRules(unittest.TestCase):
    RULES = os.path.join(ALERTING, "typoguard.rules.yml")

    def promtool(self, *args, stdin=None):
        tool = shutil.which("promtool")
        if not tool:
            self.skipTest("promtool not installed (Debian package prometheus)")
        return subprocess.run([tool] + list(args), capture_output=True,
                              text=True, timeout=60, cwd=ALERTING,
                              input=stdin)

    def test_check_rules(self):
        r = self.promtool("check", "rules", self.RULES)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("SUCCESS: 5 rules found", r.stdout)

    def test_rule_unit_tests(self):
        """Each alert fires on the series that should raise it, not before."""
        r = self.promtool("test", "rules", "typoguard.rules.test.yml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_rules_use_real_metric_names(self):
        with open(PROM) as f:
            prom = f.read()
        r = self.promtool("check", "metrics", stdin=prom)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        exported = set(re.findall(r"^(typoguard_[a-z_]+)", prom, re.M))
        with open(self.RULES) as f:
            used = set(re.findall(r"typoguard_[a-z_]+_(?:total|entries)",
                                  f.read()))
        self.assertTrue(used)
        self.assertEqual(used - exported, set())
        self.assertIn('typoguard_reloads_total{result="failed"}', prom)
        self.assertRegex(prom, r'typoguard_blocked_total\{action="nxdomain"\} [1-9]')


def dashboard_exprs():
    """Every PromQL expression of the Grafana dashboard: panel targets
    (rows included) and the label_values() of the template variables."""
    with open(os.path.join(ALERTING, "typoguard-dashboard.json")) as f:
        dash = json.load(f)
    exprs = []

    def walk(panels):
        for p in panels:
            exprs.extend((p["title"], t["expr"]) for t in p.get("targets", []))
            walk(p.get("panels", []))
    walk(dash["panels"])
    for v in dash["templating"]["list"]:
        q = v.get("query")
        if isinstance(q, dict):
            m = re.match(r"label_values\((\w+),\s*\w+\)$", q["query"])
            if not m:
                raise AssertionError("template query: %s" % q)
            exprs.append((v["name"], m.group(1)))
    return dash, exprs


# PromQL words that are not metric names
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right",
                "and", "or", "unless", "bool", "offset"}


def metric_names(expr):
    """The metric names an expression reads: what is left once strings,
    label matchers, ranges, grouping labels and function calls are out."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*"
               r"\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?", e):
        if m.group(2) or m.group(1) in PROMQL_WORDS:
            continue  # a function or an operator
        names.add(m.group(1))
    return names


class Dashboard(unittest.TestCase):
    """contrib/alerting/typoguard-dashboard.json reads only what typoguard
    writes, in valid PromQL, and shows the alert rules' own conditions."""

    def exported(self):
        with open(PROM) as f:
            return f.read()

    def test_metrics_are_typoguards(self):
        prom = self.exported()
        exported = set(re.findall(r"^(typoguard_[a-z_]+)", prom, re.M))
        _, exprs = dashboard_exprs()
        used = set()
        for title, e in exprs:
            names = metric_names(e)
            self.assertTrue(names, (title, e))
            used |= names
        self.assertEqual(used - exported, set())
        # every counter typoguard writes has a panel
        self.assertEqual(exported - used, set())

    def test_label_values_exist(self):
        """A matcher such as result="failed" names a series typoguard
        writes (the instance label is node_exporter's)."""
        prom = self.exported()
        _, exprs = dashboard_exprs()
        n = 0
        for title, e in exprs:
            for metric, labels in re.findall(r"(typoguard_[a-z_]+)\{([^}]*)\}",
                                             e):
                for k, op, v in re.findall(r'(\w+)\s*(=~|!=|!~|=)\s*"([^"]*)"',
                                           labels):
                    if k == "instance":
                        continue
                    self.assertEqual(op, "=", (title, e))
                    self.assertIn('%s{%s="%s"}' % (metric, k, v), prom,
                                  (title, e))
                    n += 1
        self.assertGreater(n, 0)

    def test_promql_parses(self):
        """promtool parses each expression (as a recording rule), with
        Grafana's variables replaced by values."""
        _, exprs = dashboard_exprs()
        rules = {"groups": [{"name": "dashboard", "rules": []}]}
        for i, (title, e) in enumerate(exprs):
            e = (e.replace("$__rate_interval", "5m").replace("$__range", "1h")
                 .replace("$instance", ".*"))
            self.assertNotIn("$", e, title)
            rules["groups"][0]["rules"].append(
                {"record": "dashboard:expr_%d" % i, "expr": e})
        path = os.path.join(WORK, "dashboard.rules.json")
        with open(path, "w") as f:
            json.dump(rules, f)   # JSON is YAML
        tool = shutil.which("promtool")
        if not tool:
            self.skipTest("promtool not installed (Debian package prometheus)")
        r = subprocess.run([tool, "check", "rules", path], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("SUCCESS: %d rules found" % len(exprs), r.stdout)

    def test_alert_panels_in_step_with_rules(self):
        """The dashboard's alert-condition panels carry the rules' exact
        expressions; every rule on typoguard's own counters has one."""
        import yaml
        with open(PrometheusRules.RULES) as f:
            rules = yaml.safe_load(f)["groups"][0]["rules"]
        _, exprs = dashboard_exprs()
        panels = {title: e for title, e in exprs}
        own = [r for r in rules
               if metric_names(r["expr"]) <= set(re.findall(
                   r"^(typoguard_[a-z_]+)", self.exported(), re.M))]
        self.assertEqual(len(own), 4, [r["alert"] for r in own])
        for r in own:
            self.assertEqual(panels.get(r["alert"]), r["expr"].strip(),
                             r["alert"])

    def test_readme_counters_are_written(self):
        """README "Counters" names exactly the metrics of a stats file."""
        with open(os.path.join(tglab.SRCDIR, "README.md")) as f:
            readme = f.read()
        sec = re.search(r"## Counters\n(.*?)\n## ", readme, re.S).group(1)
        named = set()
        for m in re.findall(r"`(typoguard_[a-z_{},]+?)(?:\{\w+\})?`", sec):
            alt = re.match(r"(typoguard_\w*)\{([a-z,]+)\}(\w*)$", m)
            if alt:
                named |= {alt.group(1) + x + alt.group(3)
                          for x in alt.group(2).split(",")}
            else:
                named.add(m)
        exported = set(re.findall(r"^(typoguard_[a-z_]+)", self.exported(),
                                  re.M))
        self.assertEqual(named, exported)


if __name__ == "__main__":
    unittest.main(verbosity=2)
