// SPDX-License-Identifier: GPL-2.0-or-later
/* Policy validation of every attribute: truncated, oversized, wrong type,
 * missing, unknown, repeated and nested garbage. */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>

#include "packet.h"
#include "policy.h"
#include "rule.h"

struct msg {
	char buf[4096] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;
};

static void msg_init(struct msg *m)
{
	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = mnl_nlmsg_put_header(m->buf);
}

static int parse_req(struct msg *m, const struct nlattr **tb, struct mcr_extack *ext)
{
	memset(ext, 0, sizeof(*ext));
	return mcr_attr_parse(mnl_nlmsg_get_payload(m->nlh), mnl_nlmsg_get_payload_len(m->nlh),
			      &mcr_rule_req_policy, tb, ext);
}

static void put_good_output(struct nlmsghdr *nlh)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, MCR_A_RULE_OUTPUT);

	mnl_attr_put_strz(nlh, MCR_A_OUTPUT_OIF, "eth1");
	mnl_attr_put_u16(nlh, MCR_A_OUTPUT_PORT, 5099);
	mnl_attr_nest_end(nlh, n);
}

static void test_policy_accepts_valid_rule(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;

	(void)state;
	msg_init(&m);
	mnl_attr_put_strz(m.nlh, MCR_A_RULE_IIF, "eth0");
	mnl_attr_put_u32(m.nlh, MCR_A_RULE_GROUP, htonl(0xef010101));
	mnl_attr_put_u16(m.nlh, MCR_A_RULE_PORT, 5001);
	put_good_output(m.nlh);
	put_good_output(m.nlh);
	assert_int_equal(parse_req(&m, tb, &ext), 0);
	assert_null(ext.msg);
	assert_non_null(tb[MCR_A_RULE_IIF]);
	assert_string_equal(mcr_attr_str(tb[MCR_A_RULE_IIF]), "eth0");
	assert_int_equal(mcr_attr_u16(tb[MCR_A_RULE_PORT]), 5001);
	assert_non_null(tb[MCR_A_RULE_OUTPUT]);
}

static void test_policy_rejects_unknown_attribute(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;
	struct nlattr *bad;

	(void)state;
	msg_init(&m);
	mnl_attr_put_strz(m.nlh, MCR_A_RULE_IIF, "eth0");
	bad = mnl_nlmsg_get_payload_tail(m.nlh);
	mnl_attr_put_u32(m.nlh, 77, 1);
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "unknown attribute 77 in rule");
	assert_ptr_equal(ext.attr, bad);
}

static void test_policy_rejects_reply_only_attribute_in_request(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;

	(void)state;
	msg_init(&m);
	mnl_attr_put_u32(m.nlh, MCR_A_RULE_FLAGS, 1);
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "unknown attribute 7 in rule");
}

static void test_policy_rejects_wrong_size_integer(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;

	(void)state;
	msg_init(&m);
	mnl_attr_put_u32(m.nlh, MCR_A_RULE_PORT, 5001); /* u16 expected */
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute rule.port has length 4, expected 2");
}

static void test_policy_rejects_out_of_range(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;

	(void)state;
	msg_init(&m);
	mnl_attr_put_u16(m.nlh, MCR_A_RULE_PORT, 0);
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute rule.port value 0 is out of range 1-65535");

	msg_init(&m);
	mnl_attr_put_u32(m.nlh, MCR_A_RULE_ID, 0);
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute rule.id value 0 is out of range 1-4294967295");
}

static void test_policy_rejects_bad_strings(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;

	(void)state;
	msg_init(&m);
	mnl_attr_put(m.nlh, MCR_A_RULE_IIF, 4, "eth0"); /* no NUL */
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute rule.iif is not a NUL-terminated string");

	msg_init(&m);
	mnl_attr_put_strz(m.nlh, MCR_A_RULE_IIF, "0123456789abcdef");
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute rule.iif is longer than 15 bytes");

	msg_init(&m);
	mnl_attr_put_strz(m.nlh, MCR_A_RULE_IIF, "");
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute rule.iif is empty");
}

