// SPDX-License-Identifier: GPL-2.0-or-later
/* The rule model: validation and the netlink codec round trip. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "policy.h"
#include "rule.h"

static uint32_t ip(const char *s)
{
	return inet_addr(s);
}

static struct mcr_rule *sample(unsigned int n)
{
	struct mcr_rule *r = mcr_rule_alloc(n);

	snprintf(r->iif, sizeof(r->iif), "eth0");
	r->group = ip("239.1.1.1");
	r->port = 5001;
	for (unsigned int i = 0; i < n; i++) {
		snprintf(r->out[i].oif, sizeof(r->out[i].oif), "eth%u", i + 1);
		r->out[i].group = htonl(0xef090900 + i);
	}
	return r;
}

static const char *why(const struct mcr_rule *r)
{
	static struct mcr_extack ext;

	memset(&ext, 0, sizeof(ext));
	if (mcr_rule_validate(r, &ext) == 0)
		return "ok";
	return ext.msg;
}

static void test_rule_validate_accepts_sample(void **state)
{
	struct mcr_rule *r = sample(3);

	(void)state;
	assert_string_equal(why(r), "ok");
	mcr_rule_free(r);
}

static void test_rule_validate_rejects_unicast_group(void **state)
{
	struct mcr_rule *r = sample(1);

	(void)state;
	r->group = ip("10.1.1.1");
	assert_string_equal(why(r), "group 10.1.1.1 is not a multicast address");
	r->group = ip("239.1.1.1");
	r->out[0].group = ip("192.0.2.1");
	assert_string_equal(why(r), "output 1: group 192.0.2.1 is not a multicast address");
	mcr_rule_free(r);
}

static void test_rule_validate_rejects_bad_names_and_sources(void **state)
{
	struct mcr_rule *r = sample(1);

	(void)state;
	snprintf(r->iif, sizeof(r->iif), "a/b");
	assert_string_equal(why(r), "\"a/b\" is not a valid interface name");
	snprintf(r->iif, sizeof(r->iif), "eth0");
	r->src = ip("239.0.0.1");
	assert_string_equal(why(r), "source 239.0.0.1 is not a unicast address");
	r->src = 0;
	r->out[0].src_mode = MCR_SRC_MODE_ADDR;
	r->out[0].src = 0;
	assert_string_equal(why(r), "output 1: source 0.0.0.0 is not a unicast address");
	r->out[0].src_mode = MCR_SRC_MODE_KEEP;
	r->out[0].src = ip("10.0.0.1");
	assert_string_equal(why(r), "output 1: a source address needs source mode addr");
	mcr_rule_free(r);
}

static void test_rule_validate_rejects_self_loop(void **state)
{
	struct mcr_rule *r = sample(1);

	(void)state;
	snprintf(r->out[0].oif, sizeof(r->out[0].oif), "eth0");
	r->out[0].group = 0; /* same group, same port, same interface */
	assert_int_equal(mcr_rule_validate(r, NULL), -ELOOP);
	assert_string_equal(why(r),
			    "output 1 sends to the rule's own input (iif eth0 group 239.1.1.1): a loop");
	/* another port on the same interface is not a loop */
	r->out[0].port = 6000;
	assert_string_equal(why(r), "ok");
	/* ...unless the input takes any port */
	r->port = 0;
	assert_int_equal(mcr_rule_validate(r, NULL), -ELOOP);
	mcr_rule_free(r);
}

static void test_rule_validate_rejects_duplicate_outputs(void **state)
{
	struct mcr_rule *r = sample(2);

	(void)state;
	r->out[1] = r->out[0];
	r->out[1].ttl = 9; /* same destination: still the same packets */
	assert_string_equal(why(r), "output 2 sends the same packets as output 1");
	mcr_rule_free(r);
}

static void test_rule_validate_rejects_no_outputs(void **state)
{
	struct mcr_rule *r = sample(0);

	(void)state;
	assert_string_equal(why(r), "a rule needs 1 to 64 outputs, not 0");
	mcr_rule_free(r);
	assert_null(mcr_rule_alloc(MCR_MAX_OUTPUTS + 1));
}

