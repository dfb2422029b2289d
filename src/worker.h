/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A worker thread: reads the RX rings of every input interface of the
 * current forwarding table, looks each frame up, writes one rewritten frame
 * per output and sends the batch (egress.h). It takes no lock and
 * allocates nothing on the packet path.
 *
 * Grace periods: before a worker reads a table it stores that table's
 * generation in @ack, after it has waited for every send that still
 * pointed into the previous table. The control thread frees a retired
 * table once every worker's @ack has reached the generation that replaced
 * it (dataplane.c).
 */
#ifndef MCRD_WORKER_H
#define MCRD_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "egress.h"
#include "fwd.h"
#include "wstats.h"

struct worker {
	/* set by the control thread before the thread starts */
	struct fwd_table *const *table; /* the published table (atomic loads) */
	unsigned int id;
	int cpu; /* -1: not pinned */
	int epfd; /* RX sockets of this worker; the control thread adds them */
	int evfd; /* the control thread's wake-up */
	enum egress_mode mode;
	pthread_t thread;
	bool started;
	int init_err; /* the thread's set-up result, read after ready */
	int ready_fd; /* eventfd the thread signals once set up */
	/* written by the worker */
	uint64_t ack __attribute__((aligned(64)));
	struct wstats st __attribute__((aligned(64)));
	struct egress eg;
	/* written by the control thread */
	bool stop __attribute__((aligned(64)));
};

/*
 * Opens the worker's epoll set and eventfd and starts its thread, which
 * sets up its io_uring itself (a ring may be entered only by the thread
 * that made it). Returns 0 once the thread is ready, or -errno.
 */
int worker_start(struct worker *w);

/* Tells the thread to stop, joins it and closes its descriptors. */
void worker_stop(struct worker *w);

/* Makes the worker look at the published table now. */
void worker_wake(struct worker *w);

/* The worker's generation (see above). */
static inline uint64_t worker_ack(const struct worker *w)
{
	return __atomic_load_n(&w->ack, __ATOMIC_ACQUIRE);
}

#endif
