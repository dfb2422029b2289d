// SPDX-License-Identifier: GPL-2.0-or-later
/* mcr-nl's print layer: JSON string escaping, compact and pretty JSON, and
 * text and JSON from the same calls, down to the rule and worker printers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "../../tools/mcr-nl/cli.h"
#include "genl.h"
#include "wstats.h"

/* A printer writing into memory. */
struct capture {
	struct printer p;
	char *buf;
	size_t len;
};

static void cap_open(struct capture *c, bool json, bool pretty)
{
	pr_init(&c->p, open_memstream(&c->buf, &c->len), json, pretty);
}

/* Closes the stream, checks what was printed and frees it. */
static void cap_check(struct capture *c, const char *want)
{
	fclose(c->p.out);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

/* A capture that @x prints into, until cli_cap_check takes it back. */
static void cli_cap_open(struct cli *x, struct capture *c, bool json, bool pretty)
{
	cap_open(c, json, pretty);
	x->pr = c->p;
}

static void cli_cap_check(struct cli *x, struct capture *c, const char *want)
{
	c->p = x->pr;
	cap_check(c, want);
}

static void escaped(const char *in, const char *want)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	pr_json_escape(f, in);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void test_json_escapes_quotes_and_backslashes(void **state)
{
	(void)state;
	escaped("plain", "\"plain\"");
	escaped("a\"b", "\"a\\\"b\"");
	escaped("a\\b", "\"a\\\\b\"");
	escaped("", "\"\"");
}

static void test_json_escapes_control_characters(void **state)
{
	(void)state;
	escaped("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	escaped("\x01x\x1f", "\"\\u0001x\\u001f\"");
	escaped("\x7f", "\"\\u007f\"");
}

static void test_json_passes_utf8_through(void **state)
{
	(void)state;
	escaped("caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\"");
}

/* The same calls in every test below: an object with a nested array. */
static void sample(struct printer *p)
{
	pr_open_object(p, NULL);
	pr_uint(p, PR_ANY, "id", "id %u", 3);
	pr_string(p, PR_ANY, "name", " name %s", "a\"0");
	pr_null(p, PR_JSON, "port", " port any");
	pr_bool(p, PR_ANY, "pending", " pending", true);
	pr_bool(p, PR_ANY, "gone", " gone", false);
	pr_string(p, PR_TEXT, NULL, " text-only %s", "t");
	pr_u64(p, PR_JSON, "big", NULL, 18446744073709551615ull);
	pr_open_array(p, "list");
	for (unsigned int i = 1; i <= 2; i++) {
		pr_open_object(p, NULL);
		pr_text(p, "\n\t");
		pr_uint(p, PR_ANY, "n", "n %u", i);
		pr_close_object(p);
	}
	pr_close_array(p);
	pr_text(p, "\n");
	pr_close_object(p);
	pr_end(p);
}

static void test_text_from_the_same_calls(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, false, false);
	sample(&c.p);
	cap_check(&c, "id 3 name a\"0 pending text-only t\n\tn 1\n\tn 2\n");
}

static void test_json_compact(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, true, false);
	sample(&c.p);
	cap_check(&c, "{\"id\":3,\"name\":\"a\\\"0\",\"port\":null,\"pending\":true,"
		      "\"gone\":false,\"big\":18446744073709551615,"
		      "\"list\":[{\"n\":1},{\"n\":2}]}\n");
}

static void test_json_pretty(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, true, true);
	sample(&c.p);
	cap_check(&c, "{\n"
		      "    \"id\": 3,\n"
		      "    \"name\": \"a\\\"0\",\n"
		      "    \"port\": null,\n"
		      "    \"pending\": true,\n"
		      "    \"gone\": false,\n"
		      "    \"big\": 18446744073709551615,\n"
		      "    \"list\": [\n"
		      "        {\n"
		      "            \"n\": 1\n"
		      "        },\n"
		      "        {\n"
		      "            \"n\": 2\n"
		      "        }\n"
		      "    ]\n"
		      "}\n");
}

static void test_pretty_is_json_only(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, false, true);
	sample(&c.p);
	cap_check(&c, "id 3 name a\"0 pending text-only t\n\tn 1\n\tn 2\n");
}

static void test_empty_array_is_brackets(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, true, false);
	pr_open_array(&c.p, NULL);
	pr_close_array(&c.p);
	pr_end(&c.p);
	cap_check(&c, "[]\n");
	cap_open(&c, true, true);
	pr_open_array(&c.p, NULL);
	pr_close_array(&c.p);
	pr_end(&c.p);
	cap_check(&c, "[]\n");
	/* text mode prints nothing for an empty list */
	cap_open(&c, false, false);
	pr_open_array(&c.p, NULL);
	pr_close_array(&c.p);
	pr_end(&c.p);
	cap_check(&c, "");
}

static void test_top_level_values_one_per_line(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c, true, false);
	for (unsigned int i = 0; i < 2; i++) {
		pr_open_object(&c.p, NULL);
		pr_uint(&c.p, PR_ANY, "i", "%u", i);
		pr_close_object(&c.p);
		pr_end(&c.p);
	}
	cap_check(&c, "{\"i\":0}\n{\"i\":1}\n");
}

/* ---- the rule printer ------------------------------------------------------------ */

static struct mcr_rule *sample_rule(void)
{
	struct mcr_rule *r = mcr_rule_alloc(2);

