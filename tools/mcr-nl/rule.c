// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl rule: the verbs, the requests they build, the rule printer and
 * dumps. RULE itself is parsed by mcr_ruletext_parse, the grammar mcrd's
 * configuration files share, so "rule save" output reads back unchanged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "cli.h"
#include "ruletext.h"

/* ---- selectors: del, show, flush, get -------------------------------------- */

enum { K_IIF, K_SRC, K_GROUP, K_PORT, K_ID };
/* The rule grammar's order, so that "i" is iif here too. */
static const char *const key_words[] = {"iif", "src", "group", "port", "id", NULL};

struct sel {
	unsigned int seen;
	char iif[IFNAMSIZ];
	uint32_t src, group, id;
	uint16_t port;
};

static int key_iif(const char *v, struct sel *s, struct cli_err *e)
{
	if (strlen(v) >= IFNAMSIZ || !mcr_ifname_valid(v))
		return cli_fail(e, "\"%s\" is not a valid interface name", v);
	snprintf(s->iif, sizeof(s->iif), "%s", v);
	return 0;
}

static int key_src(const char *v, struct sel *s, struct cli_err *e)
{
	if (mcr_parse_addr(v, &s->src))
		return cli_fail(e, "\"%s\" is not an IPv4 address", v);
	if (!mcr_addr_is_unicast(s->src))
		return cli_fail(e, "\"%s\" is not a unicast source address", v);
	return 0;
}

static int key_group(const char *v, struct sel *s, struct cli_err *e)
{
	if (mcr_parse_addr(v, &s->group))
		return cli_fail(e, "\"%s\" is not an IPv4 address", v);
	if (!mcr_addr_is_multicast(s->group))
		return cli_fail(e, "\"%s\" is not a multicast group (224.0.0.0/4)", v);
	return 0;
}

static int key_port(const char *v, struct sel *s, struct cli_err *e)
{
	if (mcr_parse_port(v, &s->port))
		return cli_fail(e, "\"%s\" is not a valid port (1-65535)", v);
	return 0;
}

static int key_id(const char *v, struct sel *s, struct cli_err *e)
{
	if (mcr_parse_u32(v, &s->id) || s->id == 0)
		return cli_fail(e, "\"%s\" is not a valid rule id", v);
	return 0;
}

static int (*const key_parse[])(const char *, struct sel *, struct cli_err *) = {
    [K_IIF] = key_iif,	 [K_SRC] = key_src, [K_GROUP] = key_group,
    [K_PORT] = key_port, [K_ID] = key_id,
};

#define KEY(k) (1u << (k))

static int parse_sel(int argc, char **argv, unsigned int allowed, const char *verb, struct sel *s,
		     struct cli_err *e)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < argc; i += 2) {
		int kw = mcr_match_table(argv[i], key_words);

		if (kw < 0 || !(allowed & KEY(kw)))
			return cli_fail(e,
					"unknown keyword \"%s\" in \"rule %s\", try "
					"\"mcr-nl rule help\"",
					argv[i], verb);
		if (s->seen & KEY(kw))
			return cli_fail(e, "\"%s\" is given twice", argv[i]);
		if (i + 1 >= argc)
			return cli_fail(e, "\"%s\" needs a value", argv[i]);
		if (key_parse[kw](argv[i + 1], s, e))
			return -EINVAL;
		s->seen |= KEY(kw);
	}
	return 0;
}

/* Appends the selector's attributes. */
static void put_sel(struct nlmsghdr *nlh, const struct sel *s)
{
	if (s->seen & KEY(K_ID))
		mnl_attr_put_u32(nlh, MCR_A_RULE_ID, s->id);
	if (s->seen & KEY(K_IIF))
		mnl_attr_put_strz(nlh, MCR_A_RULE_IIF, s->iif);
	if (s->seen & KEY(K_SRC))
		mnl_attr_put_u32(nlh, MCR_A_RULE_SRC, s->src);
	if (s->seen & KEY(K_GROUP))
		mnl_attr_put_u32(nlh, MCR_A_RULE_GROUP, s->group);
	if (s->seen & KEY(K_PORT))
		mnl_attr_put_u16(nlh, MCR_A_RULE_PORT, s->port);
}

