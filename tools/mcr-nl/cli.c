// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl's frame (cli.h): global options, the object table, usage, the
 * connection to mcrd and how its answers become messages and exit codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "cli.h"
#include "ruletext.h"

/* ---- usage ----------------------------------------------------------------- */

static const char usage_main[] =
    "Usage: mcr-nl [ OPTIONS ] OBJECT { COMMAND | help }\n"
    "       mcr-nl [ -force ] -batch FILE\n"
    "where  OBJECT := { rule | mroute | stats | worker | daemon | monitor }\n"
    "       OPTIONS := { -V[ersion] | -j[son] | -p[retty] | -s[tatistics] |\n"
    "                    -d[etails] | -n[etns] NAME | -b[atch] FILE | -force |\n"
    "                    -h[elp] }\n";

static const char usage_rule[] =
    "Usage: mcr-nl rule { add | replace | change } RULE\n"
    "       mcr-nl rule { replace | change } id ID RULE\n"
    "       mcr-nl rule del { id ID | iif IFNAME [ src ADDR ] group GROUP [ port PORT ] }\n"
    "       mcr-nl [ -s [ -s ] ] [ -d ] rule [ { show | list } ] [ iif IFNAME ] [ group GROUP ]\n"
    "       mcr-nl rule flush [ iif IFNAME ] [ group GROUP ]\n"
    "       mcr-nl rule get id ID\n"
    "       mcr-nl rule save\n"
    "       mcr-nl rule help\n"
    "RULE   := iif IFNAME [ src ADDR ] group GROUP [ port PORT ] OUTPUT [ OUTPUT ... ]\n"
    "OUTPUT := oif IFNAME [ group GROUP ] [ port PORT ] [ ttl TTL ]\n"
    "          [ src { keep | ifaddr | ADDR } ]\n"
    "GROUP  := an IPv4 multicast address (224.0.0.0/4)\n"
    "ADDR   := an IPv4 unicast address\n"
    "PORT   := 1-65535 (an input without port takes every port)\n"
    "TTL    := 1-255 (default: the input TTL minus one)\n"
    "ID     := a rule id, as \"rule show\" prints it\n"
    "-s     := also packets and bytes of each rule (matched) and output (sent),\n"
    "          and the packets each output dropped\n"
    "-s -s  := also the drops by reason: ttl too-big link-down no-src tx-ring-full\n"
    "          tx-error (those that are not 0)\n"
    "-d     := also what rule show leaves out: defaults, active, and who sends each\n"
    "          output (path worker, or path kernel vif N: the kernel forwards it)\n"
    "With -s, outputs on the kernel path count what their interface's VIF sent\n"
    "(vif-out, shared by every rule on it), and their rules what the kernel\n"
    "forwarded for them (kernel packets bytes wrong-if).\n";

static const char usage_daemon[] = "Usage: mcr-nl daemon [ show ]\n"
				   "       mcr-nl daemon help\n";

static const char usage_stats[] = "Usage: mcr-nl stats [ show ]\n"
				  "       mcr-nl stats help\n";

static const char usage_worker[] =
    "Usage: mcr-nl [ -s ] worker [ show ]\n"
    "       mcr-nl worker help\n"
    "-s     := also the receive and output drops by reason (those that are not 0)\n";

static const char usage_monitor[] = "Usage: mcr-nl monitor [ count N ] [ timeout SECONDS ]\n"
				    "       mcr-nl monitor help\n";

static const char usage_mroute[] =
    "Usage: mcr-nl [ -s ] mroute [ { show | list } ]\n"
    "       mcr-nl mroute help\n"
    "Shows the entries mcrd installed in the kernel's multicast routing table for\n"
    "the outputs the kernel forwards (State: stop: no rule forwards that (S,G)\n"
    "through the kernel; Learned: from a rule without a source).\n"
    "-s     := also the packets, bytes and wrong-interface arrivals of each entry\n";

