// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attribute validation against policy tables, and the policies of the mcr
 * family. Nothing here trusts a length: every attribute is bounded by the
 * stream that holds it before its header is read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcr/mcr_genl.h"
#include "policy.h"

#define MCR_NEST_DEPTH_MAX 4

void mcr_extack_set(struct mcr_extack *ext, const struct nlattr *attr,
		    const char *fmt, ...)
{
	va_list ap;

	if (!ext || ext->msg)
		return;
	va_start(ap, fmt);
	vsnprintf(ext->buf, sizeof(ext->buf), fmt, ap);
	va_end(ap);
	ext->msg = ext->buf;
	ext->attr = attr;
}

void mcr_extack_warn(struct mcr_extack *ext, const char *fmt, ...)
{
	va_list ap;

	if (!ext)
		return;
	va_start(ap, fmt);
	vsnprintf(ext->buf, sizeof(ext->buf), fmt, ap);
	va_end(ap);
	ext->msg = ext->buf;
}

const char *mcr_attr_name(const struct mcr_policy *pol, unsigned int type)
{
	if (type <= pol->maxattr && pol->names && pol->names[type])
		return pol->names[type];
	return "?";
}

static const uint8_t int_size[] = {
	[MCR_ATTR_U8] = 1,
	[MCR_ATTR_U16] = 2,
	[MCR_ATTR_U32] = 4,
	[MCR_ATTR_U64] = 8,
};

static uint64_t read_uint(const struct nlattr *a, uint8_t kind)
{
	switch (kind) {
	case MCR_ATTR_U8:
		return mcr_attr_u8(a);
	case MCR_ATTR_U16:
		return mcr_attr_u16(a);
	case MCR_ATTR_U32:
		return mcr_attr_u32(a);
	default:
		return mcr_attr_u64(a);
	}
}

static int parse_depth(const void *data, size_t len,
		       const struct mcr_policy *pol, const struct nlattr **tb,
		       struct mcr_extack *ext, int depth);

static uint64_t int_max(const struct mcr_attr_policy *p)
{
	if (p->max)
		return p->max;
	if (p->kind == MCR_ATTR_U64)
		return UINT64_MAX;
	return (1ULL << (8 * int_size[p->kind])) - 1;
}

static int check_int(const struct mcr_policy *pol,
		     const struct mcr_attr_policy *p, const struct nlattr *a,
		     struct mcr_extack *ext)
{
	unsigned int type = mcr_attr_type(a);
	uint64_t v;

	if (mcr_attr_len(a) != int_size[p->kind]) {
		mcr_extack_set(ext, a, "attribute %s.%s has length %zu, expected %u",
			       pol->name, mcr_attr_name(pol, type), mcr_attr_len(a),
			       int_size[p->kind]);
		return -EINVAL;
	}
	v = read_uint(a, p->kind);
	if (v < p->min || v > int_max(p)) {
		mcr_extack_set(ext, a, "attribute %s.%s value %llu is out of range %llu-%llu",
			       pol->name, mcr_attr_name(pol, type), (unsigned long long)v,
			       (unsigned long long)p->min, (unsigned long long)int_max(p));
		return -EINVAL;
	}
	return 0;
}

static int check_string(const struct mcr_policy *pol,
			const struct mcr_attr_policy *p, const struct nlattr *a,
			struct mcr_extack *ext)
{
	const char *s = mcr_attr_data(a);
	size_t len = mcr_attr_len(a);
	const char *nul = len ? memchr(s, '\0', len) : NULL;
	const char *name = mcr_attr_name(pol, mcr_attr_type(a));

	if (!nul) {
		mcr_extack_set(ext, a, "attribute %s.%s is not a NUL-terminated string",
			       pol->name, name);
		return -EINVAL;
	}
	if (nul == s) {
		mcr_extack_set(ext, a, "attribute %s.%s is empty", pol->name, name);
		return -EINVAL;
	}
	if (p->max_len && (size_t)(nul - s) > p->max_len) {
		mcr_extack_set(ext, a, "attribute %s.%s is longer than %u bytes",
			       pol->name, name, p->max_len);
		return -EINVAL;
	}
	return 0;
}