static int finish_sel(struct cli_cmd *cmd, enum cli_act act, uint8_t genl_cmd, uint16_t flags,
		      const struct sel *s, struct cli_err *e)
{
	char buf[CLI_MSG_MAX];
	struct nlmsghdr *nlh = cli_msg_start(buf, genl_cmd, flags);

	put_sel(nlh, s);
	cmd->act = act;
	return cli_msg_finish(cmd, nlh, e);
}

/* ---- verbs ---------------------------------------------------------------- */

struct verb {
	const char *name; /* in the table and in messages */
	int (*parse)(const struct verb *v, int argc, char **argv, struct cli_cmd *cmd,
		     struct cli_err *e);
	uint16_t flags; /* rule-new: the NLM_F_* that make add, replace, change */
};

static int parse_new(const struct verb *v, int argc, char **argv, struct cli_cmd *cmd,
		     struct cli_err *e)
{
	struct mcr_text_err te = {.word = -1};
	char buf[CLI_MSG_MAX];
	struct nlmsghdr *nlh;
	struct mcr_rule *r;
	uint32_t id = 0;
	int ret;

	if (argc && !strcmp(argv[0], "id")) {
		if (!(v->flags & NLM_F_REPLACE))
			return cli_fail(e, "\"rule %s\" takes no id: the daemon assigns ids",
					v->name);
		if (argc < 2)
			return cli_fail(e, "\"id\" needs a value");
		if (mcr_parse_u32(argv[1], &id) || id == 0)
			return cli_fail(e, "\"%s\" is not a valid rule id", argv[1]);
		argc -= 2;
		argv += 2;
	}
	ret = mcr_ruletext_parse(argc, argv, &r, &te);
	if (ret == -ENOMEM)
		return cli_fail(e, "out of memory");
	if (ret)
		return cli_fail(e, "%s", te.msg);
	r->id = id;
	nlh = cli_msg_start(buf, MCR_CMD_RULE_NEW, v->flags);
	ret = mcr_rule_put(nlh, sizeof(buf), r, MCR_PUT_REQUEST);
	mcr_rule_free(r);
	if (ret)
		return cli_fail(e, "the rule does not fit in one request");
	cmd->act = CLI_ACT_REQUEST;
	return cli_msg_finish(cmd, nlh, e);
}

static int parse_del(const struct verb *v, int argc, char **argv, struct cli_cmd *cmd,
		     struct cli_err *e)
{
	const unsigned int input = KEY(K_IIF) | KEY(K_SRC) | KEY(K_GROUP) | KEY(K_PORT);
	struct sel s;

	if (parse_sel(argc, argv, input | KEY(K_ID), v->name, &s, e))
		return -EINVAL;
	if ((s.seen & KEY(K_ID)) && (s.seen & input))
		return cli_fail(e, "\"rule %s\" takes an id or an input, not both", v->name);
	if (!(s.seen & KEY(K_ID)) &&
	    (s.seen & (KEY(K_IIF) | KEY(K_GROUP))) != (KEY(K_IIF) | KEY(K_GROUP)))
		return cli_fail(e, "\"rule %s\" needs \"id ID\" or \"iif IFNAME group GROUP\"",
				v->name);
	return finish_sel(cmd, CLI_ACT_REQUEST, MCR_CMD_RULE_DEL, 0, &s, e);
}

static int parse_show(const struct verb *v, int argc, char **argv, struct cli_cmd *cmd,
		      struct cli_err *e)
{
	struct sel s;

	if (parse_sel(argc, argv, KEY(K_IIF) | KEY(K_GROUP), v->name, &s, e))
		return -EINVAL;
	return finish_sel(cmd, CLI_ACT_SHOW, MCR_CMD_RULE_GET, NLM_F_DUMP, &s, e);
}

