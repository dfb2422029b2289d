/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one context of the daemon: options, the rule table, the genl server,
 * the transports and the counters. Everything the control thread knows is
 * reachable from here; nothing else holds daemon state.
 */
#ifndef MCRD_MCRD_H
#define MCRD_MCRD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "dataplane.h"
#include "genl.h"
#include "link.h"
#include "loop.h"
#include "notify.h"
#include "privilege.h"
#include "rules.h"
#include "usersock.h"

#define MCRD_WORKERS_MAX 256

/* What the command line chose. */
struct mcrd_opts {
	char *config;	      /* absolute path, or NULL; owned */
	unsigned int workers; /* 1..MCRD_WORKERS_MAX */
	uint32_t fanout;      /* enum mcr_fanout */
	bool has_admin_gid;
	gid_t admin_gid;      /* primary gid allowed to change rules */
	char admin_group[64]; /* its name, for messages */
	uint32_t port;	      /* NETLINK_USERSOCK port id */
	struct priv_user user; /* --user; name[0] == 0: stay root */
	int verbose;
	bool syslog;
	bool dry_run;
	/* the data plane */
	uint32_t egress;     /* enum egress_mode */
	uint32_t rx_ring_mb; /* RX ring per worker per input, MiB */
	bool qdisc_bypass;   /* egress sockets skip the qdisc */
	/* the kernel path */
	bool kernel_path;      /* --table none turns it off */
	uint32_t table;        /* MRT_TABLE; 0 = the default table */
	uint32_t mfc_expire_s; /* learned entries expire after this idle time */
};

/* The daemon counters of the stats set that are not read off the table. */
struct mcrd_stats {
	uint64_t requests;
	uint64_t errors;
	uint64_t denied;
	uint64_t malformed;
	uint64_t dumps;
	uint64_t dumps_interrupted;
	uint64_t dumps_aborted;
	uint64_t send_retries;
	uint64_t replies_dropped;
	uint64_t notifications;
	uint64_t notify_errors;
	uint64_t rule_adds;
	uint64_t rule_dels;
	uint64_t rule_replaces; /* not exported; for the reload log line */
	uint64_t reloads;
	uint64_t reload_errors;
};

struct mcrd {
	struct mcrd_opts opt;
	struct mcrd_stats stats;
	struct rules rules;
	struct genl genl;
	struct loop loop;
	struct usersock us;
	struct link_mon link;
	struct dataplane *dp;
	struct kroute *kr;
	struct loop_watch sig;
	int sigfd;
	struct notify notify; /* the service manager, if one asked */
	uint64_t start_ms; /* CLOCK_MONOTONIC at start, for uptime */
	pid_t pid;
	uid_t uid;
};

#endif
