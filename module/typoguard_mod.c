/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * typoguard.so: the Unbound dynlib module.
 *
 * Loaded with `module-config: "dynlib validator iterator"` and
 * `dynlib-file: /path/typoguard.so`.  dynlib passes no options, so init()
 * reads the file named by $TYPOGUARD_CONF, or the compiled-in default
 * (tg_conf_default_path()).
 *
 * Data path: operate() sees every query that missed Unbound's message cache.
 * For a query type and client in scope it scores the query name with the
 * core index; a name at or above the block threshold is answered here
 * (module_finished: nothing goes upstream, nothing is stored in the cache)
 * with the configured action and an RFC 8914 Extended DNS Error when
 * Unbound's `ede: yes` is set.  Everything else passes to the next module
 * (validator, iterator) untouched.
 *
 * Caching: Unbound answers message-cache hits before any module runs, so a
 * lookalike answer that reached the cache would later be served to in-scope
 * clients without us.  Therefore lookalike data is never stored: a lookalike
 * passed through for an out-of-scope client gets no_cache_store.
 *
 * Blocked answers (nxdomain, nodata) are stored when every client is in
 * scope (no `clients:`), so that a repeated blocked query costs a cache
 * hit, not a mesh state (issue 18): the worker serves them, and the
 * reply-cache callback (reply_cache) sees each one before it leaves,
 * recognises ours by the synthetic SOA, counts it, queues its event and
 * adds the EDE.  The match it reports comes from a ring of block records
 * (struct block_rec) whose slot number is the SOA's serial, so a repeat is
 * not scored again; the event is queued with the query name in wire form
 * and the events' writer thread formats it.  Unbound 1.17 ignores what
 * that callback returns, so a
 * cached block cannot be declined per client: with `clients:` set,
 * blocks are not stored.  After a list change the purge removes cached
 * blocks the new lists no longer block (purge_visit).
 *
 * Threads: init() runs once on the main thread; all workers share the
 * module data.  Everything reachable from struct tg_mod is immutable after
 * init(), except the counters, which are atomic, the list of the
 * threads' memos, which a mutex guards, and the block records, which
 * striped mutexes guard.  Per-query work uses only
 * the query's region, the stack and the thread's own scorer memo
 * (tg_memo: registrable domains whose label matched nothing, which spares
 * most of the scoring of further names under them).
 *
 * Only the six dynlib entry points are exported (see module/local.mk).
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dynlibmod/dynlibmod.h"
#include "services/cache/dns.h"
#include "services/mesh.h"
#include "sldns/rrdef.h"
#include "sldns/sbuffer.h"
#include "sldns/str2wire.h"
#include "sldns/wire2str.h"
#include "util/config_file.h"
#include "util/data/dname.h"
#include "util/data/msgreply.h"
#include "util/data/packed_rrset.h"
#include "util/module.h"
#include "util/net_help.h"
#include "util/netevent.h"
#include "util/regional.h"
#include "util/storage/slabhash.h"

#include "tg_events.h"
#include "tg_guard.h"
#include "tg_policy.h"
#include "typoguard.h"

#define TG_EXPORT __attribute__((visibility("default")))

/** Slots of the repeat filter of Unbound's log lines (512 KiB, touched
 *  as used): 4096 let a few thousand names that a flood repeats evict one
 *  another, so each repeat was logged again, on the worker thread. */
#define TG_LOGSEEN 65536

/** Blocked answers in the message cache whose match is kept (a ring,
 *  power of two; 256 bytes each, 4 MiB, pages touched as used). */
#define TG_BLOCKS 16384
/** Locks over the ring, by slot. */
#define TG_BLOCK_LOCKS 64

/**
 * The match of a blocked answer stored in the message cache
 * (cache_block()), so that a repeat served from there (reply_cache())
 * gets its EDE and event without scoring the name again.  The slot's
 * number + 1 is the serial of the answer's SOA; a slot taken again by a
 * later block (TG_BLOCKS newer ones), a record of older lists, or a name
 * or string that does not fit, and the name is scored again.
 */
struct block_rec {
	uint64_t name_hash; /**< name_hash() of the query name; 0: empty */
	unsigned gen;	    /**< tg_mod.gen when written */
	int score;
	unsigned classes;
	unsigned long source_line;
	char protected_name[128];
	char source[96];
};

/** Most scorer memos (one per worker thread that scored a name, ~32 KiB
 *  each); threads beyond score without one. */
#define TG_MAX_MEMOS 256

/**
 * Module-wide data.  Immutable after init() except the counters (atomic),
 * the policy, which swaps its index in place (tg_policy.h), and the memo
 * list (memo_lock).
 */
struct tg_mod {
	tg_conf *conf;		 /**< owned */
	tg_policy *policy;	 /**< owned: the index in force, reloads */
	tg_events *events;	 /**< owned: event writer and stats file */
	tg_stats stats;		 /**< atomic counters */
	struct module_env *env;	 /**< the daemon's env (shared caches) */
	int cb_registered;	 /**< inplace callback registered */
	int cache_cb_registered; /**< reply-cache callback registered */
	int ede; /**< Unbound's `ede:` at init (config_get_option) */
	/** Recent decision log lines: hash tag << 32 | second, by hash;
	 *  a repeat within event-interval is not logged again (racing
	 *  threads may both log it, which is harmless). */
	_Atomic uint64_t logseen[TG_LOGSEEN];
	/** The pass generation: bumped before each post-swap cache purge,
	 *  so that a query name that passed under an older one is scored
	 *  again (TG_PASSED); unrelated to the policy's slot counter. */
	atomic_uint gen;
	/** This instance's number, apart from those before a reload (a
	 *  thread's memo pointer is only used with the instance that made
	 *  it). */
	uint64_t id;
	/** The worker threads' scorer memos, owned; each is used by its
	 *  thread only (thread_memo) and freed with the module. */
	pthread_mutex_t memo_lock;
	tg_memo *memos[TG_MAX_MEMOS];
	size_t nmemos;
	/** The answer template: the synthetic SOA's RDATA for answer-ttl
	 *  (soa_rdata()), made at load. */
	uint8_t soa_rd[80];
	size_t soa_rdlen;
	/** The matches of cached blocks (TG_BLOCKS, owned), the next slot
	 *  to take, and the locks of the slots (slot % TG_BLOCK_LOCKS). */
	struct block_rec *blocks;
	atomic_uint next_block;
	pthread_mutex_t block_locks[TG_BLOCK_LOCKS];
};

static size_t soa_rdata(uint8_t *rd, uint32_t ttl);

/** Module instances made so far (init() at start and at each reload). */
static atomic_uint_fast64_t instances_made;

/** The calling thread's memo and the module instance it belongs to. */
static _Thread_local tg_memo *tls_memo;
static _Thread_local uint64_t tls_memo_of;

#define TG_INC(m, field)                                                       \
	atomic_fetch_add_explicit(&(m)->stats.field, 1, memory_order_relaxed)

TG_EXPORT int init(struct module_env *env, int id);
TG_EXPORT void deinit(struct module_env *env, int id);
TG_EXPORT void operate(struct module_qstate *qstate, enum module_ev event,
		       int id, struct outbound_entry *entry);
TG_EXPORT void inform_super(struct module_qstate *qstate, int id,
			    struct module_qstate *super);
TG_EXPORT void clear(struct module_qstate *qstate, int id);
TG_EXPORT size_t get_mem(struct module_env *env, int id);

static struct tg_mod *mod_get(struct module_env *env, int id)
{
	struct dynlibmod_env *de = env->modinfo[id];

	return de ? (struct tg_mod *)de->dyn_env : NULL;
}