static int check_one(const struct mcr_policy *pol, const struct nlattr *a,
		     const struct nlattr **tb, struct mcr_extack *ext,
		     int depth)
{
	unsigned int type = mcr_attr_type(a);
	const struct mcr_attr_policy *p;
	const struct nlattr *sub[64];

	if (type == 0 || type > pol->maxattr ||
	    pol->attrs[type].kind == MCR_ATTR_UNUSED) {
		mcr_extack_set(ext, a, "unknown attribute %u in %s", type, pol->name);
		return -EINVAL;
	}
	p = &pol->attrs[type];
	if (tb[type] && !p->multi) {
		mcr_extack_set(ext, a, "attribute %s.%s is given twice", pol->name,
			       mcr_attr_name(pol, type));
		return -EINVAL;
	}
	switch (p->kind) {
	case MCR_ATTR_U8:
	case MCR_ATTR_U16:
	case MCR_ATTR_U32:
	case MCR_ATTR_U64:
		if (check_int(pol, p, a, ext))
			return -EINVAL;
		break;
	case MCR_ATTR_STRING:
		if (check_string(pol, p, a, ext))
			return -EINVAL;
		break;
	case MCR_ATTR_NEST:
		if (depth >= MCR_NEST_DEPTH_MAX) {
			mcr_extack_set(ext, a, "attributes nested too deeply");
			return -EINVAL;
		}
		/* Validate the inside now so that nothing later walks an
		 * unchecked stream; sub[] only needs to be big enough for the
		 * nested set's maxattr. */
		if (p->nested->maxattr >= sizeof(sub) / sizeof(sub[0]))
			return -EINVAL;
		if (parse_depth(mcr_attr_data(a), mcr_attr_len(a), p->nested, sub,
				ext, depth + 1))
			return -EINVAL;
		break;
	case MCR_ATTR_PAD:
		break;
	}
	if (!tb[type])
		tb[type] = a;
	return 0;
}

static int parse_depth(const void *data, size_t len,
		       const struct mcr_policy *pol, const struct nlattr **tb,
		       struct mcr_extack *ext, int depth)
{
	const char *p = data, *end = p + len;

	memset(tb, 0, sizeof(*tb) * (pol->maxattr + 1));
	while (p < end) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t left = (size_t)(end - p);

		if (left < NLA_HDRLEN) {
			mcr_extack_set(ext, NULL, "%zu trailing bytes after the attributes of %s",
				       left, pol->name);
			return -EINVAL;
		}
		if (a->nla_len < NLA_HDRLEN || a->nla_len > left) {
			mcr_extack_set(ext, a, "attribute of %s has length %u, %zu bytes remain",
				       pol->name, a->nla_len, left);
			return -EINVAL;
		}
		if (check_one(pol, a, tb, ext, depth))
			return -EINVAL;
		/* The last attribute may omit its padding. */
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			break;
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

int mcr_attr_parse(const void *data, size_t len, const struct mcr_policy *pol,
		   const struct nlattr **tb, struct mcr_extack *ext)
{
	return parse_depth(data, len, pol, tb, ext, 0);
}

const void *mcr_attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

size_t mcr_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* memcpy: attribute payloads are only 4-byte aligned, u64s may not be. */
uint8_t mcr_attr_u8(const struct nlattr *a)
{
	return *(const uint8_t *)mcr_attr_data(a);
}

uint16_t mcr_attr_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, mcr_attr_data(a), sizeof(v));
	return v;
}

uint32_t mcr_attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, mcr_attr_data(a), sizeof(v));
	return v;
}

uint64_t mcr_attr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, mcr_attr_data(a), sizeof(v));
	return v;
}

const char *mcr_attr_str(const struct nlattr *a)
{
	return mcr_attr_data(a);
}

/* ---- the mcr family's policies (nl/mcr.yaml) ---------------------------- */

