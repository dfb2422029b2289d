// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the workers' packet path: pkt_parse() on arbitrary
 * bytes and, when it accepts them, rewrite_frame() and rewrite_in_place()
 * for a few outputs. Every output is checked against byte-wise recomputation
 * (independent of src/csum.h); any inconsistency traps.
 *
 * The first byte is not part of the frame; it picks the circumstances:
 *   bit 0      TP_STATUS_CSUMNOTREADY (CHECKSUM_PARTIAL input)
 *   bit 1      TP_STATUS_CSUM_VALID
 *   bit 2      TP_STATUS_VLAN_VALID
 *   bit 3      the wire length is one more than the capture (truncated)
 *   bit 4      output buffers one byte too small
 *   bit 5      REWRITE_F_OFFLOAD on every output
 *   bits 6-7   the MTU of the last output: 68, 576, 1500, 9000
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "rewrite.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Byte-wise one's complement sum of big-endian words, folded, plus @acc. */
static uint16_t ref_sum(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += get16(p + i);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static uint16_t ref_pseudo(const uint8_t *ip, uint16_t udp_len)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = ip[9];
	ph[10] = udp_len >> 8;
	ph[11] = udp_len & 0xff;
	return ref_sum(ph, sizeof(ph), 0);
}

/* The whole UDP verification sum: 0xffff when the checksum is right. */
static uint16_t ref_residue(const uint8_t *ip, size_t ihl, uint16_t udp_len)
{
	return ref_sum(ip + ihl, udp_len, ref_pseudo(ip, udp_len));
}

static void check_parsed(const uint8_t *f, uint32_t len, const struct pkt_info *pi)
{
	const uint8_t *ip = f + pi->l3;

	CHECK(pi->l3 == 14);
	CHECK(pi->ihl >= 20 && pi->ihl <= 60 && pi->ihl % 4 == 0);
	CHECK(pi->l4 == pi->l3 + pi->ihl && pi->payload == pi->l4 + 8);
	CHECK(pi->udp_len >= 8 && pi->udp_len + pi->ihl == pi->tot_len);
	CHECK(pkt_frame_len(pi) <= len);
	CHECK(ref_sum(ip, pi->ihl, 0) == 0xffff);
	CHECK((ip[6] & 0x3f) == 0 && ip[7] == 0);
	CHECK(ip[9] == 17 && ip[8] == pi->ttl);
	CHECK((ntohl(pi->daddr) >> 28) == 0xe);
	CHECK(get16(ip + pi->ihl + 2) == pi->dport);
}

static void check_output(const uint8_t *in, const struct pkt_info *pi, const struct rewrite_out *o,
			 const uint8_t *out)
{
	const uint8_t *iip = in + 14, *ip = out + 14;
	const uint8_t *iudp = iip + pi->ihl, *udp = ip + pi->ihl;
	uint8_t hdr[60];
	uint16_t field = get16(udp + 6);
	uint32_t g = ntohl(o->daddr);

	CHECK(out[0] == 0x01 && out[1] == 0x00 && out[2] == 0x5e);
	CHECK(out[3] == ((g >> 16) & 0x7f) && out[4] == ((g >> 8) & 0xff) && out[5] == (g & 0xff));
	CHECK(!memcmp(out + 6, o->smac, 6) && out[12] == 0x08 && out[13] == 0x00);

	CHECK(!memcmp(ip, iip, 8));
	CHECK(ip[8] == (o->ttl ? o->ttl : pi->ttl - 1) && ip[8] != 0);
	CHECK(ip[9] == 17);
	CHECK(!memcmp(ip + 12, o->saddr ? (const uint8_t *)&o->saddr : iip + 12, 4));
	CHECK(!memcmp(ip + 16, &o->daddr, 4));
	CHECK(!memcmp(ip + 20, iip + 20, pi->ihl - 20u));
	/* the incremental IP checksum is the canonical full one */
	memcpy(hdr, ip, pi->ihl);
	hdr[10] = hdr[11] = 0;
	CHECK(get16(ip + 10) == (uint16_t)~ref_sum(hdr, pi->ihl, 0));

	CHECK(!memcmp(udp, iudp, 2) && !memcmp(udp + 4, iudp + 4, 2));
	CHECK(get16(udp + 2) == (o->dport ? o->dport : pi->dport));
	CHECK(!memcmp(udp + 8, iudp + 8, pi->udp_len - 8u));

	switch (pi->csum) {
	case PKT_CSUM_NONE:
		CHECK(field == 0);
		break;
	case PKT_CSUM_PARTIAL:
		if (o->flags & REWRITE_F_OFFLOAD) {
			CHECK(rewrite_out_partial(pi, o));
			CHECK(field == ref_pseudo(ip, pi->udp_len));
		} else {
			CHECK(field != 0);
			CHECK(ref_residue(ip, pi->ihl, pi->udp_len) == 0xffff);
		}
		break;
	default:
		/* right stays right, wrong stays wrong by the same amount */
		CHECK(field != 0);
		CHECK(ref_residue(ip, pi->ihl, pi->udp_len) ==
		      ref_residue(iip, pi->ihl, pi->udp_len));
	}
}