static struct mcr_rule *round_trip(const struct mcr_rule *r, unsigned int what,
				   const struct mcr_policy *pol)
{
	static char buf[16384] __attribute__((aligned(8)));
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct mcr_rule *back = NULL;

	assert_int_equal(mcr_rule_put(nlh, sizeof(buf), r, what), 0);
	assert_true(nlh->nlmsg_len <= sizeof(struct nlmsghdr) + mcr_rule_put_size(r, what));
	if (mcr_attr_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), pol, tb,
			   &ext))
		fail_msg("%s", ext.msg);
	assert_int_equal(mcr_rule_decode(mnl_nlmsg_get_payload(nlh),
					 mnl_nlmsg_get_payload_len(nlh), tb, &back, &ext),
			 0);
	return back;
}

static void test_rule_codec_round_trip_keeps_everything(void **state)
{
	struct mcr_rule *r = sample(MCR_MAX_OUTPUTS), *back;

	(void)state;
	r->id = 42;
	r->src = ip("10.0.0.9");
	r->flags = MCR_RULE_FLAGS_PENDING;
	r->stats.packets = 123456789012ULL;
	r->stats.bytes = 1ULL << 40;
	r->out[5].ttl = 7;
	r->out[5].port = 5099;
	r->out[6].src_mode = MCR_SRC_MODE_KEEP;
	r->out[7].src_mode = MCR_SRC_MODE_ADDR;
	r->out[7].src = ip("192.0.2.7");
	r->out[8].stats.packets = 99;
	back = round_trip(r, MCR_PUT_STATE | MCR_PUT_STATS, &mcr_rule_policy);
	assert_true(mcr_rule_same(r, back));
	assert_int_equal(back->id, 42);
	assert_int_equal(back->flags, MCR_RULE_FLAGS_PENDING);
	assert_int_equal(back->stats.packets, 123456789012ULL);
	assert_int_equal(back->stats.bytes, 1ULL << 40);
	assert_int_equal(back->out[8].stats.packets, 99);
	mcr_rule_free(back);
	mcr_rule_free(r);
}

/* Every u64 payload inside the counters nests of @nlh is 8-byte aligned
 * (the buffer is), as the pad attributes promise. Returns how many drop
 * attributes the rule's own stats nest carried. */
static unsigned int check_counters_alignment(const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *c, *o;
	unsigned int rule_drops = 0;

	mnl_attr_for_each(a, nlh, 0) {
		const struct nlattr *stats = NULL;

		if (mnl_attr_get_type(a) == MCR_A_RULE_STATS)
			stats = a;
		if (mnl_attr_get_type(a) == MCR_A_RULE_OUTPUT)
			mnl_attr_for_each_nested(o, a)
				if (mnl_attr_get_type(o) == MCR_A_OUTPUT_STATS)
					stats = o;
		if (!stats)
			continue;
		mnl_attr_for_each_nested(c, stats) {
			if (mnl_attr_get_type(c) == MCR_A_COUNTERS_PAD)
				continue;
			assert_int_equal((uintptr_t)mnl_attr_get_payload(c) % 8, 0);
			if (stats == a && mnl_attr_get_type(c) >= MCR_A_COUNTERS_DROP_TTL &&
			    mnl_attr_get_type(c) <= MCR_A_COUNTERS_DROP_TX_ERROR)
				rule_drops++;
		}
	}
	return rule_drops;
}

