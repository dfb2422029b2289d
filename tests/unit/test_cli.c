// SPDX-License-Identifier: GPL-2.0-or-later
/* The mcr-nl grammar without a daemon: the requests that commands build
 * (flags, command, attributes), every syntax error sentence and exit code,
 * prefix matching, global options, batch parsing and windows, and the
 * client's reading of error and done messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <cmocka.h>

#include "../../tools/mcr-nl/cli.h"
#include "ruletext.h"

#define MAXW 256

/* ---- helpers ------------------------------------------------------------ */

/* Parses @text (the words after "mcr-nl") into @cmd. */
static int parse(const char *text, struct cli_cmd *cmd, struct cli_err *e)
{
	static char line[4096];
	char *argv[MAXW];
	int argc;

	snprintf(line, sizeof(line), "%s", text);
	argc = mcr_split_line(line, argv, MAXW);
	assert_true(argc >= 0);
	memset(e, 0, sizeof(*e));
	return cli_parse(argc, argv, cmd, e);
}

static void parse_ok(const char *text, struct cli_cmd *cmd)
{
	struct cli_err e;

	if (parse(text, cmd, &e))
		fail_msg("\"%s\": %s", text, e.msg);
}

/* Expects @text to be refused with exactly @msg. */
static void parse_err(const char *text, const char *msg)
{
	struct cli_cmd cmd;
	struct cli_err e;

	assert_int_equal(parse(text, &cmd, &e), -EINVAL);
	assert_string_equal(e.msg, msg);
}

static uint8_t genl_cmd(const struct cli_cmd *cmd)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(cmd->nlh);

	return g->cmd;
}

/* Validates the request's attributes with the daemon's request policy. */
static void req_attrs(const struct cli_cmd *cmd, const struct nlattr **tb)
{
	struct mcr_extack ext = {0};
	const struct nlmsghdr *nlh = cmd->nlh;

	assert_int_equal(nlh->nlmsg_type, MCR_FAMILY_ID);
	assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
					mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN,
					&mcr_rule_req_policy, tb, &ext),
			 0);
}

static struct mcr_rule *req_rule(const struct cli_cmd *cmd)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	const struct nlmsghdr *nlh = cmd->nlh;
	struct mcr_extack ext = {0};
	struct mcr_rule *r = NULL;

	req_attrs(cmd, tb);
	assert_int_equal(mcr_rule_decode(mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
					 mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN, tb, &r,
					 &ext),
			 0);
	return r;
}

static uint32_t addr(const char *s)
{
	return inet_addr(s);
}

/* Runs cli_main on "mcr-nl " + @text; stdout and stderr into *out, *err. */
static int run(const char *text, char **out, char **err)
{
	static char line[4096];
	char *argv[MAXW];
	size_t olen, elen;
	FILE *fo = open_memstream(out, &olen), *fe = open_memstream(err, &elen);
	int argc, rc;

	snprintf(line, sizeof(line), "mcr-nl %s", text);
	argc = mcr_split_line(line, argv, MAXW);
	rc = cli_main(argc, argv, fo, fe);
	fclose(fo);
	fclose(fe);
	return rc;
}

static void run_err(const char *text, int status, const char *err_text)
{
	char *out, *err;

	assert_int_equal(run(text, &out, &err), status);
	assert_string_equal(err, err_text);
	assert_string_equal(out, "");
	free(out);
	free(err);
}

/* ---- rule add, replace, change ------------------------------------------------ */

static void test_rule_add_builds_create_excl_request(void **state)
{
	struct cli_cmd cmd;
	struct mcr_rule *r;

	(void)state;
	parse_ok("rule add iif eth0 src 10.0.0.1 group 239.1.1.1 port 5001 "
		 "oif eth1 group 239.9.9.9 port 5099 ttl 5 src keep oif eth2",
		 &cmd);
	assert_int_equal(cmd.act, CLI_ACT_REQUEST);
	assert_int_equal(cmd.nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(genl_cmd(&cmd), MCR_CMD_RULE_NEW);
	r = req_rule(&cmd);
	assert_int_equal(r->id, 0);
	assert_string_equal(r->iif, "eth0");
	assert_int_equal(r->src, addr("10.0.0.1"));
	assert_int_equal(r->group, addr("239.1.1.1"));
	assert_int_equal(r->port, 5001);
	assert_int_equal(r->n_outputs, 2);
	assert_string_equal(r->out[0].oif, "eth1");
	assert_int_equal(r->out[0].group, addr("239.9.9.9"));
	assert_int_equal(r->out[0].port, 5099);
	assert_int_equal(r->out[0].ttl, 5);
	assert_int_equal(r->out[0].src_mode, MCR_SRC_MODE_KEEP);
	assert_string_equal(r->out[1].oif, "eth2");
	assert_int_equal(r->out[1].group, 0);
	/* no src: auto (keep without rewrite, else the interface's address) */
	assert_int_equal(r->out[1].src_mode, MCR_SRC_MODE_AUTO);
	mcr_rule_free(r);
	cli_cmd_free(&cmd);
}

static void test_rule_replace_and_change_flags(void **state)
{
	static const struct {
		const char *text;
		uint16_t flags;
	} cases[] = {
	    {"rule replace iif a group 239.1.1.1 oif b", NLM_F_CREATE | NLM_F_REPLACE},
	    {"rule change iif a group 239.1.1.1 oif b", NLM_F_REPLACE},
	    {"r r iif a group 239.1.1.1 oif b", NLM_F_CREATE | NLM_F_REPLACE},
	    {"r c iif a group 239.1.1.1 oif b", NLM_F_REPLACE},
	    {"r a iif a group 239.1.1.1 oif b", NLM_F_CREATE | NLM_F_EXCL},
	};
	struct cli_cmd cmd;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(cases[i].text, &cmd);
		assert_int_equal(cmd.nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | cases[i].flags);
		assert_int_equal(genl_cmd(&cmd), MCR_CMD_RULE_NEW);
		cli_cmd_free(&cmd);
	}
}

