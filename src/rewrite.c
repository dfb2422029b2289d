// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output frame construction of the workers' packet path (see rewrite.h).
 *
 * Both entry points copy (or keep) the datagram and then patch the headers
 * in the output frame. The values the checksums need from the input (TTL,
 * addresses) come from struct pkt_info, read before anything is written, so
 * the in-place variant can share the patch code.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "csum.h"
#include "rewrite.h"

#define UDP_CHECK 6u
#define UDP_DPORT 2u
#define IP_TTL_PROTO 8u
#define IP_CHECK 10u
#define IP_SADDR 12u
#define IP_DADDR 16u

void rewrite_group_mac(uint32_t group_be, uint8_t mac[ETH_ALEN])
{
	uint32_t g = ntohl(group_be);

	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = (g >> 16) & 0x7f;
	mac[4] = (g >> 8) & 0xff;
	mac[5] = g & 0xff;
}

void rewrite_out_prepare(struct rewrite_out *o)
{
	rewrite_group_mac(o->daddr, o->eth);
	memcpy(o->eth + ETH_ALEN, o->smac, ETH_ALEN);
	csum_store16(o->eth + 2 * ETH_ALEN, htons(ETH_P_IP));
	o->dport_be = htons(o->dport);
}

static enum pkt_drop rewrite_check(const struct pkt_info *pi, const struct rewrite_out *o)
{
	if (!o->ttl && pi->ttl <= 1)
		return PKT_DROP_TTL;
	if (pi->tot_len > o->mtu)
		return PKT_DROP_TOO_BIG;
	return PKT_OK;
}

/* RFC 768: a computed checksum of 0 is sent as 0xffff; 0 means "none". */
static uint16_t udp_nonzero(uint16_t c)
{
	return c ? c : 0xffff;
}

/*
 * The UDP checksum field of the output. @addr_diff holds the address
 * changes (the pseudo-header's part), the port change is added here.
 */
static void patch_udp_csum(uint8_t *udp, const struct pkt_info *pi, const struct rewrite_out *o,
			   uint32_t saddr, uint64_t addr_diff, uint16_t old_port, uint16_t port)
{
	uint64_t sum;

	switch (pi->csum) {
	case PKT_CSUM_NONE:
		return;
	case PKT_CSUM_PARTIAL:
		/* The field holds a pseudo-header sum, not a checksum: an
		 * incremental update would produce garbage. Start afresh. */
		sum = csum_pseudo(saddr, o->daddr, IPPROTO_UDP, pi->udp_len);
		if (o->flags & REWRITE_F_OFFLOAD) {
			csum_store16(udp + UDP_CHECK, csum_fold(sum));
			return;
		}
		csum_store16(udp + UDP_CHECK, 0);
		sum = csum_add(sum, udp, pi->udp_len);
		csum_store16(udp + UDP_CHECK, udp_nonzero(csum_finish(sum)));
		return;
	default:
		sum = csum_diff16(addr_diff, old_port, port);
		sum = csum_apply(csum_load16(udp + UDP_CHECK), sum);
		csum_store16(udp + UDP_CHECK, udp_nonzero((uint16_t)sum));
	}
}

/* Rewrites the headers of the frame at @f whose datagram is already in
 * place; rewrite_check() has passed. */
static void patch(uint8_t *f, const struct pkt_info *pi, const struct rewrite_out *o)
{
	uint8_t *ip = f + ETH_HLEN;
	uint8_t *udp = ip + pi->ihl;
	uint32_t saddr = o->saddr ? o->saddr : pi->saddr;
	uint16_t old_port = csum_load16(udp + UDP_DPORT);
	uint16_t port = o->dport_be ? o->dport_be : old_port;
	/* TTL and protocol form one 16-bit word of the sum; built in a
	 * register, not reloaded after a byte store (no forwarding stall). */
	uint8_t old_tp[2] = {pi->ttl, IPPROTO_UDP};
	uint8_t new_tp[2] = {o->ttl ? o->ttl : (uint8_t)(pi->ttl - 1), IPPROTO_UDP};
	uint64_t addr_diff, ip_diff;

	memcpy(f, o->eth, ETH_HLEN);
	ip[IP_TTL_PROTO] = new_tp[0];
	csum_store32(ip + IP_SADDR, saddr);
	csum_store32(ip + IP_DADDR, o->daddr);
	addr_diff = csum_diff32(0, pi->saddr, saddr);
	addr_diff = csum_diff32(addr_diff, pi->daddr, o->daddr);
	ip_diff = csum_diff16(addr_diff, csum_load16(old_tp), csum_load16(new_tp));
	csum_store16(ip + IP_CHECK, csum_apply(csum_load16(ip + IP_CHECK), ip_diff));

	csum_store16(udp + UDP_DPORT, port);
	patch_udp_csum(udp, pi, o, saddr, addr_diff, old_port, port);
}

int rewrite_frame(const uint8_t *in, const struct pkt_info *pi, const struct rewrite_out *o,
		  uint8_t *out, size_t cap)
{
	enum pkt_drop r = rewrite_check(pi, o);

	if (r)
		return -(int)r;
	if (cap < ETH_HLEN + (size_t)pi->tot_len)
		return -PKT_DROP_NO_ROOM;
	memcpy(out + ETH_HLEN, in + pi->l3, pi->tot_len);
	patch(out, pi, o);
	return ETH_HLEN + pi->tot_len;
}

int rewrite_in_place(uint8_t *frame, const struct pkt_info *pi, const struct rewrite_out *o)
{
	enum pkt_drop r = rewrite_check(pi, o);

	if (r)
		return -(int)r;
	/* pkt_parse() only accepts untagged frames: l3 is ETH_HLEN here. */
	patch(frame, pi, o);
	return ETH_HLEN + pi->tot_len;
}
