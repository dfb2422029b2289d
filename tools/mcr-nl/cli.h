/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcr-nl, the ip-style command line of mcrd:
 *
 *   mcr-nl [ OPTIONS ] OBJECT { COMMAND | help }
 *
 * Every command is handled in two steps. Parsing (cli_parse and the
 * per-object parsers) is pure: it turns argv into a struct cli_cmd that
 * holds the finished request, or into a sentence that names the bad word,
 * without any I/O, so the unit tests check the grammar without a daemon.
 * Running (cli_run) sends the request and prints the answer through the
 * print layer. A batch parses every line first and sends only if all of
 * them parse.
 */
#ifndef MCR_NL_CLI_H
#define MCR_NL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client.h"
#include "print.h"
#include "rule.h"

/* Exit status: success, usage or syntax error, refused by or no answer
 * from the daemon. */
enum { CLI_OK = 0, CLI_SYNTAX = 1, CLI_FAILED = 2 };

/* Largest request one command builds (a rule with 64 outputs: ~4.2 KiB). */
#define CLI_MSG_MAX 8192
/* Batch pipelining: requests per datagram and bytes per datagram. */
#define CLI_WINDOW_MSGS 64
#define CLI_WINDOW_BYTES (32 * 1024)
/* Dumps that saw the table change are repeated this often. */
#define CLI_DUMP_TRIES 3

struct cli_opts {
	int json, pretty, stats, details, force;
	bool version, help;
	const char *netns;
	const char *batch;
};

/* A syntax error: a sentence without "Error: " and without the final '.'. */
struct cli_err {
	char msg[256];
};

enum cli_act {
	CLI_ACT_HELP,
	CLI_ACT_REQUEST, /* a do answered by an ACK: rule add/replace/change/del/flush */
	CLI_ACT_SHOW,	 /* rule show: a dump, printed */
	CLI_ACT_GET,	 /* rule get: one rule, printed */
	CLI_ACT_SAVE,	 /* rule save: a dump, printed as a batch file */
	CLI_ACT_DAEMON,
	CLI_ACT_STATS,
	CLI_ACT_WORKER,
	CLI_ACT_MONITOR,
	CLI_ACT_MROUTE, /* mroute show: an mroute-get dump, printed */
};

enum cli_help {
	CLI_HELP_MAIN,
	CLI_HELP_RULE,
	CLI_HELP_DAEMON,
	CLI_HELP_STATS,
	CLI_HELP_WORKER,
	CLI_HELP_MONITOR,
	CLI_HELP_MROUTE,
};

struct cli_cmd {
	enum cli_act act;
	enum cli_help help;
	/* The request (malloc'd), with nlmsg_type MCR_FAMILY_ID and seq 0:
	 * both are set when it is sent. NULL for help and monitor. */
	struct nlmsghdr *nlh;
	uint32_t count;	   /* monitor: exit after this many events; 0: never */
	int timeout_ms;	   /* monitor: exit after this long; 0: never */
	unsigned int line; /* batch: line number */
};

/* What a run needs: options, streams, the printer and the connection
 * (opened on first use, after entering the network namespace). */
struct cli {
	struct cli_opts o;
	FILE *out, *err;
	struct printer pr;
	struct mcr_client c;
	bool connected;
	char detail[160]; /* why a reply was malformed */
};

/* Rules collected from a dump. */
struct cli_rules {
	struct mcr_rule **v;
	size_t n, cap;
};

/* The integer attributes of one worker nest, by attribute type. */
struct cli_worker {
	bool has[MCR_A_WORKER_MAX + 1];
	uint64_t v[MCR_A_WORKER_MAX + 1];
};

/* What a stats-get answer holds (a do reply, or the parts of a dump). */
struct cli_stats {
	bool has[MCR_A_STATS_MAX + 1];
	uint64_t v[MCR_A_STATS_MAX + 1];
	struct cli_worker *w;
	size_t n, cap;
};

/* The most output interfaces of one kernel entry (the kernel's MAXVIFS). */
#define CLI_MROUTE_OIFS 32