static void test_rule_codec_round_trip_keeps_output_drops(void **state)
{
	static char buf[16384] __attribute__((aligned(8)));
	struct mcr_rule *r = sample(MCR_MAX_OUTPUTS), *back;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	(void)state;
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		r->out[i].stats.packets = 1000 + i;
		r->out[i].stats.bytes = (1ULL << 33) + i;
		r->out[i].stats.drops[i % MCR_DROP__MAX] = 10 + i;
	}
	r->out[63].stats.drops[MCR_DROP_TX_ERROR] = UINT64_MAX;
	back = round_trip(r, MCR_PUT_STATE | MCR_PUT_STATS, &mcr_rule_policy);
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		const struct mcr_counters *w = &r->out[i].stats, *g = &back->out[i].stats;

		assert_int_equal(g->packets, w->packets);
		assert_int_equal(g->bytes, w->bytes);
		for (unsigned int k = 0; k < MCR_DROP__MAX; k++)
			assert_int_equal(g->drops[k], w->drops[k]);
	}
	assert_int_equal(back->out[63].stats.drops[MCR_DROP_TX_ERROR], UINT64_MAX);
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf), r, MCR_PUT_STATE | MCR_PUT_STATS), 0);
	check_counters_alignment(nlh);
	/* a second message of a dump datagram starts 4 bytes off */
	nlh = mnl_nlmsg_put_header(buf + 4);
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf) - 4, r, MCR_PUT_STATE | MCR_PUT_STATS), 0);
	check_counters_alignment(nlh);
	mcr_rule_free(back);
	mcr_rule_free(r);
}

static void test_rule_codec_rule_counters_carry_no_drops(void **state)
{
	static char buf[4096] __attribute__((aligned(8)));
	struct mcr_rule *r = sample(1), *back;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	(void)state;
	r->stats.packets = 8;
	r->stats.drops[MCR_DROP_TTL] = 3; /* not a rule's counter */
	back = round_trip(r, MCR_PUT_STATS, &mcr_rule_policy);
	assert_int_equal(back->stats.packets, 8);
	assert_int_equal(back->stats.drops[MCR_DROP_TTL], 0);
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf), r, MCR_PUT_STATS), 0);
	assert_int_equal(check_counters_alignment(nlh), 0);
	mcr_rule_free(back);
	mcr_rule_free(r);
}

/* 64 outputs to 64 interfaces, the odd ones on the kernel path (VIF i / 2:
 * 0 to 31), with kernel counters everywhere. */
static struct mcr_rule *kernel_sample(void)
{
	struct mcr_rule *r = sample(MCR_MAX_OUTPUTS);

	r->stats.kernel_packets = 5000;
	r->stats.kernel_bytes = 1ULL << 41;
	r->stats.kernel_wrong_if = 3;
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		struct mcr_output *o = &r->out[i];

		o->stats.kernel_packets = 100 + i;
		o->stats.kernel_bytes = (1ULL << 34) + i;
		o->stats.kernel_wrong_if = 9; /* not an output's counter */
		if (i % 2) {
			o->group = 0;
			o->path = MCR_PATH_KERNEL;
			o->vif = (uint8_t)(i / 2);
		}
	}
	return r;
}

static void test_rule_codec_round_trip_keeps_path_vif_and_kernel_counters(void **state)
{
	static char buf[16384] __attribute__((aligned(8)));
	struct mcr_rule *r = kernel_sample(), *back;
	struct nlmsghdr *nlh;

	(void)state;
	back = round_trip(r, MCR_PUT_STATE | MCR_PUT_STATS, &mcr_rule_policy);
	assert_int_equal(back->stats.kernel_packets, 5000);
	assert_int_equal(back->stats.kernel_bytes, 1ULL << 41);
	assert_int_equal(back->stats.kernel_wrong_if, 3);
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		const struct mcr_output *o = &back->out[i];
		bool kernel = i % 2;

		assert_int_equal(o->path, kernel ? MCR_PATH_KERNEL : MCR_PATH_WORKER);
		assert_int_equal(o->vif, kernel ? i / 2 : 0);
		/* only a kernel output carries its VIF's counters */
		assert_int_equal(o->stats.kernel_packets, kernel ? 100 + i : 0);
		assert_int_equal(o->stats.kernel_bytes, kernel ? (1ULL << 34) + i : 0);
		assert_int_equal(o->stats.kernel_wrong_if, 0);
	}
	mcr_rule_free(back);
	/* the largest rule with kernel outputs still fits in a 16 KiB reply,
	 * its u64s aligned, also 4 bytes into a datagram */
	assert_true(NLMSG_HDRLEN + GENL_HDRLEN + mcr_rule_put_size(r, MCR_PUT_STATE | MCR_PUT_STATS) <=
		    sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf + 4);
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf) - 4, r, MCR_PUT_STATE | MCR_PUT_STATS), 0);
	check_counters_alignment(nlh);
	mcr_rule_free(r);
}