void cli_usage(FILE *f, enum cli_help which)
{
	static const char *const text[] = {
	    [CLI_HELP_MAIN] = usage_main,     [CLI_HELP_RULE] = usage_rule,
	    [CLI_HELP_DAEMON] = usage_daemon, [CLI_HELP_STATS] = usage_stats,
	    [CLI_HELP_WORKER] = usage_worker, [CLI_HELP_MONITOR] = usage_monitor,
	    [CLI_HELP_MROUTE] = usage_mroute,
	};

	fputs(text[which], f);
}

/* ---- messages ------------------------------------------------------------- */

int cli_fail(struct cli_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Prints "PREFIX: msg." with the final '.' added only when missing. */
static void sentence(FILE *f, const char *prefix, const char *msg)
{
	size_t len = strlen(msg);

	fprintf(f, "%s: %s%s\n", prefix, msg, len && msg[len - 1] == '.' ? "" : ".");
}

void cli_error(struct cli *x, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(x->out);
	sentence(x->err, "Error", msg);
}

void cli_warn(struct cli *x, const char *msg)
{
	fflush(x->out);
	sentence(x->err, "Warning", msg);
}

/* ---- requests --------------------------------------------------------------- */

struct nlmsghdr *cli_msg_start(void *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = MCR_FAMILY_ID;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g->cmd = cmd;
	g->version = MCR_FAMILY_VERSION;
	return nlh;
}

int cli_msg_finish(struct cli_cmd *cmd, const struct nlmsghdr *nlh, struct cli_err *e)
{
	cmd->nlh = malloc(nlh->nlmsg_len);
	if (!cmd->nlh)
		return cli_fail(e, "out of memory");
	memcpy(cmd->nlh, nlh, nlh->nlmsg_len);
	return 0;
}

void cli_cmd_free(struct cli_cmd *cmd)
{
	free(cmd->nlh);
	cmd->nlh = NULL;
}

/* ---- global options ------------------------------------------------------------ */

enum {
	OPT_JSON,
	OPT_PRETTY,
	OPT_STATS,
	OPT_DETAILS,
	OPT_NETNS,
	OPT_BATCH,
	OPT_FORCE,
	OPT_VERSION,
	OPT_VERSION2,
	OPT_HELP
};
/* In the order that settles prefixes: "-s" is -statistics, "-d" -details. */
static const char *const options[] = {
    "json",  "pretty",	"statistics", "details", "netns", "batch",
    "force", "Version", "version",    "help",	 NULL,
};

static int option_value(int argc, char **argv, int *i, const char **v, struct cli_err *e)
{
	if (*i + 1 >= argc)
		return cli_fail(e, "\"%s\" needs a value", argv[*i]);
	*v = argv[++*i];
	return 0;
}

int cli_parse_options(int argc, char **argv, struct cli_opts *o, struct cli_err *e)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		/* --json is -json, as in iproute2 */
		const char *name = argv[i] + (argv[i][1] == '-' ? 2 : 1);
		int opt = mcr_match_table(name, options);
		int ret = 0;

		switch (opt) {
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_PRETTY:
			o->pretty = 1;
			break;
		case OPT_STATS:
			o->stats++;
			break;
		case OPT_DETAILS:
			o->details++;
			break;
		case OPT_NETNS:
			ret = option_value(argc, argv, &i, &o->netns, e);
			break;
		case OPT_BATCH:
			ret = option_value(argc, argv, &i, &o->batch, e);
			break;
		case OPT_FORCE:
			o->force = 1;
			break;
		case OPT_VERSION:
		case OPT_VERSION2:
			o->version = true;
			break;
		case OPT_HELP:
			o->help = true;
			break;
		default:
			ret =
			    cli_fail(e, "option \"%s\" is unknown, try \"mcr-nl -help\"", argv[i]);
		}
		if (ret)
			return -1;
	}
	return i;
}

/* ---- objects ----------------------------------------------------------------- */

static int help_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	(void)argc;
	(void)argv;
	(void)e;
	cmd->act = CLI_ACT_HELP;
	cmd->help = CLI_HELP_MAIN;
	return 0;
}

static const struct {
	const char *name;
	int (*parse)(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e);
} objects[] = {
    {"rule", cli_rule_parse},	  {"mroute", cli_mroute_parse}, {"stats", cli_stats_parse},
    {"worker", cli_worker_parse}, {"daemon", cli_daemon_parse}, {"monitor", cli_monitor_parse},
    {"help", help_parse},
};
#define N_OBJECTS (sizeof(objects) / sizeof(objects[0]))