/* One kernel multicast routing entry of an mroute-get dump. */
struct cli_mroute {
	uint32_t src, group; /* network order */
	char iif[IFNAMSIZ];
	unsigned int n_oif;
	char oif[CLI_MROUTE_OIFS][IFNAMSIZ];
	uint32_t rule;	/* 0: a stop entry */
	uint32_t flags; /* enum mcr_mroute_flags */
	bool has_idle;
	uint64_t idle_ms;
	uint64_t packets, bytes, wrong_if;
};

struct cli_mroutes {
	struct cli_mroute *v;
	size_t n, cap;
};

/* A parsed batch file. */
struct cli_batch {
	struct cli_cmd *cmds;
	size_t n, cap;
	unsigned int bad; /* lines with a syntax error (skipped with -force) */
};

/* ---- cli.c --------------------------------------------------------------- */

/* Everything mcr-nl does; returns the exit status. */
int cli_main(int argc, char **argv, FILE *out, FILE *err);

/* Global options from argv[1]: returns the index of the OBJECT (argc when
 * there is none), or -1 with @e set. */
int cli_parse_options(int argc, char **argv, struct cli_opts *o, struct cli_err *e);

/* OBJECT { COMMAND | help } ... (argv[0] is the object). Returns 0 and
 * *cmd (free with cli_cmd_free), or -EINVAL with @e (exit status 1). */
int cli_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e);
void cli_cmd_free(struct cli_cmd *cmd);

/* Sends and prints one parsed command; returns the exit status. */
int cli_run(struct cli *x, struct cli_cmd *cmd);
void cli_close(struct cli *x);

/* The usage grammar of @which on @f. */
void cli_usage(FILE *f, enum cli_help which);

/* Sets e->msg; returns -EINVAL. */
int cli_fail(struct cli_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "Error: <sentence>." on x->err, with the '.' added only when missing. */
void cli_error(struct cli *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(struct cli *x, const char *msg);

/* Starts a request in @buf (CLI_MSG_MAX bytes): NLM_F_REQUEST | NLM_F_ACK
 * | @flags, genl header with @cmd. */
struct nlmsghdr *cli_msg_start(void *buf, uint8_t cmd, uint16_t flags);
/* Copies the finished request into cmd->nlh; -ENOMEM with @e. */
int cli_msg_finish(struct cli_cmd *cmd, const struct nlmsghdr *nlh, struct cli_err *e);

/* Opens the connection once; returns the exit status of a failure. */
int cli_connect(struct cli *x);
/* Sends @nlh (its type and seq set here) and reads the answer; prints an
 * error or a warning. Returns the exit status; @st may be NULL. */
int cli_talk(struct cli *x, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
	     struct mcr_reply_status *st);
/* Prints what ret/st say about a request; returns the exit status. */
int cli_report(struct cli *x, int ret, const struct mcr_reply_status *st);

/* ---- rule.c -------------------------------------------------------------- */

int cli_rule_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e);
int cli_rule_run(struct cli *x, struct cli_cmd *cmd);
/* One rule, text or JSON (an object, member @key of the enclosing object
 * or NULL). @prefix ("[NEW]") starts the text line; @oneline keeps the
 * outputs on that line and leaves counters out. */
void cli_print_rule(struct cli *x, const struct mcr_rule *r, const char *key, const char *prefix,
		    bool oneline);
/* mnl_cb_t: validates a rule message and appends it to (struct cli_rules *),
 * or decodes it into x->detail on failure. data is a struct cli_rule_sink. */
struct cli_rule_sink {
	struct cli *x;
	struct cli_rules *rules;
};
int cli_rule_cb(const struct nlmsghdr *nlh, void *data);
/* Validates and decodes one rule message; -EPROTO with x->detail set. */
int cli_rule_from_msg(struct cli *x, const struct nlmsghdr *nlh, struct mcr_rule **out);
/* Dumps the rules @req selects, repeated up to CLI_DUMP_TRIES times while
 * the table changes under it (then with a warning). Exit status. */
int cli_rules_dump(struct cli *x, struct nlmsghdr *req, struct cli_rules *l);
void cli_rules_free(struct cli_rules *l);
/* A rule-get dump of every rule (for save and the monitor's resync). */
struct nlmsghdr *cli_dump_all_msg(void *buf);

/* ---- daemon.c, stats.c, worker.c, monitor.c ---------------------------------- */

/* OBJECT [ show | list | help ]: a request of @genl_cmd without attributes,
 * with @flags (0 for a do, NLM_F_DUMP). */
int cli_parse_show_only(int argc, char **argv, const char *obj, enum cli_act act,
			enum cli_help help, uint8_t genl_cmd, uint16_t flags, struct cli_cmd *cmd,
			struct cli_err *e);
int cli_daemon_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e);
int cli_daemon_run(struct cli *x, struct cli_cmd *cmd);
/* mnl_cb_t: validates a daemon-get reply and prints it; data is the
 * struct cli. -EPROTO with x->detail on failure. */