#define U8(lo, hi) { .kind = MCR_ATTR_U8, .min = (lo), .max = (hi) }
#define U16(lo) { .kind = MCR_ATTR_U16, .min = (lo) }
#define U32 { .kind = MCR_ATTR_U32 }
#define U32R(lo, hi) { .kind = MCR_ATTR_U32, .min = (lo), .max = (hi) }
#define U64 { .kind = MCR_ATTR_U64 }
#define IFNAME { .kind = MCR_ATTR_STRING, .max_len = MCR_IFNAME_MAX }
#define PAD { .kind = MCR_ATTR_PAD, .multi = true }
#define NEST(set) { .kind = MCR_ATTR_NEST, .nested = &(set) }
#define NEST_MULTI(set) { .kind = MCR_ATTR_NEST, .multi = true, .nested = &(set) }

static const char *const counters_names[] = {
	[MCR_A_COUNTERS_PAD] = "pad",
	[MCR_A_COUNTERS_PACKETS] = "packets",
	[MCR_A_COUNTERS_BYTES] = "bytes",
	[MCR_A_COUNTERS_DROP_TTL] = "drop-ttl",
	[MCR_A_COUNTERS_DROP_TOO_BIG] = "drop-too-big",
	[MCR_A_COUNTERS_DROP_LINK_DOWN] = "drop-link-down",
	[MCR_A_COUNTERS_DROP_NO_SRC] = "drop-no-src",
	[MCR_A_COUNTERS_DROP_TX_RING_FULL] = "drop-tx-ring-full",
	[MCR_A_COUNTERS_DROP_TX_ERROR] = "drop-tx-error",
	[MCR_A_COUNTERS_KERNEL_PACKETS] = "kernel-packets",
	[MCR_A_COUNTERS_KERNEL_BYTES] = "kernel-bytes",
	[MCR_A_COUNTERS_KERNEL_WRONG_IF] = "kernel-wrong-if",
};

static const struct mcr_attr_policy counters_attrs[MCR_A_COUNTERS_MAX + 1] = {
	[MCR_A_COUNTERS_PAD] = PAD,
	[MCR_A_COUNTERS_PACKETS] = U64,
	[MCR_A_COUNTERS_BYTES] = U64,
	[MCR_A_COUNTERS_DROP_TTL] = U64,
	[MCR_A_COUNTERS_DROP_TOO_BIG] = U64,
	[MCR_A_COUNTERS_DROP_LINK_DOWN] = U64,
	[MCR_A_COUNTERS_DROP_NO_SRC] = U64,
	[MCR_A_COUNTERS_DROP_TX_RING_FULL] = U64,
	[MCR_A_COUNTERS_DROP_TX_ERROR] = U64,
	[MCR_A_COUNTERS_KERNEL_PACKETS] = U64,
	[MCR_A_COUNTERS_KERNEL_BYTES] = U64,
	[MCR_A_COUNTERS_KERNEL_WRONG_IF] = U64,
};

const struct mcr_policy mcr_counters_policy = {
	.name = "counters",
	.maxattr = MCR_A_COUNTERS_MAX,
	.attrs = counters_attrs,
	.names = counters_names,
};

static const char *const output_names[] = {
	[MCR_A_OUTPUT_OIF] = "oif",
	[MCR_A_OUTPUT_GROUP] = "group",
	[MCR_A_OUTPUT_PORT] = "port",
	[MCR_A_OUTPUT_TTL] = "ttl",
	[MCR_A_OUTPUT_SRC_MODE] = "src-mode",
	[MCR_A_OUTPUT_SRC] = "src",
	[MCR_A_OUTPUT_STATS] = "stats",
	[MCR_A_OUTPUT_PATH] = "path",
	[MCR_A_OUTPUT_VIF] = "vif",
};

#define OUTPUT_REQ_ATTRS                                                       \
	[MCR_A_OUTPUT_OIF] = IFNAME, [MCR_A_OUTPUT_GROUP] = U32,                \
	[MCR_A_OUTPUT_PORT] = U16(1), [MCR_A_OUTPUT_TTL] = U8(1, 255),         \
	[MCR_A_OUTPUT_SRC_MODE] = U32R(0, MCR_SRC_MODE_AUTO),                  \
	[MCR_A_OUTPUT_SRC] = U32

static const struct mcr_attr_policy output_attrs[MCR_A_OUTPUT_MAX + 1] = {
	OUTPUT_REQ_ATTRS,
	[MCR_A_OUTPUT_STATS] = NEST(mcr_counters_policy),
	[MCR_A_OUTPUT_PATH] = U32R(0, MCR_OUTPUT_PATH_KERNEL),
	[MCR_A_OUTPUT_VIF] = U32R(0, 31),
};