static int parse_flush(const struct verb *v, int argc, char **argv, struct cli_cmd *cmd,
		       struct cli_err *e)
{
	struct sel s;

	if (parse_sel(argc, argv, KEY(K_IIF) | KEY(K_GROUP), v->name, &s, e))
		return -EINVAL;
	return finish_sel(cmd, CLI_ACT_REQUEST, MCR_CMD_RULE_FLUSH, 0, &s, e);
}

static int parse_get(const struct verb *v, int argc, char **argv, struct cli_cmd *cmd,
		     struct cli_err *e)
{
	struct sel s;

	if (parse_sel(argc, argv, KEY(K_ID), v->name, &s, e))
		return -EINVAL;
	if (!(s.seen & KEY(K_ID)))
		return cli_fail(e, "\"rule %s\" needs \"id ID\"", v->name);
	return finish_sel(cmd, CLI_ACT_GET, MCR_CMD_RULE_GET, 0, &s, e);
}

static int parse_save(const struct verb *v, int argc, char **argv, struct cli_cmd *cmd,
		      struct cli_err *e)
{
	struct sel s = {0};

	if (argc)
		return cli_fail(e, "\"rule %s\" takes no argument, not \"%s\"", v->name, argv[0]);
	return finish_sel(cmd, CLI_ACT_SAVE, MCR_CMD_RULE_GET, NLM_F_DUMP, &s, e);
}

static int parse_help(const struct verb *v, int argc, char **argv, struct cli_cmd *cmd,
		      struct cli_err *e)
{
	(void)v;
	(void)argc;
	(void)argv;
	(void)e;
	cmd->act = CLI_ACT_HELP;
	cmd->help = CLI_HELP_RULE;
	return 0;
}

/* Table order settles prefixes: "r s" is show, "r a" add, "r d" del. */
static const struct verb verbs[] = {
    {"show", parse_show, 0},
    {"list", parse_show, 0},
    {"lst", parse_show, 0},
    {"add", parse_new, NLM_F_CREATE | NLM_F_EXCL},
    {"change", parse_new, NLM_F_REPLACE},
    {"replace", parse_new, NLM_F_CREATE | NLM_F_REPLACE},
    {"del", parse_del, 0},
    {"delete", parse_del, 0},
    {"get", parse_get, 0},
    {"flush", parse_flush, 0},
    {"save", parse_save, 0},
    {"help", parse_help, 0},
};
#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

int cli_rule_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	const char *names[N_VERBS + 1];
	int v;

	if (argc == 0)
		return parse_show(&verbs[0], 0, argv, cmd, e);
	for (size_t i = 0; i < N_VERBS; i++)
		names[i] = verbs[i].name;
	names[N_VERBS] = NULL;
	v = mcr_match_table(argv[0], names);
	if (v < 0)
		return cli_fail(e, "command \"%s\" is unknown, try \"mcr-nl rule help\"", argv[0]);
	return verbs[v].parse(&verbs[v], argc - 1, argv + 1, cmd, e);
}

/* ---- printing -------------------------------------------------------------- */

static const char *src_text(const struct mcr_rule *r, const struct mcr_output *o, char a[16])
{
	switch (mcr_output_src_mode(r, o)) {
	case MCR_SRC_MODE_KEEP:
		return "keep";
	case MCR_SRC_MODE_ADDR:
		return mcr_ntop(o->src, a);
	default:
		return "ifaddr";
	}
}

static bool on_kernel(const struct mcr_output *o)
{
	return o->path == MCR_PATH_KERNEL;
}

/* A rule the kernel forwards for, or did: the daemon then sends its
 * kernel counters. */
static bool rule_has_kernel(const struct mcr_rule *r)
{
	const struct mcr_counters *c = &r->stats;

	for (unsigned int i = 0; i < r->n_outputs; i++)
		if (on_kernel(&r->out[i]))
			return true;
	return c->kernel_packets || c->kernel_bytes || c->kernel_wrong_if;
}

