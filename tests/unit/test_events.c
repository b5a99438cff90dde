/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of module/tg_events.c: exact event lines (JSON and key=value),
 * escaping of hostile names, truncation, aggregation, the bounded ring,
 * failing destinations, log rotation and the Prometheus stats file.
 *
 * Each test that writes files works in its own mkdtemp() directory.  Tests
 * that depend on the writer thread poll the file with a deadline instead of
 * sleeping a fixed time.
 */
#include "tg_config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tg_events.h"

/* ---------------------------------------------------------------- helpers */

static void sample_event(tg_event *e)
{
	memset(e, 0, sizeof(*e));
	e->when.tv_sec = 1795876201; /* 2026-11-28T14:30:01Z */
	e->when.tv_nsec = 123456789;
	strcpy(e->client, "192.0.2.7");
	e->client_port = 53001;
	strcpy(e->qname, "army.ml");
	e->qtype = 15;
	e->decision = TG_DECISION_BLOCK;
	e->action = TG_ACTION_NXDOMAIN;
	e->score = 95;
	e->classes = TG_C_TLD_SWAP | TG_C_OMISSION;
	strcpy(e->protected_name, "army.mil");
	strcpy(e->source, "/etc/typoguard/protected.txt");
	e->source_line = 3;
}

static tg_conf *new_conf(const char *event_log, const char *stats_file,
			 unsigned event_interval)
{
	tg_conf *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	snprintf(c->event_log, sizeof(c->event_log), "%s", event_log);
	snprintf(c->stats_file, sizeof(c->stats_file), "%s", stats_file);
	c->event_format = TG_EVENT_JSON;
	c->event_interval = event_interval;
	c->stats_interval = 60;
	strcpy(c->identity, "ns1.test");
	return c;
}

static char *make_tmpdir(void)
{
	char *d = strdup("/tmp/tg_events_test.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static void rm_rf(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* An event writer on a log file in a temporary directory. */
struct writer {
	char *dir;
	char path[300];
	tg_stats st;
	tg_conf *c;
	tg_events *ev;
};

/* Start \p w: event log \p file in a new temporary directory, format
 * \p fmt, aggregation window \p interval seconds (0: none); the writer
 * starts without a warning. */
static void writer_start(struct writer *w, const char *file, unsigned interval,
			 tg_event_format fmt)
{
	char err[256];

	w->dir = make_tmpdir();
	memset(&w->st, 0, sizeof(w->st));
	snprintf(w->path, sizeof(w->path), "%s/%s", w->dir, file);
	w->c = new_conf(w->path, "", interval);
	w->c->event_format = fmt;
	w->ev = NULL;
	assert_int_equal(
	    tg_events_create(w->c, &w->st, &w->ev, err, sizeof(err)), TG_OK);
	assert_string_equal(err, "");
}

/* Remove what writer_start() made; the writer is freed already. */
static void writer_end(struct writer *w)
{
	free(w->c);
	rm_rf(w->dir);
	free(w->dir);
}

/** Whole file as a string (NULL if it cannot be read). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/** Wait up to 5 s until \p path has at least \p lines lines. */
static int wait_lines(const char *path, size_t lines)
{
	int i;

	for (i = 0; i < 500; i++) {
		char *s = slurp(path);
		size_t n = count_lines(s);

		free(s);
		if (n >= lines)
			return 1;
		usleep(10000);
	}
	return 0;
}

/** Line \p i (0-based) of \p s, copied into \p out. */
static void nth_line(const char *s, size_t i, char *out, size_t len)
{
	const char *end;

	while (i-- && s)
		s = (s = strchr(s, '\n')) ? s + 1 : NULL;
	assert_non_null(s);
	end = strchr(s, '\n');
	assert_non_null(end);
	assert_true((size_t)(end - s) < len);
	memcpy(out, s, (size_t)(end - s));
	out[end - s] = '\0';
}

static unsigned long get(atomic_ulong *c)
{
	return atomic_load(c);
}

/* ------------------------------------------------------------- formatting */

static const char *expected_json =
    "{\"schema\":1,\"time\":\"2026-11-28T14:30:01.123Z\","
    "\"client\":\"192.0.2.7\",\"client_port\":53001,\"qname\":\"army.ml\","
    "\"qtype\":\"MX\",\"decision\":\"block\",\"action\":\"nxdomain\","
    "\"score\":95,\"protected\":\"army.mil\","
    "\"reasons\":[\"tld-swap\",\"omission\"],"
    "\"source\":\"/etc/typoguard/protected.txt\",\"source_line\":3,"
    "\"via\":null,\"resolver\":\"ns1.test\",\"count\":1}";

static void test_json_exact(void **state)
{
	tg_event e;
	char buf[4096];
	size_t n;

	(void)state;
	sample_event(&e);
	n = tg_event_line(&e, 1, TG_EVENT_JSON, "ns1.test", buf, sizeof(buf));
	assert_string_equal(buf, expected_json);
	assert_int_equal(n, strlen(expected_json));

	/* log decision, response side, unknown type, count */
	e.decision = TG_DECISION_LOG;
	e.action = TG_ACTION_SINKHOLE;
	e.qtype = 65280;
	e.classes = 0;
	strcpy(e.via, "mail.army.ml");
	strcpy(e.client, "2001:db8::1");
	e.client_port = 0;
	tg_event_line(&e, 17, TG_EVENT_JSON, "", buf, sizeof(buf));
	assert_string_equal(
	    buf,
	    "{\"schema\":1,\"time\":\"2026-11-28T14:30:01.123Z\","
	    "\"client\":\"2001:db8::1\",\"client_port\":0,"
	    "\"qname\":\"army.ml\",\"qtype\":\"TYPE65280\","
	    "\"decision\":\"log\",\"action\":\"log-only\",\"score\":95,"
	    "\"protected\":\"army.mil\",\"reasons\":[],"
	    "\"source\":\"/etc/typoguard/protected.txt\",\"source_line\":3,"
	    "\"via\":\"mail.army.ml\",\"resolver\":\"\",\"count\":17}");

	e.qtype = 28;
	tg_event_line(&e, 1, TG_EVENT_JSON, "", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"qtype\":\"AAAA\""));
	e.qtype = 1;
	tg_event_line(&e, 1, TG_EVENT_JSON, "", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"qtype\":\"A\""));
}

