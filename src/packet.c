// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Frame parser of the workers' packet path. See packet.h for what is
 * accepted and why; the order of the checks below decides which reason a
 * frame with several faults is counted under: the outermost fault wins.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>

#include "csum.h"
#include "packet.h"

#define IP_MIN_HLEN 20u
#define UDP_HLEN 8u
#define IP_FRAG_MASK 0x3fffu /* MF and the fragment offset */

/* clang-format off */
const char *const pkt_drop_names[PKT_DROP__MAX] = {
	[PKT_OK] = "ok",
	[PKT_DROP_TRUNCATED] = "truncated",
	[PKT_DROP_SHORT] = "malformed_short",
	[PKT_DROP_VLAN] = "vlan",
	[PKT_DROP_NOT_IPV4] = "not_ipv4",
	[PKT_DROP_MALFORMED_IP] = "malformed_ip",
	[PKT_DROP_BAD_IHL] = "bad_ihl",
	[PKT_DROP_BAD_IP_CSUM] = "bad_ip_csum",
	[PKT_DROP_BAD_LEN] = "bad_len",
	[PKT_DROP_FRAGMENT] = "fragment",
	[PKT_DROP_NOT_UDP] = "not_udp",
	[PKT_DROP_UDP_LEN] = "udp_len",
	[PKT_DROP_NOT_MULTICAST] = "not_multicast",
	[PKT_DROP_BAD_SRC] = "bad_src",
	[PKT_DROP_TTL] = "ttl",
	[PKT_DROP_TOO_BIG] = "too_big",
	[PKT_DROP_NO_ROOM] = "no_room",
};
/* clang-format on */

/* The Ethernet layer: untagged IPv4 only. */
static enum pkt_drop parse_eth(const uint8_t *f, uint32_t len, uint32_t status)
{
	uint16_t type;

	if (len < ETH_HLEN)
		return PKT_DROP_SHORT;
	type = ntohs(csum_load16(f + 2 * ETH_ALEN));
	if ((status & TP_STATUS_VLAN_VALID) || type == ETH_P_8021Q || type == ETH_P_8021AD)
		return PKT_DROP_VLAN;
	if (type != ETH_P_IP)
		return PKT_DROP_NOT_IPV4;
	if (len < ETH_HLEN + IP_MIN_HLEN)
		return PKT_DROP_SHORT;
	return PKT_OK;
}

/* The IPv4 header at @ip, with @room bytes of frame from it on. */
static enum pkt_drop parse_ip(const uint8_t *ip, uint32_t room, struct pkt_info *pi)
{
	uint16_t frag;

	if (ip[0] >> 4 != 4)
		return PKT_DROP_MALFORMED_IP;
	pi->ihl = (ip[0] & 0xf) * 4;
	if (pi->ihl < IP_MIN_HLEN || pi->ihl > room)
		return PKT_DROP_BAD_IHL;
	if (csum_fold(csum_add(0, ip, pi->ihl)) != 0xffff)
		return PKT_DROP_BAD_IP_CSUM;
	pi->tot_len = ntohs(csum_load16(ip + 2));
	if (pi->tot_len < pi->ihl || pi->tot_len > room)
		return PKT_DROP_BAD_LEN;
	frag = ntohs(csum_load16(ip + 6));
	if (frag & IP_FRAG_MASK)
		return PKT_DROP_FRAGMENT;
	if (ip[9] != IPPROTO_UDP)
		return PKT_DROP_NOT_UDP;
	if (pi->tot_len < pi->ihl + UDP_HLEN)
		return PKT_DROP_BAD_LEN;
	pi->ttl = ip[8];
	pi->saddr = csum_load32(ip + 12);
	pi->daddr = csum_load32(ip + 16);
	return PKT_OK;
}

static bool addr_in(uint32_t addr_be, uint32_t net, unsigned int plen)
{
	return (ntohl(addr_be) ^ net) >> (32 - plen) == 0;
}

/* The addresses: a multicast destination, a source a host may use. */
static enum pkt_drop check_addrs(const struct pkt_info *pi)
{
	if (!addr_in(pi->daddr, 0xe0000000u, 4))
		return PKT_DROP_NOT_MULTICAST;
	if (addr_in(pi->saddr, 0, 8) || addr_in(pi->saddr, 0xe0000000u, 3))
		return PKT_DROP_BAD_SRC;
	return PKT_OK;
}

enum pkt_drop pkt_parse(const uint8_t *frame, uint32_t snaplen, uint32_t len, uint32_t status,
			struct pkt_info *pi)
{
	const uint8_t *udp;
	enum pkt_drop r;

	if (snaplen < len)
		return PKT_DROP_TRUNCATED;
	r = parse_eth(frame, len, status);
	if (r)
		return r;
	pi->l3 = ETH_HLEN;
	r = parse_ip(frame + ETH_HLEN, len - ETH_HLEN, pi);
	if (r)
		return r;
	pi->l4 = pi->l3 + pi->ihl;
	pi->payload = pi->l4 + UDP_HLEN;
	udp = frame + pi->l4;
	pi->udp_len = ntohs(csum_load16(udp + 4));
	if (pi->udp_len != pi->tot_len - pi->ihl)
		return PKT_DROP_UDP_LEN;
	r = check_addrs(pi);
	if (r)
		return r;
	pi->sport = ntohs(csum_load16(udp));
	pi->dport = ntohs(csum_load16(udp + 2));
	if (status & TP_STATUS_CSUMNOTREADY)
		pi->csum = PKT_CSUM_PARTIAL;
	else if (!csum_load16(udp + 6))
		pi->csum = PKT_CSUM_NONE;
	else if (status & TP_STATUS_CSUM_VALID)
		pi->csum = PKT_CSUM_VALID;
	else
		pi->csum = PKT_CSUM_FULL;
	return PKT_OK;
}
