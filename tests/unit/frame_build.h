/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: builds Ethernet/IPv4/UDP frames with checksums computed from
 * scratch, byte by byte in network order, independently of src/csum.h, and
 * recomputes them for checking. Header-only (static), for test_packet.c and
 * test_rewrite.c.
 */
#ifndef MCR_TEST_FRAME_BUILD_H
#define MCR_TEST_FRAME_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum fb_csum {
	FB_CSUM_FULL,	 /* a correct UDP checksum */
	FB_CSUM_NONE,	 /* UDP checksum field 0 */
	FB_CSUM_PARTIAL, /* folded pseudo-header sum, as CHECKSUM_PARTIAL */
};

struct fb_spec {
	uint8_t dmac[6], smac[6];
	uint16_t vlan_tpid;	 /* 0 = untagged; else a tag with this TPID */
	uint16_t ethertype;	 /* 0 = IPv4 */
	uint8_t version;	 /* 0 = 4 */
	uint8_t tos, ttl, proto; /* proto 0 = UDP */
	uint16_t id, frag;	 /* host order: flags and offset */
	uint32_t saddr, daddr;	 /* host order */
	uint16_t sport, dport;
	uint8_t opt_len; /* multiple of 4, <= 40 */
	uint8_t opts[40];
	const uint8_t *payload;
	size_t plen;
	enum fb_csum csum;
	size_t pad; /* bytes after the datagram (Ethernet padding) */
};

static inline void fb_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void fb_put32(uint8_t *p, uint32_t v)
{
	fb_put16(p, v >> 16);
	fb_put16(p + 2, v & 0xffff);
}

static inline uint16_t fb_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t fb_get32(const uint8_t *p)
{
	return (uint32_t)fb_get16(p) << 16 | fb_get16(p + 2);
}

/* One's complement sum of big-endian 16-bit words, folded, plus @acc. */
static inline uint16_t fb_sum(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += fb_get16(p + i);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* The IP header checksum the header at @ip should carry. */
static inline uint16_t fb_ip_csum(const uint8_t *ip)
{
	uint8_t h[60];
	size_t ihl = (ip[0] & 0xf) * 4;

	memcpy(h, ip, ihl);
	h[10] = h[11] = 0;
	return (uint16_t)~fb_sum(h, ihl, 0);
}

/* The folded pseudo-header sum of the datagram at @ip. */
static inline uint16_t fb_pseudo(const uint8_t *ip, uint16_t udp_len)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = ip[9];
	fb_put16(ph + 10, udp_len);
	return fb_sum(ph, sizeof(ph), 0);
}

/* The full UDP checksum the datagram at @ip should carry (0 sent as 0xffff). */
static inline uint16_t fb_udp_csum(const uint8_t *ip)
{
	size_t ihl = (ip[0] & 0xf) * 4;
	const uint8_t *udp = ip + ihl;
	uint16_t ulen = fb_get16(udp + 4);
	uint32_t acc = fb_pseudo(ip, ulen);
	uint16_t c;

	acc += fb_sum(udp, 6, 0);
	acc += fb_sum(udp + 8, ulen - 8u, 0);
	c = (uint16_t)~fb_sum(NULL, 0, acc);
	return c ? c : 0xffff;
}

/* Writes the frame into buf and returns its length (0 when it does not fit). */
static inline size_t fb_build(const struct fb_spec *s, uint8_t *buf, size_t cap)
{
	size_t l2 = 14 + (s->vlan_tpid ? 4 : 0);
	size_t ihl = 20 + s->opt_len;
	size_t tot = ihl + 8 + s->plen;
	uint8_t *ip = buf + l2, *udp;

	if (l2 + tot + s->pad > cap || tot > 0xffff)
		return 0;
	memcpy(buf, s->dmac, 6);
	memcpy(buf + 6, s->smac, 6);
	if (s->vlan_tpid) {
		fb_put16(buf + 12, s->vlan_tpid);
		fb_put16(buf + 14, 100);
	}
	fb_put16(buf + l2 - 2, s->ethertype ? s->ethertype : 0x0800);
	ip[0] = (uint8_t)((s->version ? s->version : 4) << 4 | ihl / 4);
	ip[1] = s->tos;
	fb_put16(ip + 2, (uint16_t)tot);
	fb_put16(ip + 4, s->id);
	fb_put16(ip + 6, s->frag);
	ip[8] = s->ttl;
	ip[9] = s->proto ? s->proto : 17;
	fb_put32(ip + 12, s->saddr);
	fb_put32(ip + 16, s->daddr);
	memcpy(ip + 20, s->opts, s->opt_len);
	fb_put16(ip + 10, 0);
	fb_put16(ip + 10, fb_ip_csum(ip));
	udp = ip + ihl;
	fb_put16(udp, s->sport);
	fb_put16(udp + 2, s->dport);
	fb_put16(udp + 4, (uint16_t)(8 + s->plen));
	fb_put16(udp + 6, 0);
	if (s->plen)
		memcpy(udp + 8, s->payload, s->plen);
	if (s->csum == FB_CSUM_FULL)
		fb_put16(udp + 6, fb_udp_csum(ip));
	else if (s->csum == FB_CSUM_PARTIAL)
		fb_put16(udp + 6, fb_pseudo(ip, (uint16_t)(8 + s->plen)));
	memset(ip + tot, 0, s->pad);
	return l2 + tot + s->pad;
}

/* A valid spec: 10.0.0.1:4000 -> 239.1.1.1:5001, TTL 64, @plen bytes. */
static inline void fb_default(struct fb_spec *s, const uint8_t *payload, size_t plen)
{
	static const uint8_t dmac[6] = {0x01, 0x00, 0x5e, 0x01, 0x01, 0x01};
	static const uint8_t smac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

	memset(s, 0, sizeof(*s));
	memcpy(s->dmac, dmac, 6);
	memcpy(s->smac, smac, 6);
	s->ttl = 64;
	s->tos = 0xb9; /* DSCP 46 + ECN 1 */
	s->id = 0x1234;
	s->frag = 0x4000; /* DF */
	s->saddr = 0x0a000001;
	s->daddr = 0xef010101;
	s->sport = 4000;
	s->dport = 5001;
	s->payload = payload;
	s->plen = plen;
}

/* xorshift64*: deterministic test randomness. */
static inline uint64_t fb_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

#endif