static void test_kv_exact(void **state)
{
	tg_event e;
	char buf[4096];

	(void)state;
	sample_event(&e);
	tg_event_line(&e, 4, TG_EVENT_KV, "ns1 test", buf, sizeof(buf));
	assert_string_equal(buf,
			    "time=2026-11-28T14:30:01.123Z client=192.0.2.7 "
			    "port=53001 qname=army.ml qtype=MX decision=block "
			    "action=nxdomain score=95 protected=army.mil "
			    "reasons=tld-swap,omission "
			    "source=/etc/typoguard/protected.txt line=3 "
			    "resolver=\"ns1 test\" count=4");
	e.classes = 0;
	strcpy(e.via, "x.army.ml");
	tg_event_line(&e, 1, TG_EVENT_KV, "r", buf, sizeof(buf));
	assert_non_null(strstr(buf, " reasons=\"\" source="));
	assert_non_null(strstr(buf, " line=3 via=x.army.ml resolver=r "));
}

static void test_escaping(void **state)
{
	tg_event e;
	char buf[4096];

	(void)state;
	sample_event(&e);
	/* quote, backslash, newline, tab, control, DEL, UTF-8, and a byte
	 * that is not UTF-8 (tg_json_string(): valid UTF-8 kept, invalid
	 * bytes U+FFFD) */
	strcpy(e.qname, "a\"b\\c\nd\te\x01"
			"f\x7f\xc3\xa9\xff.ml");
	strcpy(e.source, "x\"}\n{\"evil\":1");
	tg_event_line(&e, 1, TG_EVENT_JSON, "id\"\\", buf, sizeof(buf));
	assert_non_null(strstr(buf,
			       "\"qname\":\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007f"
			       "\xc3\xa9\\ufffd.ml\","));
	assert_non_null(
	    strstr(buf, "\"source\":\"x\\\"}\\n{\\\"evil\\\":1\","));
	assert_non_null(strstr(buf, "\"resolver\":\"id\\\"\\\\\","));
	assert_null(strchr(buf, '\n'));
	for (const char *p = buf; *p; p++)
		assert_true((unsigned char)*p >= 0x20 &&
			    (unsigned char)*p != 0x7f);

	tg_event_line(&e, 1, TG_EVENT_KV, "id", buf, sizeof(buf));
	assert_non_null(strstr(buf, " qname=\"a\\\"b\\\\c\\x0ad\\x09e\\x01f"
				    "\\x7f\\xc3\\xa9\\xff.ml\" "));
	assert_non_null(strstr(buf, " source=\"x\\\"}\\x0a{\\\"evil\\\":1\" "));
	assert_null(strchr(buf, '\n'));

	/* key=value: '=' forces quotes, so a value cannot fake a field */
	strcpy(e.qname, "a.ml count=99");
	tg_event_line(&e, 1, TG_EVENT_KV, "id", buf, sizeof(buf));
	assert_non_null(strstr(buf, " qname=\"a.ml count=99\" "));
}

