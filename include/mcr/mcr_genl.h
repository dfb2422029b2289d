/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	nl/mcr.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_MCR_GENL_H
#define _UAPI_MCR_GENL_H

#define MCR_FAMILY_NAME	"mcr"
#define MCR_FAMILY_VERSION	1

#define MCR_PORT_ID	0x5fc00000
#define MCR_NETLINK_PROTO	2
#define MCR_FAMILY_ID	0x5fc0
#define MCR_MCGRP_EVENTS_ID	1
#define MCR_MAX_OUTPUTS	64
#define MCR_IFNAME_MAX	15

/**
 * enum mcr_src_mode - Source address of the packets an output sends.
 * @MCR_SRC_MODE_IFADDR: The output interface's primary IPv4 address (the default for rewritten outputs: it makes unroutable sources reachable).
 * @MCR_SRC_MODE_KEEP: The input packet's source address, unchanged.
 * @MCR_SRC_MODE_ADDR: The address given in output `src`.
 */
enum mcr_src_mode {
	MCR_SRC_MODE_IFADDR,
	MCR_SRC_MODE_KEEP,
	MCR_SRC_MODE_ADDR,
};

/**
 * enum mcr_rule_flags - State of a rule, as reported by the daemon.
 * @MCR_RULE_FLAGS_PENDING: An interface the rule names does not exist (yet).
 */
enum mcr_rule_flags {
	MCR_RULE_FLAGS_PENDING = 1,
};

/**
 * enum mcr_fanout - How packets of one input are shared between worker threads.
 * @MCR_FANOUT_HASH: By flow hash; every flow stays on one worker, in order.
 * @MCR_FANOUT_CPU: By the CPU that received the packet.
 * @MCR_FANOUT_LB: Round robin.
 */
enum mcr_fanout {
	MCR_FANOUT_HASH,
	MCR_FANOUT_CPU,
	MCR_FANOUT_LB,
};

enum {
	MCR_A_RULE_ID = 1,
	MCR_A_RULE_IIF,
	MCR_A_RULE_SRC,
	MCR_A_RULE_GROUP,
	MCR_A_RULE_PORT,
	MCR_A_RULE_OUTPUT,
	MCR_A_RULE_FLAGS,
	MCR_A_RULE_STATS,

	__MCR_A_RULE_MAX,
	MCR_A_RULE_MAX = (__MCR_A_RULE_MAX - 1)
};

enum {
	MCR_A_OUTPUT_OIF = 1,
	MCR_A_OUTPUT_GROUP,
	MCR_A_OUTPUT_PORT,
	MCR_A_OUTPUT_TTL,
	MCR_A_OUTPUT_SRC_MODE,
	MCR_A_OUTPUT_SRC,
	MCR_A_OUTPUT_STATS,

	__MCR_A_OUTPUT_MAX,
	MCR_A_OUTPUT_MAX = (__MCR_A_OUTPUT_MAX - 1)
};

enum {
	MCR_A_COUNTERS_PAD = 1,
	MCR_A_COUNTERS_PACKETS,
	MCR_A_COUNTERS_BYTES,

	__MCR_A_COUNTERS_MAX,
	MCR_A_COUNTERS_MAX = (__MCR_A_COUNTERS_MAX - 1)
};

enum {
	MCR_A_DAEMON_PAD = 1,
	MCR_A_DAEMON_VERSION,
	MCR_A_DAEMON_PID,
	MCR_A_DAEMON_UPTIME_MS,
	MCR_A_DAEMON_PORT_ID,
	MCR_A_DAEMON_WORKERS,
	MCR_A_DAEMON_FANOUT,
	MCR_A_DAEMON_RULES,
	MCR_A_DAEMON_CONFIG,
	MCR_A_DAEMON_ADMIN_GID,
	MCR_A_DAEMON_UID,

	__MCR_A_DAEMON_MAX,
	MCR_A_DAEMON_MAX = (__MCR_A_DAEMON_MAX - 1)
};

enum {
	MCR_A_STATS_PAD = 1,
	MCR_A_STATS_REQUESTS,
	MCR_A_STATS_ERRORS,
	MCR_A_STATS_DENIED,
	MCR_A_STATS_MALFORMED,
	MCR_A_STATS_DUMPS,
	MCR_A_STATS_DUMPS_INTERRUPTED,
	MCR_A_STATS_DUMPS_ABORTED,
	MCR_A_STATS_SEND_RETRIES,
	MCR_A_STATS_REPLIES_DROPPED,
	MCR_A_STATS_NOTIFICATIONS,
	MCR_A_STATS_NOTIFY_ERRORS,
	MCR_A_STATS_RULES,
	MCR_A_STATS_RULES_PENDING,
	MCR_A_STATS_RULE_ADDS,
	MCR_A_STATS_RULE_DELS,
	MCR_A_STATS_RELOADS,
	MCR_A_STATS_RELOAD_ERRORS,
	MCR_A_STATS_WORKER,

	__MCR_A_STATS_MAX,
	MCR_A_STATS_MAX = (__MCR_A_STATS_MAX - 1)
};

enum {
	MCR_A_WORKER_PAD = 1,
	MCR_A_WORKER_ID,
	MCR_A_WORKER_CPU,
	MCR_A_WORKER_PACKETS,
	MCR_A_WORKER_BYTES,

	__MCR_A_WORKER_MAX,
	MCR_A_WORKER_MAX = (__MCR_A_WORKER_MAX - 1)
};

enum {
	MCR_CMD_RULE_NEW = 1,
	MCR_CMD_RULE_DEL,
	MCR_CMD_RULE_GET,
	MCR_CMD_RULE_FLUSH,
	MCR_CMD_STATS_GET,
	MCR_CMD_DAEMON_GET,
	MCR_CMD_RULE_NEW_NTF,
	MCR_CMD_RULE_DEL_NTF,

	__MCR_CMD_MAX,
	MCR_CMD_MAX = (__MCR_CMD_MAX - 1)
};

#define MCR_MCGRP_EVENTS	"events"

#endif /* _UAPI_MCR_GENL_H */