	r->id = 3;
	snprintf(r->iif, sizeof(r->iif), "eth0");
	r->src = inet_addr("10.0.0.1");
	r->group = inet_addr("239.1.1.1");
	r->port = 5001;
	r->flags = MCR_RULE_FLAGS_PENDING;
	r->stats = (struct mcr_counters){.packets = 10, .bytes = 1000};
	snprintf(r->out[0].oif, sizeof(r->out[0].oif), "eth1");
	r->out[0].group = inet_addr("239.9.9.9");
	r->out[0].port = 5099;
	r->out[0].ttl = 5;
	r->out[0].src_mode = MCR_SRC_MODE_KEEP;
	r->out[0].stats = (struct mcr_counters){.packets = 7, .bytes = 700};
	r->out[0].stats.drops[MCR_DROP_TTL] = 3;
	r->out[0].stats.drops[MCR_DROP_TX_ERROR] = 1;
	snprintf(r->out[1].oif, sizeof(r->out[1].oif), "eth2");
	r->out[1].src_mode = MCR_SRC_MODE_ADDR;
	r->out[1].src = inet_addr("192.0.2.1");
	return r;
}

static void print_rule(struct cli *x, bool json, bool pretty, const char *want)
{
	struct mcr_rule *r = sample_rule();
	struct capture c;

	cli_cap_open(x, &c, json, pretty);
	pr_open_array(&x->pr, NULL);
	cli_print_rule(x, r, NULL, NULL, false);
	pr_close_array(&x->pr);
	pr_end(&x->pr);
	cli_cap_check(x, &c, want);
	mcr_rule_free(r);
}

static void test_rule_text_leaves_defaults_out(void **state)
{
	struct cli x = {0};

	(void)state;
	print_rule(&x, false, false,
		   "id 3 iif eth0 src 10.0.0.1 group 239.1.1.1 port 5001 pending\n"
		   "\toif eth1 group 239.9.9.9 port 5099 ttl 5 src keep\n"
		   "\toif eth2 src 192.0.2.1\n");
	x.o.details = 1;
	print_rule(&x, false, false,
		   "id 3 iif eth0 src 10.0.0.1 group 239.1.1.1 port 5001 pending\n"
		   "\toif eth1 group 239.9.9.9 port 5099 ttl 5 src keep path worker\n"
		   "\toif eth2 group 239.1.1.1 port 5001 src 192.0.2.1 path worker\n");
}

static void test_rule_text_counters_and_drops(void **state)
{
	struct cli x = {.o = {.stats = 1}};

	(void)state;
	print_rule(&x, false, false,
		   "id 3 iif eth0 src 10.0.0.1 group 239.1.1.1 port 5001 pending\n"
		   "    packets 10 bytes 1000\n"
		   "\toif eth1 group 239.9.9.9 port 5099 ttl 5 src keep\n"
		   "        packets 7 bytes 700 dropped 4\n"
		   "\toif eth2 src 192.0.2.1\n"
		   "        packets 0 bytes 0 dropped 0\n");
	/* -s -s: the reasons that happened, as "ip -s -s" adds lines */
	x.o.stats = 2;
	print_rule(&x, false, false,
		   "id 3 iif eth0 src 10.0.0.1 group 239.1.1.1 port 5001 pending\n"
		   "    packets 10 bytes 1000\n"
		   "\toif eth1 group 239.9.9.9 port 5099 ttl 5 src keep\n"
		   "        packets 7 bytes 700 dropped 4\n"
		   "        ttl 3 tx-error 1\n"
		   "\toif eth2 src 192.0.2.1\n"
		   "        packets 0 bytes 0 dropped 0\n");
}

static void test_rule_json_gives_effective_values(void **state)
{
	struct cli x = {0};

	(void)state;
	print_rule(&x, true, false,
		   "[{\"id\":3,\"iif\":\"eth0\",\"src\":\"10.0.0.1\",\"group\":\"239.1.1.1\","
		   "\"port\":5001,\"pending\":true,\"active\":false,\"outputs\":["
		   "{\"oif\":\"eth1\",\"group\":\"239.9.9.9\",\"port\":5099,\"ttl\":5,"
		   "\"src\":\"keep\",\"path\":\"worker\",\"vif\":null},"
		   "{\"oif\":\"eth2\",\"group\":\"239.1.1.1\",\"port\":5001,\"ttl\":null,"
		   "\"src\":\"192.0.2.1\",\"path\":\"worker\",\"vif\":null}]}]\n");
	x.o.stats = 1;
	print_rule(&x, true, false,
		   "[{\"id\":3,\"iif\":\"eth0\",\"src\":\"10.0.0.1\",\"group\":\"239.1.1.1\","
		   "\"port\":5001,\"pending\":true,\"active\":false,\"packets\":10,\"bytes\":1000,\"outputs\":["
		   "{\"oif\":\"eth1\",\"group\":\"239.9.9.9\",\"port\":5099,\"ttl\":5,"
		   "\"src\":\"keep\",\"path\":\"worker\",\"vif\":null,\"packets\":7,\"bytes\":700,"
		   "\"dropped\":4,\"drops\":{"
		   "\"ttl\":3,\"too_big\":0,\"link_down\":0,\"no_src\":0,\"tx_ring_full\":0,"
		   "\"tx_error\":1}},"
		   "{\"oif\":\"eth2\",\"group\":\"239.1.1.1\",\"port\":5001,\"ttl\":null,"
		   "\"src\":\"192.0.2.1\",\"path\":\"worker\",\"vif\":null,\"packets\":0,\"bytes\":0,"
		   "\"dropped\":0,\"drops\":{"
		   "\"ttl\":0,\"too_big\":0,\"link_down\":0,\"no_src\":0,\"tx_ring_full\":0,"
		   "\"tx_error\":0}}]}]\n");
	/* -s -s changes only the text */
	x.o.stats = 2;
	print_rule(&x, true, false,
		   "[{\"id\":3,\"iif\":\"eth0\",\"src\":\"10.0.0.1\",\"group\":\"239.1.1.1\","
		   "\"port\":5001,\"pending\":true,\"active\":false,\"packets\":10,\"bytes\":1000,\"outputs\":["
		   "{\"oif\":\"eth1\",\"group\":\"239.9.9.9\",\"port\":5099,\"ttl\":5,"
		   "\"src\":\"keep\",\"path\":\"worker\",\"vif\":null,\"packets\":7,\"bytes\":700,"
		   "\"dropped\":4,\"drops\":{"
		   "\"ttl\":3,\"too_big\":0,\"link_down\":0,\"no_src\":0,\"tx_ring_full\":0,"
		   "\"tx_error\":1}},"
		   "{\"oif\":\"eth2\",\"group\":\"239.1.1.1\",\"port\":5001,\"ttl\":null,"
		   "\"src\":\"192.0.2.1\",\"path\":\"worker\",\"vif\":null,\"packets\":0,\"bytes\":0,"
		   "\"dropped\":0,\"drops\":{"
		   "\"ttl\":0,\"too_big\":0,\"link_down\":0,\"no_src\":0,\"tx_ring_full\":0,"
		   "\"tx_error\":0}}]}]\n");
}