static void test_truncation(void **state)
{
	tg_event e;
	char buf[4096], small[300], tiny[50];
	size_t n;

	(void)state;
	sample_event(&e);
	memset(e.qname, 'a', TG_NAME_BUF - 1);
	e.qname[TG_NAME_BUF - 1] = '\0';
	memset(e.via, '\x01', TG_NAME_BUF - 1); /* 6 bytes each escaped */
	e.via[TG_NAME_BUF - 1] = '\0';
	n = tg_event_line(&e, 1, TG_EVENT_JSON, "r", buf, sizeof(buf));
	assert_true(n > 1500 && n < sizeof(buf));
	assert_null(strstr(buf, "truncated"));

	n = tg_event_line(&e, 1, TG_EVENT_JSON, "r", small, sizeof(small));
	assert_int_equal(n, strlen(small));
	assert_true(n < sizeof(small));
	assert_int_equal(small[0], '{');
	assert_int_equal(small[n - 1], '}');
	assert_non_null(strstr(small, "\"truncated\":true"));
	assert_non_null(strstr(small, "\"count\":1"));

	n = tg_event_line(&e, 9, TG_EVENT_JSON, "r", tiny, sizeof(tiny));
	assert_string_equal(tiny,
			    "{\"schema\":1,\"truncated\":true,\"count\":9}");
	n = tg_event_line(&e, 9, TG_EVENT_JSON, "r", tiny, 5);
	assert_int_equal(n, 0);
	assert_string_equal(tiny, "");
	assert_int_equal(tg_event_line(&e, 1, TG_EVENT_JSON, "r", tiny, 0), 0);
}

/* ------------------------------------------------------------ event files */

static void test_aggregation(void **state)
{
	struct writer w;
	char line[4096], *s;
	tg_event e;
	int i;

	(void)state;
	writer_start(&w, "events.log", 60, TG_EVENT_JSON);
	sample_event(&e);
	for (i = 0; i < 5; i++) {
		e.client_port = (uint16_t)(40000 + i); /* port is not the key */
		e.when.tv_sec = 1795876201 + i;
		tg_events_submit(w.ev, &e);
	}
	/* the first occurrence is written at once, long before the window
	 * ends */
	assert_true(wait_lines(w.path, 1));
	tg_events_free(w.ev);

	s = slurp(w.path);
	assert_non_null(s);
	assert_int_equal(count_lines(s), 2);
	nth_line(s, 0, line, sizeof(line));
	assert_non_null(strstr(line, "\"client_port\":40000,"));
	assert_non_null(strstr(line, "\"count\":1}"));
	nth_line(s, 1, line, sizeof(line));
	/* the summary carries the latest repeat's fields */
	assert_non_null(strstr(line, "\"time\":\"2026-11-28T14:30:05.123Z\""));
	assert_non_null(strstr(line, "\"client_port\":40004,"));
	assert_non_null(strstr(line, "\"count\":4}"));
	assert_int_equal(get(&w.st.events_written), 2);
	assert_int_equal(get(&w.st.events_aggregated), 3);
	assert_int_equal(get(&w.st.events_dropped), 0);
	free(s);
	writer_end(&w);
}

