/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcr-gen: sends numbered, timestamped, pattern-filled UDP datagrams
 * (nl/stream.h) to one or many destinations at a paced rate.
 */
#ifndef MCR_GEN_H
#define MCR_GEN_H

#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream.h"

#define GEN_MAX_STREAMS 65536
#define GEN_MAX_BATCH 1024 /* UIO_MAXIOV: sendmmsg's vlen limit */
#define GEN_MAX_ERRNOS 8

struct gen_opts {
	struct mcr_dest *dests;
	size_t n_dests;
	uint32_t stream_base; /* id of the first destination's stream */
	uint64_t seq_start;
	double rate;	 /* packets/s over all streams; 0 = unpaced */
	uint64_t count;	 /* sequence numbers to use, all streams; 0 = no limit */
	double duration; /* seconds; 0 = no limit */
	size_t size;	 /* UDP payload bytes */
	unsigned int batch;
	int ttl;
	int tos;   /* -1: leave the socket's default */
	bool loop; /* IP_MULTICAST_LOOP */
	char ifname[IF_NAMESIZE];
	uint32_t source; /* network order; 0 = kernel's choice */
	uint16_t sport;	 /* 0 = kernel's choice */
	int cpu;	 /* -1: no pinning */
	bool raw;	 /* AF_PACKET frames instead of a UDP socket */
	bool json;
	bool quiet;
};

struct gen_errno_count {
	int err;
	uint64_t count;
};

struct gen_stats {
	uint64_t sent;	  /* datagrams the kernel accepted */
	uint64_t failed;  /* sequence numbers used but not sent (errors[]) */
	uint64_t bytes;	  /* UDP payload bytes sent */
	uint64_t retries; /* sends repeated after ENOBUFS/EAGAIN/ENOMEM */
	double seconds;	  /* first send to last */
	struct gen_errno_count errors[GEN_MAX_ERRNOS];
	uint64_t other_errors; /* failures beyond GEN_MAX_ERRNOS distinct errnos */
};

/* --raw: what it takes to build whole frames. */
#define GEN_RAW_HDR 42 /* Ethernet + IPv4 + UDP */
struct gen_raw {
	uint8_t mac[6];
	uint32_t saddr; /* network order */
	uint16_t sport;
	uint16_t ip_id;
	uint8_t *tmpl; /* GEN_RAW_HDR bytes per destination */
};

/* Opens and configures the sending socket; prints the reason and returns
 * -errno on failure. */
int gen_socket(const struct gen_opts *o);

/* The same for --raw: an AF_PACKET socket bound to o->ifname, and @r
 * filled. Multicast destinations only; the frame must fit the MTU. */
int gen_raw_socket(const struct gen_opts *o, struct gen_raw *r);
/* Writes the headers of a frame to destination @d in front of a payload
 * of @payload_len bytes already at frame + GEN_RAW_HDR; checksums done. */
void gen_raw_frame(struct gen_raw *r, uint8_t *frame, size_t d, size_t payload_len);
void gen_raw_free(struct gen_raw *r);

/* Sends until the count or the duration is reached or *stop becomes set;
 * fills @st. @raw is NULL for a UDP socket. Returns 0, or -ENOMEM before
 * sending anything. */
int gen_run(int fd, const struct gen_opts *o, struct gen_raw *raw, struct gen_stats *st,
	    const volatile sig_atomic_t *stop);

#endif