static void test_rule_json_any_port_is_null(void **state)
{
	struct mcr_rule *r = mcr_rule_alloc(1);
	struct cli x = {0};
	struct capture c;

	(void)state;
	r->id = 1;
	snprintf(r->iif, sizeof(r->iif), "a\"0");
	r->group = inet_addr("239.1.1.2");
	snprintf(r->out[0].oif, sizeof(r->out[0].oif), "b\\1");
	r->out[0].src_mode = MCR_SRC_MODE_AUTO; /* no rewrite: the source is kept */
	cap_open(&c, true, false);
	x.pr = c.p;
	cli_print_rule(&x, r, NULL, NULL, false);
	pr_end(&x.pr);
	cap_check(&c, "{\"id\":1,\"iif\":\"a\\\"0\",\"group\":\"239.1.1.2\",\"port\":null,"
		      "\"pending\":false,\"active\":false,\"outputs\":[{\"oif\":\"b\\\\1\",\"group\":\"239.1.1.2\","
		      "\"port\":null,\"ttl\":null,\"src\":\"keep\",\"path\":\"worker\","
		      "\"vif\":null}]}\n");
	/* text never prints "port any" */
	cap_open(&c, false, false);
	x.pr = c.p;
	cli_print_rule(&x, r, NULL, NULL, false);
	cap_check(&c, "id 1 iif a\"0 group 239.1.1.2\n\toif b\\1\n");
	mcr_rule_free(r);
}

static void test_monitor_line_is_one_line(void **state)
{
	struct mcr_rule *r = sample_rule();
	struct cli x = {.o = {.stats = 1}};
	struct capture c;

	(void)state;
	cap_open(&c, false, false);
	x.pr = c.p;
	cli_print_rule(&x, r, NULL, "[NEW]", true);
	cap_check(&c, "[NEW] id 3 iif eth0 src 10.0.0.1 group 239.1.1.1 port 5001 pending "
		      "oif eth1 group 239.9.9.9 port 5099 ttl 5 src keep oif eth2 src 192.0.2.1\n");
	/* as the member "rule" of an event object */
	cap_open(&c, true, false);
	x.pr = c.p;
	pr_open_object(&x.pr, NULL);
	pr_string(&x.pr, PR_JSON, "event", NULL, "new");
	cli_print_rule(&x, r, "rule", "[NEW]", true);
	pr_close_object(&x.pr);
	pr_end(&x.pr);
	cap_check(&c, "{\"event\":\"new\",\"rule\":{\"id\":3,\"iif\":\"eth0\",\"src\":\"10.0.0.1\","
		      "\"group\":\"239.1.1.1\",\"port\":5001,\"pending\":true,\"active\":false,\"outputs\":["
		      "{\"oif\":\"eth1\",\"group\":\"239.9.9.9\",\"port\":5099,\"ttl\":5,"
		      "\"src\":\"keep\",\"path\":\"worker\",\"vif\":null},"
		      "{\"oif\":\"eth2\",\"group\":\"239.1.1.1\",\"port\":5001,\"ttl\":null,"
		      "\"src\":\"192.0.2.1\",\"path\":\"worker\",\"vif\":null}]}}\n");
	mcr_rule_free(r);
}

/* ---- rules with kernel-path outputs --------------------------------------------- */

/* iif r0 group 239.1.1.1: oif r1 on the kernel path (VIF 1), oif r2 to
 * another group through a worker. */
static struct mcr_rule *kernel_rule(void)
{
	struct mcr_rule *r = mcr_rule_alloc(2);

	r->id = 7;
	snprintf(r->iif, sizeof(r->iif), "r0");
	r->group = inet_addr("239.1.1.1");
	r->flags = MCR_RULE_FLAGS_ACTIVE;
	r->stats = (struct mcr_counters){.packets = 10, .bytes = 1000, .kernel_packets = 12,
					 .kernel_bytes = 1200, .kernel_wrong_if = 2};
	snprintf(r->out[0].oif, sizeof(r->out[0].oif), "r1");
	r->out[0].src_mode = MCR_SRC_MODE_AUTO;
	r->out[0].path = MCR_PATH_KERNEL;
	r->out[0].vif = 1;
	r->out[0].stats = (struct mcr_counters){.kernel_packets = 30, .kernel_bytes = 3000};
	snprintf(r->out[1].oif, sizeof(r->out[1].oif), "r2");
	r->out[1].group = inet_addr("239.2.2.2");
	r->out[1].src_mode = MCR_SRC_MODE_AUTO;
	r->out[1].stats = (struct mcr_counters){.packets = 9, .bytes = 900};
	r->out[1].stats.drops[MCR_DROP_TTL] = 1;
	return r;
}

