// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rule model: allocation, comparison, validation and the netlink codec.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "rule.h"

size_t mcr_rule_size(unsigned int n_outputs)
{
	return sizeof(struct mcr_rule) + n_outputs * sizeof(struct mcr_output);
}

struct mcr_rule *mcr_rule_alloc(unsigned int n_outputs)
{
	struct mcr_rule *r;

	if (n_outputs > MCR_MAX_OUTPUTS)
		return NULL;
	r = calloc(1, mcr_rule_size(n_outputs));
	if (r)
		r->n_outputs = n_outputs;
	return r;
}

struct mcr_rule *mcr_rule_dup(const struct mcr_rule *r)
{
	struct mcr_rule *copy = malloc(mcr_rule_size(r->n_outputs));

	if (copy)
		memcpy(copy, r, mcr_rule_size(r->n_outputs));
	return copy;
}

void mcr_rule_free(struct mcr_rule *r)
{
	free(r);
}

void mcr_rule_key(const struct mcr_rule *r, struct mcr_rule_key *key)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->iif, r->iif, sizeof(key->iif));
	key->src = r->src;
	key->group = r->group;
	key->port = r->port;
}

bool mcr_rule_key_equal(const struct mcr_rule_key *a,
			const struct mcr_rule_key *b)
{
	return a->src == b->src && a->group == b->group && a->port == b->port &&
	       strncmp(a->iif, b->iif, IFNAMSIZ) == 0;
}

static bool output_same(const struct mcr_output *a, const struct mcr_output *b)
{
	return strncmp(a->oif, b->oif, IFNAMSIZ) == 0 && a->group == b->group &&
	       a->port == b->port && a->ttl == b->ttl &&
	       a->src_mode == b->src_mode && a->src == b->src;
}

bool mcr_rule_same(const struct mcr_rule *a, const struct mcr_rule *b)
{
	struct mcr_rule_key ka, kb;

	mcr_rule_key(a, &ka);
	mcr_rule_key(b, &kb);
	if (!mcr_rule_key_equal(&ka, &kb) || a->n_outputs != b->n_outputs)
		return false;
	for (unsigned int i = 0; i < a->n_outputs; i++)
		if (!output_same(&a->out[i], &b->out[i]))
			return false;
	return true;
}

uint32_t mcr_output_group(const struct mcr_rule *r, const struct mcr_output *o)
{
	return o->group ? o->group : r->group;
}

uint16_t mcr_output_port(const struct mcr_rule *r, const struct mcr_output *o)
{
	return o->port ? o->port : r->port;
}

bool mcr_output_rewrites(const struct mcr_rule *r, const struct mcr_output *o)
{
	return (o->group && o->group != r->group) || (o->port && o->port != r->port);
}

uint8_t mcr_output_src_mode(const struct mcr_rule *r, const struct mcr_output *o)
{
	if (o->src_mode != MCR_SRC_MODE_AUTO)
		return o->src_mode;
	return mcr_output_rewrites(r, o) ? MCR_SRC_MODE_IFADDR : MCR_SRC_MODE_KEEP;
}

bool mcr_output_kernel(const struct mcr_rule *r, const struct mcr_output *o)
{
	return !r->port && !mcr_output_rewrites(r, o) && !o->ttl &&
	       mcr_output_src_mode(r, o) == MCR_SRC_MODE_KEEP;
}

