/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module threads start with every signal blocked (see tg_thread.h).
 */
#include "tg_config.h"

#include <signal.h>

#include "tg_thread.h"

int tg_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	/* the new thread inherits the mask in force at pthread_create() */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