static void print_kernel_rule(struct cli *x, bool json, const char *want)
{
	struct mcr_rule *r = kernel_rule();
	struct capture c;

	cli_cap_open(x, &c, json, false);
	cli_print_rule(x, r, NULL, NULL, false);
	pr_end(&x->pr);
	cli_cap_check(x, &c, want);
	mcr_rule_free(r);
}

static void test_rule_text_shows_the_path_with_d(void **state)
{
	struct cli x = {0};

	(void)state;
	print_kernel_rule(&x, false,
			  "id 7 iif r0 group 239.1.1.1\n"
			  "\toif r1\n"
			  "\toif r2 group 239.2.2.2\n");
	x.o.details = 1;
	print_kernel_rule(&x, false,
			  "id 7 iif r0 group 239.1.1.1 active\n"
			  "\toif r1 group 239.1.1.1 src keep path kernel vif 1\n"
			  "\toif r2 group 239.2.2.2 src ifaddr path worker\n");
}

static void test_rule_text_kernel_counters_with_s(void **state)
{
	struct cli x = {.o = {.stats = 1}};

	(void)state;
	print_kernel_rule(&x, false,
			  "id 7 iif r0 group 239.1.1.1\n"
			  "    packets 10 bytes 1000  kernel packets 12 bytes 1200 wrong-if 2\n"
			  "\toif r1\n"
			  "        vif-out packets 30 bytes 3000\n"
			  "\toif r2 group 239.2.2.2\n"
			  "        packets 9 bytes 900 dropped 1\n");
	/* -s -s: drop reasons only where a worker sends */
	x.o.stats = 2;
	print_kernel_rule(&x, false,
			  "id 7 iif r0 group 239.1.1.1\n"
			  "    packets 10 bytes 1000  kernel packets 12 bytes 1200 wrong-if 2\n"
			  "\toif r1\n"
			  "        vif-out packets 30 bytes 3000\n"
			  "\toif r2 group 239.2.2.2\n"
			  "        packets 9 bytes 900 dropped 1\n"
			  "        ttl 1\n");
}

static void test_rule_json_path_vif_and_kernel_counters(void **state)
{
	struct cli x = {0};

	(void)state;
	print_kernel_rule(&x, true,
			  "{\"id\":7,\"iif\":\"r0\",\"group\":\"239.1.1.1\",\"port\":null,"
			  "\"pending\":false,\"active\":true,\"outputs\":["
			  "{\"oif\":\"r1\",\"group\":\"239.1.1.1\",\"port\":null,\"ttl\":null,"
			  "\"src\":\"keep\",\"path\":\"kernel\",\"vif\":1},"
			  "{\"oif\":\"r2\",\"group\":\"239.2.2.2\",\"port\":null,\"ttl\":null,"
			  "\"src\":\"ifaddr\",\"path\":\"worker\",\"vif\":null}]}\n");
	x.o.stats = 1;
	print_kernel_rule(&x, true,
			  "{\"id\":7,\"iif\":\"r0\",\"group\":\"239.1.1.1\",\"port\":null,"
			  "\"pending\":false,\"active\":true,\"packets\":10,\"bytes\":1000,"
			  "\"kernel\":{\"packets\":12,\"bytes\":1200,\"wrong_if\":2},\"outputs\":["
			  "{\"oif\":\"r1\",\"group\":\"239.1.1.1\",\"port\":null,\"ttl\":null,"
			  "\"src\":\"keep\",\"path\":\"kernel\",\"vif\":1,\"packets\":0,\"bytes\":0,"
			  "\"dropped\":0,\"drops\":{\"ttl\":0,\"too_big\":0,\"link_down\":0,"
			  "\"no_src\":0,\"tx_ring_full\":0,\"tx_error\":0},"
			  "\"vif_out\":{\"packets\":30,\"bytes\":3000}},"
			  "{\"oif\":\"r2\",\"group\":\"239.2.2.2\",\"port\":null,\"ttl\":null,"
			  "\"src\":\"ifaddr\",\"path\":\"worker\",\"vif\":null,\"packets\":9,"
			  "\"bytes\":900,\"dropped\":1,\"drops\":{\"ttl\":1,\"too_big\":0,"
			  "\"link_down\":0,\"no_src\":0,\"tx_ring_full\":0,\"tx_error\":0}}]}\n");
}

/* A rule the workers alone serve has no "kernel" counters, even with -s. */
static void test_rule_without_kernel_output_has_no_kernel_counters(void **state)
{
	struct mcr_rule *r = kernel_rule();
	struct cli x = {.o = {.stats = 1}};
	struct capture c;

	(void)state;
	r->out[0].path = MCR_PATH_WORKER;
	r->stats.kernel_packets = r->stats.kernel_bytes = r->stats.kernel_wrong_if = 0;
	cap_open(&c, false, false);
	x.pr = c.p;
	cli_print_rule(&x, r, NULL, NULL, false);
	cap_check(&c, "id 7 iif r0 group 239.1.1.1\n"
		      "    packets 10 bytes 1000\n"
		      "\toif r1\n"
		      "        packets 0 bytes 0 dropped 0\n"
		      "\toif r2 group 239.2.2.2\n"
		      "        packets 9 bytes 900 dropped 1\n");
	mcr_rule_free(r);
}