/* A rule's counters: the packets it matched, and what the kernel
 * forwarded for its (S,G) entries. */
static void print_counters(struct cli *x, const struct mcr_rule *r)
{
	const struct mcr_counters *c = &r->stats;
	struct printer *p = &x->pr;

	pr_text(p, "\n    ");
	pr_u64(p, PR_ANY, "packets", "packets %llu", (unsigned long long)c->packets);
	pr_u64(p, PR_ANY, "bytes", " bytes %llu", (unsigned long long)c->bytes);
	if (!rule_has_kernel(r))
		return;
	pr_open_object(p, "kernel");
	pr_u64(p, PR_ANY, "packets", "  kernel packets %llu",
	       (unsigned long long)c->kernel_packets);
	pr_u64(p, PR_ANY, "bytes", " bytes %llu", (unsigned long long)c->kernel_bytes);
	pr_u64(p, PR_ANY, "wrong_if", " wrong-if %llu", (unsigned long long)c->kernel_wrong_if);
	pr_close_object(p);
}

/* "ttl", "too-big", ...: the counters attribute names without "drop-". */
static const char *drop_name(unsigned int i)
{
	const char *name = mcr_attr_name(&mcr_counters_policy, MCR_A_COUNTERS_DROP_TTL + i);

	return strncmp(name, "drop-", 5) ? name : name + 5;
}

/* Like "ip -s -s": at level 2 a line of its own with the reasons that
 * happened ("ttl 3 too-big 1"), unless @with_text is false; JSON always
 * has every reason. */
static void print_drops(struct cli *x, const struct mcr_counters *c, bool with_text)
{
	struct printer *p = &x->pr;
	bool first = true;
	char key[32], fmt[48];

	pr_open_object(p, "drops");
	for (unsigned int i = 0; i < MCR_DROP__MAX; i++) {
		bool text = with_text && c->drops[i] && x->o.stats > 1;

		if (text && first)
			pr_text(p, "\n        ");
		pr_json_name(key, sizeof(key), drop_name(i));
		snprintf(fmt, sizeof(fmt), "%s%s %%llu", first ? "" : " ", drop_name(i));
		pr_u64(p, text ? PR_ANY : PR_JSON, key, fmt, (unsigned long long)c->drops[i]);
		first = first && !text;
	}
	pr_close_object(p);
}

/* An output's counters: what it sent, and what it dropped (matched =
 * packets + dropped). A kernel-path output shows instead what the VIF of
 * its interface sent, for every rule on it; JSON has both. */
static void print_output_counters(struct cli *x, const struct mcr_output *o)
{
	const struct mcr_counters *c = &o->stats;
	enum pr_mode worker = on_kernel(o) ? PR_JSON : PR_ANY;
	struct printer *p = &x->pr;
	unsigned long long dropped = 0;

	for (unsigned int i = 0; i < MCR_DROP__MAX; i++)
		dropped += c->drops[i];
	pr_text(p, "\n        ");
	pr_u64(p, worker, "packets", "packets %llu", (unsigned long long)c->packets);
	pr_u64(p, worker, "bytes", " bytes %llu", (unsigned long long)c->bytes);
	pr_u64(p, worker, "dropped", " dropped %llu", dropped);
	print_drops(x, c, !on_kernel(o));
	if (!on_kernel(o))
		return;
	pr_open_object(p, "vif_out");
	pr_u64(p, PR_ANY, "packets", "vif-out packets %llu", (unsigned long long)c->kernel_packets);
	pr_u64(p, PR_ANY, "bytes", " bytes %llu", (unsigned long long)c->kernel_bytes);
	pr_close_object(p);
}

/* Text leaves out what is default (group and port of the input, ifaddr,
 * the decremented TTL) unless -d; JSON always gives the effective values. */
