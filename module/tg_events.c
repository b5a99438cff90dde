/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Decision events: the queue, aggregation and destinations (see
 * tg_events.h for the contract; the line format is tg_event_format.c, the
 * stats file tg_counters.c).
 *
 * Threads and locking: resolver threads call tg_events_submit(), which
 * takes ev->lock only to memcpy one tg_event into the ring (and, when the
 * writer sleeps, to signal it); it never makes a syscall for I/O.  The
 * writer takes the lock only to read and advance the ring indices: it reads
 * up to TG_BATCH slots in place, and they stay counted as occupied (so no
 * submitter reuses them) until it has handled them.  All other state
 * (aggregation table, output buffer, file descriptors) belongs to the single
 * writer thread and is touched by nobody else until tg_events_free() has joined
 * it.
 *
 * Aggregation: a key is (client address, qname, qtype, decision); the port
 * is not part of it, so a resolver retrying from new ports is one key.
 * The first event of a key is written at once with "count": 1 and opens a
 * window of `event-interval` seconds (writer's monotonic clock).  Repeats
 * inside the window are only counted.  When the window ends, if there were
 * repeats, one line is written: the fields of the latest repeat with
 * "count": repeats, and a new window opens; if there were none, the key is
 * forgotten and its next event is written at once again.  So five identical
 * events within one interval give two lines: count 1, then count 4.  A
 * steady flood gives one line per key and interval.  At shutdown every
 * pending count is written.  With `event-interval` 0 nothing is aggregated.
 * Counters: events_written counts lines written, events_dropped lines lost
 * (ring full, destination failing), events_aggregated the submissions
 * folded into another line's count, so that, once flushed, submissions =
 * written + dropped + aggregated.
 *
 * Caps: the ring (TG_EVENT_RING), keys (TG_EVENT_AGG_MAX) and bytes held by
 * aggregation (TG_AGG_BYTES); beyond the key/byte caps an event is written
 * directly.  Output goes through a fixed buffer flushed per batch.
 *
 * Destinations: a file, opened O_APPEND; before each write batch the path
 * is stat()ed and the file reopened when it was renamed or removed, so
 * logrotate needs no signal.  A file that cannot be opened or written is
 * retried once a second; meanwhile lines are dropped and counted, and one
 * warning goes to syslog per failure episode.  `syslog` sends RFC 3164
 * datagrams tagged "typoguard" to /dev/log on our own socket (openlog()
 * would change Unbound's own ident and, in a chroot without /dev/log, break
 * Unbound's syslog connection); when /dev/log cannot be reached (chroot),
 * syslog(3) is used instead, i.e. Unbound's connection, lines prefixed
 * "typoguard: ".
 */
#include "tg_config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "tg_events.h"
#include "tg_thread.h"

/** Ring slots the writer handles per pass (in place, lock not held). */
#define TG_BATCH 256
/** Output buffer of the file destination. */
#define TG_OUTBUF (64 * 1024)
/** Longest line we format (the longest JSON event is about 9 KB). */
#define TG_LINEBUF (16 * 1024)
/** Hash buckets of the aggregation table (power of two). */
#define TG_AGG_BUCKETS 16384
/** Bytes the aggregation table may hold at most. */
#define TG_AGG_BYTES (16UL * 1024 * 1024)
/** Retry period of a failing destination, and writer tick, ms. */
#define TG_RETRY_MS 1000

/** One aggregation key and its current window.  Writer thread only. */
typedef struct agg_entry {
	struct agg_entry *hnext;       /**< hash chain */
	struct agg_entry *prev, *next; /**< FIFO by window end */
	uint32_t hash;
	uint16_t qtype;
	tg_decision decision;
	uint64_t window_end;   /**< monotonic ms */
	unsigned long repeats; /**< counted in this window */
	tg_event *last;	       /**< latest repeat, NULL if none yet */
	size_t bytes;	       /**< accounted against TG_AGG_BYTES */
	char *qname;	       /**< points into key[] */
	char key[];	       /**< client NUL qname NUL */
} agg_entry;

/** The handle.  Fields below `writer state` belong to the writer. */
struct tg_events {
	tg_stats *stats;
	tg_event_format fmt;
	int has_log;   /**< an event log is configured */
	int to_syslog; /**< ... and it is syslog */
	char log_path[TG_NAME_BUF];
	char stats_path[TG_NAME_BUF];
	char identity[TG_NAME_BUF];
	unsigned event_interval, stats_interval;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	int sync_ok; /**< lock and cond initialised */
	int running; /**< thread started */
	pthread_t thread;
	/* protected by lock */
	tg_event *ring; /**< TG_EVENT_RING slots, NULL without event log */
	size_t head, count;
	int stop;
	int sleeping;

	/* writer state */
	int fd;			 /**< event file, -1 closed */
	dev_t dev;		 /**< of fd */
	ino_t ino;		 /**< of fd */
	uint64_t next_open;	 /**< monotonic ms of the next open attempt */
	int failing;		 /**< warned about the current failure */
	int torn;		 /**< a partial line was left in the file */
	int open_errno;		 /**< errno of the last failed open */
	int sock;		 /**< /dev/log socket, -1 none */
	int no_devlog;		 /**< /dev/log absent: use syslog(3) */
	uint64_t next_sock;	 /**< next connect attempt */
	char *out;		 /**< TG_OUTBUF */
	size_t out_len;		 /**< bytes in out */
	unsigned long out_lines; /**< lines in out */
	char *line;		 /**< TG_LINEBUF */
	agg_entry **buckets;	 /**< TG_AGG_BUCKETS, NULL without log */
	agg_entry *fifo_head, *fifo_tail;
	size_t agg_n, agg_bytes;
	uint64_t next_stats;
};

/* ------------------------------------------------------------- helpers */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/** Copy \p src into \p dst of \p len bytes, truncating, NUL-terminated. */
static void copy_trunc(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ----------------------------------------------------------- destinations */

/** One warning per failure episode, through syslog(3). */
static void warn_once(tg_events *ev, const char *what, int err)
{
	if (ev->failing)
		return;
	ev->failing = 1;
	syslog(LOG_DAEMON | LOG_WARNING,
	       "typoguard: event log %s: %s: %s (events are dropped and "
	       "counted until it works again)",
	       ev->log_path, what, strerror(err));
}

static void file_close(tg_events *ev)
{
	if (ev->fd >= 0)
		close(ev->fd);
	ev->fd = -1;
}

/** Make sure the event file is open and is the file at its path. */
static void file_check(tg_events *ev, uint64_t now)
{
	struct stat st;

	if (ev->fd >= 0) {
		if (stat(ev->log_path, &st) == 0 && st.st_dev == ev->dev &&
		    st.st_ino == ev->ino)
			return;
		file_close(ev); /* rotated away or removed */
		ev->next_open = 0;
	}
	if (now < ev->next_open)
		return;
	/* O_NONBLOCK: a FIFO without a reader must not block us */
	ev->fd = open(ev->log_path,
		      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
			  O_NONBLOCK,
		      0640);
	if (ev->fd < 0) {
		ev->open_errno = errno;
		warn_once(ev, "cannot open", errno);
		ev->next_open = now + TG_RETRY_MS;
		return;
	}
	if (fstat(ev->fd, &st) != 0) {
		ev->open_errno = errno;
		warn_once(ev, "cannot stat", errno);
		file_close(ev);
		ev->next_open = now + TG_RETRY_MS;
		return;
	}
	ev->dev = st.st_dev;
	ev->ino = st.st_ino;
	if (ev->torn && write(ev->fd, "\n", 1) == 1)
		ev->torn = 0;
}

/** Write the output buffer to the event file; count written or dropped. */
static void file_flush(tg_events *ev)
{
	size_t off = 0;
	uint64_t now;

	if (!ev->out_len)
		return;
	now = mono_ms();
	file_check(ev, now);
	if (ev->fd < 0) {
		tg_stat_add(&ev->stats->events_dropped, ev->out_lines);
		ev->out_len = 0;
		ev->out_lines = 0;
		return;
	}
	while (off < ev->out_len) {
		ssize_t n = write(ev->fd, ev->out + off, ev->out_len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : ENOSPC;
			unsigned long done = 0;
			size_t i;

			for (i = 0; i < off; i++)
				done += ev->out[i] == '\n';
			if (off && ev->out[off - 1] != '\n')
				ev->torn = 1;
			tg_stat_add(&ev->stats->events_written, done);
			tg_stat_add(&ev->stats->events_dropped,
				    ev->out_lines - done);
			warn_once(ev, "write failed", err);
			file_close(ev);
			ev->next_open = now + TG_RETRY_MS;
			ev->out_len = 0;
			ev->out_lines = 0;
			return;
		}
		off += (size_t)n;
	}
	ev->failing = 0;
	tg_stat_add(&ev->stats->events_written, ev->out_lines);
	ev->out_len = 0;
	ev->out_lines = 0;
}

/**
 * Connect our own /dev/log socket (at most once a second).  Sets
 * ev->no_devlog when there is no /dev/log to connect to (a chroot).
 */
static void sock_open(tg_events *ev, uint64_t now)
{
	struct sockaddr_un sa;
	struct timeval tv = {0, 200000};

	if (ev->sock >= 0 || now < ev->next_sock)
		return;
	ev->next_sock = now + TG_RETRY_MS;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, "/dev/log", sizeof("/dev/log"));
	ev->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ev->sock < 0)
		return;
	/* bounded wait when syslogd is stuck; the ring absorbs bursts */
	setsockopt(ev->sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(ev->sock, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		ev->no_devlog =
		    errno == ENOENT || errno == EACCES || errno == ENOTDIR;
		close(ev->sock);
		ev->sock = -1;
		return;
	}
	ev->no_devlog = 0;
}

/** Send one datagram; 0 on success. */
static int sock_send(tg_events *ev, const char *line, size_t len)
{
	char hdr[64];
	struct tm tm;
	time_t t = time(NULL);
	struct iovec iov[2];
	struct msghdr mh;
	int hl;

	localtime_r(&t, &tm);
	hl = (int)strftime(hdr, sizeof(hdr), "<30>%b %e %H:%M:%S ", &tm);
	hl += snprintf(hdr + hl, sizeof(hdr) - (size_t)hl,
		       "typoguard[%ld]: ", (long)getpid());
	iov[0].iov_base = hdr;
	iov[0].iov_len = (size_t)hl;
	iov[1].iov_base = (void *)line;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	return sendmsg(ev->sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static void syslog_line(tg_events *ev, const char *line, size_t len)
{
	sock_open(ev, mono_ms());
	if (ev->sock < 0 && ev->no_devlog) {
		/* chroot: Unbound's own syslog connection */
		syslog(LOG_DAEMON | LOG_INFO, "typoguard: %s", line);
		tg_stat_add(&ev->stats->events_written, 1);
		return;
	}
	if (ev->sock >= 0 && sock_send(ev, line, len) != 0) {
		int err = errno;

		close(ev->sock);
		ev->sock = -1;
		/* syslogd restarted: reconnect and resend once at once;
		 * stuck or gone: drop and retry in a second */
		if (err == ECONNREFUSED || err == ENOTCONN) {
			ev->next_sock = 0;
			sock_open(ev, mono_ms());
			if (ev->sock >= 0 && sock_send(ev, line, len) != 0) {
				close(ev->sock);
				ev->sock = -1;
			}
		}
		if (ev->sock < 0)
			ev->next_sock = mono_ms() + TG_RETRY_MS;
		else {
			tg_stat_add(&ev->stats->events_written, 1);
			return;
		}
	}
	if (ev->sock < 0) {
		tg_stat_add(&ev->stats->events_dropped, 1);
		return;
	}
	tg_stat_add(&ev->stats->events_written, 1);
}

/** Format and queue one line for the destination. */
static void emit_line(tg_events *ev, const tg_event *e, unsigned long count)
{
	size_t n = tg_event_line(e, count, ev->fmt, ev->identity, ev->line,
				 TG_LINEBUF - 1);

	if (ev->to_syslog) {
		syslog_line(ev, ev->line, n);
		return;
	}
	if (ev->out_len + n + 1 > TG_OUTBUF)
		file_flush(ev);
	memcpy(ev->out + ev->out_len, ev->line, n);
	ev->out[ev->out_len + n] = '\n';
	ev->out_len += n + 1;
	ev->out_lines++;
}

/* ------------------------------------------------------------ aggregation */

/** Hash of an event's aggregation key: client address, qname, qtype and
 *  decision. */
static uint64_t event_key_hash(const tg_event *e)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)e->client; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (p = (const unsigned char *)e->qname; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ (e->qtype & 0xff)) * 0x100000001b3ULL;
	h = (h ^ (e->qtype >> 8)) * 0x100000001b3ULL;
	h = (h ^ (unsigned)e->decision) * 0x100000001b3ULL;
	return h ^ h >> 32;
}

static void fifo_unlink(tg_events *ev, agg_entry *a)
{
	if (a->prev)
		a->prev->next = a->next;
	else
		ev->fifo_head = a->next;
	if (a->next)
		a->next->prev = a->prev;
	else
		ev->fifo_tail = a->prev;
	a->prev = a->next = NULL;
}

static void fifo_append(tg_events *ev, agg_entry *a)
{
	a->prev = ev->fifo_tail;
	a->next = NULL;
	if (ev->fifo_tail)
		ev->fifo_tail->next = a;
	else
		ev->fifo_head = a;
	ev->fifo_tail = a;
}

static void agg_remove(tg_events *ev, agg_entry *a)
{
	agg_entry **pp = &ev->buckets[a->hash & (TG_AGG_BUCKETS - 1)];

	while (*pp && *pp != a)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = a->hnext;
	fifo_unlink(ev, a);
	ev->agg_n--;
	ev->agg_bytes -= a->bytes;
	free(a->last);
	free(a);
}

/** Write a window's repeats, if any. */
static void agg_emit(tg_events *ev, agg_entry *a)
{
	if (!a->repeats || !a->last)
		return;
	emit_line(ev, a->last, a->repeats);
	tg_stat_add(&ev->stats->events_aggregated, a->repeats - 1);
	a->repeats = 0;
}

/** End the windows due at \p now (all of them if \p all). */
static void agg_expire(tg_events *ev, uint64_t now, int all)
{
	while (ev->fifo_head && (all || ev->fifo_head->window_end <= now)) {
		agg_entry *a = ev->fifo_head;

		if (a->repeats && !all) {
			agg_emit(ev, a);
			a->window_end =
			    now + (uint64_t)ev->event_interval * 1000;
			fifo_unlink(ev, a);
			fifo_append(ev, a);
			continue;
		}
		agg_emit(ev, a);
		agg_remove(ev, a);
	}
}

/** Handle one event from the ring. */
static void handle_event(tg_events *ev, const tg_event *e, uint64_t now)
{
	size_t lc, lq, bytes;
	uint32_t h;
	agg_entry *a;

	if (!ev->event_interval || !ev->buckets) {
		emit_line(ev, e, 1);
		return;
	}
	h = (uint32_t)event_key_hash(e);
	for (a = ev->buckets[h & (TG_AGG_BUCKETS - 1)]; a; a = a->hnext)
		if (a->hash == h && a->qtype == e->qtype &&
		    a->decision == e->decision && !strcmp(a->key, e->client) &&
		    !strcmp(a->qname, e->qname))
			break;
	if (a) {
		if (!a->last) {
			if (ev->agg_bytes + sizeof(tg_event) > TG_AGG_BYTES) {
				emit_line(ev, e, 1);
				return;
			}
			a->last = malloc(sizeof(tg_event));
			if (!a->last) {
				emit_line(ev, e, 1);
				return;
			}
			a->bytes += sizeof(tg_event);
			ev->agg_bytes += sizeof(tg_event);
		}
		memcpy(a->last, e, sizeof(*e));
		a->repeats++;
		return;
	}
	/* a first occurrence: written now, remembered if there is room */
	emit_line(ev, e, 1);
	lc = strnlen(e->client, sizeof(e->client) - 1);
	lq = strnlen(e->qname, sizeof(e->qname) - 1);
	bytes = sizeof(agg_entry) + lc + lq + 2;
	if (ev->agg_n >= TG_EVENT_AGG_MAX ||
	    ev->agg_bytes + bytes > TG_AGG_BYTES)
		return;
	a = calloc(1, bytes);
	if (!a)
		return;
	memcpy(a->key, e->client, lc);
	a->qname = a->key + lc + 1;
	memcpy(a->qname, e->qname, lq);
	a->hash = h;
	a->qtype = e->qtype;
	a->decision = e->decision;
	a->window_end = now + (uint64_t)ev->event_interval * 1000;
	a->bytes = bytes;
	a->hnext = ev->buckets[h & (TG_AGG_BUCKETS - 1)];
	ev->buckets[h & (TG_AGG_BUCKETS - 1)] = a;
	fifo_append(ev, a);
	ev->agg_n++;
	ev->agg_bytes += bytes;
}

/* ----------------------------------------------------------------- thread */

static void write_stats(tg_events *ev)
{
	if (ev->stats_path[0])
		(void)tg_stats_write(ev->stats, ev->stats_path);
}

static void *writer_thread(void *arg)
{
	tg_events *ev = arg;
	uint64_t now;

	ev->next_stats = mono_ms() + (uint64_t)ev->stats_interval * 1000;
	for (;;) {
		size_t n, i, head;
		int stopping;

		pthread_mutex_lock(&ev->lock);
		if (!ev->count && !ev->stop) {
			struct timespec ts;
			uint64_t wake = mono_ms() + TG_RETRY_MS;

			if (ev->fifo_head && ev->fifo_head->window_end < wake)
				wake = ev->fifo_head->window_end;
			if (ev->next_stats < wake)
				wake = ev->next_stats;
			ts.tv_sec = (time_t)(wake / 1000);
			ts.tv_nsec = (long)(wake % 1000) * 1000000;
			ev->sleeping = 1;
			while (!ev->count && !ev->stop)
				if (pthread_cond_timedwait(&ev->cond, &ev->lock,
							   &ts) == ETIMEDOUT)
					break;
			ev->sleeping = 0;
		}
		/* The n slots from head stay counted while we read them in
		 * place, so no submitter writes them: no copy under the lock.
		 */
		head = ev->head;
		n = ev->count < TG_BATCH ? ev->count : TG_BATCH;
		stopping = ev->stop;
		pthread_mutex_unlock(&ev->lock);

		now = mono_ms();
		for (i = 0; i < n; i++) {
			tg_event *e = &ev->ring[(head + i) % TG_EVENT_RING];

			/* the name the submitter left in wire form */
			if (!e->qname[0] && e->qwire_len)
				tg_name_format(e->qwire, e->qwire_len, e->qname,
					       sizeof(e->qname));
			handle_event(ev, e, now);
		}
		if (n) {
			pthread_mutex_lock(&ev->lock);
			ev->head = (head + n) % TG_EVENT_RING;
			ev->count -= n;
			pthread_mutex_unlock(&ev->lock);
		}
		agg_expire(ev, now, 0);
		if (!ev->to_syslog)
			file_flush(ev);
		if (now >= ev->next_stats) {
			write_stats(ev);
			ev->next_stats =
			    now + (uint64_t)ev->stats_interval * 1000;
		}
		if (stopping && !n)
			break;
	}
	agg_expire(ev, mono_ms(), 1);
	if (!ev->to_syslog)
		file_flush(ev);
	write_stats(ev);
	return NULL;
}

/* -------------------------------------------------------------- life cycle */

int tg_events_create(const tg_conf *conf, tg_stats *stats, tg_events **out,
		     char *errbuf, size_t errlen)
{
	tg_events *ev;
	pthread_condattr_t ca;
	int rc;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!out)
		return TG_EINVAL;
	*out = NULL;
	if (!conf || !stats) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "events: invalid argument");
		return TG_EINVAL;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		goto nomem;
	ev->fd = -1;
	ev->sock = -1;
	ev->stats = stats;
	ev->fmt =
	    conf->event_format == TG_EVENT_KV ? TG_EVENT_KV : TG_EVENT_JSON;
	ev->event_interval = conf->event_interval;
	ev->stats_interval = conf->stats_interval ? conf->stats_interval : 60;
	ev->has_log = conf->event_log[0] != '\0';
	ev->to_syslog = !strcmp(conf->event_log, "syslog");
	copy_trunc(ev->log_path, sizeof(ev->log_path), conf->event_log);
	copy_trunc(ev->stats_path, sizeof(ev->stats_path), conf->stats_file);
	if (conf->identity[0])
		copy_trunc(ev->identity, sizeof(ev->identity), conf->identity);
	else if (gethostname(ev->identity, sizeof(ev->identity) - 1) != 0)
		ev->identity[0] = '\0';
	ev->identity[sizeof(ev->identity) - 1] = '\0';

	if (!ev->has_log && !ev->stats_path[0]) {
		*out = ev; /* nothing to write: no thread */
		return TG_OK;
	}
	if (ev->has_log) {
		ev->ring = calloc(TG_EVENT_RING, sizeof(tg_event));
		ev->line = malloc(TG_LINEBUF);
		ev->buckets = calloc(TG_AGG_BUCKETS, sizeof(agg_entry *));
		if (!ev->to_syslog)
			ev->out = malloc(TG_OUTBUF);
		if (!ev->ring || !ev->line || !ev->buckets ||
		    (!ev->to_syslog && !ev->out))
			goto nomem;
	}
	if (pthread_mutex_init(&ev->lock, NULL) != 0)
		goto nomem;
	if (pthread_condattr_init(&ca) != 0) {
		pthread_mutex_destroy(&ev->lock);
		goto nomem;
	}
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&ev->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0) {
		pthread_mutex_destroy(&ev->lock);
		goto nomem;
	}
	ev->sync_ok = 1;

	/* Open the file now, on the caller's thread, to report a problem
	 * early; it is not fatal (retried by the writer). */
	if (ev->has_log && !ev->to_syslog) {
		file_check(ev, mono_ms());
		if (ev->fd < 0 && errbuf && errlen)
			snprintf(errbuf, errlen,
				 "event log %s cannot be opened (%s); "
				 "retrying every second",
				 ev->log_path, strerror(ev->open_errno));
	}
	/* same for the stats file (written again every stats-interval) */
	if (ev->stats_path[0] &&
	    tg_stats_write(stats, ev->stats_path) != TG_OK && errbuf &&
	    errlen && !errbuf[0])
		snprintf(errbuf, errlen,
			 "stats file %s cannot be written; retrying every "
			 "stats-interval",
			 ev->stats_path);

	/* the writer takes no signals: Unbound's threads handle them */
	rc = tg_thread_start(&ev->thread, writer_thread, ev);
	if (rc != 0) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen,
				 "events: cannot start writer thread: %s",
				 strerror(rc));
		tg_events_free(ev);
		return TG_ENOMEM;
	}
	ev->running = 1;
	*out = ev;
	return TG_OK;

