// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl monitor: prints every rule change mcrd announces on the "events"
 * group, one line per event. Groups of NETLINK_USERSOCK are open to every
 * sender in the namespace, so only messages from the daemon's port and
 * uid count (mcr_client_monitor_read). When the kernel dropped events
 * (ENOBUFS) the monitor says so and prints the whole table again.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "cli.h"
#include "ruletext.h"

enum { M_COUNT, M_TIMEOUT, M_HELP };
static const char *const monitor_words[] = {"count", "timeout", "help", NULL};

static int parse_seconds(const char *v, int *ms)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(s) || s <= 0 || s > 2000000)
		return -EINVAL;
	*ms = (int)(s * 1000 + 0.999); /* round up: 0.0001 s is not "never" */
	return 0;
}

int cli_monitor_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e)
{
	unsigned int seen = 0;

	cmd->act = CLI_ACT_MONITOR;
	for (int i = 0; i < argc; i += 2) {
		int kw = mcr_match_table(argv[i], monitor_words);

		if (kw == M_HELP) {
			cmd->act = CLI_ACT_HELP;
			cmd->help = CLI_HELP_MONITOR;
			return 0;
		}
		if (kw < 0)
			return cli_fail(e, "command \"%s\" is unknown, try \"mcr-nl monitor help\"",
					argv[i]);
		if (seen & (1u << kw))
			return cli_fail(e, "\"%s\" is given twice", argv[i]);
		seen |= 1u << kw;
		if (i + 1 >= argc)
			return cli_fail(e, "\"%s\" needs a value", argv[i]);
		if (kw == M_COUNT && (mcr_parse_u32(argv[i + 1], &cmd->count) || !cmd->count))
			return cli_fail(e, "\"%s\" is not a valid count (1-4294967295)",
					argv[i + 1]);
		if (kw == M_TIMEOUT && parse_seconds(argv[i + 1], &cmd->timeout_ms))
			return cli_fail(e, "\"%s\" is not a valid timeout in seconds", argv[i + 1]);
	}
	return 0;
}

/* ---- running ------------------------------------------------------------------ */

static volatile sig_atomic_t monitor_stop;

static void on_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

/* SIGINT and SIGTERM end the monitor normally (exit 0); no SA_RESTART, so
 * poll returns at once. */
static void catch_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct monitor {
	struct cli *x;
	uint32_t seen, count;
	int err;
};

static void print_event(struct cli *x, const char *event, const char *tag, const struct mcr_rule *r)
{
	struct printer *p = &x->pr;

	pr_open_object(p, NULL);
	pr_string(p, PR_JSON, "event", NULL, event);
	cli_print_rule(x, r, "rule", tag, true);
	pr_close_object(p);
	pr_end(p);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;
	const struct genlmsghdr *g;
	const char *event, *tag;
	struct mcr_rule *r;
	int ret;

	if (m->count && m->seen >= m->count)
		return MNL_CB_STOP;
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return MNL_CB_OK;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd == MCR_CMD_RULE_DEL_NTF) {
		event = "del";
		tag = "[DEL]";
	} else if (g->cmd == MCR_CMD_RULE_NEW_NTF) {
		bool repl = nlh->nlmsg_flags & NLM_F_REPLACE;

		event = repl ? "replace" : "new";
		tag = repl ? "[REPLACE]" : "[NEW]";
	} else {
		return MNL_CB_OK;
	}
	ret = cli_rule_from_msg(m->x, nlh, &r);
	if (ret == -ENOMEM) {
		m->err = ret;
		return MNL_CB_ERROR;
	}
	if (ret)
		return MNL_CB_OK; /* a malformed event is not worth dying for */
	print_event(m->x, event, tag, r);
	mcr_rule_free(r);
	m->seen++;
	return MNL_CB_OK;
}

/* Events still queued are older than the dump that follows: dropped. */
static void drain(struct cli *x, int fd)
{
	for (int i = 0; i < 1000000; i++) {
		ssize_t n = recv(fd, x->c.buf, MCR_CLIENT_BUFSZ, MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0 && errno != ENOBUFS && errno != EINTR)
			return;
	}
}

/* After lost events: the whole table, as [SYNC] lines. */
static int resync(struct cli *x, int fd)
{
	char buf[CLI_MSG_MAX];
	struct cli_rules l = {0};
	int rc;

	cli_warn(x, "events were lost; resynchronising");
	drain(x, fd);
	rc = cli_rules_dump(x, cli_dump_all_msg(buf), &l);
	for (size_t i = 0; !rc && i < l.n; i++)
		print_event(x, "sync", "[SYNC]", l.v[i]);
	cli_rules_free(&l);
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int monitor_loop(struct cli *x, int fd, struct monitor *m, int timeout_ms)
{
	int64_t deadline = timeout_ms ? now_ms() + timeout_ms : 0;

	while (!monitor_stop && !(m->count && m->seen >= m->count)) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int wait = -1, ret;

		if (deadline) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = (int)left;
		}
		ret = poll(&pfd, 1, wait);
		if (ret <= 0) {
			if (ret < 0 && errno != EINTR) {
				cli_error(x, "poll: %s", strerror(errno));
				return CLI_FAILED;
			}
			continue;
		}
		ret = mcr_client_monitor_read(&x->c, fd, event_cb, m);
		if (ret == -ENOBUFS)
			ret = resync(x, fd) ? -EIO : 0;
		if (ret == -EIO && monitor_stop)
			break;
		if (ret == -EIO)
			return CLI_FAILED;
		if (ret < 0 && ret != -EAGAIN && ret != -EINTR) {
			cli_error(x, "reading events: %s", strerror(-ret));
			return CLI_FAILED;
		}
		if (m->err) {
			cli_error(x, "%s", strerror(-m->err));
			return CLI_FAILED;
		}
	}
	return CLI_OK;
}

int cli_monitor_run(struct cli *x, struct cli_cmd *cmd)
{
	struct monitor m = {.x = x, .count = cmd->count};
	bool pretty = x->pr.pretty;
	int fd, rc;

	if (cmd->act == CLI_ACT_HELP) {
		cli_usage(x->err, CLI_HELP_MONITOR);
		return CLI_OK;
	}
	rc = cli_connect(x);
	if (rc)
		return rc;
	fd = mcr_client_monitor_open(&x->c);
	if (fd == -EPERM) {
		cli_error(x, "only root (CAP_NET_ADMIN) may listen to the events of mcrd");
		return CLI_FAILED;
	}
	if (fd < 0) {
		cli_error(x, "cannot listen to the events of mcrd: %s", strerror(-fd));
		return CLI_FAILED;
	}
	monitor_stop = 0;
	catch_signals();
	/* One JSON object per line, so that a reader can split on lines. */
	x->pr.pretty = false;
	rc = monitor_loop(x, fd, &m, cmd->timeout_ms);
	x->pr.pretty = pretty;
	close(fd);
	return rc;
}