static void test_rule_change_by_id_sends_the_id(void **state)
{
	struct cli_cmd cmd;
	struct mcr_rule *r;

	(void)state;
	parse_ok("rule change id 7 iif a0 group 239.1.1.2 oif b1 port 6000", &cmd);
	assert_int_equal(cmd.nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE);
	r = req_rule(&cmd);
	assert_int_equal(r->id, 7);
	assert_int_equal(r->out[0].port, 6000);
	mcr_rule_free(r);
	cli_cmd_free(&cmd);
	parse_ok("rule replace id 9 iif a0 group 239.1.1.2 oif b1", &cmd);
	r = req_rule(&cmd);
	assert_int_equal(r->id, 9);
	mcr_rule_free(r);
	cli_cmd_free(&cmd);
}

static void test_rule_add_refuses_an_id(void **state)
{
	(void)state;
	parse_err("rule add id 3 iif a group 239.1.1.1 oif b",
		  "\"rule add\" takes no id: the daemon assigns ids");
	parse_err("rule change id x iif a group 239.1.1.1 oif b", "\"x\" is not a valid rule id");
	parse_err("rule change id 0 iif a group 239.1.1.1 oif b", "\"0\" is not a valid rule id");
	parse_err("rule change id", "\"id\" needs a value");
}

static void test_rule_errors_name_the_word(void **state)
{
	(void)state;
	parse_err("rule add iif a0 group 239.1.1.1 port 300000 oif b",
		  "\"300000\" is not a valid port (1-65535)");
	parse_err("rule add iif a0 group 239.1.1.1 oif b port 0",
		  "\"0\" is not a valid port (1-65535)");
	parse_err("rule add iif a0 group 10.1.1.1 oif b",
		  "\"10.1.1.1\" is not a multicast group (224.0.0.0/4)");
	parse_err("rule add iif a0 group 239.1.1 oif b", "\"239.1.1\" is not an IPv4 address");
	parse_err("rule add iif a0 group 239.1.1.1 oif b ttl 256",
		  "\"256\" is not a valid TTL (1-255)");
	parse_err("rule add iif a0 group 239.1.1.1 oif b src 239.1.1.1",
		  "\"239.1.1.1\" is not a source: use keep, ifaddr or a unicast address");
	parse_err("rule add iif a0 src 224.0.0.1 group 239.1.1.1 oif b",
		  "\"224.0.0.1\" is not a unicast source address");
	parse_err("rule add iif a0 group 239.1.1.1 port", "\"port\" needs a value");
	parse_err("rule add iif a0 group 239.1.1.1",
		  "a rule needs at least one output: \"oif IFNAME\"");
	parse_err("rule add", "the input interface is missing: \"iif IFNAME\"");
	parse_err("rule add iif a0 group 239.1.1.1 oif b frob 1",
		  "unknown keyword \"frob\" in an output");
}

/* ---- rule del, show, flush, get, save --------------------------------------- */