bool mcr_ifname_valid(const char *name)
{
	size_t len = strnlen(name, IFNAMSIZ);

	if (len == 0 || len >= IFNAMSIZ)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

bool mcr_addr_is_multicast(uint32_t addr_be)
{
	return (ntohl(addr_be) & 0xf0000000u) == 0xe0000000u;
}

/* A host address a packet can come from: not 0/8, multicast, class E,
 * broadcast or loopback. */
bool mcr_addr_is_unicast(uint32_t addr_be)
{
	uint32_t a = ntohl(addr_be);

	return (a >> 24) != 0 && (a >> 24) != 127 && a < 0xe0000000u;
}

const char *mcr_ntop(uint32_t addr_be, char buf[16])
{
	struct in_addr in = { .s_addr = addr_be };

	return inet_ntop(AF_INET, &in, buf, 16) ? buf : "?";
}

static int validate_output(const struct mcr_rule *r, unsigned int i,
			   struct mcr_extack *ext)
{
	const struct mcr_output *o = &r->out[i];
	char a[16];

	if (!mcr_ifname_valid(o->oif)) {
		mcr_extack_set(ext, NULL, "output %u: \"%.*s\" is not a valid interface name",
			       i + 1, IFNAMSIZ, o->oif);
		return -EINVAL;
	}
	if (o->group && !mcr_addr_is_multicast(o->group)) {
		mcr_extack_set(ext, NULL, "output %u: group %s is not a multicast address",
			       i + 1, mcr_ntop(o->group, a));
		return -EINVAL;
	}
	if (o->src_mode > MCR_SRC_MODE_AUTO) {
		mcr_extack_set(ext, NULL, "output %u: unknown source mode %u", i + 1,
			       o->src_mode);
		return -EINVAL;
	}
	if (o->src_mode == MCR_SRC_MODE_ADDR && !mcr_addr_is_unicast(o->src)) {
		mcr_extack_set(ext, NULL, "output %u: source %s is not a unicast address",
			       i + 1, mcr_ntop(o->src, a));
		return -EINVAL;
	}
	if (o->src_mode != MCR_SRC_MODE_ADDR && o->src) {
		mcr_extack_set(ext, NULL, "output %u: a source address needs source mode addr",
			       i + 1);
		return -EINVAL;
	}
	return 0;
}

/* An output that leaves through the input interface to the input group and
 * port is matched by the rule itself: every packet would come back. */
static bool output_feeds_own_input(const struct mcr_rule *r,
				   const struct mcr_output *o)
{
	if (strncmp(o->oif, r->iif, IFNAMSIZ) != 0)
		return false;
	if (mcr_output_group(r, o) != r->group)
		return false;
	return r->port == 0 || mcr_output_port(r, o) == r->port;
}

static bool outputs_collide(const struct mcr_rule *r, const struct mcr_output *a,
			    const struct mcr_output *b)
{
	return strncmp(a->oif, b->oif, IFNAMSIZ) == 0 &&
	       mcr_output_group(r, a) == mcr_output_group(r, b) &&
	       mcr_output_port(r, a) == mcr_output_port(r, b);
}

int mcr_rule_validate(const struct mcr_rule *r, struct mcr_extack *ext)
{
	char a[16];

	if (!mcr_ifname_valid(r->iif)) {
		mcr_extack_set(ext, NULL, "\"%.*s\" is not a valid interface name",
			       IFNAMSIZ, r->iif);
		return -EINVAL;
	}
	if (!mcr_addr_is_multicast(r->group)) {
		mcr_extack_set(ext, NULL, "group %s is not a multicast address",
			       mcr_ntop(r->group, a));
		return -EINVAL;
	}
	if (r->src && !mcr_addr_is_unicast(r->src)) {
		mcr_extack_set(ext, NULL, "source %s is not a unicast address",
			       mcr_ntop(r->src, a));
		return -EINVAL;
	}
	if (r->n_outputs == 0 || r->n_outputs > MCR_MAX_OUTPUTS) {
		mcr_extack_set(ext, NULL, "a rule needs 1 to %d outputs, not %u",
			       MCR_MAX_OUTPUTS, r->n_outputs);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		if (validate_output(r, i, ext))
			return -EINVAL;
		if (output_feeds_own_input(r, &r->out[i])) {
			mcr_extack_set(ext, NULL,
				       "output %u sends to the rule's own input (iif %s group %s): a loop",
				       i + 1, r->iif, mcr_ntop(r->group, a));
			return -ELOOP;
		}
		for (unsigned int j = 0; j < i; j++) {
			if (outputs_collide(r, &r->out[j], &r->out[i])) {
				mcr_extack_set(ext, NULL,
					       "output %u sends the same packets as output %u",
					       i + 1, j + 1);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* ---- decode ------------------------------------------------------------- */

/* The drop attributes are numbered in enum mcr_drop order. */
_Static_assert(MCR_A_COUNTERS_DROP_TX_ERROR - MCR_A_COUNTERS_DROP_TTL + 1 == MCR_DROP__MAX,
	       "counters.drop-* and enum mcr_drop differ");
_Static_assert((int)MCR_PATH_WORKER == (int)MCR_OUTPUT_PATH_WORKER &&
		       (int)MCR_PATH_KERNEL == (int)MCR_OUTPUT_PATH_KERNEL,
	       "enum mcr_path and the spec's output-path differ");

/* Where each u64 of the counters set lives in struct mcr_counters. */
static const size_t counter_off[MCR_A_COUNTERS_MAX + 1] = {
	[MCR_A_COUNTERS_PACKETS] = offsetof(struct mcr_counters, packets),
	[MCR_A_COUNTERS_BYTES] = offsetof(struct mcr_counters, bytes),
#define DROP(a, e) [MCR_A_COUNTERS_DROP_##a] = offsetof(struct mcr_counters, drops[MCR_DROP_##e])
	DROP(TTL, TTL),
	DROP(TOO_BIG, TOO_BIG),
	DROP(LINK_DOWN, LINK_DOWN),
	DROP(NO_SRC, NO_SRC),
	DROP(TX_RING_FULL, TX_RING_FULL),
	DROP(TX_ERROR, TX_ERROR),
#undef DROP
	[MCR_A_COUNTERS_KERNEL_PACKETS] = offsetof(struct mcr_counters, kernel_packets),
	[MCR_A_COUNTERS_KERNEL_BYTES] = offsetof(struct mcr_counters, kernel_bytes),
	[MCR_A_COUNTERS_KERNEL_WRONG_IF] = offsetof(struct mcr_counters, kernel_wrong_if),
};
_Static_assert(MCR_A_COUNTERS_KERNEL_WRONG_IF == MCR_A_COUNTERS_MAX,
	       "a counters attribute of the spec has no field");

static void decode_counters(const struct nlattr *nest, struct mcr_counters *c)
{
	const struct nlattr *a;

	mcr_attr_for_each(a, mcr_attr_data(nest), mcr_attr_len(nest)) {
		unsigned int t = mcr_attr_type(a);
		uint64_t v;

		/* pad has no field (its 0 in the table would be packets) */
		if (t == MCR_A_COUNTERS_PAD || t > MCR_A_COUNTERS_MAX)
			continue;
		v = mcr_attr_u64(a);
		memcpy((char *)c + counter_off[t], &v, sizeof(v));
	}
}

static void decode_output(const struct nlattr *nest, struct mcr_output *o)
{
	const struct nlattr *a;

	o->src_mode = MCR_SRC_MODE_AUTO; /* what an absent src-mode means */
	mcr_attr_for_each(a, mcr_attr_data(nest), mcr_attr_len(nest)) {
		switch (mcr_attr_type(a)) {
		case MCR_A_OUTPUT_OIF:
			snprintf(o->oif, sizeof(o->oif), "%s", mcr_attr_str(a));
			break;
		case MCR_A_OUTPUT_GROUP:
			o->group = mcr_attr_u32(a);
			break;
		case MCR_A_OUTPUT_PORT:
			o->port = mcr_attr_u16(a);
			break;
		case MCR_A_OUTPUT_TTL:
			o->ttl = mcr_attr_u8(a);
			break;
		case MCR_A_OUTPUT_SRC_MODE:
			o->src_mode = (uint8_t)mcr_attr_u32(a);
			break;
		case MCR_A_OUTPUT_SRC:
			o->src = mcr_attr_u32(a);
			break;
		case MCR_A_OUTPUT_STATS:
			decode_counters(a, &o->stats);
			break;
		case MCR_A_OUTPUT_PATH:
			o->path = (uint8_t)mcr_attr_u32(a);
			break;
		case MCR_A_OUTPUT_VIF:
			o->vif = (uint8_t)mcr_attr_u32(a);
			break;
		}
	}
}

static int count_outputs(const void *data, size_t len, unsigned int *n,
			 struct mcr_extack *ext)
{
	const struct nlattr *a;

	*n = 0;
	mcr_attr_for_each(a, data, len) {
		if (mcr_attr_type(a) != MCR_A_RULE_OUTPUT)
			continue;
		if (++*n > MCR_MAX_OUTPUTS) {
			mcr_extack_set(ext, a, "more than %d outputs", MCR_MAX_OUTPUTS);
			return -EINVAL;
		}
		if (!mcr_attr_len(a)) {
			mcr_extack_set(ext, a, "output %u is empty", *n);
			return -EINVAL;
		}
	}
	return 0;
}

/* The attributes of a nest have been validated; only "required" remains. */
static int check_output_required(const struct nlattr *nest, unsigned int i,
				 struct mcr_extack *ext)
{
	const struct nlattr *a;

	mcr_attr_for_each(a, mcr_attr_data(nest), mcr_attr_len(nest))
		if (mcr_attr_type(a) == MCR_A_OUTPUT_OIF)
			return 0;
	mcr_extack_set(ext, nest, "output %u has no oif", i);
	if (ext) {
		ext->miss_type = MCR_A_OUTPUT_OIF;
		ext->miss_nest = nest;
	}
	return -EINVAL;
}

int mcr_rule_decode(const void *data, size_t len, const struct nlattr **tb,
		    struct mcr_rule **out, struct mcr_extack *ext)
{
	const struct nlattr *a;
	struct mcr_rule *r;
	unsigned int n, i = 0;
	int err;

	err = count_outputs(data, len, &n, ext);
	if (err)
		return err;
	r = mcr_rule_alloc(n);
	if (!r)
		return -ENOMEM;
	if (tb[MCR_A_RULE_ID])
		r->id = mcr_attr_u32(tb[MCR_A_RULE_ID]);
	if (tb[MCR_A_RULE_IIF])
		snprintf(r->iif, sizeof(r->iif), "%s", mcr_attr_str(tb[MCR_A_RULE_IIF]));
	if (tb[MCR_A_RULE_SRC])
		r->src = mcr_attr_u32(tb[MCR_A_RULE_SRC]);
	if (tb[MCR_A_RULE_GROUP])
		r->group = mcr_attr_u32(tb[MCR_A_RULE_GROUP]);
	if (tb[MCR_A_RULE_PORT])
		r->port = mcr_attr_u16(tb[MCR_A_RULE_PORT]);
	if (tb[MCR_A_RULE_FLAGS])
		r->flags = mcr_attr_u32(tb[MCR_A_RULE_FLAGS]);
	if (tb[MCR_A_RULE_STATS])
		decode_counters(tb[MCR_A_RULE_STATS], &r->stats);
	mcr_attr_for_each(a, data, len) {
		if (mcr_attr_type(a) != MCR_A_RULE_OUTPUT)
			continue;
		err = check_output_required(a, i + 1, ext);
		if (err) {
			mcr_rule_free(r);
			return err;
		}
		decode_output(a, &r->out[i++]);
	}
	*out = r;
	return 0;
}

/* ---- encode ------------------------------------------------------------- */

/* A counters nest of @n u64s, each with a 4-byte pad in front when
 * unaligned. */
static size_t counters_size(unsigned int n)
{
	return NLA_HDRLEN + n * (NLA_HDRLEN + NLA_HDRLEN + 8);
}

static bool output_on_kernel(const struct mcr_output *o)
{
	return o->path == MCR_PATH_KERNEL;
}

/* The rule's kernel counters go out when it has a kernel-path output, or
 * counted something while it had one. */
static bool rule_has_kernel(const struct mcr_rule *r)
{
	const struct mcr_counters *c = &r->stats;

	for (unsigned int i = 0; i < r->n_outputs; i++)
		if (output_on_kernel(&r->out[i]))
			return true;
	return c->kernel_packets || c->kernel_bytes || c->kernel_wrong_if;
}

size_t mcr_rule_put_size(const struct mcr_rule *r, unsigned int what)
{
	size_t out = NLA_HDRLEN + NLA_ALIGN(IFNAMSIZ) + 5 * (NLA_HDRLEN + 4);
	size_t size = 5 * (NLA_HDRLEN + 4) + NLA_HDRLEN + NLA_ALIGN(IFNAMSIZ);
	unsigned int kernel = 0;

	for (unsigned int i = 0; i < r->n_outputs; i++)
		kernel += output_on_kernel(&r->out[i]);
	if (what & MCR_PUT_STATE) {
		out += NLA_HDRLEN + 4;			 /* path */
		size += kernel * (NLA_HDRLEN + 4); /* vif */
	}
	if (what & MCR_PUT_STATS) {
		out += counters_size(2 + MCR_DROP__MAX);
		size += counters_size(2 + 3);
		size += kernel * counters_size(2); /* the VIF's counters, inside the nest */
	}
	return size + r->n_outputs * (NLA_HDRLEN + out);
}

/* u64s go through mnl_attr_put_u64 after a pad attribute when needed, so
 * their payload is 8-byte aligned in memory as the kernel does with
 * nla_put_64bit: also in the second message of a dump datagram, which
 * starts wherever the first ended. */
static void put_u64_aligned(struct nlmsghdr *nlh, uint16_t type, uint16_t pad,
			    uint64_t v)
{
	if (((uintptr_t)mnl_nlmsg_get_payload_tail(nlh) + NLA_HDRLEN) % 8)
		mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

/* What one counters nest carries besides packets and bytes. */
enum {
	COUNT_DROPS = 1 << 0,	  /* an output's: always, so matched = packets + drops */
	COUNT_KERNEL = 1 << 1,	  /* kernel-packets and kernel-bytes */
	COUNT_WRONG_IF = 1 << 2, /* kernel-wrong-if (rules only) */
};

static void put_counters(struct nlmsghdr *nlh, uint16_t type,
			 const struct mcr_counters *c, unsigned int what)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	put_u64_aligned(nlh, MCR_A_COUNTERS_PACKETS, MCR_A_COUNTERS_PAD, c->packets);
	put_u64_aligned(nlh, MCR_A_COUNTERS_BYTES, MCR_A_COUNTERS_PAD, c->bytes);
	for (unsigned int i = 0; (what & COUNT_DROPS) && i < MCR_DROP__MAX; i++)
		put_u64_aligned(nlh, (uint16_t)(MCR_A_COUNTERS_DROP_TTL + i),
				MCR_A_COUNTERS_PAD, c->drops[i]);
	if (what & COUNT_KERNEL) {
		put_u64_aligned(nlh, MCR_A_COUNTERS_KERNEL_PACKETS, MCR_A_COUNTERS_PAD,
				c->kernel_packets);
		put_u64_aligned(nlh, MCR_A_COUNTERS_KERNEL_BYTES, MCR_A_COUNTERS_PAD,
				c->kernel_bytes);
	}
	if (what & COUNT_WRONG_IF)
		put_u64_aligned(nlh, MCR_A_COUNTERS_KERNEL_WRONG_IF, MCR_A_COUNTERS_PAD,
				c->kernel_wrong_if);
	mnl_attr_nest_end(nlh, nest);
}

static void put_output(struct nlmsghdr *nlh, const struct mcr_output *o,
		       unsigned int what)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MCR_A_RULE_OUTPUT);

	mnl_attr_put_strz(nlh, MCR_A_OUTPUT_OIF, o->oif);
	if (o->group)
		mnl_attr_put_u32(nlh, MCR_A_OUTPUT_GROUP, o->group);
	if (o->port)
		mnl_attr_put_u16(nlh, MCR_A_OUTPUT_PORT, o->port);
	if (o->ttl)
		mnl_attr_put_u8(nlh, MCR_A_OUTPUT_TTL, o->ttl);
	if (o->src_mode != MCR_SRC_MODE_AUTO)
		mnl_attr_put_u32(nlh, MCR_A_OUTPUT_SRC_MODE, o->src_mode);
	if (o->src)
		mnl_attr_put_u32(nlh, MCR_A_OUTPUT_SRC, o->src);
	if (what & MCR_PUT_STATS)
		put_counters(nlh, MCR_A_OUTPUT_STATS, &o->stats,
			     COUNT_DROPS | (output_on_kernel(o) ? COUNT_KERNEL : 0));
	if (what & MCR_PUT_STATE) {
		mnl_attr_put_u32(nlh, MCR_A_OUTPUT_PATH, o->path);
		if (output_on_kernel(o))
			mnl_attr_put_u32(nlh, MCR_A_OUTPUT_VIF, o->vif);
	}
	mnl_attr_nest_end(nlh, nest);
}

int mcr_rule_put(struct nlmsghdr *nlh, size_t buflen, const struct mcr_rule *r,
		 unsigned int what)
{
	if (nlh->nlmsg_len + mcr_rule_put_size(r, what) > buflen)
		return -EMSGSIZE;
	if (r->id)
		mnl_attr_put_u32(nlh, MCR_A_RULE_ID, r->id);
	mnl_attr_put_strz(nlh, MCR_A_RULE_IIF, r->iif);
	if (r->src)
		mnl_attr_put_u32(nlh, MCR_A_RULE_SRC, r->src);
	mnl_attr_put_u32(nlh, MCR_A_RULE_GROUP, r->group);
	if (r->port)
		mnl_attr_put_u16(nlh, MCR_A_RULE_PORT, r->port);
	for (unsigned int i = 0; i < r->n_outputs; i++)
		put_output(nlh, &r->out[i], what);
	if (what & MCR_PUT_STATE)
		mnl_attr_put_u32(nlh, MCR_A_RULE_FLAGS, r->flags);
	if (what & MCR_PUT_STATS)
		put_counters(nlh, MCR_A_RULE_STATS, &r->stats,
			     rule_has_kernel(r) ? COUNT_KERNEL | COUNT_WRONG_IF : 0);
	return 0;
}
