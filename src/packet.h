/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing and classification of one received frame, as an AF_PACKET
 * TPACKET_V3 ring on an Ethernet interface delivers it. Pure: no allocation,
 * no system call, no global state.
 *
 * What is accepted: an untagged Ethernet II frame carrying a whole IPv4 UDP
 * datagram to a multicast group, with a correct IP header checksum, captured
 * in full. Every other frame is classified with one drop reason, counted
 * under the name in pkt_drop_names[]. Decisions worth knowing:
 *
 * - VLAN: the kernel strips the 802.1Q tag before the packet taps
 *   (tp_status TP_STATUS_VLAN_VALID, tp_vlan_tci), and a VLAN is its own
 *   interface (eth0.100) on which frames arrive untagged. A tagged frame on a
 *   rule's input interface therefore belongs to no rule: whether the tag is
 *   in the metadata or still in the frame (802.1Q, 802.1ad), it is dropped as
 *   "vlan".
 * - IP header checksum: always verified in software (20-60 bytes). Linux has
 *   no receive offload for it: TP_STATUS_CSUM_VALID speaks of the UDP
 *   checksum only, and the taps run before ip_rcv() checks the header.
 * - UDP checksum: not verified (it would cost a pass over the payload). The
 *   incremental update carries an error through unchanged, so the receiver
 *   still detects it.
 * - Fragments (MF set or offset != 0): dropped as "fragment". Only the first
 *   fragment has the UDP header, so the port of the others cannot be matched,
 *   and forwarding the first alone would deliver a datagram nobody can
 *   reassemble. Reassembly may come later.
 * - UDP length must equal the IP payload length. The kernel would trim a
 *   longer IP payload; a forwarder would carry bytes no checksum covers.
 * - Source addresses that no host may use (0.0.0.0/8, 224.0.0.0/3 which
 *   includes multicast, class E and broadcast) are dropped as "bad_src", as
 *   the kernel's multicast input does: mcr must not amplify martians.
 */
#ifndef MCR_PACKET_H
#define MCR_PACKET_H

#include <stdbool.h>
#include <stdint.h>

/* Why a frame is not forwarded. 0 is success; rewrite.h returns the negated
 * rewrite reasons. One table of names serves the counters of both. */
enum pkt_drop {
	PKT_OK = 0,
	PKT_DROP_TRUNCATED,	/* captured less than the frame (snaplen < len) */
	PKT_DROP_SHORT,		/* shorter than the Ethernet + IPv4 headers */
	PKT_DROP_VLAN,		/* VLAN-tagged (metadata or in the frame) */
	PKT_DROP_NOT_IPV4,	/* EtherType is not IPv4 */
	PKT_DROP_MALFORMED_IP,	/* IP version is not 4 */
	PKT_DROP_BAD_IHL,	/* IHL < 5 or the header passes the frame's end */
	PKT_DROP_BAD_IP_CSUM,	/* IP header checksum wrong */
	PKT_DROP_BAD_LEN,	/* total length past the frame or too small */
	PKT_DROP_FRAGMENT,	/* MF set or fragment offset != 0 */
	PKT_DROP_NOT_UDP,	/* protocol is not UDP */
	PKT_DROP_UDP_LEN,	/* UDP length != IP payload length */
	PKT_DROP_NOT_MULTICAST, /* destination is not 224.0.0.0/4 */
	PKT_DROP_BAD_SRC,	/* source is 0/8, multicast, class E, broadcast */
	/* rewrite reasons (rewrite.h) */
	PKT_DROP_TTL,	  /* decrementing would send TTL 0 */
	PKT_DROP_TOO_BIG, /* IP datagram longer than the output MTU */
	PKT_DROP_NO_ROOM, /* output buffer smaller than the frame */
	PKT_DROP__MAX
};

/* Counter names, indexed by enum pkt_drop ([PKT_OK] is "ok"). */
extern const char *const pkt_drop_names[PKT_DROP__MAX];

/* State of the received UDP checksum field. */
enum pkt_csum {
	PKT_CSUM_NONE,	  /* field is 0: the sender computed none; stays 0 */
	PKT_CSUM_FULL,	  /* a complete checksum, not verified */
	PKT_CSUM_VALID,	  /* a complete checksum the kernel or NIC verified */
	PKT_CSUM_PARTIAL, /* CHECKSUM_PARTIAL: the field holds the folded
			   * pseudo-header sum only (TP_STATUS_CSUMNOTREADY),
			   * typical of locally sent packets on veth */
};

/* What the parser learned; offsets are from the frame start. */
struct pkt_info {
	uint16_t l3;	  /* IPv4 header */
	uint16_t l4;	  /* UDP header */
	uint16_t payload; /* UDP payload */
	uint16_t ihl;	  /* IP header length in bytes (20-60) */
	uint16_t tot_len; /* IP total length (host order) */
	uint16_t udp_len; /* UDP length (host order), tot_len - ihl */
	uint32_t saddr;	  /* network order */
	uint32_t daddr;	  /* network order */
	uint16_t sport;	  /* host order */
	uint16_t dport;	  /* host order */
	uint8_t ttl;
	uint8_t csum; /* enum pkt_csum */
};

/*
 * Parses the frame [frame, frame + snaplen) whose length on the wire was
 * @len, with the tp_status bits of its ring slot in @status. Returns PKT_OK
 * and fills *pi, or the reason the frame cannot be forwarded (*pi is then
 * partly written and meaningless). Reads nothing outside the frame.
 */
enum pkt_drop pkt_parse(const uint8_t *frame, uint32_t snaplen, uint32_t len, uint32_t status,
			struct pkt_info *pi);

/* Bytes of the IP datagram plus its Ethernet header: the frame to send. */
static inline uint32_t pkt_frame_len(const struct pkt_info *pi)
{
	return pi->l3 + (uint32_t)pi->tot_len;
}

#endif