static void test_aggregation_window_end(void **state)
{
	struct writer w;
	char line[4096], *s;
	tg_event e;
	int i;

	(void)state;
	writer_start(&w, "events.log", 1, TG_EVENT_JSON);
	sample_event(&e);
	for (i = 0; i < 3; i++)
		tg_events_submit(w.ev, &e);
	/* written when the 1 s window ends, without waiting for free */
	assert_true(wait_lines(w.path, 2));
	s = slurp(w.path);
	nth_line(s, 1, line, sizeof(line));
	assert_non_null(strstr(line, "\"count\":2}"));
	free(s);
	/* a window without repeats forgets the key: after two quiet
	 * seconds the next event is a first occurrence again */
	sleep(2);
	tg_events_submit(w.ev, &e);
	assert_true(wait_lines(w.path, 3));
	tg_events_free(w.ev);
	s = slurp(w.path);
	assert_int_equal(count_lines(s), 3);
	nth_line(s, 2, line, sizeof(line));
	assert_non_null(strstr(line, "\"count\":1}"));
	free(s);
	writer_end(&w);
}

static void test_distinct_not_aggregated(void **state)
{
	struct writer w;
	tg_event e;
	char *s;

	(void)state;
	writer_start(&w, "events.log", 60, TG_EVENT_JSON);
	sample_event(&e);
	tg_events_submit(w.ev, &e);
	strcpy(e.client, "192.0.2.8"); /* other client */
	tg_events_submit(w.ev, &e);
	strcpy(e.client, "192.0.2.7");
	e.qtype = 1; /* other type */
	tg_events_submit(w.ev, &e);
	e.qtype = 15;
	e.decision = TG_DECISION_LOG; /* other decision */
	tg_events_submit(w.ev, &e);
	e.decision = TG_DECISION_BLOCK;
	strcpy(e.qname, "army.mi"); /* other name */
	tg_events_submit(w.ev, &e);
	tg_events_free(w.ev);

	s = slurp(w.path);
	assert_int_equal(count_lines(s), 5);
	assert_null(strstr(s, "\"count\":2"));
	assert_non_null(strstr(s, "\"client\":\"192.0.2.8\""));
	assert_int_equal(get(&w.st.events_written), 5);
	assert_int_equal(get(&w.st.events_aggregated), 0);
	free(s);
	writer_end(&w);
}

static void test_kv_file(void **state)
{
	struct writer w;
	tg_event e;
	char *s;

	(void)state;
	writer_start(&w, "events.log", 0, TG_EVENT_KV); /* no aggregation */
	sample_event(&e);
	tg_events_submit(w.ev, &e);
	tg_events_submit(w.ev, &e);
	tg_events_free(w.ev);
	s = slurp(w.path);
	assert_int_equal(count_lines(s), 2);
	assert_non_null(strstr(s, "time=2026-11-28T14:30:01.123Z client="));
	assert_non_null(strstr(s, " resolver=ns1.test count=1\n"));
	free(s);
	writer_end(&w);
}

/* A resolver thread submits the query name in wire form; the writer
 * formats it (lowercase, presentation format, special bytes escaped), and
 * aggregates on the formatted name: the same name in another case is a
 * repeat. */
static void test_wire_qname(void **state)
{
	static const uint8_t w1[] = "\x04"
				    "ArMy"
				    "\x02"
				    "ML";
	static const uint8_t w2[] = "\x05"
				    "a\"b.c"
				    "\x04"
				    "army"
				    "\x02"
				    "ml";
	struct writer w;
	tg_event e;
	char *s;

	(void)state;
	writer_start(&w, "events.jsonl", 60, TG_EVENT_JSON);
	sample_event(&e);
	e.qname[0] = '\0';
	memcpy(e.qwire, w1, sizeof(w1));
	e.qwire_len = sizeof(w1);
	tg_events_submit(w.ev, &e);
	e.qwire[1] = 'a'; /* "army.ML": the same key, twice */
	tg_events_submit(w.ev, &e);
	tg_events_submit(w.ev, &e);
	memcpy(e.qwire, w2, sizeof(w2));
	e.qwire_len = sizeof(w2);
	tg_events_submit(w.ev, &e);
	tg_events_free(w.ev);
	s = slurp(w.path);
	assert_int_equal(count_lines(s), 3);
	assert_non_null(strstr(s, "\"qname\":\"army.ml\",\"qtype\":\"MX\""));
	assert_non_null(strstr(s, "\"qname\":\"army.ml\",\"qtype\":\"MX\""
				  ",\"decision\":\"block\""));
	assert_non_null(strstr(s, "\"count\":2}\n")); /* the repeats */
	/* the label a"b.c: its quote and dot escaped (a\"b\.c), then the
	 * two backslashes and the quote escaped for JSON */
	assert_non_null(strstr(s, "\"qname\":\"a\\\\\\\"b\\\\.c.army.ml\""));
	assert_int_equal(get(&w.st.events_aggregated), 1);
	assert_int_equal(get(&w.st.events_written), 3);
	free(s);
	writer_end(&w);
}