/* ---- mroute show --------------------------------------------------------------- */

struct mroute_sample {
	const char *src, *group, *iif, *oif[3];
	uint32_t rule, flags;
	bool idle;
	uint64_t idle_ms, packets, bytes, wrong_if;
};

/* An mroute-get message as mcrd builds it, through the decoder. */
static void add_mroute(struct cli *x, struct cli_mroutes *l, const struct mroute_sample *m)
{
	static unsigned char buf[1024] __attribute__((aligned(8)));
	struct cli_mroute_sink sink = {.x = x, .l = l};
	struct nlmsghdr *nlh =
	    genl_msg_start(buf, MCR_FAMILY_ID, NLM_F_MULTI, 1, 1, MCR_CMD_MROUTE_GET, 1);

	mnl_attr_put_u32(nlh, MCR_A_MROUTE_SRC, inet_addr(m->src));
	mnl_attr_put_u32(nlh, MCR_A_MROUTE_GROUP, inet_addr(m->group));
	mnl_attr_put_strz(nlh, MCR_A_MROUTE_IIF, m->iif);
	for (unsigned int i = 0; i < 3 && m->oif[i]; i++)
		mnl_attr_put_strz(nlh, MCR_A_MROUTE_OIF, m->oif[i]);
	if (m->rule)
		mnl_attr_put_u32(nlh, MCR_A_MROUTE_RULE, m->rule);
	mnl_attr_put_u32(nlh, MCR_A_MROUTE_FLAGS, m->flags);
	if (m->idle)
		genl_put_u64(nlh, MCR_A_MROUTE_IDLE_MS, MCR_A_MROUTE_PAD, m->idle_ms);
	genl_put_u64(nlh, MCR_A_MROUTE_PACKETS, MCR_A_MROUTE_PAD, m->packets);
	genl_put_u64(nlh, MCR_A_MROUTE_BYTES, MCR_A_MROUTE_PAD, m->bytes);
	genl_put_u64(nlh, MCR_A_MROUTE_WRONG_IF, MCR_A_MROUTE_PAD, m->wrong_if);
	assert_int_equal(cli_mroute_cb(nlh, &sink), MNL_CB_OK);
}

/* A rule's (S,G), a learned one and a stop entry. */
static void sample_mroutes(struct cli *x, struct cli_mroutes *l)
{
	static const struct mroute_sample m[] = {
	    {"10.1.0.1", "239.1.1.1", "r0", {"r1", "r2"}, 3, 0, false, 0, 12, 12345, 0},
	    {"10.1.0.9", "239.1.1.1", "r0", {"r1"}, 4, MCR_MROUTE_FLAGS_LEARNED, true, 1250, 5,
	     500, 1},
	    {"10.1.0.2", "239.1.1.2", "r0", {NULL}, 0, MCR_MROUTE_FLAGS_STOP, true, 40, 1, 100, 0},
	};

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		add_mroute(x, l, &m[i]);
	assert_int_equal(l->n, 3);
}

static void print_mroutes(struct cli *x, bool json, const char *want)
{
	struct cli_mroutes l;
	struct capture c;

	sample_mroutes(x, &l);
	cli_cap_open(x, &c, json, false);
	cli_print_mroutes(x, &l);
	cli_cap_check(x, &c, want);
	cli_mroutes_free(&l);
}

static void test_mroute_text_reads_like_ip_mroute(void **state)
{
	struct cli x = {0};

	(void)state;
	print_mroutes(&x, false,
		      "(10.1.0.1,239.1.1.1)             Iif: r0         Oifs: r1 r2  State: "
		      "resolved  Rule: 3\n"
		      "(10.1.0.9,239.1.1.1)             Iif: r0         Oifs: r1  State: resolved  "
		      "Rule: 4  Learned\n"
		      "(10.1.0.2,239.1.1.2)             Iif: r0          State: stop\n");
	x.o.stats = 1;
	print_mroutes(&x, false,
		      "(10.1.0.1,239.1.1.1)             Iif: r0         Oifs: r1 r2  State: "
		      "resolved  Rule: 3\n"
		      "  12 packets, 12345 bytes, 0 arrived on wrong iif\n"
		      "(10.1.0.9,239.1.1.1)             Iif: r0         Oifs: r1  State: resolved  "
		      "Rule: 4  Learned\n"
		      "  5 packets, 500 bytes, 1 arrived on wrong iif, idle 1.25s\n"
		      "(10.1.0.2,239.1.1.2)             Iif: r0          State: stop\n"
		      "  1 packets, 100 bytes, 0 arrived on wrong iif, idle 0.04s\n");
}

