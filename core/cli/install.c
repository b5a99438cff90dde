/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard check-install` (install_internal.h).
 *
 * The module side is the identity string typoguard.so embeds
 * (TG_UBID_TAG ..., module/tg_guard.c), found in the file's bytes.  The
 * daemon side is what the module's guard would see at init, read from the
 * executable file instead of memory: its "unbound X.Y.Z" literal and the
 * names of its exported functions (its ELF dynamic symbol table), plus `unbound
 * -V` for the version, the configure line and whether dynlib is linked in. Both
 * files are read whole, up to TG_INSTALL_MAX_FILE bytes.
 */
#include "tg_config.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "install_internal.h"
#include "typoguard.h"
#include "ubid_internal.h"

/** Largest module or unbound executable read (bytes). */
#define TG_INSTALL_MAX_FILE (256u << 20)
/** Most output of `unbound -V` kept (bytes). */
#define TG_INSTALL_MAX_V 16384

#ifndef TG_PKGLIBDIR
#define TG_PKGLIBDIR "/usr/local/lib/typoguard"
#endif

/** A file read whole. */
typedef struct blob {
	char *p; /**< owned, NUL-terminated */
	size_t n;
} blob;

void install_usage(FILE *out)
{
	fprintf(
	    out,
	    "\noptions of check-install:\n"
	    "  check-install [--unbound PATH] [--module PATH] "
	    "[--config FILE]\n"
	    "                                  does typoguard.so fit this "
	    "unbound, and do the\n"
	    "                                  configuration and lists "
	    "load?  exit 0 yes, 1 no\n"
	    "      --unbound PATH       the unbound executable (default "
	    "/usr/sbin/unbound)\n"
	    "      --module PATH        the module (default "
	    "%s/typoguard.so)\n"
	    "      --config FILE        typoguard's configuration (default: "
	    "-c, else as check-conf)\n",
	    TG_PKGLIBDIR);
}

/** Read \p path whole into \p b; on error print why and return -1. */
static int install_read(const char *path, blob *b)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20;

	b->p = NULL;
	b->n = 0;
	if (!f) {
		fprintf(stderr, "typoguard: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		char *np = realloc(b->p, cap + 1);
		size_t got;

		if (!np) {
			fprintf(stderr, "typoguard: %s: out of memory\n", path);
			break;
		}
		b->p = np;
		got = fread(b->p + b->n, 1, cap - b->n, f);
		b->n += got;
		if (b->n < cap) {
			if (ferror(f)) {
				fprintf(stderr, "typoguard: %s: read error\n",
					path);
				break;
			}
			b->p[b->n] = '\0';
			fclose(f);
			return 0;
		}
		if (cap >= TG_INSTALL_MAX_FILE) {
			fprintf(stderr,
				"typoguard: %s: larger than %u bytes, not "
				"an unbound or typoguard file\n",
				path, TG_INSTALL_MAX_FILE);
			break;
		}
		cap *= 2;
	}
	fclose(f);
	free(b->p);
	b->p = NULL;
	return -1;
}

/** The module's identity: the first TG_UBID_TAG followed by a parsable
 *  identity (the tag also appears alone, as a literal of the parser). */
static int install_module_id(const blob *b, tg_ubid *id)
{
	const char *s = b->p, *end = b->p + b->n;
	const size_t tl = sizeof(TG_UBID_TAG) - 1;

	while (s < end) {
		const char *hit = memmem(s, (size_t)(end - s), TG_UBID_TAG, tl);

		if (!hit)
			return -1;
		if (tg_ubid_parse(hit + tl, id) == 0)
			return 0;
		s = hit + 1;
	}
	return -1;
}

/** The exported (defined, dynamic) symbols of an ELF64 executable: its
 *  SHT_DYNSYM section and the string table it links to. */
typedef struct dynsyms {
	const Elf64_Sym *sym; /**< into the blob */
	size_t n;
	const char *str; /**< into the blob */
	size_t strsz;
} dynsyms;

/** Find the dynamic symbol table of \p b; -1 if it is no ELF64 file
 *  with one (the guard's dlsym would see nothing either). */
static int install_dynsyms(const blob *b, dynsyms *d)
{
	const Elf64_Ehdr *eh = (const void *)b->p;
	const Elf64_Shdr *sh;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (b->n < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > b->n ||
	    eh->e_shnum > (b->n - eh->e_shoff) / sizeof(Elf64_Shdr))
		return -1;
	sh = (const void *)(b->p + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *s = &sh[i], *t;

		if (s->sh_type != SHT_DYNSYM || s->sh_link >= eh->e_shnum)
			continue;
		t = &sh[s->sh_link];
		if (s->sh_offset > b->n || s->sh_size > b->n - s->sh_offset ||
		    t->sh_offset > b->n || t->sh_size > b->n - t->sh_offset ||
		    s->sh_offset % _Alignof(Elf64_Sym))
			return -1;
		d->sym = (const void *)(b->p + s->sh_offset);
		d->n = s->sh_size / sizeof(Elf64_Sym);
		d->str = b->p + t->sh_offset;
		d->strsz = t->sh_size;
		return 0;
	}
	return -1;
}

/** tg_ubid_observe's question, asked of the executable file: does it
 *  export a function of that name (what dlsym(RTLD_DEFAULT) finds)? */
static int install_has(const char *symbol, void *arg)
{
	const dynsyms *d = arg;
	size_t i, n = strlen(symbol);

	for (i = 0; i < d->n; i++) {
		const Elf64_Sym *s = &d->sym[i];

		if (s->st_shndx == SHN_UNDEF || s->st_name >= d->strsz ||
		    n >= d->strsz - s->st_name ||
		    (ELF64_ST_BIND(s->st_info) != STB_GLOBAL &&
		     ELF64_ST_BIND(s->st_info) != STB_WEAK))
			continue;
		if (memcmp(d->str + s->st_name, symbol, n + 1) == 0)
			return 1;
	}
	return 0;
}

/** Run `unbound -V` into \p out (NUL-terminated); -1 if it cannot run. */
static int install_run_v(const char *unbound, char *out, size_t len)
{
	int fd[2], status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	out[0] = '\0';
	if (pipe(fd) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		char *argv[3];

		argv[0] = (char *)unbound;
		argv[1] = (char *)"-V";
		argv[2] = NULL;
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execv(unbound, argv);
		_exit(127);
	}
	close(fd[1]);
	while (n + 1 < len && (r = read(fd[0], out + n, len - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/** Copy the rest of the line after \p key in \p text to \p out. */
static int install_field(const char *text, const char *key, char *out,
			 size_t len)
{
	const char *s = strstr(text, key);
	size_t n;

	out[0] = '\0';
	if (!s || !len)
		return 0;
	s += strlen(key);
	n = strcspn(s, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}

/** The configuration and its lists, as check-conf loads them. */
static int install_check_conf(const char *path)
{
	tg_conf *conf;
	tg_list *list;
	tg_index *idx;
	tg_index_options iopts;

	if (cli_check_conf_load(path, &conf, &list, &idx, &iopts) != TG_OK)
		return 1;
	printf("config:  %s: ok: %zu protected, %zu allowed, action %s\n", path,
	       tg_list_count(list, TG_LIST_PROTECTED),
	       tg_list_count(list, TG_LIST_ALLOW),
	       tg_action_name(conf->action));
	tg_index_free(idx);
	tg_list_free(list);
	tg_conf_free(conf);
	return 0;
}

/** Compare module and daemon; 0 when they match. */
static int install_check_pair(const char *module, const char *unbound)
{
	blob mod, exe;
	tg_ubid built, run;
	dynsyms syms;
	char v[TG_INSTALL_MAX_V], modules[256], line[1024];
	int bad = 1;

	if (install_read(module, &mod) != 0)
		return 1;
	if (install_module_id(&mod, &built) != 0) {
		fprintf(stderr,
			"typoguard: %s: no typoguard build identity in it "
			"(not a typoguard.so, or one older than "
			"check-install): rebuild typoguard\n",
			module);
		free(mod.p);
		return 1;
	}
	free(mod.p);
	if (install_read(unbound, &exe) != 0)
		return 1;
	memset(&run, 0, sizeof(run));
	if (install_run_v(unbound, v, sizeof(v)) != 0) {
		fprintf(stderr, "typoguard: `%s -V` failed: %s\n", unbound,
			v[0] ? v : "cannot run it");
		goto done;
	}
	install_field(v, "Version ", run.version, sizeof(run.version));
	install_field(v, "Configure line: ", run.configure,
		      sizeof(run.configure));
	install_field(v, "Linked modules: ", modules, sizeof(modules));
	if (!run.version[0]) /* an unexpected -V: the executable's literal */
		tg_ubid_find_version(exe.p, exe.n, run.version,
				     sizeof(run.version));
	if (install_dynsyms(&exe, &syms) != 0) {
		fprintf(stderr,
			"typoguard: %s: not a 64-bit ELF executable with "
			"exported functions: it cannot load typoguard\n",
			unbound);
		goto done;
	}
	tg_ubid_observe(&built, &run, install_has, &syms);
	if (!strstr(modules, "dynlib")) {
		fprintf(
		    stderr,
		    "typoguard: %s was built without --with-dynlibmodule: "
		    "it cannot load typoguard (use contrib/build-unbound.sh "
		    "--unbound-src DIR)\n",
		    unbound);
		goto done;
	}
	printf("module:  %s: built for unbound %s\n", module,
	       tg_ubid_describe(&built, line, sizeof(line)));
	printf("unbound: %s: %s, modules: %s\n", unbound,
	       tg_ubid_describe(&run, line, sizeof(line)), modules);
	if (!tg_ubid_match(&built, &run)) {
		fprintf(stderr,
			"typoguard: %s: rebuild typoguard against this Unbound "
			"(./configure --with-unbound-src=ITS_TREE, see "
			"contrib/build-unbound.sh)\n",
			tg_ubid_mismatch(&built, &run, line, sizeof(line)));
		goto done;
	}
	if (built.configure[0] && run.configure[0] &&
	    strcmp(built.configure, run.configure) != 0)
		printf("note:    configure lines differ (version, options and "
		       "markers match):\n  module tree: %s\n  unbound:     "
		       "%s\n",
		       built.configure, run.configure);
	printf("install: ok: %s fits %s\n", module, unbound);
	bad = 0;
done:
	free(exe.p);
	return bad;
}

int cmd_check_install(int argc, char **argv, const char *config)
{
	const char *unbound = "/usr/sbin/unbound";
	const char *module = TG_PKGLIBDIR "/typoguard.so";
	int i, bad;

	if (!config)
		config = tg_conf_env_path();
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;

		if (strcmp(a, "--unbound") == 0)
			dst = &unbound;
		else if (strcmp(a, "--module") == 0)
			dst = &module;
		else if (strcmp(a, "--config") == 0 || strcmp(a, "-c") == 0)
			dst = &config;
		if (!dst || i + 1 >= argc) {
			fprintf(stderr, "typoguard: check-install: %s '%s'\n",
				dst ? "missing value after" : "unknown option",
				a);
			install_usage(stderr);
			return TG_EXIT_USAGE;
		}
		*dst = argv[++i];
	}
	bad = install_check_pair(module, unbound);
	bad |= install_check_conf(config);
	return bad ? TG_EXIT_ERROR : TG_EXIT_OK;
}
