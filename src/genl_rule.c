// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rule ops of the mcr family (rule-new, rule-del, rule-get do and dump,
 * rule-flush) and the notifications of rule changes on the events group.
 * Every refusal says why in the extended ack and, where one attribute is
 * to blame, points at it (the outermost one: an output nest rather than
 * the group inside it).
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "dataplane.h"
#include "log.h"
#include "mcrd.h"

#define RULE_PUT (MCR_PUT_STATE | MCR_PUT_STATS)

/* Builds one message carrying @r, with the counters the workers have
 * counted so far, into @buf (@room bytes). Returns its length, or
 * -EMSGSIZE. */
static int put_rule_msg(struct mcrd *d, unsigned char *buf, size_t room, uint16_t flags,
			uint32_t seq, uint32_t port, uint8_t cmd, const struct mcr_rule *r)
{
	struct mcr_rule *live = d->genl.stats_scratch;
	struct nlmsghdr *nlh;
	int ret;

	if (room < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EMSGSIZE;
	dp_rule_counters(d, r, live);
	nlh = genl_msg_start(buf, MCR_FAMILY_ID, flags, seq, port, cmd, MCR_FAMILY_VERSION);
	ret = mcr_rule_put(nlh, room, live, RULE_PUT);
	return ret ? ret : (int)nlh->nlmsg_len;
}

/* Sends @r to the requester as the reply to @req. */
static void reply_rule(struct genl_req *req, uint8_t cmd, const struct mcr_rule *r)
{
	int len = put_rule_msg(req->d, req->d->genl.txbuf, GENL_MSG_MAX, 0, req->nlh->nlmsg_seq,
			       req->peer->port, cmd, r);

	if (len > 0)
		genl_send(req->d, req->peer, req->d->genl.txbuf, (size_t)len);
}

/* ---- notifications ------------------------------------------------------- */

static void notify(struct mcrd *d, enum rules_event ev, const struct mcr_rule *r)
{
	const struct genl_transport *tr = d->genl.events;
	uint8_t cmd = ev == RULES_DELETED ? MCR_CMD_RULE_DEL_NTF : MCR_CMD_RULE_NEW_NTF;
	uint16_t flags = ev == RULES_REPLACED ? NLM_F_REPLACE : 0;
	int len, ret;

	if (!tr || !tr->send_group || !d->genl.ntfbuf)
		return;
	len = put_rule_msg(d, d->genl.ntfbuf, GENL_MSG_MAX, flags, 0, 0, cmd, r);
	if (len < 0) {
		d->stats.notify_errors++;
		return;
	}
	ret = tr->send_group(tr->arg, MCR_MCGRP_EVENTS_ID, d->genl.ntfbuf, (size_t)len);
	/* USERSOCK broadcasts, then also tries nl_pid 0, which has no
	 * socket: ECONNREFUSED after a successful broadcast. */
	if (!ret || ret == -ECONNREFUSED) {
		d->stats.notifications++;
	} else {
		d->stats.notify_errors++;
		log_debug("notification of rule %u: %s", r->id, strerror(-ret));
	}
}

void genl_rules_hook(void *arg, enum rules_event ev, const struct mcr_rule *r)
{
	struct mcrd *d = arg;

	switch (ev) {
	case RULES_ADDED:
		d->stats.rule_adds++;
		break;
	case RULES_REPLACED:
		d->stats.rule_replaces++;
		break;
	case RULES_DELETED:
		d->stats.rule_dels++;
		break;
	}
	dp_mark_dirty(d);
	notify(d, ev, r);
}

/* ---- attribute helpers --------------------------------------------------- */

/* The @n-th (1-based) output nest of the request. */
static const struct nlattr *nth_output(const struct genl_req *req, unsigned int n)
{
	const struct nlattr *a;

	mcr_attr_for_each (a, req->attrs, req->attrs_len)
		if (mcr_attr_type(a) == MCR_A_RULE_OUTPUT && !--n)
			return a;
	return NULL;
}

static int missing(struct genl_req *req, uint16_t type, const char *msg)
{
	mcr_extack_set(req->ext, NULL, "%s", msg);
	req->ext->miss_type = type;
	return -EINVAL;
}

/* clang-format off */
static const struct {
	uint16_t type;
	const char *msg;
} new_required[] = {
	{ MCR_A_RULE_IIF, "a rule needs an input interface (iif)" },
	{ MCR_A_RULE_GROUP, "a rule needs a group" },
	{ MCR_A_RULE_OUTPUT, "a rule needs at least one output" },
};
/* clang-format on */

/*
 * mcr_rule_validate says what is wrong but not where: the same checks in
 * the same order find the attribute, outputs by validating ever longer
 * prefixes of the output list.
 */
static const struct nlattr *locate_invalid(const struct genl_req *req, struct mcr_rule *r)
{
	unsigned int n = r->n_outputs, k;
	struct mcr_extack scratch;

	if (!mcr_ifname_valid(r->iif))
		return req->tb[MCR_A_RULE_IIF];
	if (!mcr_addr_is_multicast(r->group))
		return req->tb[MCR_A_RULE_GROUP];
	if (r->src && !mcr_addr_is_unicast(r->src))
		return req->tb[MCR_A_RULE_SRC];
	for (k = 1; k <= n; k++) {
		memset(&scratch, 0, sizeof(scratch));
		r->n_outputs = k;
		if (mcr_rule_validate(r, &scratch))
			break;
	}
	r->n_outputs = n;
	return k <= n ? nth_output(req, k) : NULL;
}

/* After rules_add/rules_replace refused @r with -ELOOP: the output that
 * starts the loop. */
static const struct nlattr *locate_loop(const struct genl_req *req, const struct mcr_rule *r,
					const struct mcr_rule *skip)
{
	const struct mcr_rule *via;
	unsigned int out;

	if (rules_find_loop(&req->d->rules, r, skip, &via, &out) != 1)
		return NULL;
	return nth_output(req, out + 1);
}

static void key_of_tb(const struct nlattr **tb, struct mcr_rule *k)
{
	memset(k, 0, sizeof(*k));
	if (tb[MCR_A_RULE_IIF])
		strncpy(k->iif, mcr_attr_str(tb[MCR_A_RULE_IIF]), sizeof(k->iif) - 1);
	if (tb[MCR_A_RULE_SRC])
		k->src = mcr_attr_u32(tb[MCR_A_RULE_SRC]);
	if (tb[MCR_A_RULE_GROUP])
		k->group = mcr_attr_u32(tb[MCR_A_RULE_GROUP]);
	if (tb[MCR_A_RULE_PORT])
		k->port = mcr_attr_u16(tb[MCR_A_RULE_PORT]);
}

static struct mcr_rule *find_by_key(struct mcrd *d, const struct mcr_rule *r)
{
	struct mcr_rule_key key;

	mcr_rule_key(r, &key);
	return rules_find_key(&d->rules, &key);
}

static int no_such_input(struct genl_req *req, const struct mcr_rule *r)
{
	char text[80];

	rules_key_text(r, text, sizeof(text));
	mcr_extack_set(req->ext, NULL, "no rule with input %s", text);
	return -ENOENT;
}

static int no_such_id(struct genl_req *req)
{
	mcr_extack_set(req->ext, req->tb[MCR_A_RULE_ID], "no rule with id %u",
		       mcr_attr_u32(req->tb[MCR_A_RULE_ID]));
	return -ENOENT;
}

/* ---- rule-new ------------------------------------------------------------ */

static int new_check_flags(struct genl_req *req)
{
	uint16_t flags = req->nlh->nlmsg_flags;
	size_t i;

	if (!(flags & (NLM_F_CREATE | NLM_F_REPLACE))) {
		mcr_extack_set(req->ext, NULL, "rule-new needs NLM_F_CREATE or NLM_F_REPLACE");
		return -EINVAL;
	}
	if (req->tb[MCR_A_RULE_ID] && !(flags & NLM_F_REPLACE)) {
		mcr_extack_set(req->ext, req->tb[MCR_A_RULE_ID], "id is assigned by the daemon");
		return -EINVAL;
	}
	for (i = 0; i < sizeof(new_required) / sizeof(new_required[0]); i++)
		if (!req->tb[new_required[i].type])
			return missing(req, new_required[i].type, new_required[i].msg);
	return 0;
}

/* The rule that @r replaces under the request's flags: NULL to add. */
static int new_find_old(struct genl_req *req, const struct mcr_rule *r, struct mcr_rule **old)
{
	uint16_t flags = req->nlh->nlmsg_flags;

	*old = NULL;
	if (req->tb[MCR_A_RULE_ID]) {
		*old = rules_find_id(&req->d->rules, mcr_attr_u32(req->tb[MCR_A_RULE_ID]));
		return *old ? 0 : no_such_id(req);
	}
	if (!(flags & NLM_F_REPLACE))
		return 0; /* an add: rules_add refuses a taken input */
	*old = find_by_key(req->d, r);
	if (!*old && !(flags & NLM_F_CREATE))
		return no_such_input(req, r);
	return 0;
}

static int new_apply(struct genl_req *req, struct mcr_rule *r, struct mcr_rule *old)
{
	int ret;

	r->id = 0;
	if (old)
		ret = rules_replace(&req->d->rules, old, r, req->ext);
	else
		ret = rules_add(&req->d->rules, r, req->ext);
	if (ret == -ELOOP)
		req->ext->attr = locate_loop(req, r, old);
	return ret;
}

int genl_rule_new(struct genl_req *req)
{
	struct mcr_rule *r, *old;
	int ret;

	ret = new_check_flags(req);
	if (ret)
		return ret;
	ret = mcr_rule_decode(req->attrs, req->attrs_len, req->tb, &r, req->ext);
	if (ret)
		return ret;
	ret = mcr_rule_validate(r, req->ext);
	if (ret) {
		req->ext->attr = locate_invalid(req, r);
		goto fail;
	}
	ret = new_find_old(req, r, &old);
	if (!ret)
		ret = new_apply(req, r, old);
	if (ret)
		goto fail;
	log_debug("uid %u: rule %u %s", req->peer->uid, r->id, old ? "replaced" : "added");
	if (req->nlh->nlmsg_flags & NLM_F_ECHO)
		reply_rule(req, MCR_CMD_RULE_NEW, r);
	return 0;
fail:
	mcr_rule_free(r);
	return ret;
}

/* ---- rule-del ------------------------------------------------------------ */

static const uint16_t key_attrs[] = {MCR_A_RULE_IIF, MCR_A_RULE_SRC, MCR_A_RULE_GROUP,
				     MCR_A_RULE_PORT};

int genl_rule_del(struct genl_req *req)
{
	const struct nlattr **tb = req->tb;
	struct mcr_rule *r, key;

	if (tb[MCR_A_RULE_ID]) {
		for (size_t i = 0; i < sizeof(key_attrs) / sizeof(key_attrs[0]); i++) {
			if (!tb[key_attrs[i]])
				continue;
			mcr_extack_set(req->ext, tb[key_attrs[i]],
				       "rule-del takes an id or an input, not both");
			return -EINVAL;
		}
		r = rules_find_id(&req->d->rules, mcr_attr_u32(tb[MCR_A_RULE_ID]));
		if (!r)
			return no_such_id(req);
	} else {
		if (!tb[MCR_A_RULE_IIF])
			return missing(req, MCR_A_RULE_IIF,
				       "rule-del needs an id, or iif and group");
		if (!tb[MCR_A_RULE_GROUP])
			return missing(req, MCR_A_RULE_GROUP,
				       "rule-del needs an id, or iif and group");
		key_of_tb(tb, &key);
		r = find_by_key(req->d, &key);
		if (!r)
			return no_such_input(req, &key);
	}
	log_debug("uid %u: rule %u deleted", req->peer->uid, r->id);
	rules_del(&req->d->rules, r);
	return 0;
}

/* ---- rule-get ------------------------------------------------------------ */

int genl_rule_get(struct genl_req *req)
{
	struct mcr_rule *r;

	if (!req->tb[MCR_A_RULE_ID])
		return missing(req, MCR_A_RULE_ID,
			       "rule-get needs an id (or NLM_F_DUMP for all rules)");
	r = rules_find_id(&req->d->rules, mcr_attr_u32(req->tb[MCR_A_RULE_ID]));
	if (!r)
		return no_such_id(req);
	reply_rule(req, MCR_CMD_RULE_GET, r);
	return 0;
}

static bool filter_match(const char *iif, uint32_t group, const struct mcr_rule *r)
{
	if (iif[0] && strncmp(iif, r->iif, IFNAMSIZ) != 0)
		return false;
	return !group || group == r->group;
}

static int rule_fill(struct mcrd *d, struct genl_dump *dp, unsigned char *buf, size_t *len,
		     size_t limit)
{
	uint16_t flags = genl_dump_flags(dp);
	uint32_t last = dp->cursor;
	const struct mcr_rule *r;

	if (dp->iif[0] || dp->group)
		flags |= NLM_F_DUMP_FILTERED;
	while ((r = rules_next(&d->rules, last))) {
		int n = -EMSGSIZE;

		if (filter_match(dp->iif, dp->group, r)) {
			if (limit > *len)
				n = put_rule_msg(d, buf + *len, limit - *len, flags, dp->seq,
						 dp->port, dp->cmd, r);
			/* A rule too big for a good-size datagram goes alone. */
			if (n == -EMSGSIZE && !*len)
				n = put_rule_msg(d, buf, GENL_MSG_MAX, flags, dp->seq, dp->port,
						 dp->cmd, r);
			if (n == -EMSGSIZE && *len) {
				dp->next = last;
				return 0;
			}
			if (n > 0)
				*len += (size_t)n;
		}
		last = r->id;
		if (*len > limit) /* the lone big rule */
			break;
	}
	dp->next = last;
	return rules_next(&d->rules, last) == NULL;
}

int genl_rule_dump(struct genl_req *req)
{
	struct genl_dump tmpl = {
	    .type = MCR_FAMILY_ID,
	    .version = MCR_FAMILY_VERSION,
	    .fill = rule_fill,
	};

	if (req->tb[MCR_A_RULE_IIF])
		strncpy(tmpl.iif, mcr_attr_str(req->tb[MCR_A_RULE_IIF]), sizeof(tmpl.iif) - 1);
	if (req->tb[MCR_A_RULE_GROUP])
		tmpl.group = mcr_attr_u32(req->tb[MCR_A_RULE_GROUP]);
	return genl_dump_start(req, &tmpl);
}

/* ---- rule-flush ---------------------------------------------------------- */

int genl_rule_flush(struct genl_req *req)
{
	struct mcrd *d = req->d;
	char iif[IFNAMSIZ] = "";
	uint32_t group = 0, after = 0;
	size_t before = d->rules.n;
	struct mcr_rule *r;

	if (req->tb[MCR_A_RULE_IIF])
		strncpy(iif, mcr_attr_str(req->tb[MCR_A_RULE_IIF]), sizeof(iif) - 1);
	if (req->tb[MCR_A_RULE_GROUP])
		group = mcr_attr_u32(req->tb[MCR_A_RULE_GROUP]);
	if (!iif[0] && !group) {
		rules_flush(&d->rules);
	} else {
		while ((r = rules_next(&d->rules, after))) {
			after = r->id;
			if (filter_match(iif, group, r))
				rules_del(&d->rules, r);
		}
	}
	log_info("rule-flush by uid %u: %zu rules deleted", req->peer->uid, before - d->rules.n);
	return 0;
}
