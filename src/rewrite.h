/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing the frame one output sends, from a frame pkt_parse() accepted.
 * Pure: no allocation, no system call; O(header) work plus the payload copy,
 * and one pass over the UDP datagram when a CHECKSUM_PARTIAL input has its
 * checksum completed in software.
 *
 * The output frame: Ethernet header (the group's multicast MAC, the output
 * interface's MAC, IPv4), the IPv4 header copied with its options, DSCP/ECN,
 * ID and flags, with the new destination, the new or kept source and the
 * decremented or set TTL, the UDP header with the new destination port, and
 * the payload unchanged. The IP checksum and a complete UDP checksum are
 * updated incrementally (RFC 1624) and equal a full recomputation bit for
 * bit; a wrong input UDP checksum stays wrong by the same amount, so the
 * receiver still sees the error. A zero UDP checksum ("none") stays zero, and
 * a computed 0 is sent as 0xffff (RFC 768).
 *
 * CHECKSUM_PARTIAL input (PKT_CSUM_PARTIAL): by default the full checksum is
 * computed in software over the pseudo-header, UDP header and payload, so
 * the frame is correct on any egress. With REWRITE_F_OFFLOAD the output stays
 * partial instead: the field gets the folded pseudo-header sum of the new
 * addresses, and the caller must send the frame with a virtio_net_hdr
 * carrying VIRTIO_NET_HDR_F_NEEDS_CSUM, csum_start = rewrite_csum_start(),
 * csum_offset = REWRITE_CSUM_OFFSET (rewrite_out_partial() says when).
 */
#ifndef MCR_REWRITE_H
#define MCR_REWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/if_ether.h>

#include "packet.h"

/* Leave CHECKSUM_PARTIAL input partial, for a NEEDS_CSUM send. */
#define REWRITE_F_OFFLOAD 0x01u

/* Offset of the checksum field in the UDP header (virtio csum_offset). */
#define REWRITE_CSUM_OFFSET 6u

/* One output. Fill the first block, then call rewrite_out_prepare(). */
struct rewrite_out {
	uint32_t daddr;		/* destination group, network order (required) */
	uint32_t saddr;		/* source, network order; 0 = keep the input's */
	uint16_t dport;		/* destination port, host order; 0 = keep */
	uint8_t ttl;		/* 0 = input TTL - 1; else send this TTL */
	uint8_t flags;		/* REWRITE_F_* */
	uint32_t mtu;		/* largest IP datagram the output interface takes */
	uint8_t smac[ETH_ALEN]; /* the output interface's MAC */
	/* derived by rewrite_out_prepare() */
	uint16_t dport_be;
	uint8_t eth[ETH_HLEN];
};

/* The multicast MAC of an IPv4 group (RFC 1112): 01:00:5e + its low 23 bits. */
void rewrite_group_mac(uint32_t group_be, uint8_t mac[ETH_ALEN]);

/* Derives the prepared fields of @o from the ones the caller set. Call again
 * after changing any of them. */
void rewrite_out_prepare(struct rewrite_out *o);

/*
 * Writes into [out, out + cap) the frame output @o sends for the frame @in
 * that pkt_parse() described in @pi. Returns the frame length, or the
 * negated drop reason: -PKT_DROP_TTL (decrementing would send TTL 0),
 * -PKT_DROP_TOO_BIG (the datagram exceeds o->mtu; never truncated),
 * -PKT_DROP_NO_ROOM (@cap is too small). @in and @out must not overlap.
 */
int rewrite_frame(const uint8_t *in, const struct pkt_info *pi, const struct rewrite_out *o,
		  uint8_t *out, size_t cap);

/*
 * The same rewrite done on @frame itself (the single-output fast path: the
 * RX ring slot is sent as it is). Returns the frame length from @frame on,
 * or the negated drop reason (TTL, TOO_BIG); the frame is then untouched.
 */
int rewrite_in_place(uint8_t *frame, const struct pkt_info *pi, const struct rewrite_out *o);

/* Whether the output frame's UDP checksum was left for the egress to
 * complete (REWRITE_F_OFFLOAD on a CHECKSUM_PARTIAL input). */
static inline bool rewrite_out_partial(const struct pkt_info *pi, const struct rewrite_out *o)
{
	return pi->csum == PKT_CSUM_PARTIAL && (o->flags & REWRITE_F_OFFLOAD);
}

/* Offset of the UDP header in the output frame (virtio csum_start). */
static inline uint16_t rewrite_csum_start(const struct pkt_info *pi)
{
	return ETH_HLEN + pi->ihl;
}

#endif