static void print_output(struct cli *x, const struct mcr_rule *r, const struct mcr_output *o,
			 bool oneline)
{
	struct printer *p = &x->pr;
	bool all = x->o.details > 0;
	uint16_t port = mcr_output_port(r, o);
	char a[16];

	pr_open_object(p, NULL);
	pr_string(p, PR_ANY, "oif", "oif %s", o->oif);
	pr_string(p, o->group || all ? PR_ANY : PR_JSON, "group", " group %s",
		  mcr_ntop(mcr_output_group(r, o), a));
	if (port)
		pr_uint(p, o->port || all ? PR_ANY : PR_JSON, "port", " port %u", port);
	else
		pr_null(p, PR_JSON, "port", "");
	if (o->ttl)
		pr_uint(p, PR_ANY, "ttl", " ttl %u", o->ttl);
	else
		pr_null(p, PR_JSON, "ttl", "");
	/* JSON and -d: the effective source; text: what the rule says */
	pr_string(p, o->src_mode != MCR_SRC_MODE_AUTO || all ? PR_ANY : PR_JSON, "src", " src %s",
		  src_text(r, o, a));
	/* always in JSON; in text with -d */
	pr_string(p, all ? PR_ANY : PR_JSON, "path", " path %s",
		  on_kernel(o) ? "kernel" : "worker");
	if (on_kernel(o))
		pr_uint(p, all ? PR_ANY : PR_JSON, "vif", " vif %u", o->vif);
	else
		pr_null(p, PR_JSON, "vif", "");
	if (x->o.stats && !oneline)
		print_output_counters(x, o);
	pr_close_object(p);
}

void cli_print_rule(struct cli *x, const struct mcr_rule *r, const char *key, const char *prefix,
		    bool oneline)
{
	struct printer *p = &x->pr;
	char a[16];

	pr_open_object(p, key);
	if (prefix)
		pr_text(p, "%s ", prefix);
	pr_uint(p, PR_ANY, "id", "id %u", r->id);
	pr_string(p, PR_ANY, "iif", " iif %s", r->iif);
	if (r->src)
		pr_string(p, PR_ANY, "src", " src %s", mcr_ntop(r->src, a));
	pr_string(p, PR_ANY, "group", " group %s", mcr_ntop(r->group, a));
	if (r->port)
		pr_uint(p, PR_ANY, "port", " port %u", r->port);
	else
		pr_null(p, PR_JSON, "port", "");
	pr_bool(p, PR_ANY, "pending", " pending", r->flags & MCR_RULE_FLAGS_PENDING);
	/* always in JSON (scripts wait for it); in text with -d */
	pr_bool(p, x->o.details ? PR_ANY : PR_JSON, "active", " active",
		r->flags & MCR_RULE_FLAGS_ACTIVE);
	if (x->o.stats && !oneline)
		print_counters(x, r);
	pr_open_array(p, "outputs");
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		pr_text(p, oneline ? " " : "\n\t");
		print_output(x, r, &r->out[i], oneline);
	}
	pr_close_array(p);
	pr_text(p, "\n");
	pr_close_object(p);
}

/* ---- replies ----------------------------------------------------------------- */

int cli_rule_from_msg(struct cli *x, const struct nlmsghdr *nlh, struct mcr_rule **out)
{
	const struct nlattr *tb[MCR_A_RULE_MAX + 1];
	struct mcr_extack ext = {0};
	const void *attrs;
	size_t len;
	int ret;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		snprintf(x->detail, sizeof(x->detail), "a rule message without genl header");
		return -EPROTO;
	}
	attrs = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	len = mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN;
	ret = mcr_attr_parse(attrs, len, &mcr_rule_policy, tb, &ext);
	if (!ret)
		ret = mcr_rule_decode(attrs, len, tb, out, &ext);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		snprintf(x->detail, sizeof(x->detail), "%s", ext.msg ? ext.msg : "bad rule");
		return -EPROTO;
	}
	return 0;
}

static int rules_add(struct cli_rules *l, struct mcr_rule *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct mcr_rule **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = r;
	return 0;
}

