/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard check-conf`: load a configuration, its lists and the index,
 * then a one-line summary, or "file:line: reason" and exit 1.
 */
#include "tg_config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "cli.h"

/* --------------------------------------------------------- check-conf */

int cli_check_conf_load(const char *path, tg_conf **conf, tg_list **list,
			tg_index **idx, tg_index_options *iopts)
{
	tg_error err;
	int rc;

	*conf = NULL;
	*list = NULL;
	*idx = NULL;
	memset(&err, 0, sizeof(err));
	rc = tg_conf_load(path, conf, &err);
	if (rc == TG_OK)
		rc = tg_conf_load_lists(*conf, list, &err);
	if (rc == TG_OK) {
		tg_conf_index_options(*conf, iopts);
		rc = tg_index_build(*list, iopts, idx, &err);
	}
	if (rc != TG_OK) {
		char buf[3 * TG_NAME_BUF];

		/* the operator's format: file:line: reason, nothing else */
		fprintf(stderr, "%s\n",
			tg_error_format(&err, buf, sizeof(buf)));
		tg_list_free(*list);
		tg_conf_free(*conf);
		*list = NULL;
		*conf = NULL;
	}
	return rc;
}

int cmd_check_conf(int argc, char **argv, const char *config)
{
	const char *path = config ? config : cli_default_conf();
	tg_conf *conf = NULL;
	tg_list *list = NULL;
	tg_index *idx = NULL;
	tg_index_options iopts;
	size_t prot, allow, infra, mem;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		cli_usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (argc == 2)
		path = argv[1];
	if (cli_check_conf_load(path, &conf, &list, &idx, &iopts) != TG_OK)
		return TG_EXIT_ERROR;
	prot = tg_list_count(list, TG_LIST_PROTECTED);
	allow = tg_list_count(list, TG_LIST_ALLOW);
	infra = tg_list_count(list, TG_LIST_INFRA);
	if (iopts.builtin_infrastructure) {
		size_t nb;
		tg_infrastructure_builtin(&nb);
		infra += nb;
	}
	mem = tg_index_memory(idx);
	printf("%s: ok: %zu list%s, %zu protected, %zu allowed, %zu "
	       "infrastructure, %zu tld "
	       "pair%s, block %d, log %d, action %s, index %zu bytes "
	       "(%zu B/name)\n",
	       path, conf->n_lists, conf->n_lists == 1 ? "" : "s", prot, allow,
	       infra, conf->n_tld_pairs, conf->n_tld_pairs == 1 ? "" : "s",
	       iopts.block_threshold, iopts.log_threshold,
	       tg_action_name(conf->action), mem, prot ? mem / prot : mem);
	tg_index_free(idx);
	tg_list_free(list);
	tg_conf_free(conf);
	return TG_EXIT_OK;
}

/* --------------------------------------------------------------- main */