static void test_rule_del_by_id(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct cli_cmd cmd;

	(void)state;
	parse_ok("rule del id 42", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_REQUEST);
	assert_int_equal(genl_cmd(&cmd), MCR_CMD_RULE_DEL);
	assert_int_equal(cmd.nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	req_attrs(&cmd, tb);
	assert_non_null(tb[MCR_A_RULE_ID]);
	assert_int_equal(mcr_attr_u32(tb[MCR_A_RULE_ID]), 42);
	assert_null(tb[MCR_A_RULE_IIF]);
	assert_null(tb[MCR_A_RULE_GROUP]);
	cli_cmd_free(&cmd);
}

static void test_rule_del_by_input(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct cli_cmd cmd;

	(void)state;
	parse_ok("rule delete iif a0 src 10.0.0.1 group 239.1.1.1 port 5001", &cmd);
	req_attrs(&cmd, tb);
	assert_null(tb[MCR_A_RULE_ID]);
	assert_string_equal(mcr_attr_str(tb[MCR_A_RULE_IIF]), "a0");
	assert_int_equal(mcr_attr_u32(tb[MCR_A_RULE_SRC]), addr("10.0.0.1"));
	assert_int_equal(mcr_attr_u32(tb[MCR_A_RULE_GROUP]), addr("239.1.1.1"));
	assert_int_equal(mcr_attr_u16(tb[MCR_A_RULE_PORT]), 5001);
	cli_cmd_free(&cmd);
	/* "i" is iif, as in the rule grammar; "r d" is del */
	parse_ok("r d i a0 g 239.1.1.1", &cmd);
	req_attrs(&cmd, tb);
	assert_string_equal(mcr_attr_str(tb[MCR_A_RULE_IIF]), "a0");
	assert_null(tb[MCR_A_RULE_SRC]);
	assert_null(tb[MCR_A_RULE_PORT]);
	cli_cmd_free(&cmd);
}

static void test_rule_del_needs_id_or_input(void **state)
{
	(void)state;
	parse_err("rule del", "\"rule del\" needs \"id ID\" or \"iif IFNAME group GROUP\"");
	parse_err("rule del iif a0", "\"rule del\" needs \"id ID\" or \"iif IFNAME group GROUP\"");
	parse_err("rule del id 1 group 239.1.1.1",
		  "\"rule del\" takes an id or an input, not both");
	parse_err("rule del id 1 id 2", "\"id\" is given twice");
	parse_err("rule del id", "\"id\" needs a value");
	parse_err("rule del iif a0 group 239.1.1.1 ttl 3",
		  "unknown keyword \"ttl\" in \"rule del\", try \"mcr-nl rule help\"");
	parse_err("rule del iif a/b group 239.1.1.1", "\"a/b\" is not a valid interface name");
}

static void test_rule_show_is_a_filtered_dump(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct cli_cmd cmd;

	(void)state;
	parse_ok("rule show iif eth0 group 239.1.1.1", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_SHOW);
	assert_int_equal(genl_cmd(&cmd), MCR_CMD_RULE_GET);
	assert_true((cmd.nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP);
	req_attrs(&cmd, tb);
	assert_string_equal(mcr_attr_str(tb[MCR_A_RULE_IIF]), "eth0");
	assert_int_equal(mcr_attr_u32(tb[MCR_A_RULE_GROUP]), addr("239.1.1.1"));
	cli_cmd_free(&cmd);
	parse_err("rule show port 5",
		  "unknown keyword \"port\" in \"rule show\", try \"mcr-nl rule help\"");
	parse_err("rule show group 1.2.3.4", "\"1.2.3.4\" is not a multicast group (224.0.0.0/4)");
}

static void test_rule_without_verb_and_aliases_show(void **state)
{
	static const char *const shows[] = {"rule", "r",   "rule list", "rule lst",
					    "r s",  "r l", "rule show"};
	struct cli_cmd cmd;

	(void)state;
	for (size_t i = 0; i < sizeof(shows) / sizeof(shows[0]); i++) {
		parse_ok(shows[i], &cmd);
		assert_int_equal(cmd.act, CLI_ACT_SHOW);
		assert_true(cmd.nlh->nlmsg_flags & NLM_F_DUMP);
		cli_cmd_free(&cmd);
	}
}

static void test_rule_flush_get_save(void **state)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct cli_cmd cmd;

	(void)state;
	parse_ok("rule flush group 239.1.1.1", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_REQUEST);
	assert_int_equal(genl_cmd(&cmd), MCR_CMD_RULE_FLUSH);
	assert_false(cmd.nlh->nlmsg_flags & NLM_F_DUMP);
	req_attrs(&cmd, tb);
	assert_null(tb[MCR_A_RULE_IIF]);
	assert_int_equal(mcr_attr_u32(tb[MCR_A_RULE_GROUP]), addr("239.1.1.1"));
	cli_cmd_free(&cmd);

	parse_ok("rule get id 3", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_GET);
	assert_int_equal(genl_cmd(&cmd), MCR_CMD_RULE_GET);
	assert_false(cmd.nlh->nlmsg_flags & NLM_F_DUMP);
	req_attrs(&cmd, tb);
	assert_int_equal(mcr_attr_u32(tb[MCR_A_RULE_ID]), 3);
	cli_cmd_free(&cmd);
	parse_err("rule get", "\"rule get\" needs \"id ID\"");
	parse_err("rule get iif a0",
		  "unknown keyword \"iif\" in \"rule get\", try \"mcr-nl rule help\"");

	parse_ok("rule save", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_SAVE);
	assert_true(cmd.nlh->nlmsg_flags & NLM_F_DUMP);
	cli_cmd_free(&cmd);
	parse_err("rule save x", "\"rule save\" takes no argument, not \"x\"");
}

/* ---- objects, prefixes, help ---------------------------------------------------- */

static void test_prefixes_pick_the_first_in_table_order(void **state)
{
	static const struct {
		const char *text;
		enum cli_act act;
		uint8_t genl;
	} cases[] = {
	    {"d s", CLI_ACT_DAEMON, MCR_CMD_DAEMON_GET},
	    {"daemon", CLI_ACT_DAEMON, MCR_CMD_DAEMON_GET},
	    {"s s", CLI_ACT_STATS, MCR_CMD_STATS_GET},
	    {"stat", CLI_ACT_STATS, MCR_CMD_STATS_GET},
	    {"w s", CLI_ACT_WORKER, MCR_CMD_STATS_GET},
	    {"w", CLI_ACT_WORKER, MCR_CMD_STATS_GET},
	    {"r g id 1", CLI_ACT_GET, MCR_CMD_RULE_GET},
	    {"r f", CLI_ACT_REQUEST, MCR_CMD_RULE_FLUSH},
	    {"r sa", CLI_ACT_SAVE, MCR_CMD_RULE_GET},
	};
	struct cli_cmd cmd;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(cases[i].text, &cmd);
		assert_int_equal(cmd.act, cases[i].act);
		assert_int_equal(genl_cmd(&cmd), cases[i].genl);
		cli_cmd_free(&cmd);
	}
	parse_ok("mo", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_MONITOR);
	assert_null(cmd.nlh);
	parse_ok("r h", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_HELP);
	assert_int_equal(cmd.help, CLI_HELP_RULE);
	parse_ok("h", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_HELP);
	assert_int_equal(cmd.help, CLI_HELP_MAIN);
}

