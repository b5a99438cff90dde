/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Output files that appear whole or not at all (tg_outfile in
 * typoguard.h): the one way typoguard replaces a file, used by the
 * snapshot manifest and copies, the stats file, `export -o` and
 * `report -o`.
 *
 * A regular file (or a name that does not exist yet) is written to a
 * temporary file beside it (mkstemp: no fixed name two writers could
 * share), flushed and fsync()ed, and renamed over the name: a reader sees
 * the old file or the new one, never a part.  A name that exists and is
 * not a regular file (a FIFO, /dev/null, /dev/stdout) is written in place:
 * renaming over it would replace the device with a file.
 */
#include "tg_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "typoguard.h"
#include "util_internal.h"

struct tg_outfile {
	FILE *fp;
	int in_place; /**< not a regular file: written directly */
	char *path;   /**< owned */
	char *tmp;    /**< owned; NULL in place */
};

static void outfile_free(tg_outfile *f)
{
	free(f->path);
	free(f->tmp);
	free(f);
}

int tg_outfile_open(const char *path, unsigned mode, tg_outfile **out,
		    tg_error *err)
{
	struct stat st;
	tg_outfile *f;
	size_t n;
	int fd;

	if (!path || !*path || !out)
		return tg_error_set(err, TG_EINVAL, path, 0, "no file given");
	*out = NULL;
	n = strlen(path);
	if (n >= TG_NAME_BUF * 4)
		return tg_error_set(err, TG_ELIMIT, "", 0, "path too long");
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return tg_error_set(err, TG_ENOMEM, path, 0, "out of memory");
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		f->in_place = 1;
		f->fp = fopen(path, "w");
		if (!f->fp) {
			int e = errno;
			outfile_free(f);
			return tg_error_set(err, TG_EIO, path, 0,
					    "cannot write: %s", strerror(e));
		}
		*out = f;
		return TG_OK;
	}
	f->tmp = malloc(n + 8);
	if (!f->tmp) {
		outfile_free(f);
		return tg_error_set(err, TG_ENOMEM, path, 0, "out of memory");
	}
	memcpy(f->tmp, path, n);
	memcpy(f->tmp + n, ".XXXXXX", 8);
	fd = mkstemp(f->tmp);
	if (fd < 0) {
		int e = errno;
		outfile_free(f);
		return tg_error_set(err, TG_EIO, path, 0, "cannot write: %s",
				    strerror(e));
	}
	(void)fchmod(fd, (mode_t)mode);
	f->fp = fdopen(fd, "w");
	if (!f->fp) {
		int e = errno;
		close(fd);
		unlink(f->tmp);
		outfile_free(f);
		return tg_error_set(err, TG_EIO, path, 0, "cannot write: %s",
				    strerror(e));
	}
	*out = f;
	return TG_OK;
}

FILE *tg_outfile_stream(tg_outfile *f)
{
	return f ? f->fp : NULL;
}

int tg_outfile_commit(tg_outfile *f, tg_error *err)
{
	int ok, e;
	char path[TG_NAME_BUF];

	if (!f)
		return tg_error_set(err, TG_EINVAL, NULL, 0,
				    "invalid argument");
	ok = fflush(f->fp) == 0 && !ferror(f->fp);
	if (ok && !f->in_place)
		ok = fsync(fileno(f->fp)) == 0;
	e = errno;
	ok = fclose(f->fp) == 0 && ok;
	if (!ok && !e)
		e = errno;
	if (ok && !f->in_place && rename(f->tmp, f->path) != 0) {
		ok = 0;
		e = errno;
	}
	if (!ok && f->tmp)
		unlink(f->tmp);
	snprintf(path, sizeof(path), "%s", f->path);
	outfile_free(f);
	if (!ok)
		return tg_error_set(err, TG_EIO, path, 0, "cannot write: %s",
				    strerror(e ? e : EIO));
	return TG_OK;
}

void tg_outfile_abort(tg_outfile *f)
{
	if (!f)
		return;
	fclose(f->fp);
	if (f->tmp)
		unlink(f->tmp);
	outfile_free(f);
}
