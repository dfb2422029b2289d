// SPDX-License-Identifier: GPL-2.0-or-later
/* The rule grammar shared by mcr-nl and configuration files: every keyword,
 * every error message, and format -> parse round trips. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ruletext.h"

#define MAXW 512

/* Parses a line; returns the rule or NULL with the error in err. */
static struct mcr_rule *parse(const char *text, struct mcr_text_err *err)
{
	static char line[8192];
	char *argv[MAXW];
	struct mcr_rule *r = NULL;
	int argc;

	snprintf(line, sizeof(line), "%s", text);
	argc = mcr_split_line(line, argv, MAXW);
	assert_true(argc >= 0);
	memset(err, 0, sizeof(*err));
	if (mcr_ruletext_parse(argc, argv, &r, err))
		return NULL;
	return r;
}

static void expect_error(const char *text, const char *msg, int word)
{
	struct mcr_text_err err;
	struct mcr_rule *r = parse(text, &err);

	if (r)
		fail_msg("accepted: %s", text);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.word, word);
}

static void test_ruletext_parses_full_rule(void **state)
{
	struct mcr_text_err err;
	struct mcr_rule *r = parse("iif eth0 src 10.0.0.1 group 239.1.1.1 port 5001 "
				   "oif eth1 group 239.9.9.9 port 5099 ttl 5 src keep "
				   "oif eth2 src 192.0.2.1 oif eth3 src ifaddr",
				   &err);

	(void)state;
	assert_non_null(r);
	assert_string_equal(r->iif, "eth0");
	assert_int_equal(r->src, inet_addr("10.0.0.1"));
	assert_int_equal(r->group, inet_addr("239.1.1.1"));
	assert_int_equal(r->port, 5001);
	assert_int_equal(r->n_outputs, 3);
	assert_string_equal(r->out[0].oif, "eth1");
	assert_int_equal(r->out[0].group, inet_addr("239.9.9.9"));
	assert_int_equal(r->out[0].port, 5099);
	assert_int_equal(r->out[0].ttl, 5);
	assert_int_equal(r->out[0].src_mode, MCR_SRC_MODE_KEEP);
	assert_int_equal(r->out[1].src_mode, MCR_SRC_MODE_ADDR);
	assert_int_equal(r->out[1].src, inet_addr("192.0.2.1"));
	assert_int_equal(r->out[1].group, 0);
	assert_int_equal(r->out[2].src_mode, MCR_SRC_MODE_IFADDR);
	mcr_rule_free(r);
}

static void test_ruletext_accepts_prefixes_and_any_order(void **state)
{
	struct mcr_text_err err;
	struct mcr_rule *r = parse("g 239.1.1.1 p 7 i eth0 o eth1 t 3 s k", &err);

	(void)state;
	assert_non_null(r);
	assert_string_equal(r->iif, "eth0");
	assert_int_equal(r->port, 7);
	assert_int_equal(r->out[0].ttl, 3);
	assert_int_equal(r->out[0].src_mode, MCR_SRC_MODE_KEEP);
	mcr_rule_free(r);
}