static const struct mcr_attr_policy output_req_attrs[MCR_A_OUTPUT_MAX + 1] = {
	OUTPUT_REQ_ATTRS,
};

const struct mcr_policy mcr_output_policy = {
	.name = "output",
	.maxattr = MCR_A_OUTPUT_MAX,
	.attrs = output_attrs,
	.names = output_names,
};

const struct mcr_policy mcr_output_req_policy = {
	.name = "output",
	.maxattr = MCR_A_OUTPUT_MAX,
	.attrs = output_req_attrs,
	.names = output_names,
};

static const char *const rule_names[] = {
	[MCR_A_RULE_ID] = "id",
	[MCR_A_RULE_IIF] = "iif",
	[MCR_A_RULE_SRC] = "src",
	[MCR_A_RULE_GROUP] = "group",
	[MCR_A_RULE_PORT] = "port",
	[MCR_A_RULE_OUTPUT] = "output",
	[MCR_A_RULE_FLAGS] = "flags",
	[MCR_A_RULE_STATS] = "stats",
};

#define RULE_REQ_ATTRS                                                         \
	[MCR_A_RULE_ID] = U32R(1, 0), [MCR_A_RULE_IIF] = IFNAME,               \
	[MCR_A_RULE_SRC] = U32, [MCR_A_RULE_GROUP] = U32,                      \
	[MCR_A_RULE_PORT] = U16(1)

static const struct mcr_attr_policy rule_attrs[MCR_A_RULE_MAX + 1] = {
	RULE_REQ_ATTRS,
	[MCR_A_RULE_OUTPUT] = NEST_MULTI(mcr_output_policy),
	[MCR_A_RULE_FLAGS] = U32,
	[MCR_A_RULE_STATS] = NEST(mcr_counters_policy),
};

static const struct mcr_attr_policy rule_req_attrs[MCR_A_RULE_MAX + 1] = {
	RULE_REQ_ATTRS,
	[MCR_A_RULE_OUTPUT] = NEST_MULTI(mcr_output_req_policy),
};

const struct mcr_policy mcr_rule_policy = {
	.name = "rule",
	.maxattr = MCR_A_RULE_MAX,
	.attrs = rule_attrs,
	.names = rule_names,
};

const struct mcr_policy mcr_rule_req_policy = {
	.name = "rule",
	.maxattr = MCR_A_RULE_MAX,
	.attrs = rule_req_attrs,
	.names = rule_names,
};

static const char *const daemon_names[] = {
	[MCR_A_DAEMON_PAD] = "pad",
	[MCR_A_DAEMON_VERSION] = "version",
	[MCR_A_DAEMON_PID] = "pid",
	[MCR_A_DAEMON_UPTIME_MS] = "uptime-ms",
	[MCR_A_DAEMON_PORT_ID] = "port-id",
	[MCR_A_DAEMON_WORKERS] = "workers",
	[MCR_A_DAEMON_FANOUT] = "fanout",
	[MCR_A_DAEMON_RULES] = "rules",
	[MCR_A_DAEMON_CONFIG] = "config",
	[MCR_A_DAEMON_ADMIN_GID] = "admin-gid",
	[MCR_A_DAEMON_UID] = "uid",
	[MCR_A_DAEMON_MROUTE_STATE] = "mroute-state",
	[MCR_A_DAEMON_MROUTE_TABLE] = "mroute-table",
};

static const struct mcr_attr_policy daemon_attrs[MCR_A_DAEMON_MAX + 1] = {
	[MCR_A_DAEMON_PAD] = PAD,
	[MCR_A_DAEMON_VERSION] = { .kind = MCR_ATTR_STRING, .max_len = 64 },
	[MCR_A_DAEMON_PID] = U32,
	[MCR_A_DAEMON_UPTIME_MS] = U64,
	[MCR_A_DAEMON_PORT_ID] = U32,
	[MCR_A_DAEMON_WORKERS] = U32,
	[MCR_A_DAEMON_FANOUT] = U32,
	[MCR_A_DAEMON_RULES] = U32,
	[MCR_A_DAEMON_CONFIG] = { .kind = MCR_ATTR_STRING, .max_len = 4095 },
	[MCR_A_DAEMON_ADMIN_GID] = U32,
	[MCR_A_DAEMON_UID] = U32,
	[MCR_A_DAEMON_MROUTE_STATE] = { .kind = MCR_ATTR_STRING, .max_len = 511 },
	[MCR_A_DAEMON_MROUTE_TABLE] = U32,
};