static void test_policy_rejects_repeated_attribute(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;

	(void)state;
	msg_init(&m);
	mnl_attr_put_u32(m.nlh, MCR_A_RULE_GROUP, htonl(0xef010101));
	mnl_attr_put_u32(m.nlh, MCR_A_RULE_GROUP, htonl(0xef010102));
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute rule.group is given twice");
}

static void test_policy_rejects_lying_lengths(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;
	struct nlattr *a;

	(void)state;
	msg_init(&m);
	a = mnl_nlmsg_get_payload_tail(m.nlh);
	mnl_attr_put_u32(m.nlh, MCR_A_RULE_GROUP, 0);
	a->nla_len = 200; /* claims more than the message holds */
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute of rule has length 200, 8 bytes remain");

	a->nla_len = 2; /* shorter than its own header */
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);

	/* trailing bytes too short for a header */
	assert_int_equal(mcr_attr_parse(m.buf + sizeof(struct nlmsghdr), 3, &mcr_rule_req_policy,
					tb, &ext),
			 -EINVAL);
}

static void test_policy_rejects_nested_garbage(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;
	struct nlattr *n, *inner;

	(void)state;
	msg_init(&m);
	n = mnl_attr_nest_start(m.nlh, MCR_A_RULE_OUTPUT);
	inner = mnl_nlmsg_get_payload_tail(m.nlh);
	mnl_attr_put_u8(m.nlh, MCR_A_OUTPUT_OIF, 'x'); /* no NUL */
	mnl_attr_nest_end(m.nlh, n);
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute output.oif is not a NUL-terminated string");
	assert_ptr_equal(ext.attr, inner);

	msg_init(&m);
	n = mnl_attr_nest_start(m.nlh, MCR_A_RULE_OUTPUT);
	mnl_attr_put_u32(m.nlh, MCR_A_OUTPUT_GROUP, 1);
	inner = mnl_nlmsg_get_payload_tail(m.nlh);
	mnl_attr_put_u8(m.nlh, MCR_A_OUTPUT_TTL, 0);
	mnl_attr_nest_end(m.nlh, n);
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute output.ttl value 0 is out of range 1-255");
	assert_ptr_equal(ext.attr, inner);
}

static void test_policy_rejects_stats_inside_request_output(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;
	struct nlattr *n, *s;

	(void)state;
	msg_init(&m);
	n = mnl_attr_nest_start(m.nlh, MCR_A_RULE_OUTPUT);
	mnl_attr_put_strz(m.nlh, MCR_A_OUTPUT_OIF, "eth1");
	s = mnl_attr_nest_start(m.nlh, MCR_A_OUTPUT_STATS);
	mnl_attr_nest_end(m.nlh, s);
	mnl_attr_nest_end(m.nlh, n);
	assert_int_equal(parse_req(&m, tb, &ext), -EINVAL);
	assert_string_equal(ext.msg, "unknown attribute 7 in output");
	/* ... but a reply may carry it */
	memset(&ext, 0, sizeof(ext));
	assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload(m.nlh),
					mnl_nlmsg_get_payload_len(m.nlh), &mcr_rule_policy, tb,
					&ext),
			 0);
}

static void test_policy_survives_deep_nesting(void **state)
{
	const struct nlattr *tb[MCR_A_STATS_MAX + 1];
	struct mcr_extack ext = { 0 };
	struct msg m;
	struct nlattr *n[8];

	(void)state;
	msg_init(&m);
	/* worker nests cannot contain nests: a nest inside is unknown/invalid */
	n[0] = mnl_attr_nest_start(m.nlh, MCR_A_STATS_WORKER);
	n[1] = mnl_attr_nest_start(m.nlh, MCR_A_WORKER_ID);
	mnl_attr_nest_end(m.nlh, n[1]);
	mnl_attr_nest_end(m.nlh, n[0]);
	assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload(m.nlh),
					mnl_nlmsg_get_payload_len(m.nlh), &mcr_stats_policy, tb,
					&ext),
			 -EINVAL);
	assert_string_equal(ext.msg, "attribute worker.id has length 0, expected 4");
}

static void test_policy_accepts_many_outputs_and_padding(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext;
	struct msg m;

	(void)state;
	msg_init(&m);
	mnl_attr_put_strz(m.nlh, MCR_A_RULE_IIF, "e");
	for (int i = 0; i < 40; i++)
		put_good_output(m.nlh);
	assert_int_equal(parse_req(&m, tb, &ext), 0);
}

