// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nlctrl subset that clients need to find the mcr family by name:
 * CTRL_CMD_GETFAMILY by name or id, and its dump. The replies look like
 * the kernel's, so libnl's genl_ctrl_resolve() and genl_ctrl_resolve_grp()
 * and libmnl clients work unchanged against mcrd's port.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ctrl.h"
#include "mcrd.h"

/* Version of nlctrl's own messages, as the kernel sends it. */
#define CTRL_VERSION 2

/* clang-format off */
static const char *const ctrl_names[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = "family-id",
	[CTRL_ATTR_FAMILY_NAME] = "family-name",
	[CTRL_ATTR_VERSION] = "version",
	[CTRL_ATTR_HDRSIZE] = "hdrsize",
	[CTRL_ATTR_MAXATTR] = "maxattr",
	[CTRL_ATTR_OPS] = "ops",
	[CTRL_ATTR_MCAST_GROUPS] = "mcast-groups",
};

static const struct mcr_attr_policy ctrl_attrs[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { .kind = MCR_ATTR_U16 },
	[CTRL_ATTR_FAMILY_NAME] = { .kind = MCR_ATTR_STRING, .max_len = GENL_NAMSIZ - 1 },
};

static const struct mcr_policy ctrl_policy = {
	.name = "nlctrl",
	.maxattr = CTRL_ATTR_MAX,
	.attrs = ctrl_attrs,
	.names = ctrl_names,
};
/* clang-format on */

/* GENL_CMD_CAP_* and GENL_ADMIN_PERM of one op, as nlctrl reports them. */
static uint32_t op_flags(const struct genl_op *op)
{
	return (op->doit ? GENL_CMD_CAP_DO : 0) | (op->dumpit ? GENL_CMD_CAP_DUMP : 0) |
	       GENL_CMD_CAP_HASPOL | (op->admin ? GENL_ADMIN_PERM : 0);
}

static void put_family(struct nlmsghdr *nlh)
{
	const struct genl_family *f = &genl_mcr_family;
	struct nlattr *ops, *grps, *nest;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, f->name);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, f->id);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, f->version);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, MCR_A_RULE_MAX);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	for (unsigned int i = 0; i < f->n_ops; i++) {
		nest = mnl_attr_nest_start(nlh, (uint16_t)(i + 1));
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, f->ops[i].cmd);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS, op_flags(&f->ops[i]));
		mnl_attr_nest_end(nlh, nest);
	}
	mnl_attr_nest_end(nlh, ops);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	nest = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, MCR_MCGRP_EVENTS_ID);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, MCR_MCGRP_EVENTS);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, grps);
}

/* Whether the request's name and id (those given) are the mcr family's;
 * -ENOENT with an extack otherwise. */
static int check_family(struct genl_req *req)
{
	const struct nlattr *name = req->tb[CTRL_ATTR_FAMILY_NAME];
	const struct nlattr *id = req->tb[CTRL_ATTR_FAMILY_ID];

	if (name && strcmp(mcr_attr_str(name), MCR_FAMILY_NAME)) {
		mcr_extack_set(req->ext, name, "no family %s here (this is mcrd, family %s)",
			       mcr_attr_str(name), MCR_FAMILY_NAME);
		return -ENOENT;
	}
	if (id && mcr_attr_u16(id) != MCR_FAMILY_ID) {
		mcr_extack_set(req->ext, id, "no family with id %u here (this is mcrd, family %s)",
			       mcr_attr_u16(id), MCR_FAMILY_NAME);
		return -ENOENT;
	}
	return 0;
}

static int ctrl_getfamily(struct genl_req *req)
{
	struct nlmsghdr *nlh;
	int ret;

	if (!req->tb[CTRL_ATTR_FAMILY_NAME] && !req->tb[CTRL_ATTR_FAMILY_ID]) {
		mcr_extack_set(
		    req->ext, NULL,
		    "CTRL_CMD_GETFAMILY needs CTRL_ATTR_FAMILY_NAME or CTRL_ATTR_FAMILY_ID");
		req->ext->miss_type = CTRL_ATTR_FAMILY_NAME;
		return -EINVAL;
	}
	ret = check_family(req);
	if (ret)
		return ret;
	nlh = genl_reply_start(req, req->d->genl.txbuf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	put_family(nlh);
	genl_send(req->d, req->peer, nlh, nlh->nlmsg_len);
	return 0;
}

/* One family fits in one datagram: the whole dump, DONE included, goes
 * out at once. A name or id that is not ours gives an empty dump. */
static int ctrl_dumpfamily(struct genl_req *req)
{
	unsigned char *buf = req->d->genl.txbuf;
	struct mcr_extack scratch = {0};
	struct genl_req probe = *req;
	struct nlmsghdr *nlh;
	size_t len = 0;

	probe.ext = &scratch;
	if (!check_family(&probe)) {
		nlh = genl_reply_start(req, buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
		nlh->nlmsg_flags = NLM_F_MULTI;
		put_family(nlh);
		len = nlh->nlmsg_len;
	}
	nlh = mnl_nlmsg_put_header(buf + len);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlh->nlmsg_seq;
	nlh->nlmsg_pid = req->peer->port;
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	len += nlh->nlmsg_len;
	req->d->stats.dumps++;
	genl_send(req->d, req->peer, buf, len);
	return 0;
}

/* clang-format off */
static const struct genl_op ctrl_ops[] = {
	{
		.cmd = CTRL_CMD_GETFAMILY,
		.name = "getfamily",
		.policy = &ctrl_policy,
		.do_attrs = GENL_ATTR(CTRL_ATTR_FAMILY_ID) | GENL_ATTR(CTRL_ATTR_FAMILY_NAME),
		.dump_attrs = GENL_ATTR(CTRL_ATTR_FAMILY_ID) | GENL_ATTR(CTRL_ATTR_FAMILY_NAME),
		.doit = ctrl_getfamily,
		.dumpit = ctrl_dumpfamily,
	},
};

const struct genl_family ctrl_family = {
	.id = GENL_ID_CTRL,
	.name = "nlctrl",
	.version = CTRL_VERSION,
	.ops = ctrl_ops,
	.n_ops = sizeof(ctrl_ops) / sizeof(ctrl_ops[0]),
};
/* clang-format on */