/* An object is named in full or by a prefix that only one object has:
 * "m" could be mroute or monitor, "mr" and "mo" cannot. */
static int match_object(const char *word, struct cli_err *e)
{
	char list[128] = "";
	size_t off = 0;
	int found = -1, n = 0;

	for (size_t i = 0; i < N_OBJECTS; i++) {
		if (!strcmp(word, objects[i].name))
			return (int)i;
		if (!mcr_matches(word, objects[i].name))
			continue;
		found = (int)i;
		n++;
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", off ? " or " : "",
					objects[i].name);
		if (off >= sizeof(list))
			off = sizeof(list) - 1;
	}
	if (n == 1)
		return found;
	if (n > 1)
		return cli_fail(e, "object \"%s\" is ambiguous: %s", word, list);
	return cli_fail(e, "object \"%s\" is unknown, try \"mcr-nl help\"", word);
}

int cli_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	int obj;

	memset(cmd, 0, sizeof(*cmd));
	if (argc < 1)
		return cli_fail(e, "an OBJECT is needed, try \"mcr-nl help\"");
	obj = match_object(argv[0], e);
	if (obj < 0)
		return -EINVAL;
	return objects[obj].parse(argc - 1, argv + 1, cmd, e);
}

static int act_help(struct cli *x, struct cli_cmd *cmd)
{
	cli_usage(x->err, cmd->help);
	return CLI_OK;
}

int cli_run(struct cli *x, struct cli_cmd *cmd)
{
	static int (*const run[])(struct cli *, struct cli_cmd *) = {
	    [CLI_ACT_HELP] = act_help,		 [CLI_ACT_REQUEST] = cli_rule_run,
	    [CLI_ACT_SHOW] = cli_rule_run,	 [CLI_ACT_GET] = cli_rule_run,
	    [CLI_ACT_SAVE] = cli_rule_run,	 [CLI_ACT_DAEMON] = cli_daemon_run,
	    [CLI_ACT_STATS] = cli_stats_run,	 [CLI_ACT_WORKER] = cli_worker_run,
	    [CLI_ACT_MONITOR] = cli_monitor_run, [CLI_ACT_MROUTE] = cli_mroute_run,
	};

	return run[cmd->act](x, cmd);
}

/* ---- the connection ---------------------------------------------------------- */

/* Like "ip -n NAME": a name is looked up in /run/netns, a path is used as
 * given. */
static int enter_netns(struct cli *x, const char *name)
{
	char path[4096];
	int fd, err;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		cli_error(x, "cannot open network namespace \"%s\": %s", name, strerror(err));
		return err == ENOENT ? CLI_SYNTAX : CLI_FAILED;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		close(fd);
		cli_error(x, "cannot enter network namespace \"%s\": %s", name, strerror(err));
		return CLI_FAILED;
	}
	close(fd);
	return CLI_OK;
}

static int report_open(struct cli *x, int ret)
{
	uint32_t port = x->c.port;

	switch (ret) {
	case -EINVAL:
		cli_error(x, "MCR_PORTID and MCR_DAEMON_UID must be numbers (decimal or 0x hex) "
			     "and the port not 0");
		return CLI_SYNTAX;
	case -ECONNREFUSED:
		cli_error(x, "no mcrd is running in this network namespace (port 0x%08x)", port);
		break;
	case -EPERM:
		cli_error(x,
			  "no genuine reply from mcrd (a process that is not the daemon holds "
			  "or answered on port 0x%08x)",
			  port);
		break;
	case -ETIMEDOUT:
		cli_error(x, "mcrd did not answer on port 0x%08x within %d ms", port,
			  x->c.timeout_ms);
		break;
	case -ENOENT:
		cli_error(x, "the process on port 0x%08x is not mcrd (it has no family \"%s\")",
			  port, MCR_FAMILY_NAME);
		break;
	default:
		cli_error(x, "cannot talk to mcrd on port 0x%08x: %s", port, strerror(-ret));
	}
	return CLI_FAILED;
}

