// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The RX prefilter, run over crafted frames by a small classic-BPF
 * interpreter written here (only the opcodes a filter of this kind needs),
 * with a validator that applies the kernel's structural rules (every jump
 * forward and inside the program, last instruction a return). Frames are
 * heap blocks of their exact length, so an interpreter read past the end
 * shows under ASan. The kernel's own verifier is consulted too: attaching a
 * classic filter to a UDP socket needs no privilege.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <cmocka.h>

#include "bpf.h"
#include "frame_build.h"

#define RET_ALL 0xffffffffu
#define VM_FAULT (-1)
#define VM_OUT 1 /* a load past the frame: the kernel drops the frame */

/* ---- the interpreter ---------------------------------------------------- */

/* What the kernel would know about a frame besides its bytes. */
struct vm_env {
	const uint8_t *pkt;
	size_t len;
	uint32_t pkttype;
	uint32_t vlan_present;
	uint32_t ifindex;
};

static const uint16_t vm_ops[] = {
    BPF_LD | BPF_W | BPF_ABS,	BPF_LD | BPF_H | BPF_ABS,  BPF_LD | BPF_B | BPF_ABS,
    BPF_ALU | BPF_AND | BPF_K,	BPF_ALU | BPF_RSH | BPF_K, BPF_JMP | BPF_JA,
    BPF_JMP | BPF_JEQ | BPF_K,	BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGT | BPF_K,
    BPF_JMP | BPF_JSET | BPF_K, BPF_RET | BPF_K,
};

static int vm_known_op(uint16_t code)
{
	size_t i;

	for (i = 0; i < sizeof(vm_ops) / sizeof(vm_ops[0]); i++)
		if (vm_ops[i] == code)
			return 1;
	return 0;
}

static int vm_is_ancillary(uint32_t k)
{
	return k >= (uint32_t)SKF_AD_OFF;
}

static int vm_known_ancillary(uint32_t k)
{
	return k == (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE) ||
	       k == (uint32_t)(SKF_AD_OFF + SKF_AD_IFINDEX) ||
	       k == (uint32_t)(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT);
}

/* The kernel's structural checks of a classic program (bpf_check_classic). */
static int vm_check(const struct sock_filter *p, size_t n)
{
	size_t pc;

	if (!n || n > BPF_MAXINSNS)
		return -EINVAL;
	for (pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &p[pc];

		if (!vm_known_op(f->code))
			return -EINVAL;
		if (BPF_CLASS(f->code) == BPF_LD && vm_is_ancillary(f->k) &&
		    !vm_known_ancillary(f->k))
			return -EINVAL;
		if (f->code == (BPF_JMP | BPF_JA) && f->k >= n - pc - 1)
			return -EINVAL;
		if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) != BPF_JA &&
		    (pc + f->jt + 1 >= n || pc + f->jf + 1 >= n))
			return -EINVAL;
		if (f->code == (BPF_ALU | BPF_RSH | BPF_K) && f->k >= 32)
			return -EINVAL;
	}
	return BPF_CLASS(p[n - 1].code) == BPF_RET ? 0 : -EINVAL;
}

static int vm_load(const struct vm_env *env, uint16_t size, uint32_t k, uint32_t *a)
{
	size_t w = size == BPF_W ? 4 : size == BPF_H ? 2 : 1, i;

	if (vm_is_ancillary(k)) {
		if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE))
			*a = env->pkttype;
		else if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT))
			*a = env->vlan_present;
		else if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_IFINDEX))
			*a = env->ifindex;
		else
			return VM_FAULT;
		return 0;
	}
	if (k >= env->len || w > env->len - k)
		return VM_OUT;
	for (*a = 0, i = 0; i < w; i++)
		*a = *a << 8 | env->pkt[k + i];
	return 0;
}

static uint32_t vm_jump(const struct sock_filter *f, uint32_t a)
{
	int taken;

	switch (BPF_OP(f->code)) {
	case BPF_JA:
		return f->k;
	case BPF_JEQ:
		taken = a == f->k;
		break;
	case BPF_JGE:
		taken = a >= f->k;
		break;
	case BPF_JGT:
		taken = a > f->k;
		break;
	default: /* BPF_JSET */
		taken = (a & f->k) != 0;
		break;
	}
	return taken ? f->jt : f->jf;
}