static void mod_free(struct tg_mod *m)
{
	if (!m)
		return;
	/* The policy's reload thread uses the events' counters. */
	tg_policy_free(m->policy);
	tg_events_free(m->events);
	tg_conf_free(m->conf);
	for (size_t i = 0; i < m->nmemos; i++)
		tg_memo_free(m->memos[i]);
	pthread_mutex_destroy(&m->memo_lock);
	for (size_t i = 0; i < TG_BLOCK_LOCKS; i++)
		pthread_mutex_destroy(&m->block_locks[i]);
	free(m->blocks);
	free(m);
}

/** The calling worker thread's scorer memo, made on its first use; NULL
 *  (score without) when out of memory or past TG_MAX_MEMOS threads. */
static tg_memo *thread_memo(struct tg_mod *m)
{
	tg_memo *memo = NULL;

	if (tls_memo_of == m->id)
		return tls_memo;
	pthread_mutex_lock(&m->memo_lock);
	if (m->nmemos < TG_MAX_MEMOS && (memo = tg_memo_create()))
		m->memos[m->nmemos++] = memo;
	pthread_mutex_unlock(&m->memo_lock);
	tls_memo = memo;
	tls_memo_of = m->id;
	return memo;
}

/** The policy's log lines go to Unbound's log. */
static void policy_log(int level, const char *line, void *arg)
{
	(void)arg;
	if (level == TG_LOG_ERR)
		log_err("%s", line);
	else if (level == TG_LOG_WARN)
		log_warn("%s", line);
	else
		log_info("%s", line);
}

static int is_cached_block(const struct tg_mod *m, const struct reply_info *rep,
			   uint32_t *serial);

/** Cap on purge batches after one list change (x 1024 entries). */
#define TG_PURGE_ROUNDS 1000

/** Cached messages whose name the new index blocks, to remove. */
struct tg_purge {
	const struct tg_mod *m;
	const tg_index *index;
	size_t n;
	size_t unblocked; /**< of n: blocked answers of ours */
	struct tg_purge_item {
		hashvalue_type hash;
		struct query_info q;
		uint8_t name[LDNS_MAX_DOMAINLEN + 1];
	} items[1024];
};

static void purge_visit(struct lruhash_entry *e, void *arg)
{
	struct tg_purge *pg = arg;
	struct msgreply_entry *k = e->key;
	struct tg_purge_item *it;
	tg_result res;

	if (pg->n >= sizeof(pg->items) / sizeof(pg->items[0]))
		return;
	if (k->key.qname_len > LDNS_MAX_DOMAINLEN + 1 ||
	    tg_score_wire(pg->index, k->key.qname, k->key.qname_len, &res) !=
		TG_OK)
		return;
	/* a blocked answer of ours stays while it is blocked; any other
	 * answer goes when its name is blocked now.  The worker reads an
	 * answer's rrsets under their locks (rrset_array_lock); so does
	 * this, its id checked as there. */
	const struct reply_info *rep = e->data;
	int ours = 0;
	if (rep->rrset_count == 1) {
		struct ub_packed_rrset_key *rk = rep->ref[0].key;
		lock_rw_rdlock(&rk->entry.lock);
		ours = rk->id == rep->ref[0].id &&
		       is_cached_block(pg->m, rep, NULL);
		lock_rw_unlock(&rk->entry.lock);
	}
	if ((res.verdict == TG_VERDICT_BLOCK) == ours)
		return;
	pg->unblocked += ours;
	it = &pg->items[pg->n++];
	it->hash = e->hash;
	it->q = k->key;
	memcpy(it->name, k->key.qname, k->key.qname_len);
	it->q.qname = it->name;
	it->q.local_alias = NULL;
}

/**
 * After a list change, a name that became a lookalike may have an answer
 * in the message cache, which is served without the module, and a blocked
 * answer of ours (cache_block) may be for a name no longer blocked:
 * remove those (the rest of the cache stays).  Runs on the policy's
 * reload thread; the message cache is shared by all workers and locks
 * itself.
 */
static void purge_cache(const tg_index *index, void *arg)
{
	const size_t batch = sizeof(((struct tg_purge *)0)->items) /
			     sizeof(((struct tg_purge *)0)->items[0]);
	struct tg_mod *m = arg;
	struct tg_purge *pg;
	size_t i, total = 0, unblocked = 0, rounds = 0;

	atomic_fetch_add_explicit(&m->gen, 1, memory_order_acq_rel);

	if (!m->env || !m->env->msg_cache)
		return;
	pg = malloc(sizeof(*pg));
	if (!pg)
		return;
	/* Collect a batch under the traversal's read locks, remove it
	 * afterwards (removal takes write locks); repeat while batches come
	 * back full, at most TG_PURGE_ROUNDS times. */
	do {
		pg->m = m;
		pg->index = index;
		pg->n = 0;
		pg->unblocked = 0;
		slabhash_traverse(m->env->msg_cache, 0, purge_visit, pg);
		for (i = 0; i < pg->n; i++)
			slabhash_remove(m->env->msg_cache, pg->items[i].hash,
					&pg->items[i].q);
		total += pg->n - pg->unblocked;
		unblocked += pg->unblocked;
	} while (pg->n == batch && ++rounds < TG_PURGE_ROUNDS);
	free(pg);
	if (total)
		log_info("typoguard: removed %zu cached answers that the new "
			 "lists block",
			 total);
	if (unblocked)
		log_info(
		    "typoguard: removed %zu cached blocked answers that the "
		    "new lists no longer block",
		    unblocked);
}

/**
 * A yes/no option of Unbound's configuration, by name: config_get_option
 * is stable across releases, the layout of struct config_file is not
 * (Debian's 1.17.1 moves `ede` compared with upstream's).  Read at init:
 * `unbound-control set_option` takes effect at the next reload.
 */
static int cfg_yes(struct config_file *cfg, const char *opt)
{
	char *v = NULL;
	int yes = cfg && config_get_option_collate(cfg, opt, &v) == 0 && v &&
		  strcmp(v, "yes") == 0;

	free(v);
	return yes;
}

/** Load configuration, lists and index; log and return NULL on error. */
static struct tg_mod *mod_load(const char *path, struct module_env *env)
{
	struct tg_mod *m;
	tg_error err;
	char msg[2 * TG_NAME_BUF + 64];
	int rc;

	memset(&err, 0, sizeof(err));
	m = calloc(1, sizeof(*m));
	if (!m) {
		log_err("typoguard: out of memory");
		return NULL;
	}
	m->env = env;
	m->ede = cfg_yes(env->cfg, "ede");
	pthread_mutex_init(&m->memo_lock, NULL);
	for (size_t i = 0; i < TG_BLOCK_LOCKS; i++)
		pthread_mutex_init(&m->block_locks[i], NULL);
	m->blocks = calloc(TG_BLOCKS, sizeof(*m->blocks));
	if (!m->blocks) {
		log_err("typoguard: out of memory");
		mod_free(m);
		return NULL;
	}
	/* distinct from the instance before a reload, never 0 (a thread's
	 * memo_of starts at 0; if the library is unloaded at a reload, the
	 * counter and every thread's memo_of start over together) */
	m->id = atomic_fetch_add(&instances_made, 1) + 1;
	rc = tg_conf_load(path, &m->conf, &err);
	if (rc != TG_OK) {
		log_err("typoguard: %s",
			tg_error_format(&err, msg, sizeof(msg)));
		mod_free(m);
		return NULL;
	}
	m->soa_rdlen = soa_rdata(m->soa_rd, m->conf->answer_ttl);
	msg[0] = '\0';
	rc = tg_events_create(m->conf, &m->stats, &m->events, msg, sizeof(msg));
	if (rc != TG_OK) {
		log_err("typoguard: %s: %s", path, msg);
		mod_free(m);
		return NULL;
	}
	if (msg[0]) /* e.g. the event log cannot be opened yet */
		log_warn("typoguard: %s: %s", path, msg);
	rc = tg_policy_create(m->conf, &m->stats, policy_log, purge_cache, m,
			      &m->policy, msg, sizeof(msg));
	if (rc != TG_OK) {
		log_err("typoguard: %s", msg);
		mod_free(m);
		return NULL;
	}
	return m;
}

