/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * tgdig: the test suite's DNS query client, built on ldns.
 *
 * Sends one query and prints the response as one JSON object, so that the
 * integration tests can assert on rcode, flags, every section and the
 * RFC 8914 Extended DNS Errors without scraping dig-style text:
 *
 *   tgdig [-s SERVER] [-p PORT] [-b SOURCE] [-t] [-c] [-T MS] NAME TYPE
 *   {"rcode":"NXDOMAIN","flags":["qr","rd","ra"],"answer":[...],
 *    "authority":["army.ml.\t60\tIN\tSOA\t..."],"additional":[],
 *    "ede":[{"code":15,"text":"typoguard: lookalike of army.mil"}]}
 *
 * -b binds the query to a source address (127.0.0.2 is a different client
 * from 127.0.0.1), -t uses TCP, -c sets CD.  Exit 0 with an answer, 2 on
 * usage errors, 3 when no answer arrived (timeout, refused connection).
 */
#include "tg_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

static void tg_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void tg_json_section(const char *name, const ldns_rr_list *l)
{
	size_t i;

	printf(",\"%s\":[", name);
	for (i = 0; l && i < ldns_rr_list_rr_count(l); i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
		size_t n = s ? strlen(s) : 0;

		if (s && n && s[n - 1] == '\n')
			s[n - 1] = '\0';
		if (i)
			putchar(',');
		tg_json_str(s ? s : "");
		free(s);
	}
	putchar(']');
}

static void tg_json_ede(ldns_pkt *p)
{
	ldns_edns_option_list *opts = ldns_pkt_edns_get_option_list(p);
	size_t i, n = opts ? ldns_edns_option_list_get_count(opts) : 0;
	int first = 1;

	printf(",\"ede\":[");
	for (i = 0; i < n; i++) {
		ldns_edns_option *o = ldns_edns_option_list_get_option(opts, i);
		size_t sz = ldns_edns_get_size(o);
		uint8_t *d = ldns_edns_get_data(o);
		char text[1024];
		size_t tl;

		if (ldns_edns_get_code(o) != LDNS_EDNS_EDE || sz < 2)
			continue;
		tl = sz - 2 < sizeof(text) - 1 ? sz - 2 : sizeof(text) - 1;
		memcpy(text, d + 2, tl);
		text[tl] = '\0';
		printf("%s{\"code\":%u,\"text\":", first ? "" : ",",
		       (unsigned)(d[0] << 8 | d[1]));
		tg_json_str(text);
		putchar('}');
		first = 0;
	}
	putchar(']');
	/* the packet owns the option list: ldns_pkt_free() frees it */
}

static int tg_usage(void)
{
	fprintf(stderr, "usage: tgdig [-s SERVER] [-p PORT] [-b SOURCE] [-t] "
			"[-c] [-T MS] NAME TYPE\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *server = "127.0.0.1", *source = NULL;
	int port = 53, tcp = 0, cd = 0, timeout_ms = 3000, ch;
	ldns_resolver *res;
	ldns_rdf *ns, *src = NULL, *qname;
	ldns_pkt *q = NULL, *a = NULL;
	ldns_rr_type type;
	ldns_status st;
	char *rc;
	struct timeval tv;

	while ((ch = getopt(argc, argv, "s:p:b:tcT:")) != -1) {
		switch (ch) {
		case 's':
			server = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'b':
			source = optarg;
			break;
		case 't':
			tcp = 1;
			break;
		case 'c':
			cd = 1;
			break;
		case 'T':
			timeout_ms = atoi(optarg);
			break;
		default:
			return tg_usage();
		}
	}
	if (argc - optind != 2 || port <= 0 || port > 65535)
		return tg_usage();
	type = ldns_get_rr_type_by_name(argv[optind + 1]);
	if (type == 0) {
		fprintf(stderr, "tgdig: unknown type %s\n", argv[optind + 1]);
		return 2;
	}
	ns = ldns_rdf_new_frm_str(
	    strchr(server, ':') ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, server);
	if (source)
		src = ldns_rdf_new_frm_str(
		    strchr(source, ':') ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A,
		    source);
	if (!ns || (source && !src)) {
		fprintf(stderr, "tgdig: bad address\n");
		return 2;
	}
	res = ldns_resolver_new();
	ldns_resolver_push_nameserver(res, ns); /* copies ns */
	ldns_rdf_deep_free(ns);
	ldns_resolver_set_port(res, (uint16_t)port);
	ldns_resolver_set_usevc(res, tcp);
	ldns_resolver_set_retry(res, 1);
	ldns_resolver_set_retrans(res, 1);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	ldns_resolver_set_timeout(res, tv);
	ldns_resolver_set_edns_udp_size(res, 1232);
	ldns_resolver_set_fail(res, 1);
	if (src)
		ldns_resolver_set_source(res, src);

	qname = ldns_dname_new_frm_str(argv[optind]);
	if (!qname) {
		fprintf(stderr, "tgdig: bad name %s\n", argv[optind]);
		return 2;
	}
	st = ldns_resolver_prepare_query_pkt(&q, res, qname, type,
					     LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_rdf_deep_free(qname); /* the query holds its own copy */
	if (st != LDNS_STATUS_OK) {
		fprintf(stderr, "tgdig: %s\n", ldns_get_errorstr_by_id(st));
		return 2;
	}
	ldns_pkt_set_cd(q, cd);
	ldns_pkt_set_edns_udp_size(q, 1232);
	ldns_pkt_set_random_id(q);
	st = ldns_resolver_send_pkt(&a, res, q);
	if (st != LDNS_STATUS_OK || !a) {
		printf("{\"error\":");
		tg_json_str(ldns_get_errorstr_by_id(st));
		printf("}\n");
		ldns_pkt_free(q);
		ldns_resolver_deep_free(res);
		ldns_rdf_deep_free(src); /* the resolver borrows it */
		return 3;
	}
	rc = ldns_pkt_rcode2str(ldns_pkt_get_rcode(a));
	printf("{\"rcode\":");
	tg_json_str(rc ? rc : "?");
	free(rc);
	printf(",\"flags\":[");
	{
		const int set[] = {ldns_pkt_qr(a), ldns_pkt_aa(a),
				   ldns_pkt_tc(a), ldns_pkt_rd(a),
				   ldns_pkt_ra(a), ldns_pkt_ad(a),
				   ldns_pkt_cd(a)};
		const char *names[] = {"qr", "aa", "tc", "rd",
				       "ra", "ad", "cd"};
		size_t i;

		for (i = 0, ch = 0; i < 7; i++)
			if (set[i])
				printf("%s\"%s\"", ch++ ? "," : "", names[i]);
	}
	putchar(']');
	tg_json_section("answer", ldns_pkt_answer(a));
	tg_json_section("authority", ldns_pkt_authority(a));
	tg_json_section("additional", ldns_pkt_additional(a));
	tg_json_ede(a);
	printf("}\n");
	ldns_pkt_free(q);
	ldns_pkt_free(a);
	ldns_resolver_deep_free(res);
	ldns_rdf_deep_free(src); /* the resolver borrows it */
	return 0;
}