/* The program's return value, or VM_FAULT for a program the kernel would
 * not run or one that falls off its end. */
static int64_t vm_run(const struct sock_filter *p, size_t n, const struct vm_env *env)
{
	uint32_t a = 0;
	size_t pc = 0;
	int r;

	while (pc < n) {
		const struct sock_filter *f = &p[pc++];

		if (!vm_known_op(f->code))
			return VM_FAULT;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			r = vm_load(env, BPF_SIZE(f->code), f->k, &a);
			if (r)
				return r == VM_OUT ? 0 : VM_FAULT;
			break;
		case BPF_ALU:
			a = BPF_OP(f->code) == BPF_AND ? a & f->k : a >> (f->k & 31);
			break;
		case BPF_JMP:
			pc += vm_jump(f, a);
			break;
		default: /* BPF_RET */
			return f->k;
		}
	}
	return VM_FAULT;
}

/* ---- helpers ------------------------------------------------------------ */

struct prog {
	struct sock_filter f[BPF_PROG_MAX];
	int len;
};

static uint8_t payload[64];

/* The interface the programs of these tests are built for. */
#define IFINDEX 7

/* Builds the program for host-order @groups and checks its structure. */
static void build_hosts(struct prog *p, const uint32_t *groups, size_t n)
{
	uint32_t be[128];
	size_t i;

	assert_true(n <= 128);
	for (i = 0; i < n; i++)
		be[i] = htonl(groups[i]);
	p->len = bpf_build(be, n, IFINDEX, p->f, BPF_PROG_MAX);
	assert_true(p->len > 0);
	assert_int_equal(vm_check(p->f, (size_t)p->len), 0);
}

/* Runs @p over an exact-size copy of the frame, as on interface @ifindex;
 * true when it is accepted. */
static int passes_dev(const struct prog *p, const uint8_t *frame, size_t n, uint32_t pkttype,
		      uint32_t vlan, uint32_t ifindex)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct vm_env env = {
	    .pkt = copy, .len = n, .pkttype = pkttype, .vlan_present = vlan, .ifindex = ifindex};
	int64_t r;

	assert_non_null(copy);
	memcpy(copy, frame, n);
	r = vm_run(p->f, (size_t)p->len, &env);
	free(copy);
	assert_true(r == 0 || r == RET_ALL);
	return r == RET_ALL;
}

static int passes_env(const struct prog *p, const uint8_t *frame, size_t n, uint32_t pkttype,
		      uint32_t vlan)
{
	return passes_dev(p, frame, n, pkttype, vlan, IFINDEX);
}

static int passes_spec(const struct prog *p, const struct fb_spec *s, uint32_t pkttype)
{
	uint8_t buf[256];
	size_t n = fb_build(s, buf, sizeof(buf));

	assert_true(n > 0);
	return passes_env(p, buf, n, pkttype, 0);
}

/* A UDP (or @proto) datagram to @daddr, as a multicast host receives it. */
static int passes_to(const struct prog *p, uint32_t daddr, uint8_t proto)
{
	struct fb_spec s;

	fb_default(&s, payload, sizeof(payload));
	s.daddr = daddr;
	s.proto = proto;
	return passes_spec(p, &s, PACKET_MULTICAST);
}

static const uint32_t listed[] = {0xef010101, 0xef010102, 0xe0000116};

/* ---- behaviour ---------------------------------------------------------- */

static void test_bpf_accepts_udp_to_listed_group(void **state)
{
	struct prog p;
	size_t i;

	(void)state;
	build_hosts(&p, listed, 3);
	for (i = 0; i < 3; i++)
		assert_true(passes_to(&p, listed[i], 0));
}

/* OTHERHOST: for another host's MAC, or tagged for a VLAN without an
 * interface here, whose tag the kernel cleared before our socket saw it
 * (tests/netns/fwd_malformed.sh, kind vlan). */