static void test_extack_keeps_first_message(void **state)
{
	struct mcr_extack ext = { 0 };

	(void)state;
	mcr_extack_set(&ext, NULL, "first %d", 1);
	mcr_extack_set(&ext, NULL, "second");
	assert_string_equal(ext.msg, "first 1");
	mcr_extack_warn(&ext, "warning %s", "x");
	assert_string_equal(ext.msg, "warning x");
	mcr_extack_set(NULL, NULL, "no crash");
}

/* "RX_DROP_BAD_SRC" -> "rx-drop-bad-src": the spec name the generated
 * enum was made from. */
static void spec_name(const char *id, char *out, size_t len)
{
	size_t i;

	for (i = 0; id[i] && i < len - 1; i++)
		out[i] = id[i] == '_' ? '-' : (char)tolower((unsigned char)id[i]);
	out[i] = '\0';
}

struct attr_id {
	unsigned int type;
	const char *id;
};

/* Every attribute 1..maxattr of @pol is named after its enum and is a
 * u64 from @first_u64 on. */
static void check_set(const struct mcr_policy *pol, const struct attr_id *ids, size_t n,
		      unsigned int first_u64)
{
	char want[64];

	assert_int_equal(n, pol->maxattr);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ids[i].type, i + 1);
		spec_name(ids[i].id, want, sizeof(want));
		assert_string_equal(mcr_attr_name(pol, ids[i].type), want);
		if (ids[i].type >= first_u64)
			assert_int_equal(pol->attrs[ids[i].type].kind, MCR_ATTR_U64);
	}
}

#define C(a) { MCR_A_COUNTERS_##a, #a }
#define W(a) { MCR_A_WORKER_##a, #a }
#define M(a) { MCR_A_MROUTE_##a, #a }

static void test_policy_names_every_counter_as_the_spec(void **state)
{
	static const struct attr_id counters[] = {
		C(PAD), C(PACKETS), C(BYTES), C(DROP_TTL), C(DROP_TOO_BIG), C(DROP_LINK_DOWN),
		C(DROP_NO_SRC), C(DROP_TX_RING_FULL), C(DROP_TX_ERROR), C(KERNEL_PACKETS),
		C(KERNEL_BYTES), C(KERNEL_WRONG_IF),
	};
	static const struct attr_id worker[] = {
		W(PAD), W(ID), W(CPU), W(PACKETS), W(BYTES), W(TX_PACKETS), W(TX_BYTES),
		W(NO_MATCH), W(MALFORMED), W(RING_DROPS), W(RING_FREEZES), W(WAKEUPS),
		W(BATCHES), W(TABLE_SWAPS), W(RX_DROP_TRUNCATED), W(RX_DROP_MALFORMED_SHORT),
		W(RX_DROP_VLAN), W(RX_DROP_NOT_IPV4), W(RX_DROP_MALFORMED_IP), W(RX_DROP_BAD_IHL),
		W(RX_DROP_BAD_IP_CSUM), W(RX_DROP_BAD_LEN), W(RX_DROP_FRAGMENT), W(RX_DROP_NOT_UDP),
		W(RX_DROP_UDP_LEN), W(RX_DROP_NOT_MULTICAST), W(RX_DROP_BAD_SRC), W(OUT_DROP_TTL),
		W(OUT_DROP_TOO_BIG), W(OUT_DROP_LINK_DOWN), W(OUT_DROP_NO_SRC),
		W(OUT_DROP_TX_RING_FULL), W(OUT_DROP_TX_ERROR),
	};

	(void)state;
	check_set(&mcr_counters_policy, counters, sizeof(counters) / sizeof(counters[0]),
		  MCR_A_COUNTERS_PACKETS);
	check_set(&mcr_worker_policy, worker, sizeof(worker) / sizeof(worker[0]),
		  MCR_A_WORKER_PACKETS);
	assert_int_equal(MCR_A_COUNTERS_DROP_TX_ERROR - MCR_A_COUNTERS_DROP_TTL + 1, MCR_DROP__MAX);
	assert_int_equal(MCR_A_WORKER_OUT_DROP_TX_ERROR - MCR_A_WORKER_OUT_DROP_TTL + 1,
			 MCR_DROP__MAX);
}

