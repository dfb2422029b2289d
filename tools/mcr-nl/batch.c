// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-nl -batch FILE: one command per line, without "mcr-nl".
 *
 * Every line is parsed before anything is sent, so a file with a syntax
 * error changes nothing (unless -force, which skips the bad lines). Rule
 * changes are then pipelined: up to CLI_WINDOW_MSGS requests, each with
 * its own seq and NLM_F_ACK, travel in one datagram of at most
 * CLI_WINDOW_BYTES, and every ACK of a window is read before the next is
 * sent. The daemon answers each message of a datagram in turn, so a line
 * it refuses does not stop the lines after it in the same window; the
 * batch stops (without -force) at the end of that window. Waiting for the
 * whole window bounds what is queued for us at the daemon, which drops
 * replies to a client that does not read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ruletext.h"

static void bad_line(struct cli *x, struct cli_batch *b, const char *name, unsigned int line,
		     const char *msg)
{
	cli_error(x, "%s:%u: %s", name, line, msg);
	b->bad++;
}

static int batch_add(struct cli_batch *b, struct cli_cmd *cmd)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 256;
		struct cli_cmd *v = realloc(b->cmds, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->cmds = v;
		b->cap = cap;
	}
	b->cmds[b->n++] = *cmd;
	return 0;
}

/* Room for the words of a line of @len bytes: each needs a separator. */
static char **argv_room(char **argv, size_t *cap, size_t len)
{
	size_t need = len / 2 + 2;
	char **v;

	if (need <= *cap)
		return argv;
	v = realloc(argv, need * sizeof(*v));
	if (v)
		*cap = need;
	else
		free(argv);
	return v;
}

static void parse_line(struct cli *x, struct cli_batch *b, const char *name, unsigned int line,
		       char *text, char **argv, int max)
{
	struct cli_cmd cmd;
	struct cli_err e;
	int argc = mcr_split_line(text, argv, max);

	if (argc == -EINVAL) {
		bad_line(x, b, name, line, "unterminated quote");
		return;
	}
	if (argc < 0) {
		bad_line(x, b, name, line, "too many words");
		return;
	}
	if (argc == 0)
		return;
	if (cli_parse(argc, argv, &cmd, &e)) {
		bad_line(x, b, name, line, e.msg);
		return;
	}
	cmd.line = line;
	if (batch_add(b, &cmd)) {
		cli_cmd_free(&cmd);
		bad_line(x, b, name, line, "out of memory");
	}
}

void cli_batch_parse(struct cli *x, FILE *f, const char *name, struct cli_batch *b)
{
	char *text = NULL, **argv = NULL;
	size_t cap = 0, argv_cap = 0;
	unsigned int line = 0;
	ssize_t n;

	while ((n = getline(&text, &cap, f)) >= 0) {
		line++;
		argv = argv_room(argv, &argv_cap, (size_t)n);
		if (!argv) {
			argv_cap = 0;
			bad_line(x, b, name, line, "out of memory");
			continue;
		}
		parse_line(x, b, name, line, text, argv, (int)argv_cap);
	}
	if (ferror(f))
		bad_line(x, b, name, line + 1, strerror(errno));
	free(text);
	free(argv);
}

size_t cli_batch_window(const struct cli_batch *b, size_t from)
{
	size_t i = from, bytes = 0;

	while (i < b->n && b->cmds[i].act == CLI_ACT_REQUEST && i - from < CLI_WINDOW_MSGS) {
		size_t len = NLMSG_ALIGN(b->cmds[i].nlh->nlmsg_len);

		if (i > from && bytes + len > CLI_WINDOW_BYTES)
			break;
		bytes += len;
		i++;
	}
	return i;
}

/* One window in flight. */
struct window {
	const struct cli_cmd *cmds;
	size_t n;
	uint32_t base; /* seq of cmds[0]; cmds[i] has base + i */
	bool done[CLI_WINDOW_MSGS];
	size_t pending;
	unsigned int failed;
};