int cli_connect(struct cli *x)
{
	int ret;

	if (x->connected)
		return CLI_OK;
	if (x->o.netns) {
		ret = enter_netns(x, x->o.netns);
		if (ret)
			return ret;
		x->o.netns = NULL; /* entered once, for the whole batch */
	}
	ret = mcr_client_open(&x->c);
	if (ret) {
		/* open clears the struct; keep the port for the message */
		if (!x->c.port)
			x->c.port = MCR_PORT_ID;
		return report_open(x, ret);
	}
	x->connected = true;
	return CLI_OK;
}

void cli_close(struct cli *x)
{
	if (x->connected)
		mcr_client_close(&x->c);
	x->connected = false;
}

int cli_report(struct cli *x, int ret, const struct mcr_reply_status *st)
{
	uint32_t port = x->c.port;

	if (!ret) {
		if (st && st->msg[0])
			cli_warn(x, st->msg);
		return CLI_OK;
	}
	if (st && st->error && ret == st->error) {
		if (st->msg[0])
			cli_error(x, "%s", st->msg);
		else
			cli_error(x, "%s", strerror(-ret));
		return CLI_FAILED;
	}
	switch (ret) {
	case -ETIMEDOUT:
		if (x->c.rejected)
			cli_error(x,
				  "no genuine reply from mcrd (a process that is not the daemon "
				  "holds or answered on port 0x%08x)",
				  port);
		else
			cli_error(x, "mcrd did not answer on port 0x%08x within %d ms", port,
				  x->c.timeout_ms);
		break;
	case -ECONNREFUSED:
		cli_error(x, "no mcrd is running in this network namespace (port 0x%08x)", port);
		break;
	case -EPROTO:
		cli_error(x, "mcrd sent a malformed reply%s%s", x->detail[0] ? ": " : "",
			  x->detail);
		break;
	case -EMSGSIZE:
		cli_error(x, "a reply of mcrd did not fit in %d bytes", MCR_CLIENT_BUFSZ);
		break;
	default:
		cli_error(x, "%s", strerror(-ret));
	}
	return CLI_FAILED;
}

int cli_talk(struct cli *x, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
	     struct mcr_reply_status *st)
{
	struct mcr_reply_status local;
	int ret;

	if (!st)
		st = &local;
	ret = cli_connect(x);
	if (ret)
		return ret;
	x->detail[0] = '\0';
	nlh->nlmsg_type = x->c.family;
	nlh->nlmsg_seq = ++x->c.seq;
	ret = mcr_client_talk(&x->c, nlh, cb, data, st);
	return cli_report(x, ret, st);
}

/* ---- main --------------------------------------------------------------------- */

static int run_args(struct cli *x, int argc, char **argv)
{
	struct cli_cmd cmd;
	struct cli_err e;
	int rc;

	if (argc < 1) {
		cli_usage(x->err, CLI_HELP_MAIN);
		return CLI_SYNTAX;
	}
	if (cli_parse(argc, argv, &cmd, &e)) {
		cli_error(x, "%s", e.msg);
		return CLI_SYNTAX;
	}
	rc = cli_run(x, &cmd);
	cli_cmd_free(&cmd);
	return rc;
}

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli x = {.out = out, .err = err};
	struct cli_err e;
	int idx, rc;

	idx = cli_parse_options(argc, argv, &x.o, &e);
	if (idx < 0) {
		cli_error(&x, "%s", e.msg);
		return CLI_SYNTAX;
	}
	if (x.o.version) {
		fprintf(out, "mcr-nl, mcr %s\n", MCR_VERSION);
		return CLI_OK;
	}
	if (x.o.help) {
		cli_usage(err, CLI_HELP_MAIN);
		return CLI_OK;
	}
	pr_init(&x.pr, out, x.o.json, x.o.pretty);
	if (x.o.batch && idx < argc) {
		cli_error(&x, "\"-batch\" reads its commands from the file, not from \"%s\"",
			  argv[idx]);
		return CLI_SYNTAX;
	}
	if (x.o.batch)
		rc = cli_batch(&x, x.o.batch);
	else
		rc = run_args(&x, argc - idx, argv + idx);
	cli_close(&x);
	fflush(out);
	return rc;
}