const struct mcr_policy mcr_daemon_policy = {
	.name = "daemon",
	.maxattr = MCR_A_DAEMON_MAX,
	.attrs = daemon_attrs,
	.names = daemon_names,
};

static const char *const worker_names[] = {
	[MCR_A_WORKER_PAD] = "pad",
	[MCR_A_WORKER_ID] = "id",
	[MCR_A_WORKER_CPU] = "cpu",
	[MCR_A_WORKER_PACKETS] = "packets",
	[MCR_A_WORKER_BYTES] = "bytes",
	[MCR_A_WORKER_TX_PACKETS] = "tx-packets",
	[MCR_A_WORKER_TX_BYTES] = "tx-bytes",
	[MCR_A_WORKER_NO_MATCH] = "no-match",
	[MCR_A_WORKER_MALFORMED] = "malformed",
	[MCR_A_WORKER_RING_DROPS] = "ring-drops",
	[MCR_A_WORKER_RING_FREEZES] = "ring-freezes",
	[MCR_A_WORKER_WAKEUPS] = "wakeups",
	[MCR_A_WORKER_BATCHES] = "batches",
	[MCR_A_WORKER_TABLE_SWAPS] = "table-swaps",
	[MCR_A_WORKER_RX_DROP_TRUNCATED] = "rx-drop-truncated",
	[MCR_A_WORKER_RX_DROP_MALFORMED_SHORT] = "rx-drop-malformed-short",
	[MCR_A_WORKER_RX_DROP_VLAN] = "rx-drop-vlan",
	[MCR_A_WORKER_RX_DROP_NOT_IPV4] = "rx-drop-not-ipv4",
	[MCR_A_WORKER_RX_DROP_MALFORMED_IP] = "rx-drop-malformed-ip",
	[MCR_A_WORKER_RX_DROP_BAD_IHL] = "rx-drop-bad-ihl",
	[MCR_A_WORKER_RX_DROP_BAD_IP_CSUM] = "rx-drop-bad-ip-csum",
	[MCR_A_WORKER_RX_DROP_BAD_LEN] = "rx-drop-bad-len",
	[MCR_A_WORKER_RX_DROP_FRAGMENT] = "rx-drop-fragment",
	[MCR_A_WORKER_RX_DROP_NOT_UDP] = "rx-drop-not-udp",
	[MCR_A_WORKER_RX_DROP_UDP_LEN] = "rx-drop-udp-len",
	[MCR_A_WORKER_RX_DROP_NOT_MULTICAST] = "rx-drop-not-multicast",
	[MCR_A_WORKER_RX_DROP_BAD_SRC] = "rx-drop-bad-src",
	[MCR_A_WORKER_OUT_DROP_TTL] = "out-drop-ttl",
	[MCR_A_WORKER_OUT_DROP_TOO_BIG] = "out-drop-too-big",
	[MCR_A_WORKER_OUT_DROP_LINK_DOWN] = "out-drop-link-down",
	[MCR_A_WORKER_OUT_DROP_NO_SRC] = "out-drop-no-src",
	[MCR_A_WORKER_OUT_DROP_TX_RING_FULL] = "out-drop-tx-ring-full",
	[MCR_A_WORKER_OUT_DROP_TX_ERROR] = "out-drop-tx-error",
};

