/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The last-good snapshot of the lists (tg_snapshot.h).
 */
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

/** Copy \p from to \p to (via a temporary file and rename). */
static int copy_file(const char *from, const char *to)
{
	char tmp[PATH_MAX], buf[65536];
	int in, outfd, ok = 1;
	ssize_t n;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", to) >= (int)sizeof(tmp))
		return -1;
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	outfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (outfd < 0) {
		close(in);
		return -1;
	}
	while (ok && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && write(outfd, buf, (size_t)n) == n;
	}
	close(in);
	ok = fsync(outfd) == 0 && ok;
	ok = close(outfd) == 0 && ok;
	if (!ok || rename(tmp, to) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
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