static void test_ruletext_error_messages_name_the_word(void **state)
{
	(void)state;
	expect_error("iif eth0 group 239.1.1.1 port 300000 oif eth1",
		     "\"300000\" is not a valid port (1-65535)", 5);
	expect_error("iif eth0 group 239.1.1.1 port 0 oif eth1",
		     "\"0\" is not a valid port (1-65535)", 5);
	expect_error("iif eth0 group 239.1.1.1 port 5x oif eth1",
		     "\"5x\" is not a valid port (1-65535)", 5);
	expect_error("iif eth0 group 10.1.1.1 oif eth1",
		     "\"10.1.1.1\" is not a multicast group (224.0.0.0/4)", 3);
	expect_error("iif eth0 group 239.1.1 oif eth1", "\"239.1.1\" is not an IPv4 address", 3);
	expect_error("iif eth0 group 239.1.1.1 oif eth1 ttl 0",
		     "\"0\" is not a valid TTL (1-255)", 7);
	expect_error("iif eth0 group 239.1.1.1 oif eth1 ttl 256",
		     "\"256\" is not a valid TTL (1-255)", 7);
	expect_error("iif eth0 group 239.1.1.1 oif eth1 src 239.0.0.1",
		     "\"239.0.0.1\" is not a source: use keep, ifaddr or a unicast address", 7);
	expect_error("iif eth0 src 224.0.0.1 group 239.1.1.1 oif eth1",
		     "\"224.0.0.1\" is not a unicast source address", 3);
	expect_error("iif thisnameistoolong group 239.1.1.1 oif eth1",
		     "\"thisnameistoolong\" is not a valid interface name", 1);
	expect_error("iif eth0 group 239.1.1.1 oif a/b",
		     "\"a/b\" is not a valid interface name", 5);
	expect_error("iif eth0 group 239.1.1.1 bogus 1 oif eth1", "unknown keyword \"bogus\"", 4);
	expect_error("iif eth0 group 239.1.1.1 oif eth1 bogus 1",
		     "unknown keyword \"bogus\" in an output", 6);
	expect_error("iif eth0 iif eth1 group 239.1.1.1 oif eth1", "\"iif\" is given twice", 2);
	expect_error("iif eth0 group 239.1.1.1 oif eth1 port 1 port 2", "\"port\" is given twice",
		     8);
	expect_error("iif eth0 group 239.1.1.1 oif eth1 port", "\"port\" needs a value", 6);
	expect_error("iif eth0 group", "\"group\" needs a value", 2);
}

static void test_ruletext_reports_missing_parts(void **state)
{
	(void)state;
	expect_error("group 239.1.1.1 oif eth1", "the input interface is missing: \"iif IFNAME\"",
		     -1);
	expect_error("iif eth0 oif eth1", "the input group is missing: \"group GROUP\"", -1);
	expect_error("iif eth0 group 239.1.1.1",
		     "a rule needs at least one output: \"oif IFNAME\"", -1);
	expect_error("", "the input interface is missing: \"iif IFNAME\"", -1);
}

static void test_ruletext_rejects_semantic_errors(void **state)
{
	(void)state;
	expect_error("iif eth0 group 239.1.1.1 oif eth0",
		     "output 1 sends to the rule's own input (iif eth0 group 239.1.1.1): a loop",
		     -1);
	expect_error("iif eth0 group 239.1.1.1 oif eth1 oif eth1",
		     "output 2 sends the same packets as output 1", -1);
}

static void test_ruletext_limits_outputs(void **state)
{
	char text[8192];
	int off;

	(void)state;
	off = snprintf(text, sizeof(text), "iif eth0 group 239.1.1.1");
	for (int i = 0; i < 65; i++)
		off += snprintf(text + off, sizeof(text) - off, " oif o%d", i);
	expect_error(text, "a rule has at most 64 outputs, not 65", -1);
}

static void test_ruletext_format_round_trips(void **state)
{
	static const char *const lines[] = {
		"iif eth0 group 239.1.1.1 oif eth1",
		("iif eth0 src 10.0.0.1 group 239.1.1.1 port 5001 oif eth1 group 239.9.9.9 "
		 "port 5099 ttl 5 src keep oif eth2 src 192.0.2.1"),
		"iif veth-a group 224.0.0.251 port 5353 oif veth-b ttl 255",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct mcr_text_err err;
		struct mcr_rule *r = parse(lines[i], &err), *back;
		char out[1024];

		assert_non_null(r);
		assert_int_equal(mcr_ruletext_format(r, out, sizeof(out)), strlen(lines[i]));
		assert_string_equal(out, lines[i]);
		back = parse(out, &err);
		assert_non_null(back);
		assert_true(mcr_rule_same(r, back));
		mcr_rule_free(back);
		mcr_rule_free(r);
	}
}