static void test_mroute_show_is_an_mroute_dump(void **state)
{
	static const char *const texts[] = {"mroute", "mroute show", "mr s", "mr list", "mroute l"};
	const struct nlattr *tb[MCR_A_MROUTE_MAX + 1];
	struct mcr_extack ext = {0};
	struct cli_cmd cmd;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		parse_ok(texts[i], &cmd);
		assert_int_equal(cmd.act, CLI_ACT_MROUTE);
		assert_int_equal(genl_cmd(&cmd), MCR_CMD_MROUTE_GET);
		assert_int_equal(cmd.nlh->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
		/* no attributes: the daemon's dump takes none */
		assert_int_equal(mnl_nlmsg_get_payload_len(cmd.nlh), GENL_HDRLEN);
		assert_int_equal(mcr_attr_parse(mnl_nlmsg_get_payload_offset(cmd.nlh, GENL_HDRLEN),
						0, &mcr_mroute_policy, tb, &ext),
				 0);
		cli_cmd_free(&cmd);
	}
	parse_ok("mr h", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_HELP);
	assert_int_equal(cmd.help, CLI_HELP_MROUTE);
	parse_err("mroute show iif r0", "\"mroute show\" takes no argument, not \"iif\"");
	parse_err("mroute flush", "command \"flush\" is unknown, try \"mcr-nl mroute help\"");
}

/* "m" is the start of mroute and of monitor: neither is guessed. */
static void test_ambiguous_object_prefix_is_refused(void **state)
{
	struct cli_cmd cmd;

	(void)state;
	parse_err("m", "object \"m\" is ambiguous: mroute or monitor");
	parse_err("m s", "object \"m\" is ambiguous: mroute or monitor");
	run_err("m s", CLI_SYNTAX, "Error: object \"m\" is ambiguous: mroute or monitor.\n");
	parse_ok("mon", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_MONITOR);
	parse_ok("mr", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_MROUTE);
	cli_cmd_free(&cmd);
	/* the other objects keep their one-letter prefixes */
	parse_ok("r", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_SHOW);
	cli_cmd_free(&cmd);
	parse_ok("d", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_DAEMON);
	cli_cmd_free(&cmd);
}

static void test_unknown_object_and_command(void **state)
{
	(void)state;
	parse_err("x", "object \"x\" is unknown, try \"mcr-nl help\"");
	parse_err("rule x", "command \"x\" is unknown, try \"mcr-nl rule help\"");
	parse_err("daemon x", "command \"x\" is unknown, try \"mcr-nl daemon help\"");
	parse_err("stats show now", "\"stats show\" takes no argument, not \"now\"");
	parse_err("monitor x", "command \"x\" is unknown, try \"mcr-nl monitor help\"");
	run_err("x", CLI_SYNTAX, "Error: object \"x\" is unknown, try \"mcr-nl help\".\n");
	run_err("rule x", CLI_SYNTAX,
		"Error: command \"x\" is unknown, try \"mcr-nl rule help\".\n");
	run_err("rule add iif a0 group 239.1.1.1 port 300 oif b port 70000", CLI_SYNTAX,
		"Error: \"70000\" is not a valid port (1-65535).\n");
	run_err("rule add iif a0 group 239.1.1.1 port", CLI_SYNTAX,
		"Error: \"port\" needs a value.\n");
}

