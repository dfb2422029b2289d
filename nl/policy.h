/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attribute policies: every attribute of every message is checked against a
 * table (type, length, range, repeatability, nesting) before anything reads
 * it. Shared by mcrd (requests) and its clients (replies).
 */
#ifndef MCR_NL_POLICY_H
#define MCR_NL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

enum mcr_attr_kind {
	MCR_ATTR_UNUSED = 0, /* not valid in this context */
	MCR_ATTR_U8,
	MCR_ATTR_U16,
	MCR_ATTR_U32,
	MCR_ATTR_U64,
	MCR_ATTR_STRING, /* NUL-terminated, 1..max_len bytes before the NUL */
	MCR_ATTR_NEST,
	MCR_ATTR_PAD, /* accepted and ignored */
};

struct mcr_policy;

struct mcr_attr_policy {
	uint8_t kind;
	bool multi;        /* may appear more than once */
	uint16_t max_len;  /* strings: longest value without the NUL */
	uint64_t min, max; /* integers: inclusive range; max 0 = type max */
	const struct mcr_policy *nested;
};

struct mcr_policy {
	const char *name;         /* attribute-set name, for messages */
	unsigned int maxattr;
	const struct mcr_attr_policy *attrs; /* maxattr + 1 entries */
	const char *const *names;            /* maxattr + 1 entries */
};

/* The extended ack of one request: a sentence for a person and the
 * attribute it is about. msg points either at a literal or at buf. */
struct mcr_extack {
	const char *msg;
	const struct nlattr *attr; /* offending attribute, or NULL */
	uint16_t miss_type;        /* missing required attribute, or 0 */
	const struct nlattr *miss_nest;
	char buf[160];
};

/* Sets ext->msg (formatted into ext->buf) and ext->attr; a NULL ext is
 * allowed. Only the first message of a request is kept. */
void mcr_extack_set(struct mcr_extack *ext, const struct nlattr *attr,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Same, but always replaces a message already set (for warnings). */
void mcr_extack_warn(struct mcr_extack *ext, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Name of attribute @type of @pol for messages ("rule.iif"). */
const char *mcr_attr_name(const struct mcr_policy *pol, unsigned int type);

/*
 * Validates the attribute stream [data, data+len) against @pol, recursing
 * into nests (at most 4 deep). On success tb[type] points at the first
 * occurrence of each attribute (tb has pol->maxattr + 1 entries). Rejects
 * with -EINVAL and an extack: lengths that overrun, unknown types, wrong
 * sizes, strings without NUL or too long, values out of range, a
 * non-multi attribute given twice, and garbage inside nests. Trailing
 * bytes shorter than an attribute header are rejected too.
 */
int mcr_attr_parse(const void *data, size_t len, const struct mcr_policy *pol,
		   const struct nlattr **tb, struct mcr_extack *ext);

/* Typed readers for attributes already validated by mcr_attr_parse. */
uint8_t mcr_attr_u8(const struct nlattr *a);
uint16_t mcr_attr_u16(const struct nlattr *a);
uint32_t mcr_attr_u32(const struct nlattr *a);
uint64_t mcr_attr_u64(const struct nlattr *a);
const char *mcr_attr_str(const struct nlattr *a);
const void *mcr_attr_data(const struct nlattr *a);
size_t mcr_attr_len(const struct nlattr *a);

/* Iterates over the attributes in [data, data+len); only for streams that
 * mcr_attr_parse accepted. */
#define mcr_attr_for_each(a, data, len)                                      \
	for ((a) = (const struct nlattr *)(data);                            \
	     (const char *)(a) + NLA_HDRLEN <= (const char *)(data) + (len) && \
	     (a)->nla_len >= NLA_HDRLEN &&                                   \
	     (const char *)(a) + (a)->nla_len <= (const char *)(data) + (len); \
	     (a) = (const struct nlattr *)((const char *)(a) +              \
					   NLA_ALIGN((a)->nla_len)))

/* Type without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits. */
static inline unsigned int mcr_attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

/* Policies of the mcr family (nl/mcr.yaml). The *_req variants are what a
 * request may carry: reply-only attributes (flags, stats, an output's path
 * and vif) are unknown there. */
extern const struct mcr_policy mcr_rule_policy;
extern const struct mcr_policy mcr_rule_req_policy;
extern const struct mcr_policy mcr_output_policy;
extern const struct mcr_policy mcr_output_req_policy;
extern const struct mcr_policy mcr_counters_policy;
extern const struct mcr_policy mcr_daemon_policy;
extern const struct mcr_policy mcr_stats_policy;
extern const struct mcr_policy mcr_worker_policy;
extern const struct mcr_policy mcr_mroute_policy;

#endif