/* ------------------------------------------------------------------ ring */

#define FLOOD 200000

struct flood {
	tg_events *ev;
	double seconds;
};

static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	struct timespec a, b;
	tg_event e;
	int i;

	sample_event(&e);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < FLOOD; i++)
		tg_events_submit(f->ev, &e);
	clock_gettime(CLOCK_MONOTONIC, &b);
	f->seconds = (double)(b.tv_sec - a.tv_sec) +
		     (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	return NULL;
}

static void test_ring_full(void **state)
{
	struct writer w;
	pthread_t t[2];
	struct flood f[2];
	int i;

	(void)state;
	writer_start(&w, "events.log", 0, TG_EVENT_JSON);
	for (i = 0; i < 2; i++) {
		f[i].ev = w.ev;
		assert_int_equal(
		    pthread_create(&t[i], NULL, flood_thread, &f[i]), 0);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	tg_events_free(w.ev);
	/* the writer cannot keep up: the ring overflowed and was counted */
	assert_true(get(&w.st.events_dropped) > 0);
	assert_int_equal(get(&w.st.events_written) + get(&w.st.events_dropped),
			 2 * FLOOD);
	/* submitters were never held up by I/O: well under 10 us each */
	for (i = 0; i < 2; i++)
		assert_true(f[i].seconds < FLOOD * 10e-6);
	writer_end(&w);
}

/* ---------------------------------------------------- failing destinations */

static void check_unwritable(const char *log, int expect_warning)
{
	tg_stats st;
	tg_events *ev = NULL;
	tg_conf *c = new_conf(log, "", 60);
	tg_event e;
	char err[512];

	memset(&st, 0, sizeof(st));
	assert_int_equal(tg_events_create(c, &st, &ev, err, sizeof(err)),
			 TG_OK);
	assert_non_null(ev);
	if (expect_warning)
		assert_non_null(strstr(err, "cannot be opened"));
	sample_event(&e);
	tg_events_submit(ev, &e);
	strcpy(e.client, "192.0.2.99");
	tg_events_submit(ev, &e);
	tg_events_submit(ev, &e); /* aggregated into a count of 1 */
	tg_events_free(ev);
	assert_int_equal(get(&st.events_written), 0);
	assert_int_equal(get(&st.events_dropped), 3);
	free(c);
}

static void test_unwritable(void **state)
{
	char *dir = make_tmpdir(), path[300];
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/events.log", dir);
	check_unwritable(path, 1);
	check_unwritable(dir, 1); /* a directory */
	if (stat("/dev/full", &sb) == 0)
		check_unwritable("/dev/full", 0); /* ENOSPC on write */
	rm_rf(dir);
	free(dir);
}

static void test_recovers(void **state)
{
	char *dir = make_tmpdir(), sub[200], path[300];
	tg_stats st;
	tg_events *ev = NULL;
	tg_conf *c;
	tg_event e;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	snprintf(sub, sizeof(sub), "%s/later", dir);
	snprintf(path, sizeof(path), "%s/events.log", sub);
	c = new_conf(path, "", 0);
	assert_int_equal(tg_events_create(c, &st, &ev, NULL, 0), TG_OK);
	sample_event(&e);
	tg_events_submit(ev, &e);
	assert_int_equal(mkdir(sub, 0700), 0);
	sleep(2); /* retried once a second */
	tg_events_submit(ev, &e);
	assert_true(wait_lines(path, 1));
	tg_events_free(ev);
	s = slurp(path);
	assert_int_equal(count_lines(s), 1);
	assert_int_equal(get(&st.events_written), 1);
	assert_int_equal(get(&st.events_dropped), 1);
	free(s);
	free(c);
	rm_rf(dir);
	free(dir);
}

static void test_rotation(void **state)
{
	char *dir = make_tmpdir(), path[300], rotated[320];
	tg_stats st;
	tg_events *ev = NULL;
	tg_conf *c;
	tg_event e;
	struct stat sb;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	snprintf(path, sizeof(path), "%s/events.log", dir);
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	c = new_conf(path, "", 0);
	assert_int_equal(tg_events_create(c, &st, &ev, NULL, 0), TG_OK);
	sample_event(&e);
	strcpy(e.qname, "first.ml");
	tg_events_submit(ev, &e);
	assert_true(wait_lines(path, 1));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);

	assert_int_equal(rename(path, rotated), 0); /* logrotate */
	strcpy(e.qname, "second.ml");
	tg_events_submit(ev, &e);
	assert_true(wait_lines(path, 1));

	assert_int_equal(unlink(path), 0); /* removed */
	strcpy(e.qname, "third.ml");
	tg_events_submit(ev, &e);
	assert_true(wait_lines(path, 1));
	tg_events_free(ev);

	s = slurp(rotated);
	assert_int_equal(count_lines(s), 1);
	assert_non_null(strstr(s, "first.ml"));
	free(s);
	s = slurp(path);
	assert_int_equal(count_lines(s), 1);
	assert_non_null(strstr(s, "third.ml"));
	free(s);
	assert_int_equal(get(&st.events_written), 3);
	free(c);
	rm_rf(dir);
	free(dir);
}

