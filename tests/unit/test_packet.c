// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The frame parser: what it accepts, what it reports, and one crafted frame
 * for every drop reason. Frames are parsed from heap buffers of their exact
 * length, so a read past the end shows under ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <cmocka.h>

#include "packet.h"
#include "frame_build.h"

static uint8_t payload[2048];

/* Parses @len bytes of @buf copied to an exact-size heap buffer. */
static enum pkt_drop parse_exact(const uint8_t *buf, uint32_t snaplen, uint32_t len,
				 uint32_t status, struct pkt_info *pi)
{
	uint8_t *f = malloc(snaplen ? snaplen : 1);
	enum pkt_drop r;

	assert_non_null(f);
	memcpy(f, buf, snaplen);
	r = pkt_parse(f, snaplen, len, status, pi);
	free(f);
	return r;
}

/* Builds @s and parses it whole with @status. */
static enum pkt_drop parse_spec(const struct fb_spec *s, uint32_t status, struct pkt_info *pi)
{
	uint8_t buf[2200];
	size_t n = fb_build(s, buf, sizeof(buf));

	assert_true(n > 0);
	return parse_exact(buf, (uint32_t)n, (uint32_t)n, status, pi);
}

/* Builds the default frame, lets @edit change bytes, parses it. */
static enum pkt_drop parse_edited(void (*edit)(uint8_t *f, size_t *n), uint32_t status)
{
	struct fb_spec s;
	struct pkt_info pi;
	uint8_t buf[2200];
	size_t n;

	fb_default(&s, payload, 100);
	n = fb_build(&s, buf, sizeof(buf));
	assert_true(n > 0);
	edit(buf, &n);
	return parse_exact(buf, (uint32_t)n, (uint32_t)n, status, &pi);
}

/* Recomputes the IP header checksum after an edit, so only the edit counts. */
static void fix_ip_csum(uint8_t *f)
{
	fb_put16(f + 14 + 10, 0);
	fb_put16(f + 14 + 10, fb_ip_csum(f + 14));
}

static void test_parse_accepts_multicast_udp(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;

	(void)state;
	fb_default(&s, payload, 100);
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
	assert_int_equal(pi.l3, 14);
	assert_int_equal(pi.ihl, 20);
	assert_int_equal(pi.l4, 34);
	assert_int_equal(pi.payload, 42);
	assert_int_equal(pi.tot_len, 128);
	assert_int_equal(pi.udp_len, 108);
	assert_int_equal(pi.saddr, htonl(0x0a000001));
	assert_int_equal(pi.daddr, htonl(0xef010101));
	assert_int_equal(pi.sport, 4000);
	assert_int_equal(pi.dport, 5001);
	assert_int_equal(pi.ttl, 64);
	assert_int_equal(pi.csum, PKT_CSUM_FULL);
	assert_int_equal(pkt_frame_len(&pi), 142);
}

static void test_parse_finds_udp_after_ip_options(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;

	(void)state;
	fb_default(&s, payload, 10);
	s.opt_len = 40;
	memset(s.opts, 1, sizeof(s.opts)); /* NOPs */
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
	assert_int_equal(pi.ihl, 60);
	assert_int_equal(pi.l4, 74);
	assert_int_equal(pi.payload, 82);
	assert_int_equal(pi.dport, 5001);
}

static void test_parse_ignores_ethernet_padding(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;

	(void)state;
	fb_default(&s, payload, 2);
	s.pad = 4; /* 14 + 30 + 4 = 48; a NIC pads to 60 the same way */
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
	assert_int_equal(pi.tot_len, 30);
	assert_int_equal(pkt_frame_len(&pi), 44);
}

static void test_parse_accepts_empty_payload(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;

	(void)state;
	fb_default(&s, NULL, 0);
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
	assert_int_equal(pi.udp_len, 8);
}

