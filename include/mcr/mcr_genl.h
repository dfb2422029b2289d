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
 * @MCR_SRC_MODE_IFADDR: The output interface's primary IPv4 address (it makes unroutable sources reachable downstream).
 * @MCR_SRC_MODE_KEEP: The input packet's source address, unchanged.
 * @MCR_SRC_MODE_ADDR: The address given in output `src`.
 * @MCR_SRC_MODE_AUTO: The default: keep when the output rewrites neither group nor port (so the kernel can forward it unchanged), else ifaddr.
 */
enum mcr_src_mode {
	MCR_SRC_MODE_IFADDR,
	MCR_SRC_MODE_KEEP,
	MCR_SRC_MODE_ADDR,
	MCR_SRC_MODE_AUTO,
};

/**
 * enum mcr_rule_flags - State of a rule, as reported by the daemon.
 * @MCR_RULE_FLAGS_PENDING: An interface the rule names does not exist (yet).
 * @MCR_RULE_FLAGS_ACTIVE: The rule forwards on every output: each output the workers send is in the forwarding table that every worker has taken up, with its interface's socket open, and each kernel-path output is in the kernel's table. Clear while an interface it names is missing, and right after a change until the workers moved to the new table (a few milliseconds). An interface that exists but is down keeps it set; its packets count as link-down drops.
 */
enum mcr_rule_flags {
	MCR_RULE_FLAGS_PENDING = 1,
	MCR_RULE_FLAGS_ACTIVE = 2,
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

/**
 * enum mcr_output_path - Who sends the packets of an output.
 * @MCR_OUTPUT_PATH_WORKER: A worker thread (the output rewrites the packet, or the kernel path is off or busy, or the rule changed a moment ago and its kernel entries do not have the change yet: the rule is not active then).
 * @MCR_OUTPUT_PATH_KERNEL: The kernel's multicast routing table (an MFC entry with the output's interface as a VIF): the kernel would send the packet byte for byte as mcrd would.
 */
enum mcr_output_path {
	MCR_OUTPUT_PATH_WORKER,
	MCR_OUTPUT_PATH_KERNEL,
};

/**
 * enum mcr_mroute_flags - What kind of kernel multicast routing entry mcrd installed.
 * @MCR_MROUTE_FLAGS_LEARNED: Learned from a rule without a source, when the kernel reported the first packet of this source (IGMPMSG_NOCACHE); it expires when its counters stop moving.
 * @MCR_MROUTE_FLAGS_STOP: No outputs: no rule forwards this (S,G) through the kernel, and the entry keeps the kernel from reporting it again. Expires when idle, as learned entries do.
 */
enum mcr_mroute_flags {
	MCR_MROUTE_FLAGS_LEARNED = 1,
	MCR_MROUTE_FLAGS_STOP = 2,
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
	MCR_A_OUTPUT_PATH,
	MCR_A_OUTPUT_VIF,

	__MCR_A_OUTPUT_MAX,
	MCR_A_OUTPUT_MAX = (__MCR_A_OUTPUT_MAX - 1)
};

enum {
	MCR_A_COUNTERS_PAD = 1,
	MCR_A_COUNTERS_PACKETS,
	MCR_A_COUNTERS_BYTES,
	MCR_A_COUNTERS_DROP_TTL,
	MCR_A_COUNTERS_DROP_TOO_BIG,
	MCR_A_COUNTERS_DROP_LINK_DOWN,
	MCR_A_COUNTERS_DROP_NO_SRC,
	MCR_A_COUNTERS_DROP_TX_RING_FULL,
	MCR_A_COUNTERS_DROP_TX_ERROR,
	MCR_A_COUNTERS_KERNEL_PACKETS,
	MCR_A_COUNTERS_KERNEL_BYTES,
	MCR_A_COUNTERS_KERNEL_WRONG_IF,

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
	MCR_A_DAEMON_MROUTE_STATE,
	MCR_A_DAEMON_MROUTE_TABLE,

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
	MCR_A_STATS_MROUTE_UPCALLS,
	MCR_A_STATS_MROUTE_WRONG_VIF,
	MCR_A_STATS_MROUTE_LEARNED,
	MCR_A_STATS_MROUTE_STOPPED,
	MCR_A_STATS_MROUTE_EXPIRED,
	MCR_A_STATS_MROUTE_MOVED,
	MCR_A_STATS_MROUTE_ERRORS,