static void try_output(const uint8_t *in, const struct pkt_info *pi, const struct rewrite_out *o,
		       bool short_buf)
{
	size_t need = 14 + (size_t)pi->tot_len;
	size_t cap = short_buf ? need - 1 : need;
	uint8_t *out = malloc(cap);
	uint8_t *copy = malloc(need);
	int ret, ret2;

	CHECK(out && copy);
	ret = rewrite_frame(in, pi, o, out, cap);
	memcpy(copy, in, need);
	ret2 = rewrite_in_place(copy, pi, o);
	if (!o->ttl && pi->ttl <= 1) {
		CHECK(ret == -PKT_DROP_TTL && ret2 == ret);
	} else if (pi->tot_len > o->mtu) {
		CHECK(ret == -PKT_DROP_TOO_BIG && ret2 == ret);
	} else if (short_buf) {
		CHECK(ret == -PKT_DROP_NO_ROOM && ret2 == (int)need);
	} else {
		CHECK(ret == (int)need && ret2 == ret);
		check_output(in, pi, o, out);
		CHECK(!memcmp(out, copy, need));
	}
	if (ret2 < 0)
		CHECK(!memcmp(copy, in, need));
	free(copy);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t mtus[] = {68, 576, 1500, 9000};
	struct rewrite_out outs[4] = {
	    {.daddr = htonl(0xef090909), .mtu = 1500},
	    {.daddr = htonl(0xe0000001),
	     .saddr = htonl(0xc0a80001),
	     .dport = 0xffff,
	     .ttl = 1,
	     .mtu = 65535},
	    {.daddr = htonl(0xefffffff), .saddr = htonl(0x0a000001), .dport = 1, .mtu = 9000},
	    {.daddr = htonl(0xe8010203), .dport = 5099, .ttl = 255},
	};
	struct pkt_info pi;
	enum pkt_drop r;
	uint32_t status = 0, len;
	uint8_t *frame;
	size_t i;

	if (size < 1)
		return 0;
	status |= data[0] & 1 ? TP_STATUS_CSUMNOTREADY : 0;
	status |= data[0] & 2 ? TP_STATUS_CSUM_VALID : 0;
	status |= data[0] & 4 ? TP_STATUS_VLAN_VALID : 0;
	len = (uint32_t)size - 1 + (data[0] & 8 ? 1 : 0);
	frame = malloc(size - 1 ? size - 1 : 1);
	CHECK(frame);
	memcpy(frame, data + 1, size - 1);

	r = pkt_parse(frame, (uint32_t)size - 1, len, status, &pi);
	CHECK(r < PKT_DROP_TTL && pkt_drop_names[r]);
	if (r == PKT_OK) {
		check_parsed(frame, len, &pi);
		outs[3].mtu = mtus[data[0] >> 6];
		for (i = 0; i < 4; i++) {
			outs[i].smac[5] = (uint8_t)i;
			outs[i].flags = data[0] & 0x20 ? REWRITE_F_OFFLOAD : 0;
			rewrite_out_prepare(&outs[i]);
			try_output(frame, &pi, &outs[i], data[0] & 0x10);
		}
	}
	free(frame);
	return 0;
}
