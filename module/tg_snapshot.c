/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The last-good snapshot of the lists (tg_snapshot.h).
 */
#include "tg_config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tg_snapshot.h"

/** Snapshot manifest inside state-dir. */
#define SNAP_MANIFEST "last-good.conf"

/** Copy \p from to \p to (whole or not at all: tg_outfile). */
static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	tg_outfile *of;
	FILE *out;
	int in, ok = 1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	if (tg_outfile_open(to, 0640, &of, NULL) != TG_OK) {
		close(in);
		return -1;
	}
	out = tg_outfile_stream(of);
	while (ok && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && fwrite(buf, 1, (size_t)n, out) == (size_t)n;
	}
	close(in);
	if (!ok) {
		tg_outfile_abort(of);
		return -1;
	}
	return tg_outfile_commit(of, NULL) == TG_OK ? 0 : -1;
}

/** Remove snapshot copies of every generation but \p keep. */
static void prune(const char *dir, unsigned long keep)
{
	char path[PATH_MAX];
	struct dirent *de;
	unsigned long g;
	size_t i;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (sscanf(de->d_name, "list-%lu-%zu.snap", &g, &i) != 2 ||
		    g == keep)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) <
		    (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
}

int tg_snapshot_save(const tg_conf *c, unsigned long *gen, char *why,
		     size_t whylen)
{
	char paths[TG_CONF_MAX_LISTS][PATH_MAX];
	const char *ptrs[TG_CONF_MAX_LISTS];
	char manifest[PATH_MAX];
	tg_error err;
	unsigned long g = *gen + 1;
	size_t i;

	why[0] = '\0';
	if (!c->state_dir[0])
		return TG_OK;
	if (mkdir(c->state_dir, 0750) != 0 && errno != EEXIST) {
		snprintf(why, whylen, "state-dir %s: %s", c->state_dir,
			 strerror(errno));
		return TG_EIO;
	}
	/* A new start must not reuse the running generation's names. */
	if (g == 1)
		g = (unsigned long)time(NULL);
	for (i = 0; i < c->n_lists; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/list-%lu-%zu.snap",
			 c->state_dir, g, i);
		ptrs[i] = paths[i];
		if (copy_file(c->lists[i].path, paths[i]) != 0) {
			snprintf(
			    why, whylen, "cannot save snapshot of %s in %s: %s",
			    c->lists[i].path, c->state_dir, strerror(errno));
			return TG_EIO;
		}
	}
	snprintf(manifest, sizeof(manifest), "%s/" SNAP_MANIFEST, c->state_dir);
	if (tg_conf_write(c, manifest, ptrs, &err) != TG_OK) {
		snprintf(why, whylen, "cannot save snapshot: %s", err.reason);
		return TG_EIO;
	}
	*gen = g;
	prune(c->state_dir, g);
	return TG_OK;
}

int tg_snapshot_load(const tg_conf *c, tg_conf **out, tg_error *err)
{
	char manifest[PATH_MAX];

	if (!c->state_dir[0])
		return TG_ENOTFOUND;
	snprintf(manifest, sizeof(manifest), "%s/" SNAP_MANIFEST, c->state_dir);
	if (access(manifest, R_OK) != 0)
		return TG_ENOTFOUND;
	return tg_conf_load(manifest, out, err);
}