static void test_rule_codec_state_alone_carries_path_without_counters(void **state)
{
	struct mcr_rule *r = kernel_sample(), *back;

	(void)state;
	back = round_trip(r, MCR_PUT_STATE, &mcr_rule_policy);
	assert_int_equal(back->out[3].path, MCR_PATH_KERNEL);
	assert_int_equal(back->out[3].vif, 1);
	assert_int_equal(back->out[3].stats.kernel_packets, 0);
	assert_int_equal(back->stats.kernel_packets, 0);
	mcr_rule_free(back);
	/* counters alone: the path is not sent, so nothing says kernel */
	back = round_trip(r, MCR_PUT_STATS, &mcr_rule_policy);
	assert_int_equal(back->out[3].path, MCR_PATH_WORKER);
	assert_int_equal(back->out[3].stats.kernel_packets, 103);
	assert_int_equal(back->stats.kernel_wrong_if, 3);
	mcr_rule_free(back);
	mcr_rule_free(r);
}

/* How many kernel counters the rule's own stats nest of @nlh carries. */
static unsigned int rule_kernel_counters(const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *c;
	unsigned int n = 0;

	mnl_attr_for_each(a, nlh, 0)
		if (mnl_attr_get_type(a) == MCR_A_RULE_STATS)
			mnl_attr_for_each_nested(c, a)
				n += mnl_attr_get_type(c) >= MCR_A_COUNTERS_KERNEL_PACKETS;
	return n;
}

/* A rule on the worker path alone, that never had a kernel output, sends
 * no kernel counters; once it counted some, it keeps sending them. */
static void test_rule_codec_kernel_counters_only_where_the_kernel_forwards(void **state)
{
	static char buf[4096] __attribute__((aligned(8)));
	struct mcr_rule *r = sample(1);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	(void)state;
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf), r, MCR_PUT_STATE | MCR_PUT_STATS), 0);
	assert_int_equal(rule_kernel_counters(nlh), 0);
	r->stats.kernel_packets = 1;
	nlh = mnl_nlmsg_put_header(buf);
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf), r, MCR_PUT_STATE | MCR_PUT_STATS), 0);
	assert_int_equal(rule_kernel_counters(nlh), 3);
	mcr_rule_free(r);
}

static void test_rule_codec_request_omits_reply_attributes(void **state)
{
	struct mcr_rule *r = sample(2), *back;

	(void)state;
	r->flags = MCR_RULE_FLAGS_PENDING;
	r->stats.packets = 5;
	r->stats.kernel_packets = 5;
	r->out[1].path = MCR_PATH_KERNEL;
	r->out[1].vif = 2;
	/* a request encoding passes the strict request policy */
	back = round_trip(r, MCR_PUT_REQUEST, &mcr_rule_req_policy);
	assert_int_equal(back->flags, 0);
	assert_int_equal(back->stats.packets, 0);
	assert_int_equal(back->stats.kernel_packets, 0);
	assert_int_equal(back->out[1].path, MCR_PATH_WORKER);
	assert_int_equal(back->out[1].vif, 0);
	assert_true(mcr_rule_same(r, back));
	mcr_rule_free(back);
	mcr_rule_free(r);
}

static void test_rule_put_refuses_small_buffer(void **state)
{
	char buf[256] __attribute__((aligned(8)));
	struct mcr_rule *r = sample(10);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	(void)state;
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf), r, MCR_PUT_STATS), -EMSGSIZE);
	assert_int_equal(nlh->nlmsg_len, sizeof(struct nlmsghdr));
	mcr_rule_free(r);
}