static int query_response(struct module_qstate *qstate,
			  struct dns_msg *response, int id, void *cb_args);
static int blocks_cached(const tg_conf *conf);
static int reply_cache(struct query_info *qinfo, struct module_qstate *qstate,
		       struct reply_info *rep, int rcode,
		       struct edns_data *edns,
		       struct edns_option **opt_list_out,
		       struct comm_reply *repinfo, struct regional *region,
		       struct timeval *start_time, int id, void *cb_args);

TG_EXPORT int init(struct module_env *env, int id)
{
	struct dynlibmod_env *de;
	const char *path = tg_conf_env_path();
	struct tg_mod *m;

	/* First: no field of env before the daemon is known to match. */
	if (!tg_guard_check())
		return 0;
	de = env->modinfo[id];
	m = mod_load(path, env);
	if (!m) {
		log_err("typoguard: not started: no valid policy in %s "
			"(set TYPOGUARD_CONF or fix the file; "
			"`typoguard check-conf %s` shows the problem)",
			path, path);
		return 0;
	}
	/* Keeps lookalike data of upstream responses (CNAME chases,
	 * NS-target subqueries) out of the caches; runs before any store. */
	if (!de->inplace_cb_register_wrapped((void *)&query_response,
					     inplace_cb_query_response, m, env,
					     id)) {
		log_err("typoguard: cannot register the response callback");
		mod_free(m);
		return 0;
	}
	m->cb_registered = 1;
	/* Blocked answers served from the message cache (cache_block) */
	if (blocks_cached(m->conf)) {
		if (!de->inplace_cb_register_wrapped((void *)&reply_cache,
						     inplace_cb_reply_cache, m,
						     env, id)) {
			log_err("typoguard: cannot register the reply-cache "
				"callback");
			de->inplace_cb_delete_wrapped(
			    env, inplace_cb_query_response, id);
			mod_free(m);
			return 0;
		}
		m->cache_cb_registered = 1;
	}
	de->dyn_env = m;
	/* A client outside `clients:` must not share a mesh state (and so
	 * an answer) with one inside: give every client query its own. */
	if (m->conf->n_clients > 0)
		env->unique_mesh = 1;
	log_info("typoguard: %s loaded: %lu protected names%s, %zu bytes, "
		 "action %s, block-threshold %d, log-threshold %d, "
		 "reload-interval %u",
		 path, atomic_load(&m->stats.list_entries),
		 tg_policy_from_snapshot(m->policy) ? " (last-good snapshot)"
						    : "",
		 tg_policy_memory(m->policy), tg_action_name(m->conf->action),
		 m->conf->block_threshold, m->conf->log_threshold,
		 m->conf->reload_interval);
	return 1;
}

TG_EXPORT void deinit(struct module_env *env, int id)
{
	struct dynlibmod_env *de;
	struct tg_mod *m;
	unsigned long blocked = 0;
	size_t i;

	if (!tg_guard_passed() || !(de = env->modinfo[id]))
		return;
	m = de->dyn_env;
	if (m) {
		if (m->cb_registered)
			de->inplace_cb_delete_wrapped(
			    env, inplace_cb_query_response, id);
		if (m->cache_cb_registered)
			de->inplace_cb_delete_wrapped(
			    env, inplace_cb_reply_cache, id);
		for (i = 0; i < TG_ACTION_COUNT; i++)
			blocked += atomic_load(&m->stats.blocked[i]);
		log_info("typoguard: stopping: %lu queries, %lu scored, "
			 "%lu blocked, %lu logged, %lu out of scope, "
			 "%lu allowlisted, %lu events written, %lu dropped",
			 atomic_load(&m->stats.queries),
			 atomic_load(&m->stats.scored), blocked,
			 atomic_load(&m->stats.logged),
			 atomic_load(&m->stats.out_of_scope),
			 atomic_load(&m->stats.allowlisted),
			 atomic_load(&m->stats.events_written),
			 atomic_load(&m->stats.events_dropped));
	}
	mod_free(m);
	de->dyn_env = NULL;
}

/** The client of a query: family and raw address; 0 if none (internal). */
static int client_of(struct module_qstate *qstate, struct sockaddr_storage **ss,
		     socklen_t *len)
{
	struct mesh_reply *r;

	if (!qstate->mesh_info || !(r = qstate->mesh_info->reply_list))
		return 0;
	*ss = &r->query_reply.client_addr;
	*len = r->query_reply.client_addrlen;
	return 1;
}

static int addr_in_scope(const tg_conf *conf, struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		return tg_conf_client_in_scope(conf, AF_INET,
					       (uint8_t *)&in->sin_addr);
	}
	if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		return tg_conf_client_in_scope(conf, AF_INET6,
					       (uint8_t *)&in6->sin6_addr);
	}
	return conf->n_clients == 0;
}

/** strlcpy: \p src into \p dst of \p cap (> 0) bytes, cut and always
 *  NUL-terminated (snprintf "%s" without the format machinery). */
static void copy_str(char *dst, const char *src, size_t cap)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/** The client address as addr_to_str() writes it; IPv4 without
 *  inet_ntop()'s sprintf (the same text). */