static void test_parse_reports_checksum_state(void **state)
{
	static const struct {
		enum fb_csum field;
		uint32_t status;
		enum pkt_csum want;
	} cases[] = {
	    {FB_CSUM_FULL, 0, PKT_CSUM_FULL},
	    {FB_CSUM_FULL, TP_STATUS_CSUM_VALID, PKT_CSUM_VALID},
	    {FB_CSUM_NONE, 0, PKT_CSUM_NONE},
	    {FB_CSUM_NONE, TP_STATUS_CSUM_VALID, PKT_CSUM_NONE},
	    {FB_CSUM_PARTIAL, TP_STATUS_CSUMNOTREADY, PKT_CSUM_PARTIAL},
	    /* partial wins over a zero field: the stack fills it later */
	    {FB_CSUM_NONE, TP_STATUS_CSUMNOTREADY, PKT_CSUM_PARTIAL},
	};
	struct fb_spec s;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fb_default(&s, payload, 33);
		s.csum = cases[i].field;
		assert_int_equal(parse_spec(&s, cases[i].status, &pi), PKT_OK);
		assert_int_equal(pi.csum, cases[i].want);
	}
}

static void test_parse_drops_truncated_capture(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;
	uint8_t buf[256];
	size_t n;

	(void)state;
	fb_default(&s, payload, 100);
	n = fb_build(&s, buf, sizeof(buf));
	assert_int_equal(parse_exact(buf, (uint32_t)n - 1, (uint32_t)n, 0, &pi),
			 PKT_DROP_TRUNCATED);
	assert_int_equal(parse_exact(buf, 64, (uint32_t)n, 0, &pi), PKT_DROP_TRUNCATED);
}

static void test_parse_drops_short_frames(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;
	uint8_t buf[256];
	uint32_t n;

	(void)state;
	fb_default(&s, payload, 100);
	fb_build(&s, buf, sizeof(buf));
	for (n = 0; n < 14; n++)
		assert_int_equal(parse_exact(buf, n, n, 0, &pi), PKT_DROP_SHORT);
	for (n = 14; n < 34; n++)
		assert_int_equal(parse_exact(buf, n, n, 0, &pi), PKT_DROP_SHORT);
}

static void test_parse_drops_vlan_tagged(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;

	(void)state;
	fb_default(&s, payload, 100);
	s.vlan_tpid = 0x8100;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_VLAN);
	s.vlan_tpid = 0x88a8;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_VLAN);
	/* the tag the kernel moved into the metadata */
	s.vlan_tpid = 0;
	assert_int_equal(parse_spec(&s, TP_STATUS_VLAN_VALID, &pi), PKT_DROP_VLAN);
}

static void test_parse_drops_non_ipv4_ethertypes(void **state)
{
	static const uint16_t types[] = {0x0806, 0x86dd, 0x8847, 0x0801, 0xffff};
	struct fb_spec s;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fb_default(&s, payload, 100);
		s.ethertype = types[i];
		assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_NOT_IPV4);
	}
}

static void test_parse_drops_ip_version_6(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;

	(void)state;
	fb_default(&s, payload, 100);
	s.version = 6;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_MALFORMED_IP);
}

static void edit_ihl_4(uint8_t *f, size_t *n)
{
	(void)n;
	f[14] = 0x44;
	fix_ip_csum(f);
}

static void edit_ihl_past_frame(uint8_t *f, size_t *n)
{
	f[14] = 0x4f; /* 60 bytes of header in a 40-byte frame */
	*n = 14 + 40;
}

static void test_parse_drops_bad_ihl(void **state)
{
	(void)state;
	assert_int_equal(parse_edited(edit_ihl_4, 0), PKT_DROP_BAD_IHL);
	assert_int_equal(parse_edited(edit_ihl_past_frame, 0), PKT_DROP_BAD_IHL);
}

static void edit_ip_csum(uint8_t *f, size_t *n)
{
	(void)n;
	f[14 + 11] ^= 0x01;
}

static void edit_ttl_without_csum(uint8_t *f, size_t *n)
{
	(void)n;
	f[14 + 8]--;
}

static void test_parse_drops_bad_ip_checksum(void **state)
{
	(void)state;
	assert_int_equal(parse_edited(edit_ip_csum, 0), PKT_DROP_BAD_IP_CSUM);
	assert_int_equal(parse_edited(edit_ttl_without_csum, 0), PKT_DROP_BAD_IP_CSUM);
	/* offload bits speak of UDP only: the header is checked regardless */
	assert_int_equal(parse_edited(edit_ip_csum, TP_STATUS_CSUM_VALID), PKT_DROP_BAD_IP_CSUM);
}