static void test_bpf_drops_outgoing_and_otherhost(void **state)
{
	static const uint32_t in_types[] = {PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST,
					    PACKET_LOOPBACK};
	struct fb_spec s;
	struct prog p;
	size_t i;

	(void)state;
	build_hosts(&p, listed, 3);
	fb_default(&s, payload, sizeof(payload));
	for (i = 0; i < sizeof(in_types) / sizeof(in_types[0]); i++)
		assert_true(passes_spec(&p, &s, in_types[i]));
	assert_false(passes_spec(&p, &s, PACKET_OUTGOING));
	assert_false(passes_spec(&p, &s, PACKET_OTHERHOST));
}

/* A VLAN interface over ours took the frame and cleared its tag; the
 * kernel still offers it to our socket, now on the VLAN interface. */
static void test_bpf_drops_frames_on_another_interface(void **state)
{
	struct fb_spec s;
	struct prog p;
	uint8_t buf[256];
	size_t n;

	(void)state;
	build_hosts(&p, NULL, 0);
	fb_default(&s, payload, sizeof(payload));
	n = fb_build(&s, buf, sizeof(buf));
	assert_true(passes_dev(&p, buf, n, PACKET_MULTICAST, 0, IFINDEX));
	assert_false(passes_dev(&p, buf, n, PACKET_MULTICAST, 0, IFINDEX + 1));
	assert_false(passes_dev(&p, buf, n, PACKET_MULTICAST, 0, 0));
}

static void test_bpf_drops_vlan_tag_in_metadata(void **state)
{
	uint8_t buf[256];
	struct fb_spec s;
	struct prog p;
	size_t n;

	(void)state;
	build_hosts(&p, NULL, 0);
	fb_default(&s, payload, sizeof(payload));
	n = fb_build(&s, buf, sizeof(buf));
	assert_true(passes_env(&p, buf, n, PACKET_MULTICAST, 0));
	assert_false(passes_env(&p, buf, n, PACKET_MULTICAST, 1));
}

static void test_bpf_drops_vlan_tag_in_frame(void **state)
{
	struct fb_spec s;
	struct prog p;

	(void)state;
	build_hosts(&p, NULL, 0);
	fb_default(&s, payload, sizeof(payload));
	s.vlan_tpid = 0x8100;
	assert_false(passes_spec(&p, &s, PACKET_MULTICAST));
}

static void test_bpf_drops_arp(void **state)
{
	/* A real ARP request: who-has 10.0.0.2 tell 10.0.0.1, broadcast. */
	uint8_t arp[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0,
			   1,	 0x08, 0x06, 0,	   1,	 0x08, 0,    6, 4, 0, 1,
			   0x02, 0,    0,    0,	   0,	 1,    10,   0, 0, 1};
	struct prog p;

	(void)state;
	arp[38] = 10;
	arp[41] = 2;
	build_hosts(&p, NULL, 0);
	assert_false(passes_env(&p, arp, sizeof(arp), PACKET_BROADCAST, 0));
}

static void test_bpf_drops_ipv6(void **state)
{
	struct fb_spec s;
	struct prog p;

	(void)state;
	build_hosts(&p, NULL, 0);
	fb_default(&s, payload, sizeof(payload));
	s.ethertype = 0x86dd;
	s.version = 6;
	assert_false(passes_spec(&p, &s, PACKET_MULTICAST));
}

static void test_bpf_drops_ipv4_ethertype_with_other_version(void **state)
{
	static const uint8_t versions[] = {0xf, 6, 5, 1};
	struct fb_spec s;
	struct prog p;
	size_t i;

	(void)state;
	build_hosts(&p, NULL, 0);
	fb_default(&s, payload, sizeof(payload));
	for (i = 0; i < sizeof(versions); i++) {
		s.version = versions[i];
		assert_false(passes_spec(&p, &s, PACKET_MULTICAST));
	}
}

static void test_bpf_drops_tcp_icmp_and_igmp(void **state)
{
	static const uint8_t protos[] = {6, 1, 2, 132, 255};
	struct prog p;
	size_t i;

	(void)state;
	build_hosts(&p, listed, 3);
	for (i = 0; i < sizeof(protos); i++)
		assert_false(passes_to(&p, listed[0], protos[i]));
}

