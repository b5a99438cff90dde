/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module-internal: starting the module's own threads (event writer, list
 * reload).  Unbound's threads handle the signals (reload, stop); a thread
 * of ours must never take one, so every thread we start has all signals
 * blocked from its first instruction.
 */
#ifndef TG_THREAD_H
#define TG_THREAD_H

#include <pthread.h>

/**
 * pthread_create() of \p fn(\p arg) into \p thread, with every signal
 * blocked in the new thread (the caller's mask is restored before this
 * returns).  Returns pthread_create()'s result: 0 or an errno value.
 */
int tg_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif /* TG_THREAD_H */
