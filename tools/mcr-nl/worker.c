// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl worker show: every counter of every worker thread, from a
 * stats-get dump. Text groups them in lines and shows the drop reasons
 * (those that happened) with -s; JSON has all of them, the drop reasons
 * in the nested objects "rx_drops" and "out_drops".
 */
#include <string.h>
#include <linux/genetlink.h>

#include "cli.h"

int cli_worker_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	return cli_parse_show_only(argc, argv, "worker", CLI_ACT_WORKER, CLI_HELP_WORKER,
				   MCR_CMD_STATS_GET, NLM_F_DUMP, cmd, e);
}

/* The counters outside the drop groups, in text order: each with the text
 * it is printed with (JSON keys come from the attribute names). */
/* clang-format off */
static const struct {
	uint16_t type;
	const char *text;
} worker_text[] = {
	{ MCR_A_WORKER_PACKETS, "\n    rx packets %llu" },
	{ MCR_A_WORKER_BYTES, " bytes %llu" },
	{ MCR_A_WORKER_TX_PACKETS, "  tx packets %llu" },
	{ MCR_A_WORKER_TX_BYTES, " bytes %llu" },
	{ MCR_A_WORKER_NO_MATCH, "\n    no-match %llu" },
	{ MCR_A_WORKER_MALFORMED, " malformed %llu" },
	{ MCR_A_WORKER_RING_DROPS, " ring-drops %llu" },
	{ MCR_A_WORKER_RING_FREEZES, " ring-freezes %llu" },
	{ MCR_A_WORKER_WAKEUPS, "\n    wakeups %llu" },
	{ MCR_A_WORKER_BATCHES, " batches %llu" },
	{ MCR_A_WORKER_TABLE_SWAPS, " table-swaps %llu" },
};

/* Consecutive attributes named PREFIX-REASON, shown as one group. */
static const struct {
	const char *key;    /* JSON object */
	const char *text;   /* text line label */
	const char *prefix; /* cut from the attribute names */
	uint16_t first, last;
} drop_groups[] = {
	{ "rx_drops", "rx-drops", "rx-drop-",
	  MCR_A_WORKER_RX_DROP_TRUNCATED, MCR_A_WORKER_RX_DROP_BAD_SRC },
	{ "out_drops", "out-drops", "out-drop-",
	  MCR_A_WORKER_OUT_DROP_TTL, MCR_A_WORKER_OUT_DROP_TX_ERROR },
};
/* clang-format on */

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(ARRAY_LEN(worker_text) == MCR_A_WORKER_RX_DROP_TRUNCATED - MCR_A_WORKER_PACKETS,
	       "a worker counter has no place in the text");
_Static_assert(MCR_A_WORKER_RX_DROP_BAD_SRC + 1 == MCR_A_WORKER_OUT_DROP_TTL &&
		   MCR_A_WORKER_OUT_DROP_TX_ERROR == MCR_A_WORKER_MAX,
	       "a worker attribute is in no drop group");

/* Text: "    rx-drops truncated 1 vlan 4" with -s when any is non-zero. */
static void print_drop_group(struct cli *x, const struct cli_worker *w, size_t g)
{
	struct printer *p = &x->pr;
	size_t cut = strlen(drop_groups[g].prefix);
	bool first = true;
	char key[64], fmt[80];

	pr_open_object(p, drop_groups[g].key);
	for (unsigned int t = drop_groups[g].first; t <= drop_groups[g].last; t++) {
		const char *name = mcr_attr_name(&mcr_worker_policy, t) + cut;
		bool text = w->v[t] && x->o.stats;

		if (!w->has[t])
			continue;
		if (text && first)
			pr_text(p, "\n    %s", drop_groups[g].text);
		pr_json_name(key, sizeof(key), name);
		snprintf(fmt, sizeof(fmt), " %s %%llu", name);
		pr_u64(p, text ? PR_ANY : PR_JSON, key, fmt, (unsigned long long)w->v[t]);
		first = first && !text;
	}
	pr_close_object(p);
}

static void print_worker(struct cli *x, const struct cli_worker *w)
{
	struct printer *p = &x->pr;
	char key[64];

	pr_open_object(p, NULL);
	pr_uint(p, PR_ANY, "id", "worker %u", (unsigned int)w->v[MCR_A_WORKER_ID]);
	if (w->has[MCR_A_WORKER_CPU])
		pr_uint(p, PR_ANY, "cpu", " cpu %u", (unsigned int)w->v[MCR_A_WORKER_CPU]);
	else
		pr_null(p, PR_JSON, "cpu", "");
	for (size_t i = 0; i < ARRAY_LEN(worker_text); i++) {
		unsigned int t = worker_text[i].type;

		if (!w->has[t])
			continue;
		pr_json_name(key, sizeof(key), mcr_attr_name(&mcr_worker_policy, t));
		pr_u64(p, PR_ANY, key, worker_text[i].text, (unsigned long long)w->v[t]);
	}
	for (size_t g = 0; g < ARRAY_LEN(drop_groups); g++)
		print_drop_group(x, w, g);
	pr_text(p, "\n");
	pr_close_object(p);
}

void cli_print_workers(struct cli *x, const struct cli_stats *st)
{
	pr_open_array(&x->pr, NULL);
	for (size_t i = 0; i < st->n; i++)
		print_worker(x, &st->w[i]);
	pr_close_array(&x->pr);
	pr_end(&x->pr);
}

int cli_worker_run(struct cli *x, struct cli_cmd *cmd)
{
	struct cli_stats st = {0};
	int rc;

	if (cmd->act == CLI_ACT_HELP) {
		cli_usage(x->err, CLI_HELP_WORKER);
		return CLI_OK;
	}
	rc = cli_stats_fetch(x, cmd->nlh, &st);
	if (!rc)
		cli_print_workers(x, &st);
	cli_stats_free(&st);
	return rc;
}