/* rx-drop-NAME, NAME as the parser counts it (src/packet.c). */
#define S(a) { MCR_A_STATS_##a, #a }

static void test_policy_names_the_mroute_set_as_the_spec(void **state)
{
	static const struct attr_id mroute[] = {
		M(PAD), M(SRC), M(GROUP), M(IIF), M(OIF), M(RULE), M(FLAGS), M(IDLE_MS),
		M(PACKETS), M(BYTES), M(WRONG_IF),
	};
	static const struct attr_id kernel_stats[] = {
		S(MROUTE_UPCALLS), S(MROUTE_WRONG_VIF), S(MROUTE_LEARNED), S(MROUTE_STOPPED),
		S(MROUTE_EXPIRED), S(MROUTE_MOVED), S(MROUTE_ERRORS),
	};
	char want[64];

	(void)state;
	check_set(&mcr_mroute_policy, mroute, sizeof(mroute) / sizeof(mroute[0]),
		  MCR_A_MROUTE_IDLE_MS);
	assert_true(mcr_mroute_policy.attrs[MCR_A_MROUTE_OIF].multi);
	assert_int_equal(mcr_mroute_policy.attrs[MCR_A_MROUTE_OIF].kind, MCR_ATTR_STRING);
	/* the kernel path's counters end the stats set */
	assert_int_equal(MCR_A_STATS_MROUTE_ERRORS, MCR_A_STATS_MAX);
	for (size_t i = 0; i < sizeof(kernel_stats) / sizeof(kernel_stats[0]); i++) {
		spec_name(kernel_stats[i].id, want, sizeof(want));
		assert_string_equal(mcr_attr_name(&mcr_stats_policy, kernel_stats[i].type), want);
		assert_int_equal(mcr_stats_policy.attrs[kernel_stats[i].type].kind, MCR_ATTR_U64);
	}
	assert_string_equal(mcr_attr_name(&mcr_daemon_policy, MCR_A_DAEMON_MROUTE_STATE),
			    "mroute-state");
	assert_string_equal(mcr_attr_name(&mcr_daemon_policy, MCR_A_DAEMON_MROUTE_TABLE),
			    "mroute-table");
}

/* An mroute-get message with two oifs, the second one @oif2. */
static void put_mroute(struct msg *m, const char *oif2)
{
	msg_init(m);
	mnl_attr_put_u32(m->nlh, MCR_A_MROUTE_SRC, inet_addr("10.0.0.1"));
	mnl_attr_put_u32(m->nlh, MCR_A_MROUTE_GROUP, inet_addr("239.1.1.1"));
	mnl_attr_put_strz(m->nlh, MCR_A_MROUTE_IIF, "eth0");
	mnl_attr_put_strz(m->nlh, MCR_A_MROUTE_OIF, "eth1");
	mnl_attr_put_strz(m->nlh, MCR_A_MROUTE_OIF, oif2);
	mnl_attr_put_u32(m->nlh, MCR_A_MROUTE_RULE, 3);
	mnl_attr_put_u64(m->nlh, MCR_A_MROUTE_PACKETS, 7);
}

static void test_policy_mroute_takes_repeated_oifs_and_checks_them(void **state)
{
	const struct nlattr *tb[MCR_A_MROUTE_MAX + 1];
	struct mcr_extack ext = { 0 };
	struct msg m;

	(void)state;
	put_mroute(&m, "eth2");
	assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload(m.nlh),
					mnl_nlmsg_get_payload_len(m.nlh), &mcr_mroute_policy, tb,
					&ext),
			 0);
	assert_string_equal(mcr_attr_str(tb[MCR_A_MROUTE_OIF]), "eth1");
	put_mroute(&m, "a-name-of-16-chr");
	assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload(m.nlh),
					mnl_nlmsg_get_payload_len(m.nlh), &mcr_mroute_policy, tb,
					&ext),
			 -EINVAL);
	assert_string_equal(ext.msg, "attribute mroute.oif is longer than 15 bytes");
}

