// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl daemon show: what mcrd is and how it runs (daemon-get).
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "cli.h"
#include "ruletext.h"

int cli_parse_show_only(int argc, char **argv, const char *obj, enum cli_act act,
			enum cli_help help, uint8_t genl_cmd, uint16_t flags, struct cli_cmd *cmd,
			struct cli_err *e)
{
	static const char *const verbs[] = {"show", "list", "help", NULL};
	char buf[CLI_MSG_MAX];
	int v = argc ? mcr_match_table(argv[0], verbs) : 0;

	if (v < 0)
		return cli_fail(e, "command \"%s\" is unknown, try \"mcr-nl %s help\"", argv[0],
				obj);
	if (v == 2) {
		cmd->act = CLI_ACT_HELP;
		cmd->help = help;
		return 0;
	}
	if (argc > 1)
		return cli_fail(e, "\"%s show\" takes no argument, not \"%s\"", obj, argv[1]);
	cmd->act = act;
	return cli_msg_finish(cmd, cli_msg_start(buf, genl_cmd, flags), e);
}

int cli_daemon_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	return cli_parse_show_only(argc, argv, "daemon", CLI_ACT_DAEMON, CLI_HELP_DAEMON,
				   MCR_CMD_DAEMON_GET, 0, cmd, e);
}

void cli_format_uptime(uint64_t ms, char *buf, size_t len)
{
	static const struct {
		char unit;
		uint64_t s;
	} units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
	uint64_t s = ms / 1000;
	size_t off = 0;
	bool started = false;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && off < len; i++) {
		uint64_t n = s / units[i].s;

		s %= units[i].s;
		/* from the largest unit present down to seconds: 1h0m5s */
		if (!n && !started && units[i].unit != 's')
			continue;
		started = true;
		off += (size_t)snprintf(buf + off, len - off, "%llu%c", (unsigned long long)n,
					units[i].unit);
	}
}

static const char *fanout_name(uint32_t f)
{
	static const char *const names[] = {
	    [MCR_FANOUT_HASH] = "hash",
	    [MCR_FANOUT_CPU] = "cpu",
	    [MCR_FANOUT_LB] = "lb",
	};

	return f < sizeof(names) / sizeof(names[0]) ? names[f] : "unknown";
}

static uint64_t u32_or_0(const struct nlattr *a)
{
	return a ? mcr_attr_u32(a) : 0;
}

/* "  mroute on (table 0)": a line of its own, the sentence as mcrd says it. */
static void print_mroute_state(struct cli *x, const struct nlattr **tb)
{
	struct printer *p = &x->pr;

	if (tb[MCR_A_DAEMON_MROUTE_STATE]) {
		pr_text(p, "\n ");
		pr_string(p, PR_ANY, "mroute_state", " mroute %s",
			  mcr_attr_str(tb[MCR_A_DAEMON_MROUTE_STATE]));
	} else {
		pr_null(p, PR_JSON, "mroute_state", "");
	}
	if (tb[MCR_A_DAEMON_MROUTE_TABLE])
		pr_uint(p, PR_JSON, "mroute_table", NULL,
			mcr_attr_u32(tb[MCR_A_DAEMON_MROUTE_TABLE]));
	else
		pr_null(p, PR_JSON, "mroute_table", "");
}

static void print_daemon(struct cli *x, const struct nlattr **tb)
{
	struct printer *p = &x->pr;
	uint64_t up = tb[MCR_A_DAEMON_UPTIME_MS] ? mcr_attr_u64(tb[MCR_A_DAEMON_UPTIME_MS]) : 0;
	char uptime[64], port[16];

	cli_format_uptime(up, uptime, sizeof(uptime));
	snprintf(port, sizeof(port), "0x%08x", (unsigned int)u32_or_0(tb[MCR_A_DAEMON_PORT_ID]));
	pr_open_object(p, NULL);
	pr_string(p, PR_ANY, "version", "mcrd %s",
		  tb[MCR_A_DAEMON_VERSION] ? mcr_attr_str(tb[MCR_A_DAEMON_VERSION]) : "?");
	pr_uint(p, PR_ANY, "pid", " pid %u", (unsigned int)u32_or_0(tb[MCR_A_DAEMON_PID]));
	pr_u64(p, PR_JSON, "uptime_ms", NULL, (unsigned long long)up);
	pr_string(p, PR_TEXT, NULL, " uptime %s", uptime);
	pr_uint(p, PR_JSON, "port_id", NULL, (unsigned int)u32_or_0(tb[MCR_A_DAEMON_PORT_ID]));
	pr_string(p, PR_TEXT, NULL, " port %s", port);
	pr_text(p, "\n ");
	pr_uint(p, PR_ANY, "rules", " rules %u", (unsigned int)u32_or_0(tb[MCR_A_DAEMON_RULES]));
	pr_uint(p, PR_ANY, "workers", " workers %u",
		(unsigned int)u32_or_0(tb[MCR_A_DAEMON_WORKERS]));
	pr_string(p, PR_ANY, "fanout", " fanout %s",
		  fanout_name((uint32_t)u32_or_0(tb[MCR_A_DAEMON_FANOUT])));
	if (tb[MCR_A_DAEMON_ADMIN_GID])
		pr_uint(p, PR_ANY, "admin_gid", " admin-gid %u",
			mcr_attr_u32(tb[MCR_A_DAEMON_ADMIN_GID]));
	else
		pr_null(p, PR_JSON, "admin_gid", "");
	if (tb[MCR_A_DAEMON_CONFIG])
		pr_string(p, PR_ANY, "config", " config %s", mcr_attr_str(tb[MCR_A_DAEMON_CONFIG]));
	else
		pr_null(p, PR_JSON, "config", "");
	if (tb[MCR_A_DAEMON_UID])
		pr_uint(p, x->o.details ? PR_ANY : PR_JSON, "uid", " uid %u",
			mcr_attr_u32(tb[MCR_A_DAEMON_UID]));
	else
		pr_null(p, PR_JSON, "uid", "");
	print_mroute_state(x, tb);
	pr_text(p, "\n");
	pr_close_object(p);
	pr_end(p);
}

int cli_daemon_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MCR_A_DAEMON_MAX + 1];
	struct mcr_extack ext = {0};
	struct cli *x = data;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
	    mcr_attr_parse(mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
			   mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN, &mcr_daemon_policy, tb,
			   &ext)) {
		snprintf(x->detail, sizeof(x->detail), "%s", ext.msg ? ext.msg : "no genl header");
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	print_daemon(x, tb);
	return MNL_CB_OK;
}

int cli_daemon_run(struct cli *x, struct cli_cmd *cmd)
{
	if (cmd->act == CLI_ACT_HELP) {
		cli_usage(x->err, CLI_HELP_DAEMON);
		return CLI_OK;
	}
	return cli_talk(x, cmd->nlh, cli_daemon_cb, x, NULL);
}