static void test_bpf_drops_non_multicast_destination(void **state)
{
	static const uint32_t outside[] = {0x0a000002, 0xdfffffff, 0xf0000000, 0xffffffff, 0};
	struct prog p;
	size_t i;

	(void)state;
	build_hosts(&p, NULL, 0);
	for (i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		assert_false(passes_to(&p, outside[i], 0));
	assert_true(passes_to(&p, 0xe0000000, 0));
	assert_true(passes_to(&p, 0xefffffff, 0));
}

static void test_bpf_drops_unlisted_group(void **state)
{
	struct prog p;

	(void)state;
	build_hosts(&p, listed, 3);
	assert_false(passes_to(&p, 0xef010103, 0));
	assert_false(passes_to(&p, 0xe0000001, 0));
	assert_false(passes_to(&p, 0xefffffff, 0));
}

static void test_bpf_drops_unicast_even_if_listed(void **state)
{
	static const uint32_t bogus[] = {0x0a000002, 0xef010101};
	struct prog p;

	(void)state;
	build_hosts(&p, bogus, 2);
	assert_false(passes_to(&p, 0x0a000002, 0));
	assert_true(passes_to(&p, 0xef010101, 0));
}

static void test_bpf_accepts_any_group_without_list(void **state)
{
	struct prog p;

	(void)state;
	build_hosts(&p, NULL, 0);
	assert_true(passes_to(&p, 0xef010103, 0));
	assert_true(passes_to(&p, 0xe0000001, 0));
}

/* Host-order distinct groups 239.9.0.1, 239.9.0.2, ... */
static void distinct_groups(uint32_t *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		g[i] = 0xef090001 + (uint32_t)i;
}

static void test_bpf_accepts_any_group_when_list_too_long(void **state)
{
	uint32_t g[BPF_MAX_GROUPS + 1];
	struct prog p, none;

	(void)state;
	distinct_groups(g, BPF_MAX_GROUPS + 1);
	build_hosts(&p, g, BPF_MAX_GROUPS + 1);
	build_hosts(&none, NULL, 0);
	assert_int_equal(p.len, none.len);
	assert_true(passes_to(&p, 0xef010103, 0));
	assert_true(passes_to(&p, g[BPF_MAX_GROUPS], 0));
	assert_false(passes_to(&p, 0x0a000002, 0));
}

static void test_bpf_filters_at_exactly_max_groups(void **state)
{
	uint32_t g[BPF_MAX_GROUPS];
	struct prog p;
	size_t i;

	(void)state;
	distinct_groups(g, BPF_MAX_GROUPS);
	build_hosts(&p, g, BPF_MAX_GROUPS);
	for (i = 0; i < BPF_MAX_GROUPS; i++)
		assert_true(passes_to(&p, g[i], 0));
	assert_false(passes_to(&p, g[BPF_MAX_GROUPS - 1] + 1, 0));
}

static void test_bpf_ignores_duplicate_groups(void **state)
{
	static const uint32_t dup[] = {0xef010101, 0xef010101, 0xef010102, 0xef010101, 0xef010102};
	struct prog p, once;

	(void)state;
	build_hosts(&p, dup, 5);
	build_hosts(&once, dup + 1, 2);
	assert_int_equal(p.len, once.len);
	assert_true(passes_to(&p, 0xef010101, 0));
	assert_true(passes_to(&p, 0xef010102, 0));
	assert_false(passes_to(&p, 0xef010103, 0));
}

/* Duplicates do not count against BPF_MAX_GROUPS: a long list of few
 * distinct groups still filters. */
static void test_bpf_counts_distinct_groups_against_the_limit(void **state)
{
	uint32_t g[3 * BPF_MAX_GROUPS];
	struct prog p;
	size_t i;

	(void)state;
	for (i = 0; i < 3 * BPF_MAX_GROUPS; i++)
		g[i] = 0xef010101 + (uint32_t)(i % 2);
	build_hosts(&p, g, 3 * BPF_MAX_GROUPS);
	assert_true(passes_to(&p, 0xef010102, 0));
	assert_false(passes_to(&p, 0xef010103, 0));
}

static void test_bpf_drops_frames_too_short_for_the_header(void **state)
{
	uint8_t buf[256];
	struct fb_spec s;
	struct prog p;
	size_t n;

	(void)state;
	build_hosts(&p, NULL, 0);
	fb_default(&s, payload, sizeof(payload));
	assert_true(fb_build(&s, buf, sizeof(buf)) > 0);
	/* The last byte the filter reads is the destination's, at 33. */
	for (n = 0; n < 34; n++)
		assert_false(passes_env(&p, buf, n, PACKET_MULTICAST, 0));
	assert_true(passes_env(&p, buf, 34, PACKET_MULTICAST, 0));
}

/* ---- sizes and structure ------------------------------------------------ */

static void test_bpf_reports_enospc_when_cap_too_small(void **state)
{
	uint32_t be[BPF_MAX_GROUPS];
	struct sock_filter buf[BPF_PROG_MAX + 4];
	size_t n, i;
	int len;

	(void)state;
	for (i = 0; i < BPF_MAX_GROUPS; i++)
		be[i] = htonl(0xef090001 + (uint32_t)i);
	assert_int_equal(bpf_build(be, 3, IFINDEX, NULL, 0), -ENOSPC);
	for (n = 0; n <= BPF_MAX_GROUPS; n += 8) {
		len = bpf_build(be, n, IFINDEX, buf, BPF_PROG_MAX);
		assert_true(len > 0);
		memset(buf, 0xa5, sizeof(buf));
		assert_int_equal(bpf_build(be, n, IFINDEX, buf, (size_t)len - 1), -ENOSPC);
		/* Nothing at or past the cap was written. */
		for (i = ((size_t)len - 1) * sizeof(buf[0]); i < sizeof(buf); i++)
			assert_int_equal(((uint8_t *)buf)[i], 0xa5);
		assert_int_equal(bpf_build(be, n, IFINDEX, buf, (size_t)len), len);
	}
}

static void test_bpf_longest_program_fits_prog_max(void **state)
{
	uint32_t g[BPF_MAX_GROUPS + 2];
	struct prog p;
	int longest = 0;
	size_t n;

	(void)state;
	distinct_groups(g, BPF_MAX_GROUPS + 2);
	for (n = 0; n <= BPF_MAX_GROUPS + 2; n++) {
		build_hosts(&p, g, n);
		assert_true(p.len <= BPF_PROG_MAX);
		if (p.len > longest)
			longest = p.len;
	}
	/* One jeq per group on top of a fixed part: the bound is that, tight. */
	build_hosts(&p, NULL, 0);
	assert_int_equal(longest, p.len + BPF_MAX_GROUPS);
}

/* The decision a correct filter makes, written as directly as possible. */
struct model_case {
	uint32_t groups[40];
	size_t n;
	uint32_t pkttype, vlan, daddr, ifindex;
	uint16_t ethertype;
	uint8_t version, proto;
};

static int model_accepts(const struct model_case *c)
{
	size_t distinct = 0, i, j;
	int listed_here = 0;

	for (i = 0; i < c->n; i++) {
		for (j = 0; j < i && c->groups[j] != c->groups[i]; j++)
			;
		distinct += j == i;
		listed_here |= c->groups[i] == c->daddr;
	}
	if (c->ifindex != IFINDEX || c->pkttype == PACKET_OUTGOING ||
	    c->pkttype == PACKET_OTHERHOST || c->vlan ||
	    c->ethertype != 0x0800 || c->version != 4 ||
	    c->proto != 17 || (c->daddr >> 28) != 0xe)
		return 0;
	return distinct == 0 || distinct > BPF_MAX_GROUPS || listed_here;
}

static uint32_t pick(uint64_t *rng, const uint32_t *from, size_t n)
{
	return from[fb_rand(rng) % n];
}

static void model_random(struct model_case *c, uint64_t *rng)
{
	static const uint32_t addrs[] = {0xef010101, 0xef010102, 0xe0000000, 0xefffffff,
					 0xe0000116, 0x0a000002, 0xf0000000, 0xdfffffff};
	static const uint32_t types[] = {PACKET_HOST, PACKET_MULTICAST, PACKET_OUTGOING,
					 PACKET_OTHERHOST};
	static const uint32_t eths[] = {0x0800, 0x0800, 0x0800, 0x86dd, 0x0806};
	static const uint32_t vers[] = {4, 4, 4, 6};
	static const uint32_t protos[] = {17, 17, 17, 6, 2};
	static const uint32_t sizes[] = {0, 1, 2, 3, 8, BPF_MAX_GROUPS, BPF_MAX_GROUPS + 1, 40};
	size_t i;

	memset(c, 0, sizeof(*c));
	c->n = pick(rng, sizes, 8);
	for (i = 0; i < c->n; i++)
		c->groups[i] = c->n > 8 ? 0xef090001 + (uint32_t)i : pick(rng, addrs, 8);
	c->pkttype = pick(rng, types, 4);
	c->vlan = fb_rand(rng) % 8 == 0;
	c->ifindex = fb_rand(rng) % 8 == 0 ? IFINDEX + 1 : IFINDEX;
	c->daddr = pick(rng, addrs, 8);
	c->ethertype = (uint16_t)pick(rng, eths, 5);
	c->version = (uint8_t)pick(rng, vers, 4);
	c->proto = (uint8_t)pick(rng, protos, 5);
}

static void test_bpf_matches_reference_model(void **state)
{
	uint64_t rng = 0x6d637262706621ull;
	struct model_case c;
	struct fb_spec s;
	uint8_t buf[256];
	struct prog p;
	int i, accepted = 0;
	size_t n;

	(void)state;
	for (i = 0; i < 5000; i++) {
		model_random(&c, &rng);
		build_hosts(&p, c.groups, c.n);
		fb_default(&s, payload, sizeof(payload));
		s.daddr = c.daddr;
		s.ethertype = c.ethertype;
		s.version = c.version;
		s.proto = c.proto;
		n = fb_build(&s, buf, sizeof(buf));
		assert_int_equal(passes_dev(&p, buf, n, c.pkttype, c.vlan, c.ifindex),
				 model_accepts(&c));
		accepted += model_accepts(&c);
	}
	/* Both verdicts were exercised, not just one. */
	assert_true(accepted > 100 && accepted < 4900);
}

static void test_bpf_kernel_accepts_every_program(void **state)
{
	uint32_t g[BPF_MAX_GROUPS + 1];
	struct prog p;
	size_t n;
	int fd;

	(void)state;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	distinct_groups(g, BPF_MAX_GROUPS + 1);
	for (n = 0; n <= BPF_MAX_GROUPS + 1; n++) {
		build_hosts(&p, g, n);
		assert_int_equal(bpf_attach(fd, p.f, (size_t)p.len), 0);
	}
	assert_int_equal(bpf_attach(fd, p.f, 0), -EINVAL);
	close(fd);
}

static void test_bpf_attach_reports_errno(void **state)
{
	static const struct sock_filter bad_jump[] = {
	    {BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 0},
	    {BPF_RET | BPF_K, 0, 0, 0},
	};
	int fd;

	(void)state;
	assert_int_equal(bpf_attach_drop_all(-1), -EBADF);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bpf_attach(fd, bad_jump, 2), -EINVAL);
	close(fd);
}