int cli_daemon_cb(const struct nlmsghdr *nlh, void *data);
/* "1h2m3s" */
void cli_format_uptime(uint64_t ms, char *buf, size_t len);
int cli_stats_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e);
int cli_stats_run(struct cli *x, struct cli_cmd *cmd);
/* mnl_cb_t: validates one stats-get message and adds what it holds to
 * (struct cli_stats_sink *); -EPROTO with x->detail on failure. */
struct cli_stats_sink {
	struct cli *x;
	struct cli_stats *st;
};
int cli_stats_cb(const struct nlmsghdr *nlh, void *data);
/* Sends the stats-get @req and collects the answer into @st (emptied
 * first; free with cli_stats_free). Exit status. */
int cli_stats_fetch(struct cli *x, struct nlmsghdr *req, struct cli_stats *st);
void cli_stats_free(struct cli_stats *st);
/* The daemon counters and a summary line per worker / every counter of
 * every worker (text or JSON, one top-level value). */
void cli_print_stats(struct cli *x, const struct cli_stats *st);
void cli_print_workers(struct cli *x, const struct cli_stats *st);
int cli_worker_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e);
int cli_worker_run(struct cli *x, struct cli_cmd *cmd);
int cli_monitor_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e);
int cli_monitor_run(struct cli *x, struct cli_cmd *cmd);

/* ---- mroute.c ------------------------------------------------------------- */

int cli_mroute_parse(int argc, char **argv, struct cli_cmd *cmd, struct cli_err *e);
int cli_mroute_run(struct cli *x, struct cli_cmd *cmd);
/* mnl_cb_t: validates one mroute-get message and appends the entry to
 * (struct cli_mroute_sink *); -EPROTO with x->detail on failure. */
struct cli_mroute_sink {
	struct cli *x;
	struct cli_mroutes *l;
};
int cli_mroute_cb(const struct nlmsghdr *nlh, void *data);
void cli_mroutes_free(struct cli_mroutes *l);
/* The entries, worded like "ip mroute show" (counters with -s), or a JSON
 * array with ip -j mroute's keys and mcrd's own. */
void cli_print_mroutes(struct cli *x, const struct cli_mroutes *l);

/* ---- batch.c ------------------------------------------------------------- */

/* Reads every line of @f: parsed commands go into @b; each syntax error is
 * printed as "Error: NAME:LINE: sentence." and counted in b->bad. */
void cli_batch_parse(struct cli *x, FILE *f, const char *name, struct cli_batch *b);
/* The end (exclusive) of the pipelined window that starts at cmds[from]: up
 * to CLI_WINDOW_MSGS consecutive requests within CLI_WINDOW_BYTES. */
size_t cli_batch_window(const struct cli_batch *b, size_t from);
/* Sends a parsed batch; returns the exit status. */
int cli_batch_run(struct cli *x, struct cli_batch *b, const char *name);
void cli_batch_free(struct cli_batch *b);
/* -batch FILE|-: parse, then run unless a line is bad (and no -force). */
int cli_batch(struct cli *x, const char *file);

#endif