static void test_mroute_json_has_ip_keys_and_mcrd_ones(void **state)
{
	struct cli x = {0};

	(void)state;
	print_mroutes(&x, true,
		      "[{\"src\":\"10.1.0.1\",\"dst\":\"239.1.1.1\",\"iif\":\"r0\","
		      "\"multipath\":[{\"oif\":\"r1\"},{\"oif\":\"r2\"}],\"state\":\"resolved\","
		      "\"rule\":3,\"learned\":false,\"stop\":false,\"idle_ms\":null},"
		      "{\"src\":\"10.1.0.9\",\"dst\":\"239.1.1.1\",\"iif\":\"r0\","
		      "\"multipath\":[{\"oif\":\"r1\"}],\"state\":\"resolved\",\"rule\":4,"
		      "\"learned\":true,\"stop\":false,\"idle_ms\":1250},"
		      "{\"src\":\"10.1.0.2\",\"dst\":\"239.1.1.2\",\"iif\":\"r0\","
		      "\"multipath\":[],\"state\":\"stop\",\"rule\":null,\"learned\":false,"
		      "\"stop\":true,\"idle_ms\":40}]\n");
	x.o.stats = 1;
	print_mroutes(&x, true,
		      "[{\"src\":\"10.1.0.1\",\"dst\":\"239.1.1.1\",\"iif\":\"r0\","
		      "\"multipath\":[{\"oif\":\"r1\"},{\"oif\":\"r2\"}],\"state\":\"resolved\","
		      "\"rule\":3,\"learned\":false,\"stop\":false,\"idle_ms\":null,"
		      "\"packets\":12,\"bytes\":12345,\"wrong_if\":0},"
		      "{\"src\":\"10.1.0.9\",\"dst\":\"239.1.1.1\",\"iif\":\"r0\","
		      "\"multipath\":[{\"oif\":\"r1\"}],\"state\":\"resolved\",\"rule\":4,"
		      "\"learned\":true,\"stop\":false,\"idle_ms\":1250,"
		      "\"packets\":5,\"bytes\":500,\"wrong_if\":1},"
		      "{\"src\":\"10.1.0.2\",\"dst\":\"239.1.1.2\",\"iif\":\"r0\","
		      "\"multipath\":[],\"state\":\"stop\",\"rule\":null,\"learned\":false,"
		      "\"stop\":true,\"idle_ms\":40,\"packets\":1,\"bytes\":100,\"wrong_if\":0}]\n");
}

static void test_mroute_empty_table(void **state)
{
	struct cli_mroutes l = {0};
	struct cli x = {0};
	struct capture c;

	(void)state;
	cap_open(&c, false, false);
	x.pr = c.p;
	cli_print_mroutes(&x, &l);
	cap_check(&c, "");
	cap_open(&c, true, false);
	x.pr = c.p;
	cli_print_mroutes(&x, &l);
	cap_check(&c, "[]\n");
}

static void test_mroute_decoder_refuses_an_entry_without_key(void **state)
{
	static unsigned char buf[256] __attribute__((aligned(8)));
	struct cli_mroutes l = {0};
	struct cli x = {0};
	struct cli_mroute_sink sink = {.x = &x, .l = &l};
	struct nlmsghdr *nlh =
	    genl_msg_start(buf, MCR_FAMILY_ID, NLM_F_MULTI, 1, 1, MCR_CMD_MROUTE_GET, 1);

	(void)state;
	mnl_attr_put_u32(nlh, MCR_A_MROUTE_GROUP, inet_addr("239.1.1.1"));
	assert_int_equal(cli_mroute_cb(nlh, &sink), MNL_CB_ERROR);
	assert_int_equal(errno, EPROTO);
	assert_string_equal(x.detail, "an mroute entry without src, group or iif");
	assert_int_equal(l.n, 0);
	mnl_attr_put_u32(nlh, MCR_A_MROUTE_GROUP, inet_addr("239.1.1.1"));
	assert_int_equal(cli_mroute_cb(nlh, &sink), MNL_CB_ERROR);
	assert_string_equal(x.detail, "attribute mroute.group is given twice");
	cli_mroutes_free(&l);
}

/* ---- daemon show ---------------------------------------------------------------- */

static void print_daemon_msg(struct cli *x, bool json, const char *state, bool table,
			     const char *want)
{
	static unsigned char buf[1024] __attribute__((aligned(8)));
	struct nlmsghdr *nlh =
	    genl_msg_start(buf, MCR_FAMILY_ID, 0, 1, 1, MCR_CMD_DAEMON_GET, 1);
	struct capture c;

	mnl_attr_put_strz(nlh, MCR_A_DAEMON_VERSION, "0.1.0");
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_PID, 42);
	genl_put_u64(nlh, MCR_A_DAEMON_UPTIME_MS, MCR_A_DAEMON_PAD, 61000);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_PORT_ID, MCR_PORT_ID);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_WORKERS, 2);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_FANOUT, MCR_FANOUT_HASH);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_RULES, 1);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_UID, 0);
	mnl_attr_put_strz(nlh, MCR_A_DAEMON_MROUTE_STATE, state);
	if (table)
		mnl_attr_put_u32(nlh, MCR_A_DAEMON_MROUTE_TABLE, 0);
	cli_cap_open(x, &c, json, false);
	assert_int_equal(cli_daemon_cb(nlh, x), MNL_CB_OK);
	cli_cap_check(x, &c, want);
}

static void test_daemon_show_has_an_mroute_line(void **state)
{
	struct cli x = {0};

	(void)state;
	print_daemon_msg(&x, false, "on (table 0)", true,
			 "mcrd 0.1.0 pid 42 uptime 1m1s port 0x5fc00000\n"
			 "  rules 1 workers 2 fanout hash\n"
			 "  mroute on (table 0)\n");
	print_daemon_msg(&x, false, "busy: table 0 is held by pid 123 (smcrouted)", false,
			 "mcrd 0.1.0 pid 42 uptime 1m1s port 0x5fc00000\n"
			 "  rules 1 workers 2 fanout hash\n"
			 "  mroute busy: table 0 is held by pid 123 (smcrouted)\n");
	print_daemon_msg(&x, true, "on (table 0)", true,
			 "{\"version\":\"0.1.0\",\"pid\":42,\"uptime_ms\":61000,"
			 "\"port_id\":1606418432,\"rules\":1,\"workers\":2,\"fanout\":\"hash\","
			 "\"admin_gid\":null,\"config\":null,\"uid\":0,"
			 "\"mroute_state\":\"on (table 0)\",\"mroute_table\":0}\n");
	print_daemon_msg(&x, true, "off", false,
			 "{\"version\":\"0.1.0\",\"pid\":42,\"uptime_ms\":61000,"
			 "\"port_id\":1606418432,\"rules\":1,\"workers\":2,\"fanout\":\"hash\","
			 "\"admin_gid\":null,\"config\":null,\"uid\":0,"
			 "\"mroute_state\":\"off\",\"mroute_table\":null}\n");
}

