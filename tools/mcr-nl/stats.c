// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl stats show: the daemon's counters (stats-get). Names come from
 * the attribute policy ("dumps-interrupted" in text, "dumps_interrupted"
 * in JSON), so a counter added to the spec needs only a place in a line.
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "cli.h"

int cli_stats_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	return cli_parse_show_only(argc, argv, "stats", CLI_ACT_STATS, CLI_HELP_STATS,
				   MCR_CMD_STATS_GET, cmd, e);
}

/* Text lines: related counters together; 0 ends a line. */
/* clang-format off */
static const uint16_t stats_lines[] = {
	MCR_A_STATS_REQUESTS, MCR_A_STATS_ERRORS, MCR_A_STATS_DENIED, MCR_A_STATS_MALFORMED, 0,
	MCR_A_STATS_DUMPS, MCR_A_STATS_DUMPS_INTERRUPTED, MCR_A_STATS_DUMPS_ABORTED, 0,
	MCR_A_STATS_SEND_RETRIES, MCR_A_STATS_REPLIES_DROPPED, 0,
	MCR_A_STATS_NOTIFICATIONS, MCR_A_STATS_NOTIFY_ERRORS, 0,
	MCR_A_STATS_RULES, MCR_A_STATS_RULES_PENDING, MCR_A_STATS_RULE_ADDS, MCR_A_STATS_RULE_DELS, 0,
	MCR_A_STATS_RELOADS, MCR_A_STATS_RELOAD_ERRORS, 0,
};
/* clang-format on */

static const uint16_t worker_fields[] = {
    MCR_A_WORKER_ID,
    MCR_A_WORKER_CPU,
    MCR_A_WORKER_PACKETS,
    MCR_A_WORKER_BYTES,
};

/* One integer attribute as "name N" / "name": N, read as its policy says. */
static void print_counter(struct cli *x, const struct mcr_policy *pol, const struct nlattr *a,
			  unsigned int type, bool first)
{
	const char *name = mcr_attr_name(pol, type);
	unsigned long long v;
	char key[64], fmt[80];
	size_t i;

	v = pol->attrs[type].kind == MCR_ATTR_U64 ? mcr_attr_u64(a) : mcr_attr_u32(a);
	for (i = 0; name[i] && i < sizeof(key) - 1; i++)
		key[i] = name[i] == '-' ? '_' : name[i];
	key[i] = '\0';
	snprintf(fmt, sizeof(fmt), "%s%s %%llu", first ? "" : " ", name);
	pr_u64(&x->pr, PR_ANY, key, fmt, v);
}

static void print_worker(struct cli *x, const struct nlattr *nest)
{
	const struct nlattr *tb[MCR_A_WORKER_MAX + 1];
	bool first = true;

	/* Validated with the whole reply; this only fills tb. */
	if (mcr_attr_parse(mcr_attr_data(nest), mcr_attr_len(nest), &mcr_worker_policy, tb, NULL))
		return;
	pr_open_object(&x->pr, NULL);
	pr_text(&x->pr, "\n");
	for (size_t i = 0; i < sizeof(worker_fields) / sizeof(worker_fields[0]); i++) {
		unsigned int t = worker_fields[i];

		if (!tb[t])
			continue;
		/* "worker 0 cpu 0 ..." in text; "id": 0 in JSON */
		if (t == MCR_A_WORKER_ID)
			pr_uint(&x->pr, PR_ANY, "id", "worker %u", mcr_attr_u32(tb[t]));
		else
			print_counter(x, &mcr_worker_policy, tb[t], t, first);
		first = false;
	}
	pr_close_object(&x->pr);
}

static void print_stats(struct cli *x, const void *attrs, size_t len, const struct nlattr **tb)
{
	const struct nlattr *a;
	bool first = true;

	pr_open_object(&x->pr, NULL);
	for (size_t i = 0; i < sizeof(stats_lines) / sizeof(stats_lines[0]); i++) {
		unsigned int t = stats_lines[i];

		if (!t) {
			if (!first)
				pr_text(&x->pr, "\n");
			first = true;
			continue;
		}
		if (!tb[t])
			continue;
		print_counter(x, &mcr_stats_policy, tb[t], t, first);
		first = false;
	}
	pr_open_array(&x->pr, "workers");
	mcr_attr_for_each (a, attrs, len)
		if (mcr_attr_type(a) == MCR_A_STATS_WORKER)
			print_worker(x, a);
	pr_close_array(&x->pr);
	if (tb[MCR_A_STATS_WORKER])
		pr_text(&x->pr, "\n");
	pr_close_object(&x->pr);
	pr_end(&x->pr);
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MCR_A_STATS_MAX + 1];
	struct mcr_extack ext = {0};
	struct cli *x = data;
	const void *attrs;
	size_t len;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		snprintf(x->detail, sizeof(x->detail), "no genl header");
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	attrs = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	len = mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN;
	if (mcr_attr_parse(attrs, len, &mcr_stats_policy, tb, &ext)) {
		snprintf(x->detail, sizeof(x->detail), "%s", ext.msg);
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	print_stats(x, attrs, len, tb);
	return MNL_CB_OK;
}

int cli_stats_run(struct cli *x, struct cli_cmd *cmd)
{
	if (cmd->act == CLI_ACT_HELP) {
		cli_usage(x->err, CLI_HELP_STATS);
		return CLI_OK;
	}
	return cli_talk(x, cmd->nlh, stats_cb, x, NULL);
}