	__MCR_A_STATS_MAX,
	MCR_A_STATS_MAX = (__MCR_A_STATS_MAX - 1)
};

enum {
	MCR_A_WORKER_PAD = 1,
	MCR_A_WORKER_ID,
	MCR_A_WORKER_CPU,
	MCR_A_WORKER_PACKETS,
	MCR_A_WORKER_BYTES,
	MCR_A_WORKER_TX_PACKETS,
	MCR_A_WORKER_TX_BYTES,
	MCR_A_WORKER_NO_MATCH,
	MCR_A_WORKER_MALFORMED,
	MCR_A_WORKER_RING_DROPS,
	MCR_A_WORKER_RING_FREEZES,
	MCR_A_WORKER_WAKEUPS,
	MCR_A_WORKER_BATCHES,
	MCR_A_WORKER_TABLE_SWAPS,
	MCR_A_WORKER_RX_DROP_TRUNCATED,
	MCR_A_WORKER_RX_DROP_MALFORMED_SHORT,
	MCR_A_WORKER_RX_DROP_VLAN,
	MCR_A_WORKER_RX_DROP_NOT_IPV4,
	MCR_A_WORKER_RX_DROP_MALFORMED_IP,
	MCR_A_WORKER_RX_DROP_BAD_IHL,
	MCR_A_WORKER_RX_DROP_BAD_IP_CSUM,
	MCR_A_WORKER_RX_DROP_BAD_LEN,
	MCR_A_WORKER_RX_DROP_FRAGMENT,
	MCR_A_WORKER_RX_DROP_NOT_UDP,
	MCR_A_WORKER_RX_DROP_UDP_LEN,
	MCR_A_WORKER_RX_DROP_NOT_MULTICAST,
	MCR_A_WORKER_RX_DROP_BAD_SRC,
	MCR_A_WORKER_OUT_DROP_TTL,
	MCR_A_WORKER_OUT_DROP_TOO_BIG,
	MCR_A_WORKER_OUT_DROP_LINK_DOWN,
	MCR_A_WORKER_OUT_DROP_NO_SRC,
	MCR_A_WORKER_OUT_DROP_TX_RING_FULL,
	MCR_A_WORKER_OUT_DROP_TX_ERROR,

	__MCR_A_WORKER_MAX,
	MCR_A_WORKER_MAX = (__MCR_A_WORKER_MAX - 1)
};

enum {
	MCR_A_MROUTE_PAD = 1,
	MCR_A_MROUTE_SRC,
	MCR_A_MROUTE_GROUP,
	MCR_A_MROUTE_IIF,
	MCR_A_MROUTE_OIF,
	MCR_A_MROUTE_RULE,
	MCR_A_MROUTE_FLAGS,
	MCR_A_MROUTE_IDLE_MS,
	MCR_A_MROUTE_PACKETS,
	MCR_A_MROUTE_BYTES,
	MCR_A_MROUTE_WRONG_IF,

	__MCR_A_MROUTE_MAX,
	MCR_A_MROUTE_MAX = (__MCR_A_MROUTE_MAX - 1)
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
	MCR_CMD_MROUTE_GET,

	__MCR_CMD_MAX,
	MCR_CMD_MAX = (__MCR_CMD_MAX - 1)
};

#define MCR_MCGRP_EVENTS	"events"

#endif /* _UAPI_MCR_GENL_H */
