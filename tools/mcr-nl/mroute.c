// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl mroute show: the entries mcrd installed in the kernel's multicast
 * routing table (an mroute-get dump), worded like "ip mroute show" so that
 * the two read alike: "(S,G)  Iif: IF  Oifs: IF ...  State: resolved", the
 * counters on a second line with -s. JSON takes ip -j mroute's keys (src,
 * dst, iif, multipath[].oif, state, packets, bytes, wrong_if) and adds
 * mcrd's own (rule, learned, stop, idle_ms).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "cli.h"

int cli_mroute_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	return cli_parse_show_only(argc, argv, "mroute", CLI_ACT_MROUTE, CLI_HELP_MROUTE,
				   MCR_CMD_MROUTE_GET, NLM_F_DUMP, cmd, e);
}

/* ---- collecting ------------------------------------------------------------ */

static int proto_error(struct cli *x, const char *msg)
{
	snprintf(x->detail, sizeof(x->detail), "%s", msg);
	errno = EPROTO;
	return MNL_CB_ERROR;
}

static struct cli_mroute *mroutes_add(struct cli_mroutes *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct cli_mroute *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/* The attributes were validated; this only copies them. */
static int decode(const void *attrs, size_t len, struct cli_mroute *m)
{
	const struct nlattr *a;

	mcr_attr_for_each (a, attrs, len) {
		switch (mcr_attr_type(a)) {
		case MCR_A_MROUTE_SRC:
			m->src = mcr_attr_u32(a);
			break;
		case MCR_A_MROUTE_GROUP:
			m->group = mcr_attr_u32(a);
			break;
		case MCR_A_MROUTE_IIF:
			snprintf(m->iif, sizeof(m->iif), "%s", mcr_attr_str(a));
			break;
		case MCR_A_MROUTE_OIF:
			if (m->n_oif == CLI_MROUTE_OIFS)
				return -EPROTO;
			snprintf(m->oif[m->n_oif++], IFNAMSIZ, "%s", mcr_attr_str(a));
			break;
		case MCR_A_MROUTE_RULE:
			m->rule = mcr_attr_u32(a);
			break;
		case MCR_A_MROUTE_FLAGS:
			m->flags = mcr_attr_u32(a);
			break;
		case MCR_A_MROUTE_IDLE_MS:
			m->has_idle = true;
			m->idle_ms = mcr_attr_u64(a);
			break;
		case MCR_A_MROUTE_PACKETS:
			m->packets = mcr_attr_u64(a);
			break;
		case MCR_A_MROUTE_BYTES:
			m->bytes = mcr_attr_u64(a);
			break;
		case MCR_A_MROUTE_WRONG_IF:
			m->wrong_if = mcr_attr_u64(a);
			break;
		}
	}
	return 0;
}

int cli_mroute_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MCR_A_MROUTE_MAX + 1];
	struct cli_mroute_sink *s = data;
	struct mcr_extack ext = {0};
	struct cli_mroute *m;
	const void *attrs;
	size_t len;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return proto_error(s->x, "an mroute message without genl header");
	attrs = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	len = mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN;
	if (mcr_attr_parse(attrs, len, &mcr_mroute_policy, tb, &ext))
		return proto_error(s->x, ext.msg);
	if (!tb[MCR_A_MROUTE_SRC] || !tb[MCR_A_MROUTE_GROUP] || !tb[MCR_A_MROUTE_IIF])
		return proto_error(s->x, "an mroute entry without src, group or iif");
	m = mroutes_add(s->l);
	if (!m) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	if (decode(attrs, len, m)) {
		s->l->n--;
		return proto_error(s->x, "an mroute entry with more than 32 oifs");
	}
	return MNL_CB_OK;
}