static size_t window_build(struct cli *x, struct window *w, unsigned char *buf)
{
	size_t off = 0;

	w->base = x->c.seq + 1;
	for (size_t i = 0; i < w->n; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + off);

		memcpy(nlh, w->cmds[i].nlh, w->cmds[i].nlh->nlmsg_len);
		nlh->nlmsg_type = x->c.family;
		nlh->nlmsg_flags |= NLM_F_ACK;
		nlh->nlmsg_seq = ++x->c.seq;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
		w->done[i] = false;
	}
	w->pending = w->n;
	return off;
}

/* The ACKs and errors in one datagram of answers. */
static void window_answers(struct cli *x, struct window *w, const char *name, int len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)x->c.buf;
	struct mcr_reply_status st;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		uint32_t i = nlh->nlmsg_seq - w->base;

		if (nlh->nlmsg_type != NLMSG_ERROR || i >= w->n || w->done[i])
			continue;
		w->done[i] = true;
		w->pending--;
		mcr_client_parse_status(nlh, &st);
		if (st.error) {
			cli_report(x, st.error, &st);
			fprintf(x->err, "Command failed %s:%u\n", name, w->cmds[i].line);
			w->failed++;
		} else if (st.msg[0]) {
			cli_warn(x, st.msg);
		}
	}
}

/* Returns the exit status of a failure that ends the batch (no daemon, no
 * answer); refusals of single lines are counted in *failed. */
static int window_run(struct cli *x, const struct cli_cmd *cmds, size_t n, const char *name,
		      unsigned char *buf, unsigned int *failed)
{
	struct window w = {.cmds = cmds, .n = n};
	size_t len;
	int rc, ret;

	rc = cli_connect(x);
	if (rc)
		return rc;
	len = window_build(x, &w, buf);
	ret = mcr_client_send(&x->c, buf, len);
	if (ret)
		return cli_report(x, ret, NULL);
	while (w.pending) {
		ret = mcr_client_recv(&x->c);
		if (ret < 0)
			return cli_report(x, ret, NULL);
		window_answers(x, &w, name, ret);
	}
	*failed += w.failed;
	return CLI_OK;
}

int cli_batch_run(struct cli *x, struct cli_batch *b, const char *name)
{
	unsigned char *buf = malloc(CLI_WINDOW_BYTES + CLI_MSG_MAX);
	unsigned int failed = 0;
	int rc = CLI_OK;

	if (!buf) {
		cli_error(x, "out of memory");
		return CLI_FAILED;
	}
	for (size_t i = 0; i < b->n && !rc && (!failed || x->o.force);) {
		struct cli_cmd *cmd = &b->cmds[i];
		size_t end = cli_batch_window(b, i);

		if (end > i) {
			rc = window_run(x, cmd, end - i, name, buf, &failed);
			i = end;
			continue;
		}
		if (cli_run(x, cmd)) {
			fprintf(x->err, "Command failed %s:%u\n", name, cmd->line);
			failed++;
		}
		i++;
	}
	free(buf);
	if (rc)
		return rc;
	if (failed)
		return CLI_FAILED;
	return b->bad ? CLI_SYNTAX : CLI_OK;
}

void cli_batch_free(struct cli_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		cli_cmd_free(&b->cmds[i]);
	free(b->cmds);
	memset(b, 0, sizeof(*b));
}

int cli_batch(struct cli *x, const char *file)
{
	struct cli_batch b = {0};
	bool std = !strcmp(file, "-");
	FILE *f = std ? stdin : fopen(file, "re");
	int rc;

	if (!f) {
		cli_error(x, "cannot open \"%s\": %s", file, strerror(errno));
		return CLI_SYNTAX;
	}
	cli_batch_parse(x, f, file, &b);
	if (!std)
		fclose(f);
	if (b.bad && !x->o.force)
		rc = CLI_SYNTAX;
	else
		rc = cli_batch_run(x, &b, file);
	cli_batch_free(&b);
	return rc;
}