static void test_ruletext_format_truncates_like_snprintf(void **state)
{
	struct mcr_text_err err;
	struct mcr_rule *r = parse("iif eth0 group 239.1.1.1 oif eth1", &err);
	char small[8];

	(void)state;
	assert_int_equal(mcr_ruletext_format(r, small, sizeof(small)), 33);
	assert_string_equal(small, "iif eth");
	mcr_rule_free(r);
}

static void test_split_line_handles_comments_quotes_escapes(void **state)
{
	char line[128], *argv[8];

	(void)state;
	snprintf(line, sizeof(line), "  rule add  iif \"eth 0\" # comment");
	assert_int_equal(mcr_split_line(line, argv, 8), 4);
	assert_string_equal(argv[0], "rule");
	assert_string_equal(argv[3], "eth 0");

	snprintf(line, sizeof(line), "# only a comment");
	assert_int_equal(mcr_split_line(line, argv, 8), 0);
	snprintf(line, sizeof(line), "   \t\n");
	assert_int_equal(mcr_split_line(line, argv, 8), 0);
	snprintf(line, sizeof(line), "a\\ b c");
	assert_int_equal(mcr_split_line(line, argv, 8), 2);
	assert_string_equal(argv[0], "a b");
	snprintf(line, sizeof(line), "a \"b");
	assert_int_equal(mcr_split_line(line, argv, 8), -EINVAL);
	snprintf(line, sizeof(line), "1 2 3 4 5 6 7 8 9");
	assert_int_equal(mcr_split_line(line, argv, 8), -E2BIG);
}

static void test_match_table_prefers_order_and_exact(void **state)
{
	static const char *const verbs[] = { "show", "save", "add", "addx", NULL };

	(void)state;
	assert_int_equal(mcr_match_table("s", verbs), 0);
	assert_int_equal(mcr_match_table("sa", verbs), 1);
	assert_int_equal(mcr_match_table("add", verbs), 2);
	assert_int_equal(mcr_match_table("addx", verbs), 3);
	assert_int_equal(mcr_match_table("x", verbs), -1);
	assert_int_equal(mcr_match_table("", verbs), -1);
	assert_int_equal(mcr_match_table("shows", verbs), -1);
}

static void test_number_parsers_refuse_garbage(void **state)
{
	uint32_t v;
	uint16_t p;
	uint8_t t;

	(void)state;
	assert_int_equal(mcr_parse_u32("4294967295", &v), 0);
	assert_int_equal(v, 4294967295u);
	assert_int_equal(mcr_parse_u32("4294967296", &v), -EINVAL);
	assert_int_equal(mcr_parse_u32("-1", &v), -EINVAL);
	assert_int_equal(mcr_parse_u32(" 1", &v), -EINVAL);
	assert_int_equal(mcr_parse_u32("", &v), -EINVAL);
	assert_int_equal(mcr_parse_port("65535", &p), 0);
	assert_int_equal(mcr_parse_port("65536", &p), -EINVAL);
	assert_int_equal(mcr_parse_ttl("255", &t), 0);
	assert_int_equal(mcr_parse_addr("1.2.3.4", &v), 0);
	assert_int_equal(mcr_parse_addr("1.2.3", &v), -EINVAL);
	assert_int_equal(mcr_parse_addr("0x01020304", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ruletext_parses_full_rule),
		cmocka_unit_test(test_ruletext_accepts_prefixes_and_any_order),
		cmocka_unit_test(test_ruletext_error_messages_name_the_word),
		cmocka_unit_test(test_ruletext_reports_missing_parts),
		cmocka_unit_test(test_ruletext_rejects_semantic_errors),
		cmocka_unit_test(test_ruletext_limits_outputs),
		cmocka_unit_test(test_ruletext_format_round_trips),
		cmocka_unit_test(test_ruletext_format_truncates_like_snprintf),
		cmocka_unit_test(test_split_line_handles_comments_quotes_escapes),
		cmocka_unit_test(test_match_table_prefers_order_and_exact),
		cmocka_unit_test(test_number_parsers_refuse_garbage),
	};

	return cmocka_run_group_tests_name("ruletext", tests, NULL, NULL);
}