static const struct mcr_attr_policy worker_attrs[MCR_A_WORKER_MAX + 1] = {
	[MCR_A_WORKER_PAD] = PAD,
	[MCR_A_WORKER_ID] = U32,
	[MCR_A_WORKER_CPU] = U32,
	[MCR_A_WORKER_PACKETS] = U64,
	[MCR_A_WORKER_BYTES] = U64,
	[MCR_A_WORKER_TX_PACKETS] = U64,
	[MCR_A_WORKER_TX_BYTES] = U64,
	[MCR_A_WORKER_NO_MATCH] = U64,
	[MCR_A_WORKER_MALFORMED] = U64,
	[MCR_A_WORKER_RING_DROPS] = U64,
	[MCR_A_WORKER_RING_FREEZES] = U64,
	[MCR_A_WORKER_WAKEUPS] = U64,
	[MCR_A_WORKER_BATCHES] = U64,
	[MCR_A_WORKER_TABLE_SWAPS] = U64,
	[MCR_A_WORKER_RX_DROP_TRUNCATED] = U64,
	[MCR_A_WORKER_RX_DROP_MALFORMED_SHORT] = U64,
	[MCR_A_WORKER_RX_DROP_VLAN] = U64,
	[MCR_A_WORKER_RX_DROP_NOT_IPV4] = U64,
	[MCR_A_WORKER_RX_DROP_MALFORMED_IP] = U64,
	[MCR_A_WORKER_RX_DROP_BAD_IHL] = U64,
	[MCR_A_WORKER_RX_DROP_BAD_IP_CSUM] = U64,
	[MCR_A_WORKER_RX_DROP_BAD_LEN] = U64,
	[MCR_A_WORKER_RX_DROP_FRAGMENT] = U64,
	[MCR_A_WORKER_RX_DROP_NOT_UDP] = U64,
	[MCR_A_WORKER_RX_DROP_UDP_LEN] = U64,
	[MCR_A_WORKER_RX_DROP_NOT_MULTICAST] = U64,
	[MCR_A_WORKER_RX_DROP_BAD_SRC] = U64,
	[MCR_A_WORKER_OUT_DROP_TTL] = U64,
	[MCR_A_WORKER_OUT_DROP_TOO_BIG] = U64,
	[MCR_A_WORKER_OUT_DROP_LINK_DOWN] = U64,
	[MCR_A_WORKER_OUT_DROP_NO_SRC] = U64,
	[MCR_A_WORKER_OUT_DROP_TX_RING_FULL] = U64,
	[MCR_A_WORKER_OUT_DROP_TX_ERROR] = U64,
};

const struct mcr_policy mcr_worker_policy = {
	.name = "worker",
	.maxattr = MCR_A_WORKER_MAX,
	.attrs = worker_attrs,
	.names = worker_names,
};

static const char *const stats_names[] = {
	[MCR_A_STATS_PAD] = "pad",
	[MCR_A_STATS_REQUESTS] = "requests",
	[MCR_A_STATS_ERRORS] = "errors",
	[MCR_A_STATS_DENIED] = "denied",
	[MCR_A_STATS_MALFORMED] = "malformed",
	[MCR_A_STATS_DUMPS] = "dumps",
	[MCR_A_STATS_DUMPS_INTERRUPTED] = "dumps-interrupted",
	[MCR_A_STATS_DUMPS_ABORTED] = "dumps-aborted",
	[MCR_A_STATS_SEND_RETRIES] = "send-retries",
	[MCR_A_STATS_REPLIES_DROPPED] = "replies-dropped",
	[MCR_A_STATS_NOTIFICATIONS] = "notifications",
	[MCR_A_STATS_NOTIFY_ERRORS] = "notify-errors",
	[MCR_A_STATS_RULES] = "rules",
	[MCR_A_STATS_RULES_PENDING] = "rules-pending",
	[MCR_A_STATS_RULE_ADDS] = "rule-adds",
	[MCR_A_STATS_RULE_DELS] = "rule-dels",
	[MCR_A_STATS_RELOADS] = "reloads",
	[MCR_A_STATS_RELOAD_ERRORS] = "reload-errors",
	[MCR_A_STATS_WORKER] = "worker",
	[MCR_A_STATS_MROUTE_UPCALLS] = "mroute-upcalls",
	[MCR_A_STATS_MROUTE_WRONG_VIF] = "mroute-wrong-vif",
	[MCR_A_STATS_MROUTE_LEARNED] = "mroute-learned",
	[MCR_A_STATS_MROUTE_STOPPED] = "mroute-stopped",
	[MCR_A_STATS_MROUTE_EXPIRED] = "mroute-expired",
	[MCR_A_STATS_MROUTE_MOVED] = "mroute-moved",
	[MCR_A_STATS_MROUTE_ERRORS] = "mroute-errors",
};