static void test_worker_and_stats_show_are_stats_dumps(void **state)
{
	static const char *const texts[] = {"worker", "worker show", "worker list", "wor l",
					    "stats",  "stats show",  "s sh"};
	struct cli_cmd cmd;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		parse_ok(texts[i], &cmd);
		assert_int_equal(cmd.act, texts[i][0] == 'w' ? CLI_ACT_WORKER : CLI_ACT_STATS);
		assert_int_equal(genl_cmd(&cmd), MCR_CMD_STATS_GET);
		/* a dump: one message per worker, any number of workers */
		assert_true(cmd.nlh->nlmsg_flags & NLM_F_DUMP);
		assert_int_equal(cmd.nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
		cli_cmd_free(&cmd);
	}
	parse_ok("worker help", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_HELP);
	assert_int_equal(cmd.help, CLI_HELP_WORKER);
	assert_null(cmd.nlh);
	parse_err("worker show 0", "\"worker show\" takes no argument, not \"0\"");
	parse_err("worker x", "command \"x\" is unknown, try \"mcr-nl worker help\"");
	/* the daemon object keeps its do */
	parse_ok("daemon", &cmd);
	assert_false(cmd.nlh->nlmsg_flags & NLM_F_DUMP);
	cli_cmd_free(&cmd);
}

static void test_monitor_count_and_timeout(void **state)
{
	struct cli_cmd cmd;

	(void)state;
	parse_ok("monitor count 4 timeout 2.5", &cmd);
	assert_int_equal(cmd.act, CLI_ACT_MONITOR);
	assert_int_equal(cmd.count, 4);
	assert_int_equal(cmd.timeout_ms, 2500);
	parse_ok("monitor", &cmd);
	assert_int_equal(cmd.count, 0);
	assert_int_equal(cmd.timeout_ms, 0);
	parse_err("monitor count 0", "\"0\" is not a valid count (1-4294967295)");
	parse_err("monitor count", "\"count\" needs a value");
	parse_err("monitor timeout soon", "\"soon\" is not a valid timeout in seconds");
	parse_err("monitor timeout 1 timeout 2", "\"timeout\" is given twice");
}

static void test_help_prints_grammar_and_exits_0(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(run("rule help", &out, &err), CLI_OK);
	assert_non_null(strstr(err, "Usage: mcr-nl rule { add | replace | change } RULE"));
	assert_non_null(strstr(err, "RULE   := iif IFNAME"));
	assert_non_null(strstr(err, "OUTPUT := oif IFNAME"));
	assert_string_equal(out, "");
	free(out);
	free(err);
	assert_int_equal(run("worker help", &out, &err), CLI_OK);
	assert_non_null(strstr(err, "Usage: mcr-nl [ -s ] worker [ show ]"));
	assert_string_equal(out, "");
	free(out);
	free(err);
	assert_int_equal(run("rule help", &out, &err), CLI_OK);
	assert_non_null(strstr(err, "-s -s  := also the drops by reason"));
	free(out);
	free(err);
	assert_int_equal(run("help", &out, &err), CLI_OK);
	assert_non_null(strstr(err, "Usage: mcr-nl [ OPTIONS ] OBJECT { COMMAND | help }"));
	assert_non_null(
	    strstr(err, "OBJECT := { rule | mroute | stats | worker | daemon | monitor }"));
	free(out);
	free(err);
	/* no object: the usage, as an error */
	assert_int_equal(run("", &out, &err), CLI_SYNTAX);
	assert_non_null(strstr(err, "Usage: mcr-nl"));
	free(out);
	free(err);
	assert_int_equal(run("mroute help", &out, &err), CLI_OK);
	assert_non_null(strstr(err, "Usage: mcr-nl [ -s ] mroute [ { show | list } ]"));
	assert_string_equal(out, "");
	free(out);
	free(err);
	assert_int_equal(run("rule help", &out, &err), CLI_OK);
	assert_non_null(strstr(err, "output (path worker, or path kernel vif N"));
	free(out);
	free(err);
	assert_int_equal(run("-V", &out, &err), CLI_OK);
	assert_non_null(strstr(out, MCR_VERSION));
	free(out);
	free(err);
}

/* ---- global options ----------------------------------------------------------- */

static void test_global_options(void **state)
{
	char *argv[] = {"mcr-nl", "-j",	 "--pretty", "-s",   "-stat", "-d",
			"-n",	  "ns1", "-force",   "rule", "show",  NULL};
	struct cli_opts o;
	struct cli_err e;

	(void)state;
	assert_int_equal(cli_parse_options(11, argv, &o, &e), 9);
	assert_int_equal(o.json, 1);
	assert_int_equal(o.pretty, 1);
	assert_int_equal(o.stats, 2);
	assert_int_equal(o.details, 1);
	assert_int_equal(o.force, 1);
	assert_string_equal(o.netns, "ns1");
	assert_null(o.batch);
}

