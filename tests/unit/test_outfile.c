/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of tg_outfile (core/outfile.c), the one way typoguard
 * replaces a file: until commit the old file is intact, abort leaves it
 * so, commit replaces it whole and leaves no temporary file; a FIFO or a
 * device is written in place and stays what it was; a directory that
 * cannot be written is an error naming the file.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "tg_unit.h"

static void tg_slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

/* Files in tg_unit_dir whose name starts with \p prefix. */
static int tg_count(const char *prefix)
{
	DIR *d = opendir(tg_unit_dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static void test_replace(void **state)
{
	(void)state;
	char path[512], buf[64];
	tg_outfile *f = NULL;
	tg_error err;
	struct stat st;
	snprintf(path, sizeof(path), "%s/out.txt", tg_unit_dir);
	FILE *o = fopen(path, "w");
	fputs("old\n", o);
	fclose(o);

	/* abort: the old file stays, no temporary is left */
	assert_int_equal(tg_outfile_open(path, 0600, &f, &err), TG_OK);
	fputs("new\n", tg_outfile_stream(f));
	fflush(tg_outfile_stream(f));
	tg_slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "old\n");
	assert_int_equal(tg_count("out.txt"), 2); /* the file + its tmp */
	tg_outfile_abort(f);
	tg_slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "old\n");
	assert_int_equal(tg_count("out.txt"), 1);

	/* commit: replaced whole, with the mode asked for */
	assert_int_equal(tg_outfile_open(path, 0600, &f, &err), TG_OK);
	fputs("new\n", tg_outfile_stream(f));
	assert_int_equal(tg_outfile_commit(f, &err), TG_OK);
	tg_slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "new\n");
	assert_int_equal(tg_count("out.txt"), 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	tg_outfile_abort(NULL);
}

static void test_in_place(void **state)
{
	(void)state;
	char fifo[512];
	tg_outfile *f = NULL;
	tg_error err;
	struct stat st;

	/* /dev/null stays a device */
	assert_int_equal(tg_outfile_open("/dev/null", 0644, &f, &err), TG_OK);
	fputs("x\n", tg_outfile_stream(f));
	assert_int_equal(tg_outfile_commit(f, &err), TG_OK);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));

	/* a FIFO is written to, and stays a FIFO */
	snprintf(fifo, sizeof(fifo), "%s/out.fifo", tg_unit_dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int rd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(tg_outfile_open(fifo, 0644, &f, &err), TG_OK);
	fputs("through\n", tg_outfile_stream(f));
	assert_int_equal(tg_outfile_commit(f, &err), TG_OK);
	char buf[16] = {0};
	assert_int_equal(read(rd, buf, sizeof(buf) - 1), 8);
	assert_string_equal(buf, "through\n");
	close(rd);
	assert_int_equal(stat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
}

static void test_errors(void **state)
{
	(void)state;
	tg_outfile *f = NULL;
	tg_error err;
	assert_int_equal(
	    tg_outfile_open("/nonexistent-dir/x.txt", 0644, &f, &err), TG_EIO);
	assert_null(f);
	assert_string_equal(err.file, "/nonexistent-dir/x.txt");
	assert_non_null(strstr(err.reason, "cannot write"));
	assert_int_equal(tg_outfile_open("", 0644, &f, &err), TG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_replace),
	    cmocka_unit_test(test_in_place),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, tg_unit_setup, tg_unit_teardown);
}