nomem:
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "events: out of memory");
	tg_events_free(ev);
	return TG_ENOMEM;
}

void tg_events_submit(tg_events *ev, const tg_event *e)
{
	int wake;

	if (!ev || !e || !ev->ring)
		return;
	pthread_mutex_lock(&ev->lock);
	if (ev->count >= TG_EVENT_RING || ev->stop) {
		pthread_mutex_unlock(&ev->lock);
		tg_stat_add(&ev->stats->events_dropped, 1);
		return;
	}
	memcpy(&ev->ring[(ev->head + ev->count) % TG_EVENT_RING], e,
	       sizeof(*e));
	ev->count++;
	wake = ev->sleeping;
	ev->sleeping = 0; /* one signal per sleep is enough */
	pthread_mutex_unlock(&ev->lock);
	if (wake)
		pthread_cond_signal(&ev->cond);
}

void tg_events_free(tg_events *ev)
{
	size_t i;

	if (!ev)
		return;
	if (ev->running) {
		pthread_mutex_lock(&ev->lock);
		ev->stop = 1;
		pthread_mutex_unlock(&ev->lock);
		pthread_cond_signal(&ev->cond);
		pthread_join(ev->thread, NULL);
	}
	if (ev->sync_ok) {
		pthread_cond_destroy(&ev->cond);
		pthread_mutex_destroy(&ev->lock);
	}
	if (ev->buckets) {
		for (i = 0; i < TG_AGG_BUCKETS; i++)
			while (ev->buckets[i]) {
				agg_entry *a = ev->buckets[i];

				ev->buckets[i] = a->hnext;
				free(a->last);
				free(a);
			}
	}
	file_close(ev);
	if (ev->sock >= 0)
		close(ev->sock);
	free(ev->buckets);
	free(ev->ring);
	free(ev->line);
	free(ev->out);
	free(ev);
}