static void test_global_option_errors(void **state)
{
	char *unknown[] = {"mcr-nl", "-x", "rule", NULL};
	char *novalue[] = {"mcr-nl", "-netns", NULL};
	char *batch[] = {"mcr-nl", "-b", "-", NULL};
	struct cli_opts o;
	struct cli_err e;

	(void)state;
	assert_int_equal(cli_parse_options(3, unknown, &o, &e), -1);
	assert_string_equal(e.msg, "option \"-x\" is unknown, try \"mcr-nl -help\"");
	assert_int_equal(cli_parse_options(2, novalue, &o, &e), -1);
	assert_string_equal(e.msg, "\"-netns\" needs a value");
	assert_int_equal(cli_parse_options(3, batch, &o, &e), 3);
	assert_string_equal(o.batch, "-");
	run_err("--frob rule", CLI_SYNTAX,
		"Error: option \"--frob\" is unknown, try \"mcr-nl -help\".\n");
	run_err("-b f rule show", CLI_SYNTAX,
		"Error: \"-batch\" reads its commands from the file, not from \"rule\".\n");
}

static void test_no_daemon_is_exit_2(void **state)
{
	(void)state;
	/* No process binds this port in the test's namespace. */
	setenv("MCR_PORTID", "0x7bc00000", 1);
	run_err("rule show", CLI_FAILED,
		"Error: no mcrd is running in this network namespace (port 0x7bc00000).\n");
	setenv("MCR_PORTID", "nonsense", 1);
	run_err("daemon show", CLI_SYNTAX,
		"Error: MCR_PORTID and MCR_DAEMON_UID must be numbers (decimal or 0x hex) "
		"and the port not 0.\n");
	unsetenv("MCR_PORTID");
}

/* ---- batch -------------------------------------------------------------------- */

static void batch_parse(const char *text, bool force, struct cli_batch *b, char **err)
{
	size_t elen;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct cli x = {.o = {.force = force}};

	x.out = stdout;
	x.err = open_memstream(err, &elen);
	memset(b, 0, sizeof(*b));
	cli_batch_parse(&x, in, "f.batch", b);
	fclose(in);
	fclose(x.err);
}

static void test_batch_parse_names_file_and_line(void **state)
{
	struct cli_batch b;
	char *err;

	(void)state;
	batch_parse("# a comment\n"
		    "rule add iif a0 group 239.1.1.1 oif b0\n"
		    "\n"
		    "rule add iif a0 group 239.1.1.2 port 99999 oif b0\n"
		    "r s   # show\n"
		    "frob\n"
		    "rule add iif \"a0 group 239.1.1.3 oif b0\n",
		    false, &b, &err);
	assert_string_equal(err,
			    "Error: f.batch:4: \"99999\" is not a valid port (1-65535).\n"
			    "Error: f.batch:6: object \"frob\" is unknown, try \"mcr-nl help\".\n"
			    "Error: f.batch:7: unterminated quote.\n");
	assert_int_equal(b.bad, 3);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.cmds[0].line, 2);
	assert_int_equal(b.cmds[0].act, CLI_ACT_REQUEST);
	assert_int_equal(b.cmds[1].line, 5);
	assert_int_equal(b.cmds[1].act, CLI_ACT_SHOW);
	cli_batch_free(&b);
	free(err);
}

static void test_batch_with_a_bad_line_sends_nothing(void **state)
{
	char path[] = "/tmp/test_cli_batch.XXXXXX";
	char *out, *err, cmdline[128];
	FILE *f;
	int fd;

	(void)state;
	/* a port nobody holds: if anything were sent, the exit would be 2 */
	setenv("MCR_PORTID", "0x7bc00000", 1);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("rule add iif a0 group 239.1.1.1 oif b0\nrule add iif a0 group 239.1.1.1 ttl 0\n", f);
	fclose(f);
	snprintf(cmdline, sizeof(cmdline), "-b %s", path);
	assert_int_equal(run(cmdline, &out, &err), CLI_SYNTAX);
	assert_non_null(strstr(err, ":2: unknown keyword \"ttl\""));
	assert_null(strstr(err, "no mcrd"));
	free(out);
	free(err);
	/* -force skips the bad line and sends the rest: now the missing
	 * daemon shows, and the exit status with it */
	snprintf(cmdline, sizeof(cmdline), "-force -b %s", path);
	assert_int_equal(run(cmdline, &out, &err), CLI_FAILED);
	assert_non_null(strstr(err, ":2: unknown keyword \"ttl\""));
	assert_non_null(strstr(err, "no mcrd is running"));
	free(out);
	free(err);
	unlink(path);
	unsetenv("MCR_PORTID");
}