/* ---- the worker printer ------------------------------------------------------- */

/* What a stats-get dump of two workers brings, through the message
 * decoder: worker 0 on cpu 1 with some drops, worker 1 not pinned. */
static void sample_stats(struct cli *x, struct cli_stats *st)
{
	static unsigned char buf[4096] __attribute__((aligned(8)));
	struct cli_stats_sink sink = {.x = x, .st = st};
	struct wstats w0 = {
	    .rx_packets = 10,
	    .rx_bytes = 15000,
	    .tx_packets = 9,
	    .tx_bytes = 13500,
	    .no_match = 1,
	    .ring_drops = 2,
	    .ring_freezes = 1,
	    .wakeups = 5,
	    .batches = 4,
	    .table_swaps = 3,
	};
	struct wstats w1 = {0};
	struct nlmsghdr *nlh;

	w0.rx_drops[PKT_DROP_VLAN] = 4;
	w0.rx_drops[PKT_DROP_BAD_SRC] = 2;
	w0.out_drops[MCR_DROP_TTL] = 3;
	memset(st, 0, sizeof(*st));
	nlh = genl_msg_start(buf, MCR_FAMILY_ID, NLM_F_MULTI, 1, 1, MCR_CMD_STATS_GET, 1);
	mnl_attr_put_u64(nlh, MCR_A_STATS_REQUESTS, 12);
	mnl_attr_put_u32(nlh, MCR_A_STATS_RULES, 1);
	assert_int_equal(cli_stats_cb(nlh, &sink), MNL_CB_OK);
	nlh = genl_msg_start(buf, MCR_FAMILY_ID, NLM_F_MULTI, 1, 1, MCR_CMD_STATS_GET, 1);
	genl_put_worker(nlh, 0, &w0, 1);
	assert_int_equal(cli_stats_cb(nlh, &sink), MNL_CB_OK);
	nlh = genl_msg_start(buf, MCR_FAMILY_ID, NLM_F_MULTI, 1, 1, MCR_CMD_STATS_GET, 1);
	genl_put_worker(nlh, 1, &w1, -1);
	assert_int_equal(cli_stats_cb(nlh, &sink), MNL_CB_OK);
	assert_int_equal(st->n, 2);
}

static void print_workers(struct cli *x, bool json, const char *want)
{
	struct cli_stats st;
	struct capture c;

	sample_stats(x, &st);
	cli_cap_open(x, &c, json, false);
	cli_print_workers(x, &st);
	cli_cap_check(x, &c, want);
	cli_stats_free(&st);
}

static const char worker_text[] = "worker 0 cpu 1\n"
				  "    rx packets 10 bytes 15000  tx packets 9 bytes 13500\n"
				  "    no-match 1 malformed 6 ring-drops 2 ring-freezes 1\n"
				  "    wakeups 5 batches 4 table-swaps 3\n";
static const char worker1_text[] = "worker 1\n"
				   "    rx packets 0 bytes 0  tx packets 0 bytes 0\n"
				   "    no-match 0 malformed 0 ring-drops 0 ring-freezes 0\n"
				   "    wakeups 0 batches 0 table-swaps 0\n";

static void test_worker_text_shows_drops_with_s(void **state)
{
	struct cli x = {0};
	char want[1024];

	(void)state;
	snprintf(want, sizeof(want), "%s%s", worker_text, worker1_text);
	print_workers(&x, false, want);
	x.o.stats = 1;
	snprintf(want, sizeof(want), "%s%s%s", worker_text,
		 "    rx-drops vlan 4 bad-src 2\n"
		 "    out-drops ttl 3\n",
		 worker1_text);
	print_workers(&x, false, want);
}

static void test_worker_json_has_every_counter(void **state)
{
	struct cli x = {0};

	(void)state;
	print_workers(&x, true,
		      "[{\"id\":0,\"cpu\":1,\"packets\":10,\"bytes\":15000,\"tx_packets\":9,"
		      "\"tx_bytes\":13500,\"no_match\":1,\"malformed\":6,\"ring_drops\":2,"
		      "\"ring_freezes\":1,\"wakeups\":5,\"batches\":4,\"table_swaps\":3,"
		      "\"rx_drops\":{\"truncated\":0,\"malformed_short\":0,\"vlan\":4,"
		      "\"not_ipv4\":0,\"malformed_ip\":0,\"bad_ihl\":0,\"bad_ip_csum\":0,"
		      "\"bad_len\":0,\"fragment\":0,\"not_udp\":0,\"udp_len\":0,"
		      "\"not_multicast\":0,\"bad_src\":2},"
		      "\"out_drops\":{\"ttl\":3,\"too_big\":0,\"link_down\":0,\"no_src\":0,"
		      "\"tx_ring_full\":0,\"tx_error\":0}},"
		      "{\"id\":1,\"cpu\":null,\"packets\":0,\"bytes\":0,\"tx_packets\":0,"
		      "\"tx_bytes\":0,\"no_match\":0,\"malformed\":0,\"ring_drops\":0,"
		      "\"ring_freezes\":0,\"wakeups\":0,\"batches\":0,\"table_swaps\":0,"
		      "\"rx_drops\":{\"truncated\":0,\"malformed_short\":0,\"vlan\":0,"
		      "\"not_ipv4\":0,\"malformed_ip\":0,\"bad_ihl\":0,\"bad_ip_csum\":0,"
		      "\"bad_len\":0,\"fragment\":0,\"not_udp\":0,\"udp_len\":0,"
		      "\"not_multicast\":0,\"bad_src\":0},"
		      "\"out_drops\":{\"ttl\":0,\"too_big\":0,\"link_down\":0,\"no_src\":0,"
		      "\"tx_ring_full\":0,\"tx_error\":0}}]\n");
}

