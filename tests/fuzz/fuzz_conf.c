/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Fuzz target: typoguard.conf parsing (tg_conf_load).
 *
 * The input is the whole configuration file.  When it parses, the result
 * is used as the module would: scope checks, index options, and written
 * back with tg_conf_write() (the last-good snapshot); that snapshot must
 * parse again (an unreadable snapshot would strand the resolver).  List
 * files named in the input are never opened.
 */
#include "tg_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "typoguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tg_fuzz_file f;
	tg_fuzz_file_open(&f, "typoguard.conf", data, size);
	tg_conf *conf = NULL;
	tg_error err;
	memset(&err, 0, sizeof(err));
	int rc = tg_conf_load(f.path, &conf, &err);
	if (rc != TG_OK) {
		if (conf != NULL || err.code != rc || err.reason[0] == '\0' ||
		    !memchr(err.reason, 0, sizeof(err.reason)))
			abort();
		tg_fuzz_file_close(&f);
		return 0;
	}
	if (!conf || conf->n_lists > TG_CONF_MAX_LISTS ||
	    conf->n_clients > TG_CONF_MAX_CLIENTS ||
	    conf->n_qtypes > sizeof(conf->qtypes) / sizeof(conf->qtypes[0]))
		abort();
	if (conf->block_threshold < 0 || conf->block_threshold > 100 ||
	    conf->log_threshold < 0 || conf->log_threshold > 100)
		abort();
	static const uint8_t v4[4] = {127, 0, 0, 1};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	(void)tg_conf_client_in_scope(conf, AF_INET, v4);
	(void)tg_conf_client_in_scope(conf, AF_INET6, v6);
	(void)tg_conf_qtype_in_scope(conf, 15);
	tg_index_options opts;
	tg_conf_index_options(conf, &opts);
	(void)tg_action_name(conf->action);

	/* Snapshot round trip: what we write must load again. */
	tg_fuzz_file out;
	tg_fuzz_file_open(&out, "snapshot.conf", NULL, 0);
	if (tg_conf_write(conf, out.path, NULL, &err) == TG_OK) {
		tg_conf *again = NULL;
		if (tg_conf_load(out.path, &again, &err) != TG_OK) {
			fprintf(stderr, "snapshot does not reload: %s\n",
				err.reason);
			abort();
		}
		if (again->n_lists != conf->n_lists ||
		    again->action != conf->action ||
		    again->block_threshold != conf->block_threshold ||
		    again->n_clients != conf->n_clients)
			abort();
		tg_conf_free(again);
	}
	tg_fuzz_file_close(&out);
	tg_conf_free(conf);
	tg_fuzz_file_close(&f);
	return 0;
}