/* ----------------------------------------------------------------- stats */

static void test_stats_file(void **state)
{
	char *dir = make_tmpdir(), path[300], tmp[320];
	tg_stats st;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	atomic_store(&st.queries, 7);
	atomic_store(&st.scored, 6);
	atomic_store(&st.passed, 2);
	atomic_store(&st.out_of_scope, 1);
	atomic_store(&st.allowlisted, 1);
	atomic_store(&st.blocked[TG_ACTION_SINKHOLE], 3);
	atomic_store(&st.logged, 1);
	atomic_store(&st.by_class[0], 5);
	atomic_store(&st.by_class[17], 2);
	atomic_store(&st.response_side, 1);
	atomic_store(&st.events_written, 11);
	atomic_store(&st.events_dropped, 12);
	atomic_store(&st.events_aggregated, 13);
	atomic_store(&st.list_entries, 42);
	atomic_store(&st.reloads_ok, 2);
	atomic_store(&st.reloads_failed, 1);
	snprintf(path, sizeof(path), "%s/typoguard.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(tg_stats_write(&st, path), TG_OK);
	assert_int_equal(access(tmp, F_OK), -1);
	s = slurp(path);
	assert_non_null(s);
	static const char *const want[] = {
	    "# HELP typoguard_queries_total ",
	    "# TYPE typoguard_queries_total counter\n"
	    "typoguard_queries_total 7\n",
	    "\ntypoguard_scored_total 6\n",
	    "\ntypoguard_passed_total 2\n",
	    "\ntypoguard_out_of_scope_total 1\n",
	    "\ntypoguard_allowlisted_total 1\n",
	    "# TYPE typoguard_blocked_total counter\n",
	    "\ntypoguard_blocked_total{action=\"nxdomain\"} 0\n",
	    "\ntypoguard_blocked_total{action=\"nodata\"} 0\n",
	    "\ntypoguard_blocked_total{action=\"refuse\"} 0\n",
	    "\ntypoguard_blocked_total{action=\"sinkhole\"} 3\n",
	    "\ntypoguard_blocked_total{action=\"log-only\"} 0\n",
	    "\ntypoguard_logged_total 1\n",
	    "\ntypoguard_decisions_by_class_total{class=\"tld-swap\"} 5\n",
	    "\ntypoguard_decisions_by_class_total{class=\"omission\"} 0\n",
	    "\ntypoguard_decisions_by_class_total{class=\"prefix\"} 2\n",
	    "\ntypoguard_response_side_total 1\n",
	    "\ntypoguard_events_written_total 11\n",
	    "\ntypoguard_events_dropped_total 12\n",
	    "\ntypoguard_events_aggregated_total 13\n",
	    "# TYPE typoguard_list_entries gauge\ntypoguard_list_entries 42\n",
	    "\ntypoguard_reloads_total{result=\"ok\"} 2\n",
	    "\ntypoguard_reloads_total{result=\"failed\"} 1\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(s, want[i]))
			fail_msg("missing in stats file: %s", want[i]);
	}
	/* every class has a line */
	size_t classes = 0;
	for (const char *p = s;
	     (p = strstr(p, "typoguard_decisions_by_class_total{")); p++)
		classes++;
	assert_int_equal(classes, TG_C_COUNT);
	free(s);

	/* unwritable: an error, no crash */
	snprintf(path, sizeof(path), "%s/missing/typoguard.prom", dir);
	assert_int_equal(tg_stats_write(&st, path), TG_EIO);
	rm_rf(dir);
	free(dir);
}

static void test_stats_at_free(void **state)
{
	char *dir = make_tmpdir(), path[300];
	tg_stats st;
	tg_events *ev = NULL;
	tg_conf *c;
	tg_event e;
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	snprintf(path, sizeof(path), "%s/typoguard.prom", dir);
	c = new_conf("", path, 60);
	assert_int_equal(tg_events_create(c, &st, &ev, NULL, 0), TG_OK);
	sample_event(&e);
	tg_events_submit(ev, &e); /* no event log: ignored */
	atomic_store(&st.queries, 99);
	tg_events_free(ev);
	s = slurp(path);
	assert_non_null(s);
	assert_non_null(strstr(s, "\ntypoguard_queries_total 99\n"));
	assert_non_null(strstr(s, "\ntypoguard_events_dropped_total 0\n"));
	free(s);
	free(c);
	rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------ life cycle */

static void test_lifecycle(void **state)
{
	char *dir = make_tmpdir(), path[300], prom[300], err[512];
	tg_stats st;
	tg_events *ev = NULL;
	tg_conf *c;
	tg_event e;

	(void)state;
	memset(&st, 0, sizeof(st));
	tg_events_free(NULL);
	tg_events_submit(NULL, NULL);
	assert_int_equal(tg_events_create(NULL, &st, &ev, NULL, 0), TG_EINVAL);

	/* nothing configured: no thread, submissions ignored */
	c = new_conf("", "", 60);
	assert_int_equal(tg_events_create(c, &st, &ev, NULL, 0), TG_OK);
	sample_event(&e);
	tg_events_submit(ev, &e);
	tg_events_free(ev);
	free(c);

	/* free right after create, with a file and a stats file */
	snprintf(path, sizeof(path), "%s/events.log", dir);
	snprintf(prom, sizeof(prom), "%s/typoguard.prom", dir);
	c = new_conf(path, prom, 60);
	assert_int_equal(tg_events_create(c, &st, &ev, NULL, 0), TG_OK);
	tg_events_free(ev);
	assert_int_equal(access(prom, F_OK), 0);
	free(c);

	/* a stats file that cannot be written: a warning, not an error */
	snprintf(prom, sizeof(prom), "%s/missing/typoguard.prom", dir);
	c = new_conf("", prom, 60);
	assert_int_equal(tg_events_create(c, &st, &ev, err, sizeof(err)),
			 TG_OK);
	assert_non_null(strstr(err, "stats file"));
	tg_events_free(ev);
	free(c);

	/* syslog (no /dev/log in a container: falls back, never crashes) */
	c = new_conf("syslog", "", 60);
	assert_int_equal(tg_events_create(c, &st, &ev, NULL, 0), TG_OK);
	tg_events_submit(ev, &e);
	tg_events_free(ev);
	assert_int_equal(get(&st.events_written) + get(&st.events_dropped), 1);
	free(c);
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_exact),
	    cmocka_unit_test(test_kv_exact),
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_aggregation),
	    cmocka_unit_test(test_aggregation_window_end),
	    cmocka_unit_test(test_distinct_not_aggregated),
	    cmocka_unit_test(test_kv_file),
	    cmocka_unit_test(test_wire_qname),
	    cmocka_unit_test(test_ring_full),
	    cmocka_unit_test(test_unwritable),
	    cmocka_unit_test(test_recovers),
	    cmocka_unit_test(test_rotation),
	    cmocka_unit_test(test_stats_file),
	    cmocka_unit_test(test_stats_at_free),
	    cmocka_unit_test(test_lifecycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