static void test_rule_decode_requires_oif(void **state)
{
	char buf[512] __attribute__((aligned(8)));
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct mcr_rule *r = NULL;
	struct nlattr *n;

	(void)state;
	mnl_attr_put_strz(nlh, MCR_A_RULE_IIF, "eth0");
	n = mnl_attr_nest_start(nlh, MCR_A_RULE_OUTPUT);
	mnl_attr_put_u16(nlh, MCR_A_OUTPUT_PORT, 9);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh),
					&mcr_rule_req_policy, tb, &ext),
			 0);
	assert_int_equal(mcr_rule_decode(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh),
					 tb, &r, &ext),
			 -EINVAL);
	assert_null(r);
	assert_string_equal(ext.msg, "output 1 has no oif");
	assert_int_equal(ext.miss_type, MCR_A_OUTPUT_OIF);
	assert_ptr_equal(ext.attr, n);
}

static void test_rule_key_and_same(void **state)
{
	struct mcr_rule *a = sample(2), *b = sample(2);
	struct mcr_rule_key ka, kb;

	(void)state;
	b->id = 9;
	b->stats.packets = 3;
	assert_true(mcr_rule_same(a, b));
	b->out[1].ttl = 3;
	assert_false(mcr_rule_same(a, b));
	mcr_rule_key(a, &ka);
	mcr_rule_key(b, &kb);
	assert_true(mcr_rule_key_equal(&ka, &kb));
	b->port = 1;
	mcr_rule_key(b, &kb);
	assert_false(mcr_rule_key_equal(&ka, &kb));
	mcr_rule_free(a);
	mcr_rule_free(b);
}

/* One output of a rule on eth0 for 239.1.1.1, any port unless @port. */
static struct mcr_rule *one_output(uint16_t port)
{
	struct mcr_rule *r = mcr_rule_alloc(1);

	snprintf(r->iif, sizeof(r->iif), "eth0");
	r->group = ip("239.1.1.1");
	r->port = port;
	snprintf(r->out[0].oif, sizeof(r->out[0].oif), "eth1");
	r->out[0].src_mode = MCR_SRC_MODE_AUTO;
	return r;
}

static void test_output_auto_source_keeps_without_rewrite(void **state)
{
	struct mcr_rule *r = one_output(0);

	(void)state;
	assert_false(mcr_output_rewrites(r, &r->out[0]));
	assert_int_equal(mcr_output_src_mode(r, &r->out[0]), MCR_SRC_MODE_KEEP);
	/* naming the input's own group or port is no rewrite either */
	r->out[0].group = r->group;
	assert_int_equal(mcr_output_src_mode(r, &r->out[0]), MCR_SRC_MODE_KEEP);
	r->out[0].group = ip("239.9.9.9");
	assert_true(mcr_output_rewrites(r, &r->out[0]));
	assert_int_equal(mcr_output_src_mode(r, &r->out[0]), MCR_SRC_MODE_IFADDR);
	r->out[0].group = 0;
	r->out[0].port = 6000; /* any input port, one output port: a rewrite */
	assert_int_equal(mcr_output_src_mode(r, &r->out[0]), MCR_SRC_MODE_IFADDR);
	/* an explicit mode is never changed */
	r->out[0].src_mode = MCR_SRC_MODE_KEEP;
	assert_int_equal(mcr_output_src_mode(r, &r->out[0]), MCR_SRC_MODE_KEEP);
	mcr_rule_free(r);
}

static void test_output_kernel_path_only_for_identical_packets(void **state)
{
	struct mcr_rule *r = one_output(0);
	struct mcr_output *o = &r->out[0];

	(void)state;
	assert_true(mcr_output_kernel(r, o));
	o->ttl = 5; /* the kernel only decrements */
	assert_false(mcr_output_kernel(r, o));
	o->ttl = 0;
	o->src_mode = MCR_SRC_MODE_IFADDR; /* the kernel never changes the source */
	assert_false(mcr_output_kernel(r, o));
	o->src_mode = MCR_SRC_MODE_KEEP;
	o->group = ip("239.2.2.2");
	assert_false(mcr_output_kernel(r, o));
	o->group = 0;
	assert_true(mcr_output_kernel(r, o));
	mcr_rule_free(r);
	r = one_output(5001); /* an MFC entry cannot match a port */
	assert_false(mcr_output_kernel(r, &r->out[0]));
	mcr_rule_free(r);
}