static void test_batch_windows_hold_64_requests_or_32k(void **state)
{
	struct cli_batch b;
	char *text = malloc(200 * 64 + 1), *err, *p;
	size_t end;

	(void)state;
	p = text;
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "rule add iif a0 group 239.1.1.%d oif b0\n", i + 1);
	p += sprintf(p, "rule show\n");
	for (int i = 0; i < 3; i++)
		p += sprintf(p, "rule del id %d\n", i + 1);
	batch_parse(text, false, &b, &err);
	assert_int_equal(b.bad, 0);
	assert_int_equal(b.n, 104);
	end = cli_batch_window(&b, 0);
	assert_int_equal(end, CLI_WINDOW_MSGS);
	end = cli_batch_window(&b, end);
	assert_int_equal(end, 100); /* stops at the show */
	assert_int_equal(cli_batch_window(&b, 100), 100);
	assert_int_equal(cli_batch_window(&b, 101), 104);
	cli_batch_free(&b);
	free(err);
	free(text);
}

static void test_batch_window_bytes_are_bounded(void **state)
{
	struct cli_batch b;
	char *text = malloc(60 * 1200), *err, *p = text;
	size_t from = 0, windows = 0;

	(void)state;
	/* 60 rules with 64 outputs each, ~1.4 KiB of request: 32 KiB, not
	 * 64 requests, ends the windows */
	for (int i = 0; i < 60; i++) {
		p += sprintf(p, "rule add iif a0 group 239.1.1.%d", i + 1);
		for (int o = 0; o < 64; o++)
			p += sprintf(p, " oif outputif%02d", o);
		p += sprintf(p, "\n");
	}
	batch_parse(text, false, &b, &err);
	assert_int_equal(b.bad, 0);
	assert_int_equal(b.n, 60);
	while (from < b.n) {
		size_t end = cli_batch_window(&b, from), bytes = 0;

		assert_true(end > from);
		for (size_t i = from; i < end; i++)
			bytes += NLMSG_ALIGN(b.cmds[i].nlh->nlmsg_len);
		assert_true(bytes <= CLI_WINDOW_BYTES);
		/* full: the next request would not have fitted */
		if (end < b.n)
			assert_true(bytes + NLMSG_ALIGN(b.cmds[end].nlh->nlmsg_len) >
				    CLI_WINDOW_BYTES);
		from = end;
		windows++;
	}
	assert_true(windows >= 3);
	cli_batch_free(&b);
	free(err);
	free(text);
}

/* ---- reading answers -------------------------------------------------------------- */

/* An NLMSG_ERROR answering @req: echoed whole unless @capped, then TLVs. */
static size_t build_error(char *buf, const struct nlmsghdr *req, int error, bool capped,
			  const char *msg, int32_t off)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t echo = capped ? NLMSG_HDRLEN : req->nlmsg_len;
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = (capped ? NLM_F_CAPPED : 0) | (msg ? NLM_F_ACK_TLVS : 0);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(int) + NLMSG_ALIGN(echo));
	e->error = error;
	memcpy(&e->msg, req, echo);
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	if (off >= 0)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, (uint32_t)off);
	return nlh->nlmsg_len;
}

static void test_client_reads_extack_after_the_echo(void **state)
{
	char buf[8192];
	struct mcr_reply_status st;
	struct cli_cmd cmd;

	(void)state;
	parse_ok("rule add iif a0 group 239.1.1.1 oif b0 oif b1 oif b2", &cmd);
	build_error(buf, cmd.nlh, -EEXIST, false, "input is already used by rule 1", 32);
	mcr_client_parse_status((struct nlmsghdr *)buf, &st);
	assert_int_equal(st.error, -EEXIST);
	assert_string_equal(st.msg, "input is already used by rule 1");
	assert_int_equal(st.offset, 32);
	build_error(buf, cmd.nlh, -EINVAL, true, "capped", -1);
	mcr_client_parse_status((struct nlmsghdr *)buf, &st);
	assert_int_equal(st.error, -EINVAL);
	assert_string_equal(st.msg, "capped");
	assert_int_equal(st.offset, -1);
	/* a warning on an ACK */
	build_error(buf, cmd.nlh, 0, true, "interface a0 does not exist yet", -1);
	mcr_client_parse_status((struct nlmsghdr *)buf, &st);
	assert_int_equal(st.error, 0);
	assert_string_equal(st.msg, "interface a0 does not exist yet");
	/* no TLVs: no message */
	build_error(buf, cmd.nlh, -ENOENT, false, NULL, -1);
	mcr_client_parse_status((struct nlmsghdr *)buf, &st);
	assert_int_equal(st.error, -ENOENT);
	assert_string_equal(st.msg, "");
	cli_cmd_free(&cmd);
}