/* A UDP socket bound to 127.0.0.1 on an ephemeral port. */
static int udp_bound(struct sockaddr_in *sa)
{
	socklen_t sl = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sa, sizeof(*sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sa, &sl), 0);
	return fd;
}

static void test_bpf_drop_all_socket_receives_nothing(void **state)
{
	struct sockaddr_in dropped, control;
	int fd_drop = udp_bound(&dropped), fd_ctl = udp_bound(&control);
	int tx = socket(AF_INET, SOCK_DGRAM, 0);
	struct pollfd pfd = {.fd = fd_ctl, .events = POLLIN};
	char b[4];

	(void)state;
	assert_true(tx >= 0);
	assert_int_equal(bpf_attach_drop_all(fd_drop), 0);
	assert_int_equal(sendto(tx, "x", 1, 0, (struct sockaddr *)&dropped, sizeof(dropped)), 1);
	assert_int_equal(sendto(tx, "y", 1, 0, (struct sockaddr *)&control, sizeof(control)), 1);
	/* Loopback delivers in order: once the control datagram is there, the
	 * filtered one has been through its socket's filter too. */
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(recv(fd_ctl, b, sizeof(b), MSG_DONTWAIT), 1);
	assert_int_equal(recv(fd_drop, b, sizeof(b), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	close(tx);
	close(fd_ctl);
	close(fd_drop);
}

/* ---- the interpreter can fail ------------------------------------------- */

static void test_bpf_validator_rejects_broken_programs(void **state)
{
	static const struct sock_filter past_end[] = {
	    {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0},
	    {BPF_RET | BPF_K, 0, 0, 0},
	};
	static const struct sock_filter ja_past_end[] = {
	    {BPF_JMP | BPF_JA, 0, 0, 1},
	    {BPF_RET | BPF_K, 0, 0, 0},
	};
	static const struct sock_filter no_ret[] = {
	    {BPF_LD | BPF_W | BPF_ABS, 0, 0, 30},
	};
	static const struct sock_filter bad_anc[] = {
	    {BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)(SKF_AD_OFF + SKF_AD_MARK)},
	    {BPF_RET | BPF_K, 0, 0, 0},
	};
	static const struct sock_filter ok[] = {
	    {BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0},
	    {BPF_RET | BPF_K, 0, 0, 0},
	};

	(void)state;
	assert_int_equal(vm_check(past_end, 2), -EINVAL);
	assert_int_equal(vm_check(ja_past_end, 2), -EINVAL);
	assert_int_equal(vm_check(no_ret, 1), -EINVAL);
	assert_int_equal(vm_check(bad_anc, 2), -EINVAL);
	assert_int_equal(vm_check(ok, 0), -EINVAL);
	assert_int_equal(vm_check(ok, 2), 0);
}

static void test_bpf_interpreter_faults_and_follows_the_program(void **state)
{
	static const struct sock_filter falls_off[] = {
	    {BPF_LD | BPF_B | BPF_ABS, 0, 0, 0},
	};
	struct vm_env env = {.pkt = payload, .len = sizeof(payload)};
	struct prog p;
	int i;

	(void)state;
	assert_int_equal(vm_run(falls_off, 1, &env), VM_FAULT);
	build_hosts(&p, listed, 3);
	assert_true(passes_to(&p, listed[0], 0));
	/* Change the EtherType the program wants: the same frame now fails,
	 * so the verdicts above come from the program, not the interpreter. */
	for (i = 0; i < p.len && p.f[i].k != 0x0800; i++)
		;
	assert_true(i < p.len);
	p.f[i].k = 0x86dd;
	assert_false(passes_to(&p, listed[0], 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bpf_accepts_udp_to_listed_group),
	    cmocka_unit_test(test_bpf_drops_outgoing_and_otherhost),
	    cmocka_unit_test(test_bpf_drops_frames_on_another_interface),
	    cmocka_unit_test(test_bpf_drops_vlan_tag_in_metadata),
	    cmocka_unit_test(test_bpf_drops_vlan_tag_in_frame),
	    cmocka_unit_test(test_bpf_drops_arp),
	    cmocka_unit_test(test_bpf_drops_ipv6),
	    cmocka_unit_test(test_bpf_drops_ipv4_ethertype_with_other_version),
	    cmocka_unit_test(test_bpf_drops_tcp_icmp_and_igmp),
	    cmocka_unit_test(test_bpf_drops_non_multicast_destination),
	    cmocka_unit_test(test_bpf_drops_unlisted_group),
	    cmocka_unit_test(test_bpf_drops_unicast_even_if_listed),
	    cmocka_unit_test(test_bpf_accepts_any_group_without_list),
	    cmocka_unit_test(test_bpf_accepts_any_group_when_list_too_long),
	    cmocka_unit_test(test_bpf_filters_at_exactly_max_groups),
	    cmocka_unit_test(test_bpf_ignores_duplicate_groups),
	    cmocka_unit_test(test_bpf_counts_distinct_groups_against_the_limit),
	    cmocka_unit_test(test_bpf_drops_frames_too_short_for_the_header),
	    cmocka_unit_test(test_bpf_reports_enospc_when_cap_too_small),
	    cmocka_unit_test(test_bpf_longest_program_fits_prog_max),
	    cmocka_unit_test(test_bpf_matches_reference_model),
	    cmocka_unit_test(test_bpf_kernel_accepts_every_program),
	    cmocka_unit_test(test_bpf_attach_reports_errno),
	    cmocka_unit_test(test_bpf_drop_all_socket_receives_nothing),
	    cmocka_unit_test(test_bpf_validator_rejects_broken_programs),
	    cmocka_unit_test(test_bpf_interpreter_faults_and_follows_the_program),
	};
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