static void test_rule_codec_absent_source_mode_is_auto(void **state)
{
	struct mcr_rule *r = one_output(0), *back = NULL;
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	char buf[1024];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct mcr_extack ext = {0};

	(void)state;
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf), r, MCR_PUT_REQUEST), 0);
	assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh),
					&mcr_rule_req_policy, tb, &ext),
			 0);
	assert_null(tb[MCR_A_RULE_OUTPUT] ? NULL : "no output");
	assert_int_equal(mcr_rule_decode(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh),
					 tb, &back, &ext),
			 0);
	assert_int_equal(back->out[0].src_mode, MCR_SRC_MODE_AUTO);
	mcr_rule_free(back);
	/* an explicit ifaddr survives the trip */
	r->out[0].src_mode = MCR_SRC_MODE_IFADDR;
	nlh = mnl_nlmsg_put_header(buf);
	assert_int_equal(mcr_rule_put(nlh, sizeof(buf), r, MCR_PUT_REQUEST), 0);
	assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh),
					&mcr_rule_req_policy, tb, &ext),
			 0);
	assert_int_equal(mcr_rule_decode(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh),
					 tb, &back, &ext),
			 0);
	assert_int_equal(back->out[0].src_mode, MCR_SRC_MODE_IFADDR);
	mcr_rule_free(back);
	mcr_rule_free(r);
}

static void test_addr_classes(void **state)
{
	(void)state;
	assert_true(mcr_addr_is_multicast(ip("224.0.0.1")));
	assert_true(mcr_addr_is_multicast(ip("239.255.255.255")));
	assert_false(mcr_addr_is_multicast(ip("240.0.0.1")));
	assert_true(mcr_addr_is_unicast(ip("10.0.0.1")));
	assert_false(mcr_addr_is_unicast(ip("0.1.2.3")));
	assert_false(mcr_addr_is_unicast(ip("127.0.0.1")));
	assert_false(mcr_addr_is_unicast(ip("255.255.255.255")));
	assert_true(mcr_ifname_valid("veth-a.100"));
	assert_false(mcr_ifname_valid(""));
	assert_false(mcr_ifname_valid(".."));
	assert_false(mcr_ifname_valid("a b"));
	assert_false(mcr_ifname_valid("eth0:1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_validate_accepts_sample),
		cmocka_unit_test(test_rule_validate_rejects_unicast_group),
		cmocka_unit_test(test_rule_validate_rejects_bad_names_and_sources),
		cmocka_unit_test(test_rule_validate_rejects_self_loop),
		cmocka_unit_test(test_rule_validate_rejects_duplicate_outputs),
		cmocka_unit_test(test_rule_validate_rejects_no_outputs),
		cmocka_unit_test(test_rule_codec_round_trip_keeps_everything),
		cmocka_unit_test(test_rule_codec_round_trip_keeps_output_drops),
		cmocka_unit_test(test_rule_codec_rule_counters_carry_no_drops),
		cmocka_unit_test(test_rule_codec_round_trip_keeps_path_vif_and_kernel_counters),
		cmocka_unit_test(test_rule_codec_state_alone_carries_path_without_counters),
		cmocka_unit_test(test_rule_codec_kernel_counters_only_where_the_kernel_forwards),
		cmocka_unit_test(test_rule_codec_request_omits_reply_attributes),
		cmocka_unit_test(test_rule_put_refuses_small_buffer),
		cmocka_unit_test(test_rule_decode_requires_oif),
		cmocka_unit_test(test_rule_key_and_same),
		cmocka_unit_test(test_output_auto_source_keeps_without_rewrite),
		cmocka_unit_test(test_output_kernel_path_only_for_identical_packets),
		cmocka_unit_test(test_rule_codec_absent_source_mode_is_auto),
		cmocka_unit_test(test_addr_classes),
	};

	return cmocka_run_group_tests_name("rule", tests, NULL, NULL);
}
