/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One worker's sending and waiting, on its own io_uring.
 *
 * A batch is everything the worker wrote since the last flush: frames for
 * any number of outputs. egress_flush() submits the batch and, in the same
 * io_uring_enter, waits for the sends to complete and (when the worker has
 * nothing left to read) for the next RX block: the worker's epoll set of
 * RX sockets and its wake-up eventfd are polled through the ring.
 *
 * Modes (port.h): uring sends each frame with its own SEND; mmsg hands each
 * output's frames to one sendmmsg; ring writes frames into the output's
 * TX ring slots and submits one zero-length SEND per output as the kick.
 * uring and mmsg build frames in a per-worker arena that is reused once no
 * send is in flight.
 *
 * Counting: a frame the kernel accepted adds to its output cell's
 * packets/bytes (IP bytes) and the worker's tx counters; one it refused
 * adds MCR_DROP_TX_ERROR. In ring mode a frame counts as sent when it is
 * queued in the ring; a kick the kernel refuses leaves the frames queued
 * for the next kick.
 */
#ifndef MCRD_EGRESS_H
#define MCRD_EGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <liburing.h>

#include "fwd.h"
#include "port.h"
#include "wstats.h"

struct egress {
	enum egress_mode mode;
	struct io_uring ring;
	bool ring_ok;
	int epfd, evfd;
	struct wstats *st;
	uint8_t *arena;
	size_t arena_len, used;
	unsigned int inflight; /* SQEs submitted whose CQE was not seen */
	bool ep_armed, ev_armed;
	bool woken;    /* the eventfd fired in the last egress_flush */
	bool rx_woken; /* the RX poll fired in the last egress_flush */
	struct tx_sock *touched;
};

/* Sets up the ring and the arena. Returns 0 or -errno. */
int egress_init(struct egress *e, enum egress_mode mode, int epfd, int evfd, struct wstats *st);
void egress_exit(struct egress *e);

/*
 * Room for a frame of @len bytes to be sent on @s: in the arena, or the
 * next slot of s's TX ring. Flushes first when the arena or the
 * submission queue is full. NULL when the TX ring has no free slot.
 */
uint8_t *egress_frame(struct egress *e, struct tx_sock *s, uint32_t len);

/* Gives back the room of the last egress_frame (the frame was dropped). */
void egress_cancel(struct egress *e, struct tx_sock *s, uint8_t *buf);

/* Queues the frame written at @buf (@len bytes) for @s, counted in @cell. */
void egress_commit(struct egress *e, struct tx_sock *s, uint8_t *buf, uint32_t len,
		   struct fwd_ocell *cell);

/*
 * Submits the batch and reaps completions. With @idle, also waits for RX
 * readiness or a wake-up (at most EGRESS_IDLE_MS). Returns true when the
 * control thread woke the worker.
 */
bool egress_flush(struct egress *e, bool idle);

/* Waits (bounded) until no send is in flight, so that no completion can
 * refer to a table the worker is about to leave. */
void egress_drain(struct egress *e);

#define EGRESS_IDLE_MS 50

#endif
