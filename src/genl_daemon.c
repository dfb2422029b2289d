// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon ops of the mcr family: stats-get (the counters of struct
 * mcrd_stats, the table's sizes and one nest per worker) and daemon-get
 * (what mcrd is and how it runs, which clients also use to learn the uid
 * that replies must come from).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "mcrd.h"

/* u64s get a pad attribute in front when needed, so their payload is
 * 8-byte aligned as the kernel's nla_put_64bit makes it. */
static void put_u64(struct nlmsghdr *nlh, uint16_t type, uint16_t pad, uint64_t v)
{
	if ((nlh->nlmsg_len + NLA_HDRLEN) % 8)
		mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

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
/* clang-format on */

/* Workers come in a later issue: until then each configured worker is
 * reported with zero counters, pinned to the CPU of its index. */
static void put_workers(struct nlmsghdr *nlh, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, MCR_A_STATS_WORKER);

		mnl_attr_put_u32(nlh, MCR_A_WORKER_ID, i);
		mnl_attr_put_u32(nlh, MCR_A_WORKER_CPU, i);
		put_u64(nlh, MCR_A_WORKER_PACKETS, MCR_A_WORKER_PAD, 0);
		put_u64(nlh, MCR_A_WORKER_BYTES, MCR_A_WORKER_PAD, 0);
		mnl_attr_nest_end(nlh, nest);
	}
}

int genl_stats_get(struct genl_req *req)
{
	struct mcrd *d = req->d;
	struct nlmsghdr *nlh =
	    genl_reply_start(req, d->genl.txbuf, MCR_FAMILY_ID, MCR_CMD_STATS_GET);
	const char *base = (const char *)&d->stats;
	unsigned int workers = d->opt.workers;

	if (workers > MCRD_WORKERS_MAX)
		workers = MCRD_WORKERS_MAX;
	for (size_t i = 0; i < sizeof(stats_u64) / sizeof(stats_u64[0]); i++)
		put_u64(nlh, stats_u64[i].type, MCR_A_STATS_PAD,
			*(const uint64_t *)(base + stats_u64[i].off));
	mnl_attr_put_u32(nlh, MCR_A_STATS_RULES, (uint32_t)d->rules.n);
	mnl_attr_put_u32(nlh, MCR_A_STATS_RULES_PENDING, d->rules.n_pending);
	put_workers(nlh, workers);
	genl_send(d, req->peer, nlh, nlh->nlmsg_len);
	return 0;
}

int genl_daemon_get(struct genl_req *req)
{
	struct mcrd *d = req->d;
	struct nlmsghdr *nlh =
	    genl_reply_start(req, d->genl.txbuf, MCR_FAMILY_ID, MCR_CMD_DAEMON_GET);

	mnl_attr_put_strz(nlh, MCR_A_DAEMON_VERSION, MCR_VERSION);
	mnl_attr_put_u32(nlh, MCR_A_DAEMON_PID, (uint32_t)d->pid);
	put_u64(nlh, MCR_A_DAEMON_UPTIME_MS, MCR_A_DAEMON_PAD, d->genl.now_ms() - d->start_ms);
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
	genl_send(d, req->peer, nlh, nlh->nlmsg_len);
	return 0;
}
