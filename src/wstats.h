/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The counters of one worker thread, as stats-get reports them (the worker
 * nest of the spec). A worker writes its own copy only; the control thread
 * reads it with relaxed loads and adds what closed sockets reported, so
 * every field only grows during the daemon's life.
 */
#ifndef MCRD_WSTATS_H
#define MCRD_WSTATS_H

#include <stdint.h>

#include "packet.h"
#include "rule.h"

struct wstats {
	uint64_t rx_packets;   /* frames read from the RX rings */
	uint64_t rx_bytes;     /* their IP bytes (frame length for unparsable ones) */
	uint64_t tx_packets;   /* frames the kernel accepted, all outputs */
	uint64_t tx_bytes;     /* their IP bytes */
	uint64_t no_match;     /* well-formed, but no rule takes them */
	uint64_t ring_drops;   /* frames the kernel could not put in a ring (tp_drops) */
	uint64_t ring_freezes; /* times a ring was full (tp_freeze_q_cnt) */
	uint64_t wakeups;      /* waits that ended with work to do */
	uint64_t batches;      /* io_uring_enter calls that submitted sends */
	uint64_t table_swaps;  /* forwarding tables the worker moved to */
	/* frames dropped before the lookup, by enum pkt_drop; only
	 * PKT_DROP_TRUNCATED..PKT_DROP_BAD_SRC are used */
	uint64_t rx_drops[PKT_DROP__MAX];
	/* the output drops of all rules, summed (enum mcr_drop) */
	uint64_t out_drops[MCR_DROP__MAX];
};

/* Sum of the parse drops (the "malformed" counter). */
static inline uint64_t wstats_malformed(const struct wstats *s)
{
	uint64_t n = 0;

	for (int i = PKT_DROP_TRUNCATED; i <= PKT_DROP_BAD_SRC; i++)
		n += s->rx_drops[i];
	return n;
}

#endif
