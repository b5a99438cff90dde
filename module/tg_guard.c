/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The version guard of typoguard.so (tg_guard.h).
 *
 * The identity of the Unbound tree is compiled in from its config.h (the
 * version and the layout-affecting option macros) and from configure
 * (TG_UB_MARKERS: which marker functions the tree's headers declare, and
 * CONFCMDLINE).  The running side is read from the main executable's
 * read-only segments (dl_iterate_phdr: the first object is the program;
 * this works after chroot, unlike /proc/self/exe) and dlsym(RTLD_DEFAULT):
 * the daemon is linked -export-dynamic whenever it has dynlib.
 *
 * Tests build this file with TG_GUARD_TEST_VERSION / _OPTIONS / _MARKERS to
 * make a module that expects another Unbound (tests/integration/local.mk).
 */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>

#include "util/log.h"

#include "tg_guard.h"
#include "ubid_internal.h"

#ifdef CLIENT_SUBNET
#define TG_O_SUBNET "subnet,"
#else
#define TG_O_SUBNET ""
#endif
#ifdef USE_CACHEDB
#define TG_O_CACHEDB "cachedb,"
#else
#define TG_O_CACHEDB ""
#endif
#ifdef USE_DNSCRYPT
#define TG_O_DNSCRYPT "dnscrypt,"
#else
#define TG_O_DNSCRYPT ""
#endif
#ifdef USE_IPSECMOD
#define TG_O_IPSECMOD "ipsecmod,"
#else
#define TG_O_IPSECMOD ""
#endif
#ifdef USE_IPSET
#define TG_O_IPSET "ipset,"
#else
#define TG_O_IPSET ""
#endif
#ifdef HAVE_NGTCP2
#define TG_O_DOQ "doq,"
#else
#define TG_O_DOQ ""
#endif

#ifndef TG_UB_MARKERS
#error "TG_UB_MARKERS comes from configure (module/local.mk)"
#endif
#ifndef CONFCMDLINE
#define CONFCMDLINE ""
#endif

#ifdef TG_GUARD_TEST_VERSION
#define TG_G_VERSION TG_GUARD_TEST_VERSION
#else
#define TG_G_VERSION PACKAGE_VERSION
#endif
#ifdef TG_GUARD_TEST_OPTIONS
#define TG_G_OPTIONS TG_GUARD_TEST_OPTIONS
#else
#define TG_G_OPTIONS                                                           \
	TG_O_SUBNET TG_O_CACHEDB TG_O_DNSCRYPT TG_O_IPSECMOD TG_O_IPSET TG_O_DOQ
#endif
#ifdef TG_GUARD_TEST_MARKERS
#define TG_G_MARKERS TG_GUARD_TEST_MARKERS
#else
#define TG_G_MARKERS TG_UB_MARKERS
#endif

/** Read by `typoguard check-install` from the file: one literal. */
static const char identity_line[] =
    TG_UBID_TAG "version=" TG_G_VERSION " options=" TG_G_OPTIONS
		" markers=" TG_G_MARKERS " configure=" CONFCMDLINE;

/** Set by a passing check; reset by every dlopen (reload). */
static int guard_passed;

const char *tg_guard_identity(void)
{
	return identity_line + sizeof(TG_UBID_TAG) - 1;
}

int tg_guard_passed(void)
{
	return guard_passed;
}

/** dl_iterate_phdr: the first object is the program; scan its read-only
 *  loaded segments for the version literal, then stop. */
static int guard_scan(struct dl_phdr_info *info, size_t size, void *arg)
{
	tg_ubid *run = arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum && !run->version[0]; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) ||
		    !(ph->p_flags & PF_R))
			continue;
		tg_ubid_find_version(
		    (const void *)(info->dlpi_addr + ph->p_vaddr), ph->p_filesz,
		    run->version, sizeof(run->version));
	}
	return 1;
}

static int guard_has(const char *symbol, void *arg)
{
	(void)arg;
	return dlsym(RTLD_DEFAULT, symbol) != NULL;
}

int tg_guard_check(void)
{
	tg_ubid built, run;
	char line[1024];

	guard_passed = 0;
	if (tg_ubid_parse(tg_guard_identity(), &built) != 0) {
		log_err("typoguard: the module's build identity is damaged: "
			"rebuild typoguard");
		return 0;
	}
	memset(&run, 0, sizeof(run));
	/* dynlib's own loader is exported by every daemon that can load us;
	 * without it dlsym sees no daemon (e.g. libunbound) */
	if (!dlsym(RTLD_DEFAULT, "dynlibmod_get_funcblock")) {
		log_err("typoguard: built for unbound %s, but this process "
			"exports no Unbound daemon functions: load typoguard "
			"only into the unbound daemon built from that tree",
			built.version);
		return 0;
	}
	dl_iterate_phdr(guard_scan, &run);
	tg_ubid_observe(&built, &run, guard_has, NULL);
	if (!tg_ubid_match(&built, &run)) {
		log_err("typoguard: %s: rebuild typoguard against this "
			"Unbound (./configure --with-unbound-src=ITS_TREE, see "
			"contrib/build-unbound.sh; check with `typoguard "
			"check-install`)",
			tg_ubid_mismatch(&built, &run, line, sizeof(line)));
		return 0;
	}
	guard_passed = 1;
	return 1;
}