/* An output nest with @type = @v inside a rule. */
static int parse_output_u32(const struct mcr_policy *pol, uint16_t type, uint32_t v,
			    struct mcr_extack *ext)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct nlattr *n;
	struct msg m;

	msg_init(&m);
	memset(ext, 0, sizeof(*ext));
	n = mnl_attr_nest_start(m.nlh, MCR_A_RULE_OUTPUT);
	mnl_attr_put_strz(m.nlh, MCR_A_OUTPUT_OIF, "eth1");
	mnl_attr_put_u32(m.nlh, type, v);
	mnl_attr_nest_end(m.nlh, n);
	return mcr_attr_parse(mnl_nlmsg_get_payload(m.nlh), mnl_nlmsg_get_payload_len(m.nlh), pol,
			      tb, ext);
}

static void test_policy_output_path_and_vif_are_reply_only(void **state)
{
	struct mcr_extack ext;

	(void)state;
	assert_int_equal(parse_output_u32(&mcr_rule_policy, MCR_A_OUTPUT_PATH,
					  MCR_OUTPUT_PATH_KERNEL, &ext),
			 0);
	assert_int_equal(parse_output_u32(&mcr_rule_policy, MCR_A_OUTPUT_VIF, 31, &ext), 0);
	assert_int_equal(parse_output_u32(&mcr_rule_policy, MCR_A_OUTPUT_PATH, 2, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute output.path value 2 is out of range 0-1");
	assert_int_equal(parse_output_u32(&mcr_rule_policy, MCR_A_OUTPUT_VIF, 32, &ext), -EINVAL);
	assert_string_equal(ext.msg, "attribute output.vif value 32 is out of range 0-31");
	assert_int_equal(parse_output_u32(&mcr_rule_req_policy, MCR_A_OUTPUT_PATH, 0, &ext),
			 -EINVAL);
	assert_string_equal(ext.msg, "unknown attribute 8 in output");
	assert_int_equal(parse_output_u32(&mcr_rule_req_policy, MCR_A_OUTPUT_VIF, 0, &ext),
			 -EINVAL);
	assert_string_equal(ext.msg, "unknown attribute 9 in output");
}

static void test_worker_rx_drops_follow_the_parser_names(void **state)
{
	char want[64];

	(void)state;
	assert_int_equal(MCR_A_WORKER_RX_DROP_BAD_SRC - MCR_A_WORKER_RX_DROP_TRUNCATED,
			 PKT_DROP_BAD_SRC - PKT_DROP_TRUNCATED);
	for (int i = PKT_DROP_TRUNCATED; i <= PKT_DROP_BAD_SRC; i++) {
		unsigned int t = MCR_A_WORKER_RX_DROP_TRUNCATED + (unsigned int)(i - PKT_DROP_TRUNCATED);
		size_t k;

		snprintf(want, sizeof(want), "rx-drop-%s", pkt_drop_names[i]);
		for (k = 0; want[k]; k++)
			if (want[k] == '_')
				want[k] = '-';
		assert_string_equal(mcr_attr_name(&mcr_worker_policy, t), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_accepts_valid_rule),
		cmocka_unit_test(test_policy_rejects_unknown_attribute),
		cmocka_unit_test(test_policy_rejects_reply_only_attribute_in_request),
		cmocka_unit_test(test_policy_rejects_wrong_size_integer),
		cmocka_unit_test(test_policy_rejects_out_of_range),
		cmocka_unit_test(test_policy_rejects_bad_strings),
		cmocka_unit_test(test_policy_rejects_repeated_attribute),
		cmocka_unit_test(test_policy_rejects_lying_lengths),
		cmocka_unit_test(test_policy_rejects_nested_garbage),
		cmocka_unit_test(test_policy_rejects_stats_inside_request_output),
		cmocka_unit_test(test_policy_survives_deep_nesting),
		cmocka_unit_test(test_policy_accepts_many_outputs_and_padding),
		cmocka_unit_test(test_extack_keeps_first_message),
		cmocka_unit_test(test_policy_names_every_counter_as_the_spec),
		cmocka_unit_test(test_worker_rx_drops_follow_the_parser_names),
		cmocka_unit_test(test_policy_names_the_mroute_set_as_the_spec),
		cmocka_unit_test(test_policy_mroute_takes_repeated_oifs_and_checks_them),
		cmocka_unit_test(test_policy_output_path_and_vif_are_reply_only),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