static void edit_tot_len_past_frame(uint8_t *f, size_t *n)
{
	fb_put16(f + 14 + 2, (uint16_t)(*n - 14 + 1));
	fix_ip_csum(f);
}

static void edit_tot_len_below_udp(uint8_t *f, size_t *n)
{
	(void)n;
	fb_put16(f + 14 + 2, 27);
	fix_ip_csum(f);
}

static void edit_tot_len_below_ihl(uint8_t *f, size_t *n)
{
	(void)n;
	fb_put16(f + 14 + 2, 19);
	fix_ip_csum(f);
}

static void test_parse_drops_bad_total_length(void **state)
{
	(void)state;
	assert_int_equal(parse_edited(edit_tot_len_past_frame, 0), PKT_DROP_BAD_LEN);
	assert_int_equal(parse_edited(edit_tot_len_below_udp, 0), PKT_DROP_BAD_LEN);
	assert_int_equal(parse_edited(edit_tot_len_below_ihl, 0), PKT_DROP_BAD_LEN);
}

static void test_parse_drops_fragments(void **state)
{
	static const uint16_t frag[] = {0x2000, 0x0001, 0x1fff, 0x4001, 0x2000 | 185};
	struct fb_spec s;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(frag) / sizeof(frag[0]); i++) {
		fb_default(&s, payload, 100);
		s.frag = frag[i];
		assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_FRAGMENT);
	}
	/* DF alone, or no flags, is a whole datagram */
	s.frag = 0x4000;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
	s.frag = 0;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
}

static void test_parse_drops_non_udp(void **state)
{
	static const uint8_t protos[] = {1, 2, 6, 41, 132, 255};
	struct fb_spec s;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(protos); i++) {
		fb_default(&s, payload, 100);
		s.proto = protos[i];
		assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_NOT_UDP);
	}
}

static void edit_udp_len_longer(uint8_t *f, size_t *n)
{
	(void)n;
	fb_put16(f + 34 + 4, fb_get16(f + 34 + 4) + 1);
}

static void edit_udp_len_shorter(uint8_t *f, size_t *n)
{
	(void)n;
	fb_put16(f + 34 + 4, fb_get16(f + 34 + 4) - 1);
}

static void edit_udp_len_below_header(uint8_t *f, size_t *n)
{
	(void)n;
	fb_put16(f + 34 + 4, 7);
}

static void test_parse_drops_udp_length_lies(void **state)
{
	(void)state;
	assert_int_equal(parse_edited(edit_udp_len_longer, 0), PKT_DROP_UDP_LEN);
	assert_int_equal(parse_edited(edit_udp_len_shorter, 0), PKT_DROP_UDP_LEN);
	assert_int_equal(parse_edited(edit_udp_len_below_header, 0), PKT_DROP_UDP_LEN);
}

static void test_parse_drops_unicast_destination(void **state)
{
	static const uint32_t dst[] = {0x0a000002, 0xdfffffff, 0xf0000001, 0xffffffff};
	struct fb_spec s;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		fb_default(&s, payload, 100);
		s.daddr = dst[i];
		assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_NOT_MULTICAST);
	}
	s.daddr = 0xe0000000;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
	s.daddr = 0xefffffff;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
}

static void test_parse_drops_martian_source(void **state)
{
	static const uint32_t src[] = {0,	   0x00ffffff, 0xe0000001,
				       0xef010101, 0xf0000001, 0xffffffff};
	struct fb_spec s;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		fb_default(&s, payload, 100);
		s.saddr = src[i];
		assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_BAD_SRC);
	}
	s.saddr = 0x01000000;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
	s.saddr = 0xdfffffff;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_OK);
}

