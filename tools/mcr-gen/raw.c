// SPDX-License-Identifier: GPL-2.0-or-later
/* mcr-gen --raw: whole Ethernet frames through an AF_PACKET socket, past
 * the local UDP/IP stack and the qdisc, for rates a UDP socket cannot
 * offer. Multicast destinations only: their MAC follows from the group. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "gen.h"

#define ETH_LEN 14
#define IP_LEN 20

static int fail(const char *what, const char *arg, int err)
{
	fprintf(stderr, "mcr-gen: %s%s%s: %s\n", what, arg ? " " : "", arg ? arg : "",
		strerror(err));
	return -err;
}

/* One's complement sum of @len bytes added to @sum, not yet folded. */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	uint32_t w;

	for (; len >= 4; len -= 4, p += 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (len >= 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len)
		sum += htons((uint16_t)(*p << 8));
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The interface's MAC, MTU and (unless --source gave one) IPv4 address. */
static int raw_iface(int fd, const struct gen_opts *o, struct gen_raw *r)
{
	struct ifreq ifr = {0};

	strcpy(ifr.ifr_name, o->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		return fail("cannot read the MAC address of", o->ifname, errno);
	memcpy(r->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	if (ioctl(fd, SIOCGIFMTU, &ifr))
		return fail("cannot read the MTU of", o->ifname, errno);
	if (o->size + IP_LEN + sizeof(struct udphdr) > (size_t)ifr.ifr_mtu) {
		fprintf(stderr,
			"mcr-gen: --size %zu does not fit the MTU %d of %s (--raw cannot "
			"fragment)\n",
			o->size, ifr.ifr_mtu, o->ifname);
		return -EMSGSIZE;
	}
	r->saddr = o->source;
	if (r->saddr)
		return 0;
	if (ioctl(fd, SIOCGIFADDR, &ifr))
		return fail("no IPv4 address on", o->ifname, errno);
	r->saddr = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
	return 0;
}

static void raw_template(const struct gen_opts *o, struct gen_raw *r, size_t d)
{
	uint8_t *f = r->tmpl + d * GEN_RAW_HDR;
	struct ether_header *eth = (struct ether_header *)f;
	struct iphdr ip = {0};
	struct udphdr udp = {0};
	uint32_t g = ntohl(o->dests[d].addr);

	/* RFC 1112: 01:00:5e + the low 23 bits of the group */
	eth->ether_dhost[0] = 0x01;
	eth->ether_dhost[1] = 0x00;
	eth->ether_dhost[2] = 0x5e;
	eth->ether_dhost[3] = (uint8_t)(g >> 16 & 0x7f);
	eth->ether_dhost[4] = (uint8_t)(g >> 8);
	eth->ether_dhost[5] = (uint8_t)g;
	memcpy(eth->ether_shost, r->mac, ETH_ALEN);
	eth->ether_type = htons(ETHERTYPE_IP);
	ip.version = 4;
	ip.ihl = 5;
	ip.tos = o->tos < 0 ? 0 : (uint8_t)o->tos;
	ip.tot_len = htons((uint16_t)(IP_LEN + sizeof(udp) + o->size));
	ip.frag_off = htons(IP_DF);
	ip.ttl = (uint8_t)o->ttl;
	ip.protocol = IPPROTO_UDP;
	ip.saddr = r->saddr;
	ip.daddr = o->dests[d].addr;
	memcpy(f + ETH_LEN, &ip, IP_LEN);
	udp.source = htons(r->sport);
	udp.dest = htons(o->dests[d].port);
	udp.len = htons((uint16_t)(sizeof(udp) + o->size));
	memcpy(f + ETH_LEN + IP_LEN, &udp, sizeof(udp));
}

int gen_raw_socket(const struct gen_opts *o, struct gen_raw *r)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET};
	int fd, one = 1, err;
	size_t d;

	memset(r, 0, sizeof(*r));
	for (d = 0; d < o->n_dests; d++) {
		if (!IN_MULTICAST(ntohl(o->dests[d].addr))) {
			fprintf(stderr, "mcr-gen: --raw sends to multicast groups only\n");
			return -EINVAL;
		}
	}
	/* protocol 0: this socket never receives */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("cannot open an AF_PACKET socket (needs CAP_NET_RAW)", NULL, errno);
	sll.sll_ifindex = (int)if_nametoindex(o->ifname);
	if (!sll.sll_ifindex) {
		err = fail("no interface", o->ifname, errno);
		goto out;
	}
	if ((err = raw_iface(fd, o, r)))
		goto out;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = fail("cannot bind to", o->ifname, errno);
		goto out;
	}
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	r->sport = o->sport ? o->sport : (uint16_t)(32768 + getpid() % 28000);
	r->tmpl = calloc(o->n_dests, GEN_RAW_HDR);
	if (!r->tmpl) {
		err = -ENOMEM;
		goto out;
	}
	for (d = 0; d < o->n_dests; d++)
		raw_template(o, r, d);
	return fd;
out:
	close(fd);
	return err;
}

void gen_raw_frame(struct gen_raw *r, uint8_t *frame, size_t d, size_t payload_len)
{
	uint8_t *ip = frame + ETH_LEN, *udp = ip + IP_LEN;
	uint16_t id = htons(r->ip_id++), sum, ulen = htons((uint16_t)(8 + payload_len));
	uint64_t acc;

	memcpy(frame, r->tmpl + d * GEN_RAW_HDR, GEN_RAW_HDR);
	memcpy(ip + 4, &id, 2);
	sum = csum_fold(csum_add(0, ip, IP_LEN));
	memcpy(ip + 10, &sum, 2);
	/* pseudo header: addresses, protocol, UDP length; then header and data */
	acc = csum_add(0, ip + 12, 8) + htons(IPPROTO_UDP) + ulen;
	sum = csum_fold(csum_add(acc, udp, 8 + payload_len));
	if (!sum)
		sum = 0xffff; /* 0 would mean "no checksum" */
	memcpy(udp + 6, &sum, 2);
}

void gen_raw_free(struct gen_raw *r)
{
	free(r->tmpl);
	r->tmpl = NULL;
}