static void test_stats_show_has_the_mroute_counters_on_a_line(void **state)
{
	static unsigned char buf[1024] __attribute__((aligned(8)));
	struct cli x = {0};
	struct cli_stats st = {0};
	struct cli_stats_sink sink = {.x = &x, .st = &st};
	struct nlmsghdr *nlh =
	    genl_msg_start(buf, MCR_FAMILY_ID, NLM_F_MULTI, 1, 1, MCR_CMD_STATS_GET, 1);
	struct capture c;

	(void)state;
	mnl_attr_put_u32(nlh, MCR_A_STATS_RULES, 2);
	for (unsigned int t = MCR_A_STATS_MROUTE_UPCALLS; t <= MCR_A_STATS_MROUTE_ERRORS; t++)
		genl_put_u64(nlh, (uint16_t)t, MCR_A_STATS_PAD, t - MCR_A_STATS_MROUTE_UPCALLS + 1);
	assert_int_equal(cli_stats_cb(nlh, &sink), MNL_CB_OK);
	cap_open(&c, false, false);
	x.pr = c.p;
	cli_print_stats(&x, &st);
	cap_check(&c, "rules 2\n"
		      "mroute upcalls 1 wrong-vif 2 learned 3 stopped 4 expired 5 moved 6 errors 7\n");
	cap_open(&c, true, false);
	x.pr = c.p;
	cli_print_stats(&x, &st);
	cap_check(&c, "{\"rules\":2,\"mroute_upcalls\":1,\"mroute_wrong_vif\":2,"
		      "\"mroute_learned\":3,\"mroute_stopped\":4,\"mroute_expired\":5,"
		      "\"mroute_moved\":6,\"mroute_errors\":7,\"workers\":[]}\n");
	cli_stats_free(&st);
}

static void test_stats_show_keeps_one_line_per_worker(void **state)
{
	struct cli x = {.o = {.stats = 2}};
	struct cli_stats st;
	struct capture c;

	(void)state;
	sample_stats(&x, &st);
	cap_open(&c, false, false);
	x.pr = c.p;
	cli_print_stats(&x, &st);
	cap_check(&c, "requests 12\n"
		      "rules 1\n"
		      "\n"
		      "worker 0 cpu 1 packets 10 bytes 15000\n"
		      "worker 1 packets 0 bytes 0\n");
	cap_open(&c, true, false);
	x.pr = c.p;
	cli_print_stats(&x, &st);
	cap_check(&c, "{\"requests\":12,\"rules\":1,\"workers\":["
		      "{\"id\":0,\"cpu\":1,\"packets\":10,\"bytes\":15000},"
		      "{\"id\":1,\"cpu\":null,\"packets\":0,\"bytes\":0}]}\n");
	cli_stats_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_escapes_quotes_and_backslashes),
	    cmocka_unit_test(test_json_escapes_control_characters),
	    cmocka_unit_test(test_json_passes_utf8_through),
	    cmocka_unit_test(test_text_from_the_same_calls),
	    cmocka_unit_test(test_json_compact),
	    cmocka_unit_test(test_json_pretty),
	    cmocka_unit_test(test_pretty_is_json_only),
	    cmocka_unit_test(test_empty_array_is_brackets),
	    cmocka_unit_test(test_top_level_values_one_per_line),
	    cmocka_unit_test(test_rule_text_leaves_defaults_out),
	    cmocka_unit_test(test_rule_text_counters_and_drops),
	    cmocka_unit_test(test_rule_json_gives_effective_values),
	    cmocka_unit_test(test_rule_json_any_port_is_null),
	    cmocka_unit_test(test_monitor_line_is_one_line),
	    cmocka_unit_test(test_rule_text_shows_the_path_with_d),
	    cmocka_unit_test(test_rule_text_kernel_counters_with_s),
	    cmocka_unit_test(test_rule_json_path_vif_and_kernel_counters),
	    cmocka_unit_test(test_rule_without_kernel_output_has_no_kernel_counters),
	    cmocka_unit_test(test_mroute_text_reads_like_ip_mroute),
	    cmocka_unit_test(test_mroute_json_has_ip_keys_and_mcrd_ones),
	    cmocka_unit_test(test_mroute_empty_table),
	    cmocka_unit_test(test_mroute_decoder_refuses_an_entry_without_key),
	    cmocka_unit_test(test_daemon_show_has_an_mroute_line),
	    cmocka_unit_test(test_stats_show_has_the_mroute_counters_on_a_line),
	    cmocka_unit_test(test_worker_text_shows_drops_with_s),
	    cmocka_unit_test(test_worker_json_has_every_counter),
	    cmocka_unit_test(test_stats_show_keeps_one_line_per_worker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
