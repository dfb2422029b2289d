/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcr-sink: joins groups, receives mcr-gen streams and accounts every packet
 * exactly once per (stream id, destination group, port).
 */
#ifndef MCR_SINK_H
#define MCR_SINK_H

#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream.h"

#define SINK_MAX_DESTS 65536
#define SINK_MAX_BATCH 1024
#define SINK_BUF_LEN 9216 /* > MCR_STREAM_MAX_LEN: longer datagrams show as wrong length */

struct sink_opts {
	struct mcr_dest *dests; /* sorted by (port, addr), no duplicates */
	size_t n_dests;
	char ifname[IF_NAMESIZE];
	int ifindex;	 /* 0: the route decides where to join */
	uint32_t source; /* network order; 0 = any-source joins */
	uint64_t count;	 /* stop after this many packets; 0 = no limit */
	double timeout;	 /* seconds; 0 = none */
	double idle;	 /* seconds without packets once one came; 0 = none */
	uint64_t expect; /* per stream; 0 = count loss from the first seen */
	bool latency;
	bool json;
	bool quiet;
	const char *ready_file;
	int rcvbuf;
	unsigned int batch;
	int cpu;
	uint32_t max_streams;
	uint32_t window;
};

struct sink_stream {
	uint32_t id;
	uint32_t group; /* network order: where it arrived */
	uint16_t port;
	uint8_t ttl_min, ttl_max, ttl_last;
	uint32_t src; /* network order: the last sender */
	uint64_t src_changes;
	uint64_t bytes;
	uint64_t corrupt;
	uint64_t wrong_length;
	struct mcr_seq seq;
	struct mcr_lat *lat; /* NULL without --latency */
};

/* Streams live in a fixed slab found through an open-addressing hash, both
 * sized at start: no allocation while packets flow. */
struct sink_table {
	struct sink_stream *streams;
	uint32_t n, max;
	uint32_t *slots; /* stream index + 1; 0 = free */
	uint32_t mask;
	uint64_t *bitmaps;
	size_t bitmaps_len;
	struct mcr_lat *lats;
	size_t lats_len;
	uint32_t window;
};

/* Everything counted outside the streams. */
struct sink_totals {
	uint64_t accounted; /* packets that went to a stream */
	uint64_t invalid;   /* not a stream payload */
	uint64_t foreign;   /* to a group/port (or from a source or interface) not asked for */
	uint64_t overflow;  /* stream table full */
	uint64_t rcvbuf_drops;
	uint64_t first_ns, last_ns; /* CLOCK_MONOTONIC of the first and last packet */
};

int sink_table_init(struct sink_table *t, uint32_t max, uint32_t window, bool latency);
void sink_table_free(struct sink_table *t);
/* The stream of (id, group, port), created on first sight; NULL when full. */
struct sink_stream *sink_table_get(struct sink_table *t, uint32_t id, uint32_t group,
				   uint16_t port);

/* Orders destinations by (port, address), as sink_opts.dests must be. */
int sink_dest_cmp(const void *a, const void *b);

/* Opens, binds and joins everything; prints why and returns -errno on
 * failure. */
struct sink_rx;
int sink_rx_open(const struct sink_opts *o, struct sink_rx **rxp);
void sink_rx_close(struct sink_rx *rx);
/* Receives until count, timeout, idle or *stop. */
void sink_rx_run(struct sink_rx *rx, struct sink_table *t, struct sink_totals *tot,
		 const volatile sig_atomic_t *stop);

/* The table (one line per stream and a total) or one JSON object. */
void sink_report(const struct sink_opts *o, const struct sink_table *t,
		 const struct sink_totals *tot);

#endif
