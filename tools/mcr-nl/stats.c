// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl stats show: the daemon's counters and a line per worker, from a
 * stats-get dump (one message for the daemon, one per worker, so that any
 * number of workers fits). Names come from the attribute policy
 * ("dumps-interrupted" in text, "dumps_interrupted" in JSON), so a counter
 * added to the spec needs only a place in a line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "cli.h"

int cli_stats_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	return cli_parse_show_only(argc, argv, "stats", CLI_ACT_STATS, CLI_HELP_STATS,
				   MCR_CMD_STATS_GET, NLM_F_DUMP, cmd, e);
}

/* ---- collecting ------------------------------------------------------------ */

/* The value of integer attribute @a of @pol, as its policy says. */
static uint64_t int_value(const struct mcr_policy *pol, const struct nlattr *a)
{
	switch (pol->attrs[mcr_attr_type(a)].kind) {
	case MCR_ATTR_U64:
		return mcr_attr_u64(a);
	case MCR_ATTR_U32:
		return mcr_attr_u32(a);
	case MCR_ATTR_U16:
		return mcr_attr_u16(a);
	default:
		return mcr_attr_u8(a);
	}
}

static bool is_int(const struct mcr_policy *pol, unsigned int type)
{
	uint8_t k = pol->attrs[type].kind;

	return k == MCR_ATTR_U8 || k == MCR_ATTR_U16 || k == MCR_ATTR_U32 || k == MCR_ATTR_U64;
}

static int add_worker(struct cli_stats *st, const struct nlattr *nest)
{
	const struct nlattr *tb[MCR_A_WORKER_MAX + 1];
	struct cli_worker *w;

	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 8;
		struct cli_worker *v = realloc(st->w, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		st->w = v;
		st->cap = cap;
	}
	/* Validated with the whole message; this only fills tb. */
	if (mcr_attr_parse(mcr_attr_data(nest), mcr_attr_len(nest), &mcr_worker_policy, tb, NULL))
		return -EPROTO;
	w = &st->w[st->n++];
	memset(w, 0, sizeof(*w));
	for (unsigned int t = 1; t <= MCR_A_WORKER_MAX; t++) {
		if (!tb[t] || !is_int(&mcr_worker_policy, t))
			continue;
		w->has[t] = true;
		w->v[t] = int_value(&mcr_worker_policy, tb[t]);
	}
	return 0;
}

int cli_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MCR_A_STATS_MAX + 1];
	struct cli_stats_sink *s = data;
	struct mcr_extack ext = {0};
	const struct nlattr *a;
	const void *attrs;
	size_t len;
	int ret = 0;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		snprintf(s->x->detail, sizeof(s->x->detail), "no genl header");
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	attrs = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	len = mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN;
	if (mcr_attr_parse(attrs, len, &mcr_stats_policy, tb, &ext)) {
		snprintf(s->x->detail, sizeof(s->x->detail), "%s", ext.msg);
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	mcr_attr_for_each (a, attrs, len) {
		unsigned int t = mcr_attr_type(a);

		if (t == MCR_A_STATS_WORKER) {
			ret = add_worker(s->st, a);
			if (ret)
				break;
		} else if (is_int(&mcr_stats_policy, t)) {
			s->st->has[t] = true;
			s->st->v[t] = int_value(&mcr_stats_policy, a);
		}
	}
	errno = -ret;
	return ret ? MNL_CB_ERROR : MNL_CB_OK;
}

void cli_stats_free(struct cli_stats *st)
{
	free(st->w);
	memset(st, 0, sizeof(*st));
}

int cli_stats_fetch(struct cli *x, struct nlmsghdr *req, struct cli_stats *st)
{
	struct cli_stats_sink sink = {.x = x, .st = st};

	cli_stats_free(st);
	return cli_talk(x, req, cli_stats_cb, &sink, NULL);
}

/* ---- printing ---------------------------------------------------------------- */

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

/* The summary of a worker in "stats show" (id and cpu come first). */
static const uint16_t worker_summary[] = {
    MCR_A_WORKER_PACKETS,
    MCR_A_WORKER_BYTES,
};

/* One counter as "name N" / "name": N. */
static void print_counter(struct cli *x, const struct mcr_policy *pol, unsigned int type,
			  uint64_t v, bool first)
{
	const char *name = mcr_attr_name(pol, type);
	char key[64], fmt[80];

	pr_json_name(key, sizeof(key), name);
	snprintf(fmt, sizeof(fmt), "%s%s %%llu", first ? "" : " ", name);
	pr_u64(&x->pr, PR_ANY, key, fmt, (unsigned long long)v);
}

static void print_worker_line(struct cli *x, const struct cli_worker *w)
{
	pr_open_object(&x->pr, NULL);
	pr_text(&x->pr, "\n");
	pr_uint(&x->pr, PR_ANY, "id", "worker %u", (unsigned int)w->v[MCR_A_WORKER_ID]);
	if (w->has[MCR_A_WORKER_CPU])
		print_counter(x, &mcr_worker_policy, MCR_A_WORKER_CPU, w->v[MCR_A_WORKER_CPU],
			      false);
	else
		pr_null(&x->pr, PR_JSON, "cpu", "");
	for (size_t i = 0; i < sizeof(worker_summary) / sizeof(worker_summary[0]); i++)
		if (w->has[worker_summary[i]])
			print_counter(x, &mcr_worker_policy, worker_summary[i],
				      w->v[worker_summary[i]], false);
	pr_close_object(&x->pr);
}

/* "mroute upcalls 3 wrong-vif 0 learned 2 ...": the kernel path's counters
 * on one line, named without their "mroute-"; JSON keys keep it. */
static void print_mroute_line(struct cli *x, const struct cli_stats *st)
{
	const size_t cut = strlen("mroute-");
	bool any = false;
	char key[64], fmt[80];

	for (unsigned int t = MCR_A_STATS_MROUTE_UPCALLS; t <= MCR_A_STATS_MROUTE_ERRORS; t++) {
		const char *name = mcr_attr_name(&mcr_stats_policy, t);

		if (!st->has[t])
			continue;
		if (!any)
			pr_text(&x->pr, "mroute");
		any = true;
		pr_json_name(key, sizeof(key), name);
		snprintf(fmt, sizeof(fmt), " %s %%llu", name + cut);
		pr_u64(&x->pr, PR_ANY, key, fmt, (unsigned long long)st->v[t]);
	}
	if (any)
		pr_text(&x->pr, "\n");
}

void cli_print_stats(struct cli *x, const struct cli_stats *st)
{
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
		if (!st->has[t])
			continue;
		print_counter(x, &mcr_stats_policy, t, st->v[t], first);
		first = false;
	}
	print_mroute_line(x, st);
	pr_open_array(&x->pr, "workers");
	for (size_t i = 0; i < st->n; i++)
		print_worker_line(x, &st->w[i]);
	pr_close_array(&x->pr);
	if (st->n)
		pr_text(&x->pr, "\n");
	pr_close_object(&x->pr);
	pr_end(&x->pr);
}

int cli_stats_run(struct cli *x, struct cli_cmd *cmd)
{
	struct cli_stats st = {0};
	int rc;

	if (cmd->act == CLI_ACT_HELP) {
		cli_usage(x->err, CLI_HELP_STATS);
		return CLI_OK;
	}
	rc = cli_stats_fetch(x, cmd->nlh, &st);
	if (!rc)
		cli_print_stats(x, &st);
	cli_stats_free(&st);
	return rc;
}