static void test_client_reads_done_and_rejects_lies(void **state)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct mcr_reply_status st;
	int32_t *err;

	(void)state;
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	*err = -EBUSY;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "a dump is already in progress");
	mcr_client_parse_status(nlh, &st);
	assert_int_equal(st.error, -EBUSY);
	assert_string_equal(st.msg, "a dump is already in progress");
	/* a message attribute without its NUL is ignored */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	*err = 5; /* positive: read as -5 rather than success */
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 4, "abcd");
	mcr_client_parse_status(nlh, &st);
	assert_int_equal(st.error, -5);
	assert_string_equal(st.msg, "");
	/* too short for the error code */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	mcr_client_parse_status(nlh, &st);
	assert_int_equal(st.error, -EPROTO);
}

static void test_report_adds_the_final_dot_once(void **state)
{
	struct mcr_reply_status st = {.error = -EPERM, .offset = -1};
	struct cli x = {0};
	char *err;
	size_t len;

	(void)state;
	x.out = stdout;
	x.err = open_memstream(&err, &len);
	snprintf(st.msg, sizeof(st.msg), "changing rules needs uid 0");
	assert_int_equal(cli_report(&x, -EPERM, &st), CLI_FAILED);
	snprintf(st.msg, sizeof(st.msg), "already a sentence.");
	assert_int_equal(cli_report(&x, -EPERM, &st), CLI_FAILED);
	st.msg[0] = '\0';
	assert_int_equal(cli_report(&x, -EPERM, &st), CLI_FAILED);
	st.error = 0;
	snprintf(st.msg, sizeof(st.msg), "pending");
	assert_int_equal(cli_report(&x, 0, &st), CLI_OK);
	x.c.port = 0x5fc00000;
	x.c.rejected = 3;
	x.c.timeout_ms = 5000;
	assert_int_equal(cli_report(&x, -ETIMEDOUT, NULL), CLI_FAILED);
	fclose(x.err);
	assert_string_equal(err, "Error: changing rules needs uid 0.\n"
				 "Error: already a sentence.\n"
				 "Error: Operation not permitted.\n"
				 "Warning: pending.\n"
				 "Error: no genuine reply from mcrd (a process that is not the "
				 "daemon holds or answered on port 0x5fc00000).\n");
	free(err);
}

static void test_uptime_format(void **state)
{
	char buf[32];

	(void)state;
	cli_format_uptime(0, buf, sizeof(buf));
	assert_string_equal(buf, "0s");
	cli_format_uptime(65999, buf, sizeof(buf));
	assert_string_equal(buf, "1m5s");
	cli_format_uptime(3723000, buf, sizeof(buf));
	assert_string_equal(buf, "1h2m3s");
	cli_format_uptime(90000000, buf, sizeof(buf));
	assert_string_equal(buf, "1d1h0m0s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_add_builds_create_excl_request),
	    cmocka_unit_test(test_rule_replace_and_change_flags),
	    cmocka_unit_test(test_rule_change_by_id_sends_the_id),
	    cmocka_unit_test(test_rule_add_refuses_an_id),
	    cmocka_unit_test(test_rule_errors_name_the_word),
	    cmocka_unit_test(test_rule_del_by_id),
	    cmocka_unit_test(test_rule_del_by_input),
	    cmocka_unit_test(test_rule_del_needs_id_or_input),
	    cmocka_unit_test(test_rule_show_is_a_filtered_dump),
	    cmocka_unit_test(test_rule_without_verb_and_aliases_show),
	    cmocka_unit_test(test_rule_flush_get_save),
	    cmocka_unit_test(test_prefixes_pick_the_first_in_table_order),
	    cmocka_unit_test(test_mroute_show_is_an_mroute_dump),
	    cmocka_unit_test(test_ambiguous_object_prefix_is_refused),
	    cmocka_unit_test(test_unknown_object_and_command),
	    cmocka_unit_test(test_worker_and_stats_show_are_stats_dumps),
	    cmocka_unit_test(test_monitor_count_and_timeout),
	    cmocka_unit_test(test_help_prints_grammar_and_exits_0),
	    cmocka_unit_test(test_global_options),
	    cmocka_unit_test(test_global_option_errors),
	    cmocka_unit_test(test_no_daemon_is_exit_2),
	    cmocka_unit_test(test_batch_parse_names_file_and_line),
	    cmocka_unit_test(test_batch_with_a_bad_line_sends_nothing),
	    cmocka_unit_test(test_batch_windows_hold_64_requests_or_32k),
	    cmocka_unit_test(test_batch_window_bytes_are_bounded),
	    cmocka_unit_test(test_client_reads_extack_after_the_echo),
	    cmocka_unit_test(test_client_reads_done_and_rejects_lies),
	    cmocka_unit_test(test_report_adds_the_final_dot_once),
	    cmocka_unit_test(test_uptime_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