static const struct mcr_attr_policy stats_attrs[MCR_A_STATS_MAX + 1] = {
	[MCR_A_STATS_PAD] = PAD,
	[MCR_A_STATS_REQUESTS] = U64,
	[MCR_A_STATS_ERRORS] = U64,
	[MCR_A_STATS_DENIED] = U64,
	[MCR_A_STATS_MALFORMED] = U64,
	[MCR_A_STATS_DUMPS] = U64,
	[MCR_A_STATS_DUMPS_INTERRUPTED] = U64,
	[MCR_A_STATS_DUMPS_ABORTED] = U64,
	[MCR_A_STATS_SEND_RETRIES] = U64,
	[MCR_A_STATS_REPLIES_DROPPED] = U64,
	[MCR_A_STATS_NOTIFICATIONS] = U64,
	[MCR_A_STATS_NOTIFY_ERRORS] = U64,
	[MCR_A_STATS_RULES] = U32,
	[MCR_A_STATS_RULES_PENDING] = U32,
	[MCR_A_STATS_RULE_ADDS] = U64,
	[MCR_A_STATS_RULE_DELS] = U64,
	[MCR_A_STATS_RELOADS] = U64,
	[MCR_A_STATS_RELOAD_ERRORS] = U64,
	[MCR_A_STATS_WORKER] = NEST_MULTI(mcr_worker_policy),
	[MCR_A_STATS_MROUTE_UPCALLS] = U64,
	[MCR_A_STATS_MROUTE_WRONG_VIF] = U64,
	[MCR_A_STATS_MROUTE_LEARNED] = U64,
	[MCR_A_STATS_MROUTE_STOPPED] = U64,
	[MCR_A_STATS_MROUTE_EXPIRED] = U64,
	[MCR_A_STATS_MROUTE_MOVED] = U64,
	[MCR_A_STATS_MROUTE_ERRORS] = U64,
};

const struct mcr_policy mcr_stats_policy = {
	.name = "stats",
	.maxattr = MCR_A_STATS_MAX,
	.attrs = stats_attrs,
	.names = stats_names,
};

static const char *const mroute_names[] = {
	[MCR_A_MROUTE_PAD] = "pad",
	[MCR_A_MROUTE_SRC] = "src",
	[MCR_A_MROUTE_GROUP] = "group",
	[MCR_A_MROUTE_IIF] = "iif",
	[MCR_A_MROUTE_OIF] = "oif",
	[MCR_A_MROUTE_RULE] = "rule",
	[MCR_A_MROUTE_FLAGS] = "flags",
	[MCR_A_MROUTE_IDLE_MS] = "idle-ms",
	[MCR_A_MROUTE_PACKETS] = "packets",
	[MCR_A_MROUTE_BYTES] = "bytes",
	[MCR_A_MROUTE_WRONG_IF] = "wrong-if",
};

static const struct mcr_attr_policy mroute_attrs[MCR_A_MROUTE_MAX + 1] = {
	[MCR_A_MROUTE_PAD] = PAD,
	[MCR_A_MROUTE_SRC] = U32,
	[MCR_A_MROUTE_GROUP] = U32,
	[MCR_A_MROUTE_IIF] = IFNAME,
	[MCR_A_MROUTE_OIF] = { .kind = MCR_ATTR_STRING, .multi = true, .max_len = MCR_IFNAME_MAX },
	[MCR_A_MROUTE_RULE] = U32R(1, 0),
	[MCR_A_MROUTE_FLAGS] = U32,
	[MCR_A_MROUTE_IDLE_MS] = U64,
	[MCR_A_MROUTE_PACKETS] = U64,
	[MCR_A_MROUTE_BYTES] = U64,
	[MCR_A_MROUTE_WRONG_IF] = U64,
};

const struct mcr_policy mcr_mroute_policy = {
	.name = "mroute",
	.maxattr = MCR_A_MROUTE_MAX,
	.attrs = mroute_attrs,
	.names = mroute_names,
};