static void test_parse_reports_outermost_fault(void **state)
{
	struct fb_spec s;
	struct pkt_info pi;

	(void)state;
	/* a tagged TCP fragment to a unicast address is a "vlan" drop */
	fb_default(&s, payload, 100);
	s.vlan_tpid = 0x8100;
	s.proto = 6;
	s.frag = 0x2000;
	s.daddr = 0x0a000002;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_VLAN);
	s.vlan_tpid = 0;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_FRAGMENT);
	s.frag = 0;
	assert_int_equal(parse_spec(&s, 0, &pi), PKT_DROP_NOT_UDP);
}

static void test_drop_names_are_distinct_snake_case(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < PKT_DROP__MAX; i++) {
		const char *n = pkt_drop_names[i];

		assert_non_null(n);
		assert_true(strlen(n) > 0);
		assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_"), strlen(n));
		for (j = 0; j < i; j++)
			assert_string_not_equal(n, pkt_drop_names[j]);
	}
	assert_string_equal(pkt_drop_names[PKT_DROP_SHORT], "malformed_short");
	assert_string_equal(pkt_drop_names[PKT_DROP_TOO_BIG], "too_big");
	assert_string_equal(pkt_drop_names[PKT_DROP_TTL], "ttl");
}

/* Random header damage: the parser either rejects the frame or reports a
 * datagram that lies inside it. ASan sees any read past the end. */
static void test_parse_survives_random_damage(void **state)
{
	uint64_t rnd = 0x5eed;
	struct fb_spec s;
	struct pkt_info pi;
	uint8_t buf[600];
	int i, accepted = 0;

	(void)state;
	for (i = 0; i < 20000; i++) {
		size_t n, cut;
		int k;

		fb_default(&s, payload, fb_rand(&rnd) % 500);
		s.opt_len = (fb_rand(&rnd) % 11) * 4;
		n = fb_build(&s, buf, sizeof(buf));
		for (k = fb_rand(&rnd) % 3; k >= 0; k--)
			buf[fb_rand(&rnd) % 80] ^= (uint8_t)(1u << (fb_rand(&rnd) % 8));
		cut = fb_rand(&rnd) % 4 ? n : fb_rand(&rnd) % (n + 1);
		if (parse_exact(buf, (uint32_t)cut, (uint32_t)cut,
				(uint32_t)fb_rand(&rnd) & TP_STATUS_CSUMNOTREADY, &pi) != PKT_OK)
			continue;
		accepted++;
		assert_true(pkt_frame_len(&pi) <= cut);
		assert_int_equal(pi.l4, pi.l3 + pi.ihl);
		assert_int_equal(pi.udp_len + pi.ihl, pi.tot_len);
		assert_true(pi.payload <= pkt_frame_len(&pi));
		assert_int_equal(fb_sum(buf + 14, pi.ihl, 0), 0xffff);
	}
	assert_true(accepted > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_accepts_multicast_udp),
	    cmocka_unit_test(test_parse_finds_udp_after_ip_options),
	    cmocka_unit_test(test_parse_ignores_ethernet_padding),
	    cmocka_unit_test(test_parse_accepts_empty_payload),
	    cmocka_unit_test(test_parse_reports_checksum_state),
	    cmocka_unit_test(test_parse_drops_truncated_capture),
	    cmocka_unit_test(test_parse_drops_short_frames),
	    cmocka_unit_test(test_parse_drops_vlan_tagged),
	    cmocka_unit_test(test_parse_drops_non_ipv4_ethertypes),
	    cmocka_unit_test(test_parse_drops_ip_version_6),
	    cmocka_unit_test(test_parse_drops_bad_ihl),
	    cmocka_unit_test(test_parse_drops_bad_ip_checksum),
	    cmocka_unit_test(test_parse_drops_bad_total_length),
	    cmocka_unit_test(test_parse_drops_fragments),
	    cmocka_unit_test(test_parse_drops_non_udp),
	    cmocka_unit_test(test_parse_drops_udp_length_lies),
	    cmocka_unit_test(test_parse_drops_unicast_destination),
	    cmocka_unit_test(test_parse_drops_martian_source),
	    cmocka_unit_test(test_parse_reports_outermost_fault),
	    cmocka_unit_test(test_drop_names_are_distinct_snake_case),
	    cmocka_unit_test(test_parse_survives_random_damage),
	};
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