void cli_mroutes_free(struct cli_mroutes *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- printing ---------------------------------------------------------------- */

static bool is_stop(const struct cli_mroute *m)
{
	return m->flags & MCR_MROUTE_FLAGS_STOP;
}

/* -s: "  12 packets, 12345 bytes, 0 arrived on wrong iif" and how long a
 * learned or stop entry has been idle. */
static void print_counters(struct cli *x, const struct cli_mroute *m)
{
	struct printer *p = &x->pr;
	char idle[32];

	pr_u64(p, PR_ANY, "packets", "\n  %llu packets,", (unsigned long long)m->packets);
	pr_u64(p, PR_ANY, "bytes", " %llu bytes,", (unsigned long long)m->bytes);
	pr_u64(p, PR_ANY, "wrong_if", " %llu arrived on wrong iif",
	       (unsigned long long)m->wrong_if);
	if (m->has_idle) {
		snprintf(idle, sizeof(idle), "%llu.%02llus",
			 (unsigned long long)(m->idle_ms / 1000),
			 (unsigned long long)(m->idle_ms % 1000 / 10));
		pr_string(p, PR_TEXT, NULL, ", idle %s", idle);
	}
}

static void print_mroute(struct cli *x, const struct cli_mroute *m)
{
	struct printer *p = &x->pr;
	char s[16], g[16], sg[40];

	mcr_ntop(m->src, s);
	mcr_ntop(m->group, g);
	snprintf(sg, sizeof(sg), "(%s,%s)", s, g);
	pr_open_object(p, NULL);
	pr_string(p, PR_TEXT, NULL, "%-32s", sg);
	pr_string(p, PR_JSON, "src", NULL, s);
	pr_string(p, PR_JSON, "dst", NULL, g);
	pr_string(p, PR_ANY, "iif", " Iif: %-10s", m->iif);
	if (m->n_oif)
		pr_text(p, " Oifs:");
	pr_open_array(p, "multipath");
	for (unsigned int i = 0; i < m->n_oif; i++) {
		pr_open_object(p, NULL);
		pr_string(p, PR_ANY, "oif", " %s", m->oif[i]);
		pr_close_object(p);
	}
	pr_close_array(p);
	pr_string(p, PR_ANY, "state", "  State: %s", is_stop(m) ? "stop" : "resolved");
	if (m->rule)
		pr_uint(p, PR_ANY, "rule", "  Rule: %u", m->rule);
	else
		pr_null(p, PR_JSON, "rule", "");
	pr_bool(p, PR_ANY, "learned", "  Learned", m->flags & MCR_MROUTE_FLAGS_LEARNED);
	pr_bool(p, PR_JSON, "stop", NULL, is_stop(m));
	if (m->has_idle)
		pr_u64(p, PR_JSON, "idle_ms", NULL, (unsigned long long)m->idle_ms);
	else
		pr_null(p, PR_JSON, "idle_ms", NULL);
	if (x->o.stats)
		print_counters(x, m);
	pr_text(p, "\n");
	pr_close_object(p);
}

void cli_print_mroutes(struct cli *x, const struct cli_mroutes *l)
{
	pr_open_array(&x->pr, NULL);
	for (size_t i = 0; i < l->n; i++)
		print_mroute(x, &l->v[i]);
	pr_close_array(&x->pr);
	pr_end(&x->pr);
}

/* ---- running ------------------------------------------------------------------ */

int cli_mroute_run(struct cli *x, struct cli_cmd *cmd)
{
	struct cli_mroutes l = {0};
	struct cli_mroute_sink sink = {.x = x, .l = &l};
	struct mcr_reply_status st;
	int rc = CLI_OK;

	if (cmd->act == CLI_ACT_HELP) {
		cli_usage(x->err, CLI_HELP_MROUTE);
		return CLI_OK;
	}
	/* As rule show: a dump the rule table changed under is taken again. */
	for (int i = 0; i < CLI_DUMP_TRIES; i++) {
		l.n = 0;
		rc = cli_talk(x, cmd->nlh, cli_mroute_cb, &sink, &st);
		if (rc || !st.intr)
			break;
		if (i == CLI_DUMP_TRIES - 1)
			cli_warn(x, "the rules changed during the dump; it may be inconsistent");
	}
	if (!rc)
		cli_print_mroutes(x, &l);
	cli_mroutes_free(&l);
	return rc;
}
