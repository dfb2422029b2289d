// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon ops of the mcr family: stats-get (the counters of struct
 * mcrd_stats and of the kernel path, the table's sizes and one nest per
 * worker, as one do reply or as a dump with a message per worker) and
 * daemon-get (what mcrd is and how it runs, the kernel path's state, and
 * the uid that clients check replies against).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "dataplane.h"
#include "kroute.h"
#include "mcrd.h"

/* The payload is aligned in memory, and so in the datagram, whose buffer
 * is 8-byte aligned. */
void genl_put_u64(struct nlmsghdr *nlh, uint16_t type, uint16_t pad, uint64_t v)
{
	if (((uintptr_t)mnl_nlmsg_get_payload_tail(nlh) + NLA_HDRLEN) % 8)
		mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

/* The most a u64 takes: its own header and payload, and a pad in front. */
#define U64_MAX_SIZE (NLA_HDRLEN + NLA_HDRLEN + 8)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */
static const struct {
	uint16_t type;
	size_t off;
} stats_u64[] = {
#define S(a, f) { MCR_A_STATS_##a, offsetof(struct mcrd_stats, f) }
	S(REQUESTS, requests),
	S(ERRORS, errors),
	S(DENIED, denied),
	S(MALFORMED, malformed),
	S(DUMPS, dumps),
	S(DUMPS_INTERRUPTED, dumps_interrupted),
	S(DUMPS_ABORTED, dumps_aborted),
	S(SEND_RETRIES, send_retries),
	S(REPLIES_DROPPED, replies_dropped),
	S(NOTIFICATIONS, notifications),
	S(NOTIFY_ERRORS, notify_errors),
	S(RULE_ADDS, rule_adds),
	S(RULE_DELS, rule_dels),
	S(RELOADS, reloads),
	S(RELOAD_ERRORS, reload_errors),
#undef S
};

/* The kernel path's counters (kroute_get_stats). */
static const struct {
	uint16_t type;
	size_t off;
} kroute_u64[] = {
#define K(a, f) { MCR_A_STATS_MROUTE_##a, offsetof(struct kroute_stats, f) }
	K(UPCALLS, upcalls),
	K(WRONG_VIF, wrong_vif),
	K(LEARNED, learned),
	K(STOPPED, stopped),
	K(EXPIRED, expired),
	K(MOVED, moved),
	K(ERRORS, errors),
#undef K
};

/* malformed is no field but the sum of the parse drops */
#define WSTATS_MALFORMED SIZE_MAX

/* Every u64 of the worker set, from packets to the last out-drop. */
static const struct {
	uint16_t type;
	size_t off;
} worker_u64[] = {
#define W(a, f) { MCR_A_WORKER_##a, offsetof(struct wstats, f) }
#define RX(a, e) W(RX_DROP_##a, rx_drops[PKT_DROP_##e])
#define OUT(a) W(OUT_DROP_##a, out_drops[MCR_DROP_##a])
	W(PACKETS, rx_packets),
	W(BYTES, rx_bytes),
	W(TX_PACKETS, tx_packets),
	W(TX_BYTES, tx_bytes),
	W(NO_MATCH, no_match),
	{ MCR_A_WORKER_MALFORMED, WSTATS_MALFORMED },
	W(RING_DROPS, ring_drops),
	W(RING_FREEZES, ring_freezes),
	W(WAKEUPS, wakeups),
	W(BATCHES, batches),
	W(TABLE_SWAPS, table_swaps),
	RX(TRUNCATED, TRUNCATED),
	RX(MALFORMED_SHORT, SHORT),
	RX(VLAN, VLAN),
	RX(NOT_IPV4, NOT_IPV4),
	RX(MALFORMED_IP, MALFORMED_IP),
	RX(BAD_IHL, BAD_IHL),
	RX(BAD_IP_CSUM, BAD_IP_CSUM),
	RX(BAD_LEN, BAD_LEN),
	RX(FRAGMENT, FRAGMENT),
	RX(NOT_UDP, NOT_UDP),
	RX(UDP_LEN, UDP_LEN),
	RX(NOT_MULTICAST, NOT_MULTICAST),
	RX(BAD_SRC, BAD_SRC),
	OUT(TTL),
	OUT(TOO_BIG),
	OUT(LINK_DOWN),
	OUT(NO_SRC),
	OUT(TX_RING_FULL),
	OUT(TX_ERROR),
#undef OUT
#undef RX
#undef W
};
/* clang-format on */

_Static_assert(ARRAY_LEN(worker_u64) == MCR_A_WORKER_MAX - MCR_A_WORKER_PACKETS + 1,
	       "a worker attribute of the spec is not reported");
_Static_assert(MCR_A_WORKER_RX_DROP_BAD_SRC - MCR_A_WORKER_RX_DROP_TRUNCATED ==
		   PKT_DROP_BAD_SRC - PKT_DROP_TRUNCATED,
	       "worker.rx-drop-* and enum pkt_drop differ");
_Static_assert(MCR_A_WORKER_OUT_DROP_TX_ERROR - MCR_A_WORKER_OUT_DROP_TTL + 1 == MCR_DROP__MAX,
	       "worker.out-drop-* and enum mcr_drop differ");

_Static_assert(ARRAY_LEN(kroute_u64) == MCR_A_STATS_MAX - MCR_A_STATS_MROUTE_UPCALLS + 1,
	       "a kernel-path counter of the spec is not reported");

/* Bytes of the daemon counters, and of one worker nest, at most. */
#define STATS_MAX_SIZE \
	((ARRAY_LEN(stats_u64) + ARRAY_LEN(kroute_u64)) * U64_MAX_SIZE + 2 * (NLA_HDRLEN + 4))
#define WORKER_MAX_SIZE (NLA_HDRLEN + 2 * (NLA_HDRLEN + 4) + ARRAY_LEN(worker_u64) * U64_MAX_SIZE)
#define MSG_HDR_SIZE (NLMSG_HDRLEN + GENL_HDRLEN)

static unsigned int n_workers(const struct mcrd *d)
{
	return d->opt.workers > MCRD_WORKERS_MAX ? MCRD_WORKERS_MAX : d->opt.workers;
}

static void put_daemon_counters(struct nlmsghdr *nlh, const struct mcrd *d)
{
	const char *base = (const char *)&d->stats;
	struct kroute_stats ks;

	for (size_t i = 0; i < ARRAY_LEN(stats_u64); i++)
		genl_put_u64(nlh, stats_u64[i].type, MCR_A_STATS_PAD,
			     *(const uint64_t *)(base + stats_u64[i].off));
	mnl_attr_put_u32(nlh, MCR_A_STATS_RULES, (uint32_t)d->rules.n);
	mnl_attr_put_u32(nlh, MCR_A_STATS_RULES_PENDING, d->rules.n_pending);
	kroute_get_stats(d, &ks);
	base = (const char *)&ks;
	for (size_t i = 0; i < ARRAY_LEN(kroute_u64); i++)
		genl_put_u64(nlh, kroute_u64[i].type, MCR_A_STATS_PAD,
			     *(const uint64_t *)(base + kroute_u64[i].off));
}

void genl_put_worker(struct nlmsghdr *nlh, unsigned int id, const struct wstats *ws, int cpu)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MCR_A_STATS_WORKER);
	const char *base = (const char *)ws;

	mnl_attr_put_u32(nlh, MCR_A_WORKER_ID, id);
	if (cpu >= 0)
		mnl_attr_put_u32(nlh, MCR_A_WORKER_CPU, (uint32_t)cpu);
	for (size_t k = 0; k < ARRAY_LEN(worker_u64); k++) {
		size_t off = worker_u64[k].off;
		uint64_t v = off == WSTATS_MALFORMED ? wstats_malformed(ws)
						     : *(const uint64_t *)(base + off);

		genl_put_u64(nlh, worker_u64[k].type, MCR_A_WORKER_PAD, v);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_worker(struct nlmsghdr *nlh, const struct mcrd *d, unsigned int i)
{
	struct wstats ws;
	int cpu = -1;

	dp_worker_stats(d, i, &ws, &cpu);
	genl_put_worker(nlh, i, &ws, cpu);
}

int genl_stats_get(struct genl_req *req)
{
	struct mcrd *d = req->d;
	unsigned int workers = n_workers(d);
	struct nlmsghdr *nlh;

	/* Each worker takes about half a KiB: a do reply holds some tens of
	 * them; the dump has one message per worker. */
	if (MSG_HDR_SIZE + STATS_MAX_SIZE + workers * WORKER_MAX_SIZE > GENL_MSG_MAX) {
		mcr_extack_set(req->ext, NULL,
			       "the counters of %u workers do not fit in one reply; dump them "
			       "(NLM_F_DUMP)",
			       workers);
		return -EMSGSIZE;
	}
	nlh = genl_reply_start(req, d->genl.txbuf, MCR_FAMILY_ID, MCR_CMD_STATS_GET);
	put_daemon_counters(nlh, d);
	for (unsigned int i = 0; i < workers; i++)
		put_worker(nlh, d, i);
	genl_send(d, req->peer, nlh, nlh->nlmsg_len);
	return 0;
}

/* The dump's items: 0 is the daemon counters, 1 + i worker i, each in a
 * message of its own; the cursor is the next item. */
static int stats_fill(struct mcrd *d, struct genl_dump *dp, unsigned char *buf, size_t *len,
		      size_t limit)
{
	unsigned int workers = n_workers(d);
	uint32_t item;

	for (item = dp->cursor; item <= workers; item++) {
		size_t need = MSG_HDR_SIZE + (item ? WORKER_MAX_SIZE : STATS_MAX_SIZE);
		struct nlmsghdr *nlh;

		if (*len + need > limit)
			break;
		nlh = genl_msg_start(buf + *len, dp->type, genl_dump_flags(dp), dp->seq, dp->port,
				     dp->cmd, dp->version);
		if (item)
			put_worker(nlh, d, item - 1);
		else
			put_daemon_counters(nlh, d);
		*len += nlh->nlmsg_len;
	}
	dp->next = item;
	return item > workers;
}

int genl_stats_dump(struct genl_req *req)
{
	struct genl_dump tmpl = {
	    .type = MCR_FAMILY_ID,
	    .version = MCR_FAMILY_VERSION,
	    .fill = stats_fill,
	};

	return genl_dump_start(req, &tmpl);
}

/* How the kernel path stands: the sentence, cut to what the policy takes,
 * and the table while it is ours. */
static void put_mroute_state(struct nlmsghdr *nlh, const struct mcrd *d)
{
	char text[512];

	snprintf(text, sizeof(text), "%s", kroute_state_text(d));
	mnl_attr_put_strz(nlh, MCR_A_DAEMON_MROUTE_STATE, text);
	if (kroute_state(d) == KROUTE_ON)
		mnl_attr_put_u32(nlh, MCR_A_DAEMON_MROUTE_TABLE, d->opt.table);
}

int genl_daemon_get(struct genl_req *req)
{
	struct mcrd *d = req->d;
	struct nlmsghdr *nlh =
	    genl_reply_start(req, d->genl.txbuf, MCR_FAMILY_ID, MCR_CMD_DAEMON_GET);

	mnl_attr_put_strz(nlh, MCR_A_DAEMON_VERSION, MCR_VERSION);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_PID, (uint32_t)d->pid);
	genl_put_u64(nlh, MCR_A_DAEMON_UPTIME_MS, MCR_A_DAEMON_PAD, d->genl.now_ms() - d->start_ms);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_PORT_ID, d->opt.port);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_WORKERS, d->opt.workers);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_FANOUT, d->opt.fanout);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_RULES, (uint32_t)d->rules.n);
	/* The policy caps the path at 4095 bytes; longer ones are left out
	 * rather than cut. */
	if (d->opt.config && strnlen(d->opt.config, 4096) < 4096)
		mnl_attr_put_strz(nlh, MCR_A_DAEMON_CONFIG, d->opt.config);
	if (d->opt.has_admin_gid)
		mnl_attr_put_u32(nlh, MCR_A_DAEMON_ADMIN_GID, (uint32_t)d->opt.admin_gid);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_UID, (uint32_t)d->uid);
	put_mroute_state(nlh, d);
	genl_send(d, req->peer, nlh, nlh->nlmsg_len);
	return 0;
}