void cli_rules_free(struct cli_rules *l)
{
	for (size_t i = 0; i < l->n; i++)
		mcr_rule_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int cli_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cli_rule_sink *s = data;
	struct mcr_rule *r;
	int ret = cli_rule_from_msg(s->x, nlh, &r);

	if (!ret) {
		ret = rules_add(s->rules, r);
		if (ret)
			mcr_rule_free(r);
	}
	errno = -ret;
	return ret ? MNL_CB_ERROR : MNL_CB_OK;
}

struct nlmsghdr *cli_dump_all_msg(void *buf)
{
	return cli_msg_start(buf, MCR_CMD_RULE_GET, NLM_F_DUMP);
}

int cli_rules_dump(struct cli *x, struct nlmsghdr *req, struct cli_rules *l)
{
	struct cli_rule_sink sink = {.x = x, .rules = l};
	struct mcr_reply_status st;
	int rc;

	for (int i = 0; i < CLI_DUMP_TRIES; i++) {
		cli_rules_free(l);
		rc = cli_talk(x, req, cli_rule_cb, &sink, &st);
		if (rc || !st.intr)
			return rc;
	}
	cli_warn(x, "the rule table changed during the dump; it may be inconsistent");
	return CLI_OK;
}

/* ---- running ------------------------------------------------------------------ */

static void print_rules(struct cli *x, const struct cli_rules *l)
{
	pr_open_array(&x->pr, NULL);
	for (size_t i = 0; i < l->n; i++)
		cli_print_rule(x, l->v[i], NULL, NULL, false);
	pr_close_array(&x->pr);
	pr_end(&x->pr);
}

static int run_show(struct cli *x, struct cli_cmd *cmd)
{
	struct cli_rules l = {0};
	int rc = cli_rules_dump(x, cmd->nlh, &l);

	if (!rc)
		print_rules(x, &l);
	cli_rules_free(&l);
	return rc;
}

static int run_get(struct cli *x, struct cli_cmd *cmd)
{
	struct cli_rules l = {0};
	struct cli_rule_sink sink = {.x = x, .rules = &l};
	int rc = cli_talk(x, cmd->nlh, cli_rule_cb, &sink, NULL);

	if (!rc)
		print_rules(x, &l);
	cli_rules_free(&l);
	return rc;
}

/* Interface names may hold '#', '"' and '\\', which the batch reader
 * (mcr_split_line) takes as comment, quote and escape: a backslash in
 * front keeps them literal. Words never hold blanks. */
static void put_escaped(FILE *f, const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '#' || *c == '"' || *c == '\\')
			fputc('\\', f);
		fputc(*c, f);
	}
}

/* A batch file that "mcrd -c" and "mcr-nl -batch" read back unchanged. */
static int run_save(struct cli *x, struct cli_cmd *cmd)
{
	struct cli_rules l = {0};
	char text[8192], date[64];
	time_t now = time(NULL);
	struct tm tm;
	int rc = cli_rules_dump(x, cmd->nlh, &l);

	if (rc)
		goto out;
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %z", localtime_r(&now, &tm));
	fprintf(x->out, "# saved by mcr-nl on %s\n", date);
	for (size_t i = 0; i < l.n; i++) {
		mcr_ruletext_format(l.v[i], text, sizeof(text));
		fputs("rule add ", x->out);
		put_escaped(x->out, text);
		fputc('\n', x->out);
	}
	fflush(x->out);
out:
	cli_rules_free(&l);
	return rc;
}

static int run_request(struct cli *x, struct cli_cmd *cmd)
{
	return cli_talk(x, cmd->nlh, NULL, NULL, NULL);
}

int cli_rule_run(struct cli *x, struct cli_cmd *cmd)
{
	switch (cmd->act) {
	case CLI_ACT_SHOW:
		return run_show(x, cmd);
	case CLI_ACT_GET:
		return run_get(x, cmd);
	case CLI_ACT_SAVE:
		return run_save(x, cmd);
	case CLI_ACT_REQUEST:
		return run_request(x, cmd);
	default:
		cli_usage(x->err, CLI_HELP_RULE);
		return CLI_OK;
	}
}