static void client_text(struct sockaddr_storage *ss, socklen_t len, char *buf,
			size_t cap)
{
	const uint8_t *a;
	char *p = buf;
	int i;

	if (ss->ss_family != AF_INET || cap < 16) {
		addr_to_str(ss, len, buf, cap);
		return;
	}
	a = (const uint8_t *)&((struct sockaddr_in *)ss)->sin_addr;
	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

/**
 * Make a one-RR rrset in \p region.  \p rdata is the RDATA without its
 * length; TTLs are relative (the mesh encodes region messages with now=0).
 */
static struct ub_packed_rrset_key *
make_rrset(struct regional *region, const uint8_t *owner, size_t ownerlen,
	   uint16_t type, uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	/* one allocation: key, data with its one-entry arrays, the RR, the
	 * owner (regional memory is 8-aligned; the parts are rounded) */
	const size_t ks = (sizeof(struct ub_packed_rrset_key) + 7) & ~(size_t)7;
	const size_t ds = (sizeof(struct packed_rrset_data) + sizeof(size_t) +
			   sizeof(uint8_t *) + sizeof(time_t) + 7) &
			  ~(size_t)7;
	uint8_t *mem = regional_alloc(region, ks + ds + rdlen + 2 + ownerlen);
	struct ub_packed_rrset_key *k;
	struct packed_rrset_data *d;
	uint8_t *rr;

	if (!mem)
		return NULL;
	memset(mem, 0, ks + ds);
	k = (struct ub_packed_rrset_key *)(void *)mem;
	d = (struct packed_rrset_data *)(void *)(mem + ks);
	rr = mem + ks + ds;
	k->rk.dname = rr + rdlen + 2;
	memcpy(k->rk.dname, owner, ownerlen);
	k->rk.dname_len = ownerlen;
	k->rk.type = htons(type);
	k->rk.rrset_class = htons(LDNS_RR_CLASS_IN);
	k->entry.key = k;
	k->entry.data = d;
	/* the rrset cache's bin: a blocked answer's SOA is stored there */
	k->entry.hash = rrset_key_hash(&k->rk);
	d->ttl = ttl;
	d->count = 1;
	d->trust = rrset_trust_prim_noglue;
	d->security = sec_status_insecure;
	d->rr_len = (size_t *)((uint8_t *)d + sizeof(*d));
	d->rr_data = (uint8_t **)(d->rr_len + 1);
	d->rr_ttl = (time_t *)(d->rr_data + 1);
	rr[0] = (uint8_t)(rdlen >> 8);
	rr[1] = (uint8_t)rdlen;
	memcpy(rr + 2, rdata, rdlen);
	d->rr_len[0] = rdlen + 2;
	d->rr_data[0] = rr;
	d->rr_ttl[0] = ttl;
	return k;
}

/** The RDATA of the synthetic SOA of negative answers, made once (at
 *  load) for the configured answer-ttl; returns its length. */
static size_t soa_rdata(uint8_t *rd, uint32_t ttl)
{
	static const uint8_t names[] = "\x09typoguard\x07invalid\x00"
				       "\x0ahostmaster\x09typoguard\x07invalid";
	const uint32_t v[5] = {1, 3600, 600, 86400, ttl};
	size_t n = sizeof(names), i;

	memcpy(rd, names, n); /* the string's own NUL ends rname */
	for (i = 0; i < 5; i++) {
		rd[n++] = (uint8_t)(v[i] >> 24);
		rd[n++] = (uint8_t)(v[i] >> 16);
		rd[n++] = (uint8_t)(v[i] >> 8);
		rd[n++] = (uint8_t)v[i];
	}
	return n;
}

/** The synthetic SOA (owner: the query name) for negative answers. */
static struct ub_packed_rrset_key *soa_rrset(struct module_qstate *qstate,
					     const struct tg_mod *m)
{
	return make_rrset(qstate->region, qstate->qinfo.qname,
			  qstate->qinfo.qname_len, LDNS_RR_TYPE_SOA,
			  m->conf->answer_ttl, m->soa_rd, m->soa_rdlen);
}

/** The sinkhole answer rrset for this query type, NULL if none is set. */
static struct ub_packed_rrset_key *sinkhole_rrset(struct module_qstate *qstate,
						  const tg_conf *conf)
{
	uint16_t t = qstate->qinfo.qtype;
	uint8_t rd[2 + LDNS_MAX_DOMAINLEN];
	size_t n;

	if (t == LDNS_RR_TYPE_A && conf->has_sinkhole_a)
		return make_rrset(qstate->region, qstate->qinfo.qname,
				  qstate->qinfo.qname_len, t, conf->answer_ttl,
				  conf->sinkhole_a, 4);
	if (t == LDNS_RR_TYPE_AAAA && conf->has_sinkhole_aaaa)
		return make_rrset(qstate->region, qstate->qinfo.qname,
				  qstate->qinfo.qname_len, t, conf->answer_ttl,
				  conf->sinkhole_aaaa, 16);
	if (t == LDNS_RR_TYPE_MX && conf->sinkhole_mx[0]) {
		n = sizeof(rd) - 2;
		rd[0] = 0;
		rd[1] = 10; /* preference */
		if (sldns_str2wire_dname_buf(conf->sinkhole_mx, rd + 2, &n) !=
		    0)
			return NULL;
		return make_rrset(qstate->region, qstate->qinfo.qname,
				  qstate->qinfo.qname_len, t, conf->answer_ttl,
				  rd, n + 2);
	}
	return NULL;
}

/** Append the EDE of a policy answer (\p code, ede-text or "typoguard:
 *  lookalike of NAME" for \p protected_name) to \p list, allocated in
 *  \p region. */
static void append_ede_code(const struct tg_mod *m, const char *protected_name,
			    sldns_ede_code code, struct edns_option **list,
			    struct regional *region)
{
	static const char pre[] = "typoguard: lookalike of ";
	char text[TG_NAME_BUF + 64];
	const char *t = m->conf->ede_text;

	if (!t[0]) {
		memcpy(text, pre, sizeof(pre) - 1);
		copy_str(text + sizeof(pre) - 1, protected_name, TG_NAME_BUF);
		t = text;
	}
	edns_opt_list_append_ede(list, region, code, (char *)t);
}

/**
 * Answer \p qstate according to the configured action.  Returns 1 when the
 * query is finished here, 0 when it must continue (log-only).
 */
static int answer_policy(struct module_qstate *qstate, const struct tg_mod *m,
			 const tg_result *res)
{
	const tg_conf *conf = m->conf;
	struct ub_packed_rrset_key *ans = NULL, *soa;
	struct dns_msg *msg;
	sldns_ede_code ede = LDNS_EDE_BLOCKED;
	int rcode = LDNS_RCODE_NXDOMAIN;

	switch (conf->action) {
	case TG_ACTION_LOG_ONLY:
	case TG_ACTION_COUNT: /* not an action */
		return 0;
	case TG_ACTION_REFUSE:
		qstate->return_rcode = LDNS_RCODE_REFUSED;
		qstate->return_msg = NULL;
		break;
	case TG_ACTION_SINKHOLE:
		ans = sinkhole_rrset(qstate, conf);
		ede = LDNS_EDE_FORGED_ANSWER;
		rcode = LDNS_RCODE_NOERROR;
		break;
	case TG_ACTION_NODATA:
		rcode = LDNS_RCODE_NOERROR;
		break;
	case TG_ACTION_NXDOMAIN:
		break;
	}
	if (conf->action != TG_ACTION_REFUSE) {
		msg =
		    dns_msg_create(qstate->qinfo.qname, qstate->qinfo.qname_len,
				   qstate->qinfo.qtype, qstate->qinfo.qclass,
				   qstate->region, 2);
		soa = ans ? NULL : soa_rrset(qstate, m);
		if (!msg || (!ans && !soa)) {
			log_err("typoguard: out of memory answering a "
				"blocked query");
			qstate->return_rcode = LDNS_RCODE_SERVFAIL;
			qstate->return_msg = NULL;
			return 1;
		}
		msg->rep->flags = (uint16_t)(BIT_QR | BIT_RA | rcode);
		msg->rep->qdcount = 1;
		msg->rep->ttl = conf->answer_ttl;
		msg->rep->prefetch_ttl = PREFETCH_TTL_CALC(conf->answer_ttl);
		msg->rep->serve_expired_ttl = conf->answer_ttl;
		/* Left unchecked, the validator turns this into SERVFAIL. */
		msg->rep->security = sec_status_insecure;
		if (ans) {
			msg->rep->rrsets[msg->rep->rrset_count++] = ans;
			msg->rep->an_numrrsets = 1;
		} else {
			msg->rep->rrsets[msg->rep->rrset_count++] = soa;
			msg->rep->ns_numrrsets = 1;
		}
		qstate->return_msg = msg;
		qstate->return_rcode = LDNS_RCODE_NOERROR;
	}
	if (m->ede)
		append_ede_code(m, res->protected_name, ede,
				&qstate->edns_opts_front_out, qstate->region);
	return 1;
}

/** FNV-1a of the lowercased wire name \p d (\p len bytes); never 0. */
static uint64_t name_hash(const uint8_t *d, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = d[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return h | 1u;
}

/**
 * Should this decision get a line in Unbound's log?  Once per client
 * address, name, type and decision (as the event log aggregates) and
 * event-interval: a mail server retrying a blocked name every second, or
 * a flood, must not turn the resolver's log (and its worker threads'
 * time) into a stream of identical lines.  The counters and the event
 * log count every one.
 */
static int log_wanted(struct tg_mod *m, const tg_event *ev)
{
	uint64_t h = name_hash(ev->qwire, ev->qwire_len);
	const unsigned char *p;

	for (p = (const unsigned char *)ev->client; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ ev->qtype) * 0x100000001b3ULL;
	h = (h ^ (unsigned)ev->decision) * 0x100000001b3ULL;
	h ^= h >> 32;
	_Atomic uint64_t *slot = &m->logseen[h & (TG_LOGSEEN - 1)];
	uint64_t tag = (h >> 32) | 1u;
	uint32_t now = (uint32_t)ev->when.tv_sec;
	uint64_t v = atomic_load_explicit(slot, memory_order_relaxed);
	if ((v >> 32) == tag && now - (uint32_t)v < m->conf->event_interval)
		return 0;
	atomic_store_explicit(slot, tag << 32 | now, memory_order_relaxed);
	return 1;
}

/** What a decision's event, log line and EDE need of a match: a
 *  tg_result's, or a cached block's record (the strings are borrowed). */
struct match {
	int score;
	unsigned classes;
	const char *protected_name;
	const char *source; /**< NULL: none */
	unsigned long source_line;
	unsigned held; /**< TG_HELD_*: why a logged match did not block */
};

static struct match match_of(const tg_result *res)
{
	struct match mt = {res->score,	res->classes,	  res->protected_name,
			   res->source, res->source_line, res->held};

	return mt;
}

/** Count, log one concise line and queue one event for a decision on
 *  query \p qi of client \p ss (NULL: internal). */
static void decide_for(struct tg_mod *m, const struct query_info *qi,
		       struct sockaddr_storage *ss, socklen_t sslen,
		       const struct match *mt, tg_decision decision,
		       const char *via)
{
	tg_event ev;
	char classes[256], held[256], type[16], qname[TG_NAME_BUF];
	unsigned bit;
	size_t i;

	if (decision == TG_DECISION_BLOCK)
		TG_INC(m, blocked[m->conf->action]);
	else
		TG_INC(m, logged);
	if (via)
		TG_INC(m, response_side);
	for (i = 0, bit = 1; i < TG_C_COUNT; i++, bit <<= 1)
		if (mt->classes & bit)
			TG_INC(m, by_class[i]);

	/* Every field the writer reads is set; no memset of the ~1.4 KB:
	 * the strings end at their NUL, and the query name stays in wire
	 * form for the writer thread to format. */
	clock_gettime(CLOCK_REALTIME, &ev.when);
	ev.client_port = 0;
	strcpy(ev.client, "internal");
	if (ss) {
		client_text(ss, sslen, ev.client, sizeof(ev.client));
		if (ss->ss_family == AF_INET)
			ev.client_port =
			    ntohs(((struct sockaddr_in *)ss)->sin_port);
		else if (ss->ss_family == AF_INET6)
			ev.client_port =
			    ntohs(((struct sockaddr_in6 *)ss)->sin6_port);
	}
	ev.qname[0] = '\0';
	ev.qwire_len =
	    (uint16_t)(qi->qname_len < sizeof(ev.qwire) ? qi->qname_len
							: sizeof(ev.qwire));
	memcpy(ev.qwire, qi->qname, ev.qwire_len);
	ev.qtype = qi->qtype;
	ev.decision = decision;
	ev.action = m->conf->action;
	ev.score = mt->score;
	ev.classes = mt->classes;
	copy_str(ev.protected_name, mt->protected_name,
		 sizeof(ev.protected_name));
	copy_str(ev.source, mt->source ? mt->source : "", sizeof(ev.source));
	ev.source_line = mt->source_line;
	ev.via[0] = '\0';
	if (via)
		copy_str(ev.via, via, sizeof(ev.via));
	tg_events_submit(m->events, &ev);

	if (!log_wanted(m, &ev))
		return;
	tg_name_format(qi->qname, qi->qname_len, qname, sizeof(qname));
	tg_classes_format(mt->classes, ",", classes, sizeof(classes));
	/* why a logged match whose class would block did not: the rules'
	 * names (typoguard explain gives the prose) */
	held[0] = '\0';
	if (mt->held) {
		strcpy(held, " held ");
		tg_held_format(mt->held, ",", held + 6, sizeof(held) - 6);
	}
	sldns_wire2str_type_buf(qi->qtype, type, sizeof(type));
	log_info("typoguard: %s %s %s from %s: %s%slookalike of %s score %d "
		 "(%s) action %s%s",
		 decision == TG_DECISION_BLOCK ? "blocked" : "logged", qname,
		 type, ev.client, via ? via : "", via ? " is a " : "",
		 mt->protected_name, mt->score, classes,
		 decision == TG_DECISION_BLOCK ? tg_action_name(m->conf->action)
					       : "log-only",
		 held);
}

/** decide_for() for the query and client of \p qstate. */
static void decide(struct module_qstate *qstate, struct tg_mod *m,
		   const tg_result *res, tg_decision decision, const char *via)
{
	struct sockaddr_storage *ss;
	socklen_t sslen;
	struct match mt = match_of(res);

	if (!client_of(qstate, &ss, &sslen)) {
		ss = NULL;
		sslen = 0;
	}
	decide_for(m, &qstate->qinfo, ss, sslen, &mt, decision, via);
}

/** Do blocked answers go to Unbound's message cache?  For nxdomain and
 *  nodata, when every client is in scope (see the top of this file). */
static int blocks_cached(const tg_conf *conf)
{
	return (conf->action == TG_ACTION_NXDOMAIN ||
		conf->action == TG_ACTION_NODATA) &&
	       conf->n_clients == 0;
}

/** The SOA serial's place in our SOA's RDATA. */
static size_t soa_serial_at(const struct tg_mod *m)
{
	return m->soa_rdlen - 20;
}

/** Keep \p res as the match of slot \p slot for the name of hash \p h
 *  under generation \p gen; with \p renew, only if the slot still
 *  belongs to that name (the test and the write under one lock).  A
 *  string that does not fit is not kept (the name is then scored again on
 *  each repeat). */
static void block_put(struct tg_mod *m, unsigned slot, uint64_t h, unsigned gen,
		      const tg_result *res, int renew)
{
	struct block_rec *r = &m->blocks[slot];
	const char *src = res->source ? res->source : "";
	size_t lp = strlen(res->protected_name), ls = strlen(src);
	pthread_mutex_t *lk = &m->block_locks[slot % TG_BLOCK_LOCKS];

	pthread_mutex_lock(lk);
	if (renew && r->name_hash != h) {
		/* taken by a later block: its record stays */
	} else if (lp < sizeof(r->protected_name) && ls < sizeof(r->source)) {
		r->name_hash = h;
		r->gen = gen;
		r->score = res->score;
		r->classes = res->classes;
		r->source_line = res->source_line;
		memcpy(r->protected_name, res->protected_name, lp + 1);
		memcpy(r->source, src, ls + 1);
	} else {
		r->name_hash = 0;
	}
	pthread_mutex_unlock(lk);
}

/** A copy of slot \p slot in \p out if it holds the match of the name of
 *  hash \p h under generation \p gen; 0 if not. */
static int block_get(struct tg_mod *m, unsigned slot, uint64_t h, unsigned gen,
		     struct block_rec *out)
{
	struct block_rec *r = &m->blocks[slot];
	pthread_mutex_t *lk = &m->block_locks[slot % TG_BLOCK_LOCKS];
	int ok;

	pthread_mutex_lock(lk);
	ok = r->name_hash == h && r->gen == gen;
	if (ok)
		*out = *r;
	pthread_mutex_unlock(lk);
	return ok;
}

/**
 * Store a blocked answer (query side, nxdomain or nodata) in the message
 * cache for answer-ttl: repeats of the query are then served by the worker
 * (reply_cache() gives each its EDE, event and count).  Its SOA, owned by the
 * query name, goes to the rrset cache with the highest trust, so that no other
 * data can take its place under the message: lookalike data of that name
 * is never stored (see above), and no lookup of Unbound's reads a SOA from
 * the rrset cache for another query.  Prefetch would resolve the name
 * without a client, so the entry asks for none before it expires.  The
 * match \p res, made under generation \p gen (read before the index),
 * is kept in a slot of the ring of block records, whose number + 1
 * becomes the SOA's serial (1 in blocks that are not cached).
 */
static void cache_block(struct module_qstate *qstate, struct tg_mod *m,
			const tg_result *res, unsigned gen)
{
	struct reply_info *rep;
	struct packed_rrset_data *d;
	unsigned slot;
	uint32_t serial;
	uint8_t *p;

	if (!blocks_cached(m->conf) || !qstate->return_msg ||
	    !(rep = qstate->return_msg->rep) || rep->rrset_count != 1)
		return;
	d = rep->rrsets[0]->entry.data;
	if (rep->rrsets[0]->rk.type == htons(LDNS_RR_TYPE_SOA) &&
	    d->count == 1 && d->rr_len[0] == m->soa_rdlen + 2) {
		slot = atomic_fetch_add_explicit(&m->next_block, 1,
						 memory_order_relaxed) &
		       (TG_BLOCKS - 1);
		block_put(
		    m, slot,
		    name_hash(qstate->qinfo.qname, qstate->qinfo.qname_len),
		    gen, res, 0);
		serial = slot + 1;
		p = d->rr_data[0] + 2 + soa_serial_at(m);
		p[0] = (uint8_t)(serial >> 24);
		p[1] = (uint8_t)(serial >> 16);
		p[2] = (uint8_t)(serial >> 8);
		p[3] = (uint8_t)serial;
	}
	d->trust = rrset_trust_ultimate;
	rep->prefetch_ttl = rep->ttl;
	/* out of memory: the answer still goes out, uncached */
	(void)dns_cache_store(qstate->env, &qstate->qinfo, rep, 0, 0, 0, NULL,
			      qstate->query_flags, qstate->qstarttime);
}

/** Is \p rep a blocked answer of ours (cache_block())?  One SOA in
 *  the authority section with the synthetic RDATA but for its serial,
 *  which goes to *\p serial if \p serial is not NULL; every other
 *  cached answer fails in the first tests. */
static int is_cached_block(const struct tg_mod *m, const struct reply_info *rep,
			   uint32_t *serial)
{
	const struct packed_rrset_data *d;
	const uint8_t *rd;
	size_t at = soa_serial_at(m);

	if (rep->rrset_count != 1 || rep->ns_numrrsets != 1 ||
	    rep->rrsets[0]->rk.type != htons(LDNS_RR_TYPE_SOA))
		return 0;
	d = rep->rrsets[0]->entry.data;
	if (d->count != 1 || d->rr_len[0] != m->soa_rdlen + 2)
		return 0;
	rd = d->rr_data[0] + 2;
	if (memcmp(rd, m->soa_rd, at) != 0 ||
	    memcmp(rd + at + 4, m->soa_rd + at + 4, 16) != 0)
		return 0;
	if (serial)
		*serial = (uint32_t)rd[at] << 24 | (uint32_t)rd[at + 1] << 16 |
			  (uint32_t)rd[at + 2] << 8 | rd[at + 3];
	return 1;
}

/**
 * inplace_cb_reply_cache: every answer the worker serves from the message
 * cache passes here first (what it returns is ignored).  A blocked answer
 * of ours is counted, logged and queued as an event like a block made in
 * operate(), and gets its EDE.  The match comes from the answer's block
 * record; when that is gone (the ring came round, the lists changed), the
 * name is scored again, and after a list change its record is made anew.
 */
static int reply_cache(struct query_info *qinfo, struct module_qstate *qstate,
		       struct reply_info *rep, int rcode,
		       struct edns_data *edns,
		       struct edns_option **opt_list_out,
		       struct comm_reply *repinfo, struct regional *region,
		       struct timeval *start_time, int id, void *cb_args)
{
	struct tg_mod *m = cb_args;
	const tg_index *ix = NULL;
	tg_result res;
	struct block_rec rec;
	struct match mt;
	unsigned tok = 0, gen;
	int blocked;
	uint32_t serial, slot;
	uint64_t h;

	(void)qstate;
	(void)rcode;
	(void)edns;
	(void)start_time;
	(void)id;
	if (!rep || !repinfo || !is_cached_block(m, rep, &serial))
		return 1;
	TG_INC(m, queries);
	h = name_hash(qinfo->qname, qinfo->qname_len);
	gen = atomic_load_explicit(&m->gen, memory_order_acquire);
	slot = serial - 1; /* serial 0 (not ours) wraps past TG_BLOCKS */
	if (slot < TG_BLOCKS && block_get(m, slot, h, gen, &rec)) {
		mt.score = rec.score;
		mt.classes = rec.classes;
		mt.protected_name = rec.protected_name;
		mt.source = rec.source[0] ? rec.source : NULL;
		mt.source_line = rec.source_line;
		mt.held = 0; /* a block */
		blocked = 1;
	} else {
		/* mt's strings point into res and the index: held until the
		 * end */
		ix = tg_policy_acquire(m->policy, &tok);
		if (tg_score_wire_memo(ix, thread_memo(m), qinfo->qname,
				       qinfo->qname_len, &res) != TG_OK) {
			tg_policy_release(m->policy, tok);
			return 1;
		}
		mt = match_of(&res);
		/* a list change the purge has not reached yet: still the
		 * block it was, without a match to report */
		blocked = res.verdict == TG_VERDICT_BLOCK;
		/* this answer's record, of older lists: made anew */
		if (blocked && slot < TG_BLOCKS)
			block_put(m, slot, h, gen, &res, 1);
	}
	if (blocked) {
		TG_INC(m, scored);
		decide_for(m, qinfo, &repinfo->client_addr,
			   repinfo->client_addrlen, &mt, TG_DECISION_BLOCK,
			   NULL);
	}
	if (m->ede)
		append_ede_code(m, mt.protected_name, LDNS_EDE_BLOCKED,
				opt_list_out, region);
	if (ix)
		tg_policy_release(m->policy, tok);
	return 1;
}

/** Is the query's client and type in scope?  0 for internal queries. */
static int in_scope(struct module_qstate *qstate, const struct tg_mod *m)
{
	struct sockaddr_storage *ss;
	socklen_t sslen;

	return client_of(qstate, &ss, &sslen) &&
	       tg_conf_qtype_in_scope(m->conf, qstate->qinfo.qtype) &&
	       addr_in_scope(m->conf, ss);
}

/** minfo[id] of a query whose name itself scored log or block (an even
 *  address). */
#define TG_DECIDED ((void *)&decided_marker)
static const int decided_marker;

/** minfo[id] of a client query whose name passed under generation \p g
 *  of the lists (odd, so never TG_DECIDED): its answer's owner names
 *  equal to it need no second scoring while the generation holds. */
#define TG_PASSED(g) ((void *)(((uintptr_t)(g) << 2) | 1u))
/** As TG_PASSED, for a query name that is protected (or under a
 *  protected name): the chain its answer follows is the protected
 *  organisation's own choice and is never blocked for where it leads. */
#define TG_TRUSTED(g) ((void *)(((uintptr_t)(g) << 2) | 3u))

/** The query name if it passed under the lists in force, else NULL;
 *  *\p trusted is set when it is protected. */
static uint8_t *passed_name(struct module_qstate *qstate, struct tg_mod *m,
			    int id, int *trusted)
{
	unsigned g = atomic_load_explicit(&m->gen, memory_order_acquire);

	*trusted = qstate->minfo[id] == TG_TRUSTED(g);
	return qstate->minfo[id] == TG_PASSED(g) || *trusted
		   ? qstate->qinfo.qname
		   : NULL;
}

/**
 * The index in force, acquired when a name is first scored and held until
 * hold_release(): a result's source points into it.  Internal
 * subqueries, and answers whose only owner is the query name that
 * passed, need no index at all.
 */
struct tg_hold {
	struct tg_mod *m;
	const tg_index *index; /**< NULL until acquired */
	unsigned tok;
};

static const tg_index *hold_index(struct tg_hold *h)
{
	if (!h->index)
		h->index = tg_policy_acquire(h->m->policy, &h->tok);
	return h->index;
}

static void hold_release(struct tg_hold *h)
{
	if (h->index)
		tg_policy_release(h->m->policy, h->tok);
	h->index = NULL;
}

/** Policy decision for a new query; 1 if it was answered here. */
static int decide_query(struct module_qstate *qstate, struct tg_hold *h,
			unsigned gen, int id)
{
	struct tg_mod *m = h->m;
	struct sockaddr_storage *ss;
	socklen_t sslen;
	tg_result res;

	TG_INC(m, queries);
	/* Internal subqueries (NS targets, DS, priming) have no client:
	 * rewriting them breaks their parent query.  The response callback
	 * keeps their lookalike data out of the cache instead. */
	if (!client_of(qstate, &ss, &sslen))
		return 0;
	if (qstate->qinfo.qclass != LDNS_RR_CLASS_IN)
		return 0;
	if (tg_score_wire_memo(hold_index(h), thread_memo(m),
			       qstate->qinfo.qname, qstate->qinfo.qname_len,
			       &res) != TG_OK)
		return 0;
	TG_INC(m, scored);
	if (res.allowlisted)
		TG_INC(m, allowlisted);
	if (res.verdict == TG_VERDICT_PASS) {
		TG_INC(m, passed);
		qstate->minfo[id] =
		    res.is_protected ? TG_TRUSTED(gen) : TG_PASSED(gen);
		return 0;
	}
	/* Decided on the query name: the answer needs no second look. */
	qstate->minfo[id] = TG_DECIDED;
	if (res.verdict == TG_VERDICT_BLOCK) {
		/* Lookalike data must never reach the shared cache, whoever
		 * asked: the cache answers later clients without us. */
		qstate->no_cache_store = 1;
	}
	if (!in_scope(qstate, m)) {
		TG_INC(m, out_of_scope);
		TG_INC(m, passed);
		return 0;
	}
	if (res.verdict == TG_VERDICT_LOG ||
	    m->conf->action == TG_ACTION_LOG_ONLY) {
		decide(qstate, m, &res, TG_DECISION_LOG, NULL);
		return 0;
	}
	decide(qstate, m, &res, TG_DECISION_BLOCK, NULL);
	if (!answer_policy(qstate, m, &res))
		return 0;
	cache_block(qstate, m, &res, gen);
	return 1;
}

/** decide_query() with the index, once acquired, held for its
 *  duration. */
static int apply_policy(struct module_qstate *qstate, struct tg_mod *m, int id)
{
	struct tg_hold h = {m, NULL, 0};
	/* the generation before the index: never newer than the index */
	unsigned gen = atomic_load_explicit(&m->gen, memory_order_acquire);
	int done = decide_query(qstate, &h, gen, id);

	hold_release(&h);
	return done;
}

/** Is \p d (\p len bytes) the query name \p passed (\p plen bytes)?
 *  Answers nearly always repeat the query's bytes: memcmp first. */
static int is_passed(const uint8_t *d, size_t len, const uint8_t *passed,
		     size_t plen)
{
	return passed && len == plen &&
	       (memcmp(d, passed, len) == 0 ||
		query_dname_compare((uint8_t *)d, (uint8_t *)passed) == 0);
}

/** Score \p d (\p len bytes, uncompressed) into \p res; 1 if it blocks. */
static int name_blocks(struct tg_hold *h, const uint8_t *d, size_t len,
		       tg_result *res)
{
	return tg_score_wire_memo(hold_index(h), thread_memo(h->m), d, len,
				  res) == TG_OK &&
	       res->verdict == TG_VERDICT_BLOCK;
}

/** Most names of one answer known to be on a chain that started at a
 *  protected name (a CNAME chain is at most 11 links in Unbound). */
#define TG_MAX_TRUSTED 16

/**
 * What an answer leads to.  The rrsets are read in order, so that a chain
 * is followed from the query name: an rrset whose owner is the query name
 * that passed, a protected name, or a target of a trusted rrset is
 * trusted, and so are its CNAME, DNAME and MX targets.
 */
struct tg_scan {
	struct tg_hold *h;
	const uint8_t *passed; /**< the query name that passed, or NULL */
	size_t plen;
	const uint8_t *trusted[TG_MAX_TRUSTED]; /**< names, uncompressed */
	size_t ntrusted;
	/** 1: a lookalike that no trusted chain leads to (res, via) */
	int found;
	/** 1: a lookalike on a trusted chain (trusted_res): never cached,
	 *  never blocked for */
	int found_trusted;
	tg_result res, trusted_res;
	const uint8_t *via;	    /**< the lookalike of res (rrset data) */
	const uint8_t *trusted_via; /**< the one of trusted_res */
};

static int scan_is_trusted(const struct tg_scan *sc, const uint8_t *d)
{
	size_t i;

	for (i = 0; i < sc->ntrusted; i++)
		if (query_dname_compare((uint8_t *)sc->trusted[i],
					(uint8_t *)d) == 0)
			return 1;
	return 0;
}

static void scan_trust(struct tg_scan *sc, const uint8_t *d)
{
	if (sc->ntrusted < TG_MAX_TRUSTED)
		sc->trusted[sc->ntrusted++] = d;
}

/** Judge one name \p d of the answer; 1 when the scan can stop (an
 *  untrusted lookalike).  A protected name becomes trusted. */
static int scan_name(struct tg_scan *sc, const uint8_t *d, size_t len,
		     int trusted)
{
	tg_result *r = trusted ? &sc->trusted_res : &sc->res;

	if (!name_blocks(sc->h, d, len, r)) {
		if (r->is_protected && !trusted)
			scan_trust(sc, d);
		return 0;
	}
	if (trusted) {
		sc->found_trusted = 1;
		sc->trusted_via = d;
		return 0;
	}
	sc->found = 1;
	sc->via = d;
	return 1;
}

/**
 * Score the names an rrset leads to: its owner (unless it is the query
 * name that passed) and, for CNAME, DNAME and MX, its targets.  Returns 1
 * at the first lookalike that no trusted chain leads to.
 */
static int scan_rrset(struct tg_scan *sc, struct ub_packed_rrset_key *k)
{
	struct packed_rrset_data *d = k->entry.data;
	uint16_t t = ntohs(k->rk.type);
	const uint8_t *o = k->rk.dname;
	size_t i, off;
	int trusted;

	if (is_passed(o, k->rk.dname_len, sc->passed, sc->plen)) {
		trusted = sc->ntrusted > 0 && sc->trusted[0] == sc->passed;
	} else if (scan_is_trusted(sc, o)) {
		trusted = 1; /* judged already, as a trusted target */
	} else {
		if (scan_name(sc, o, k->rk.dname_len, 0))
			return 1;
		trusted = scan_is_trusted(sc, o); /* a protected owner */
	}
	if (t == LDNS_RR_TYPE_CNAME || t == LDNS_RR_TYPE_DNAME)
		off = 2;
	else if (t == LDNS_RR_TYPE_MX)
		off = 4;
	else
		return 0;
	for (i = 0; d && i < d->count; i++) {
		uint8_t *rd = d->rr_data[i];
		size_t len = d->rr_len[i];

		if (len <= off)
			continue;
		/* Packed rdata dnames are uncompressed; check the length. */
		if (dname_valid(rd + off, len - off) == 0)
			continue;
		if (trusted)
			scan_trust(sc, rd + off);
		if (scan_name(sc, rd + off, len - off, trusted))
			return 1;
	}
	return 0;
}

/** memcmp(a, b, len) == 0, eight bytes a step (the last step overlaps the
 *  one before): an owner name and the query name are a few dozen bytes. */
static inline int same_bytes(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint64_t x, y, d = 0;
	size_t i;

	if (a == b)
		return 1;
	if (len < 8)
		return memcmp(a, b, len) == 0;
	for (i = 0; i + 8 < len; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d |= x ^ y;
	}
	memcpy(&x, a + len - 8, 8);
	memcpy(&y, b + len - 8, 8);
	return (d | (x ^ y)) == 0;
}

/** 1 when scan_rrset() would do nothing for any of the first \p n
 *  rrsets of \p rep: each is owned by the query name that passed (the
 *  same bytes: other spellings take the full scan) and is no CNAME, DNAME
 *  or MX.  The usual answer to a name that passed; no name is scored and
 *  none becomes trusted. */
static inline int reply_inert(const uint8_t *passed, size_t plen,
			      struct reply_info *rep, size_t n)
{
	size_t i;

	if (!passed)
		return 0;
	for (i = 0; rep && i < n && i < rep->rrset_count; i++) {
		const struct ub_packed_rrset_key *k = rep->rrsets[i];
		uint16_t t = ntohs(k->rk.type);

		if (t == LDNS_RR_TYPE_CNAME || t == LDNS_RR_TYPE_DNAME ||
		    t == LDNS_RR_TYPE_MX || k->rk.dname_len != plen ||
		    !same_bytes(k->rk.dname, passed, plen))
			return 0;
	}
	return 1;
}

/** 1 when the first \p n rrsets of \p rep need no scan: \p qstate's
 *  query name passed and owns them all (reply_inert()).  The usual
 *  answer, checked before the scan's state is set up. */
static inline int reply_passes(struct module_qstate *qstate, struct tg_mod *m,
			       int id, struct reply_info *rep, size_t n)
{
	int trusted;

	return reply_inert(passed_name(qstate, m, id, &trusted),
			   qstate->qinfo.qname_len, rep, n);
}

/** Scan the first \p n rrsets of \p rep; \p qstate's query name is
 *  skipped if it passed (passed_name()), and trusted if protected.
 *  Returns sc->found || sc->found_trusted (sc's other fields are set only
 *  when the scan runs: read them only after a nonzero return). */
static int reply_lookalike(struct tg_scan *sc, struct module_qstate *qstate,
			   int id, struct reply_info *rep, size_t n)
{
	int trusted;
	size_t i;

	sc->passed = passed_name(qstate, sc->h->m, id, &trusted);
	sc->plen = qstate->qinfo.qname_len;
	if (reply_inert(sc->passed, sc->plen, rep, n))
		return 0;
	sc->ntrusted = 0;
	sc->found = sc->found_trusted = 0;
	sc->via = sc->trusted_via = NULL;
	if (trusted)
		scan_trust(sc, sc->passed);
	for (i = 0; rep && i < n && i < rep->rrset_count; i++)
		if (scan_rrset(sc, rep->rrsets[i]))
			break;
	return sc->found || sc->found_trusted;
}

/**
 * inplace_cb_query_response: runs for every upstream response of every
 * query state, subqueries included, before the iterator stores anything.
 * A response that carries lookalike data is not stored.
 */
/** query_response() for a response that needs the scan (kept out of
 *  line: the usual response returns without its stack frame). */
static __attribute__((noinline)) void
tg_query_response_scan(struct module_qstate *qstate, struct dns_msg *response,
		       int id, struct tg_mod *m)
{
	struct tg_hold h = {m, NULL, 0};
	struct tg_scan sc;
	char via[LDNS_MAX_DOMAINLEN + 1];
	int found;

	sc.h = &h;
	found = reply_lookalike(&sc, qstate, id, response->rep,
				response->rep->rrset_count);
	hold_release(&h);
	if (!found)
		return;
	qstate->no_cache_store = 1;
	if (verbosity >= VERB_ALGO) {
		dname_str((uint8_t *)(sc.found ? sc.via : sc.trusted_via), via);
		verbose(VERB_ALGO,
			"typoguard: not caching a response holding %s", via);
	}
}

static int query_response(struct module_qstate *qstate,
			  struct dns_msg *response, int id, void *cb_args)
{
	struct tg_mod *m = cb_args;

	if (m && response && response->rep &&
	    !reply_passes(qstate, m, id, response->rep,
			  response->rep->rrset_count))
		tg_query_response_scan(qstate, response, id, m);
	return 1;
}

/**
 * The answer came back from the validator and iterator.  If its CNAME
 * chain or MX targets lead into a lookalike, that data is never cached.
 * For an in-scope client, `answer-check:` says what else happens: the
 * action (block: the default, except that a target whose only class is
 * embedding, the shape of a CDN name carrying its customer's host name,
 * is logged), a log decision, or nothing (off).  A chain that started at
 * a protected name is never judged by where it leads: the protected
 * organisation chose it.
 */
static void moddone_hold(struct module_qstate *qstate, struct tg_hold *h,
			 int id)
{
	struct tg_mod *m = h->m;
	struct reply_info *rep;
	struct tg_scan sc;
	char via[TG_NAME_BUF];
	tg_decision decision = TG_DECISION_BLOCK;

	if (!qstate->return_msg || !(rep = qstate->return_msg->rep))
		return;
	sc.h = h;
	if (!reply_lookalike(&sc, qstate, id, rep, rep->an_numrrsets))
		return;
	qstate->no_cache_store = 1;
	/* The iterator may have stored it before we saw it. */
	msg_cache_remove(qstate->env, qstate->qinfo.qname,
			 qstate->qinfo.qname_len, qstate->qinfo.qtype,
			 qstate->qinfo.qclass, qstate->query_flags);
	if (!sc.found) {
		if (verbosity >= VERB_ALGO) {
			dname_str((uint8_t *)sc.trusted_via, via);
			verbose(VERB_ALGO,
				"typoguard: %s is on a chain from a protected "
				"name: answered, not cached",
				via);
		}
		return;
	}
	if (m->conf->answer_check == TG_ANSWER_OFF)
		return;
	if (!in_scope(qstate, m)) {
		TG_INC(m, out_of_scope);
		return;
	}
	tg_name_format(sc.via, LDNS_MAX_DOMAINLEN + 1, via, sizeof(via));
	if (m->conf->action == TG_ACTION_LOG_ONLY ||
	    m->conf->answer_check == TG_ANSWER_LOG ||
	    sc.res.classes == TG_C_EMBEDDING)
		decision = TG_DECISION_LOG;
	decide(qstate, m, &sc.res, decision, via);
	if (decision == TG_DECISION_BLOCK)
		answer_policy(qstate, m, &sc.res);
}

/** moddone_hold() with the index, once acquired, held throughout:
 *  the result's source points into it. */
static void moddone(struct module_qstate *qstate, struct tg_mod *m, int id)
{
	struct tg_hold h = {m, NULL, 0};

	moddone_hold(qstate, &h, id);
	hold_release(&h);
}

TG_EXPORT void operate(struct module_qstate *qstate, enum module_ev event,
		       int id, struct outbound_entry *entry)
{
	struct tg_mod *m = mod_get(qstate->env, id);

	(void)entry;
	if (event == module_event_new || event == module_event_pass) {
		if (m && apply_policy(qstate, m, id)) {
			qstate->ext_state[id] = module_finished;
			return;
		}
		qstate->ext_state[id] = module_wait_module;
		return;
	}
	if (event == module_event_moddone) {
		struct reply_info *rep;

		/* the usual answer, owned by the query name that passed,
		 * needs nothing (as moddone_hold() would find) */
		if (m && qstate->qinfo.qclass == LDNS_RR_CLASS_IN &&
		    qstate->minfo[id] != TG_DECIDED &&
		    !(qstate->return_msg && (rep = qstate->return_msg->rep) &&
		      reply_passes(qstate, m, id, rep, rep->an_numrrsets)))
			moddone(qstate, m, id);
		qstate->ext_state[id] = module_finished;
		return;
	}
	qstate->ext_state[id] = module_error;
}

TG_EXPORT void inform_super(struct module_qstate *qstate, int id,
			    struct module_qstate *super)
{
	(void)qstate;
	(void)id;
	(void)super;
}

TG_EXPORT void clear(struct module_qstate *qstate, int id)
{
	/* Only a marker, no allocation. */
	qstate->minfo[id] = NULL;
}

TG_EXPORT size_t get_mem(struct module_env *env, int id)
{
	struct tg_mod *m;
	size_t n = 0, i;

	if (!tg_guard_passed() || !(m = mod_get(env, id)))
		return 0;
	pthread_mutex_lock(&m->memo_lock);
	for (i = 0; i < m->nmemos; i++)
		n += tg_memo_memory(m->memos[i]);
	pthread_mutex_unlock(&m->memo_lock);
	return sizeof(*m) + sizeof(tg_conf) + tg_policy_memory(m->policy) + n +
	       TG_BLOCKS * sizeof(*m->blocks);
}
