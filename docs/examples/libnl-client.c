// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A partner daemon driving mcrd with stock libnl-3 (docs/protocol.md).
 * Against a kernel genl family three things would differ: nl_connect() on
 * NETLINK_USERSOCK instead of genl_connect(), mcrd's port as the peer, and
 * a check of every message's sender, because any local user may bind a
 * port id or send to ours: only mcrd's port with mcrd's uid is trusted.
 *
 *   mcr-libnl-example add IIF GROUP PORT OIF [OUTGROUP OUTPORT]
 *   mcr-libnl-example dump | del ID | monitor N   (monitor: root only)
 *
 * Environment: MCR_PORTID (or MCR_PORT_ID), MCR_DAEMON_UID (default 0).
 * Exit status: 0 done, 1 usage or local error, 2 the daemon refused.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* struct ucred */
#endif
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "mcr/mcr_genl.h"

#define E_USAGE 1000 /* not a libnl error: the arguments were wrong */

struct ctx {
	struct nl_sock *sk;
	uint32_t port;	/* mcrd's port id */
	uid_t uid;	/* mcrd's uid */
	int family;	/* nlmsg_type of the mcr family, resolved by name */
	int grp;	/* multicast group of "events", resolved by name */
	int daemon_err; /* errno of mcrd's NLMSG_ERROR, 0 if none */
	long events;	/* monitor: events still to print, else 0 */
	int rejected;	/* messages check_sender refused */
};

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s ? strtoul(s, NULL, 0) : def;
}

/* The extended ack's sentence (libnl 3.7 does not parse it): attributes
 * after the nlmsgerr and, unless NLM_F_CAPPED, after the echoed request. */
static const char *extack_msg(struct nlmsghdr *nlh)
{
	static struct nla_policy pol[NLMSGERR_ATTR_MAX + 1] = {
	    [NLMSGERR_ATTR_MSG] = {.type = NLA_STRING},
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlmsgerr *e = nlmsg_data(nlh);
	long off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlmsg_datalen(nlh) < off)
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (off > nlmsg_datalen(nlh) ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      nlmsg_datalen(nlh) - off, pol) < 0 ||
	    !tb[NLMSGERR_ATTR_MSG])
		return NULL;
	return nla_get_string(tb[NLMSGERR_ATTR_MSG]);
}

/* NL_CB_MSG_IN sees every message first: replies, ACKs, notifications. A
 * stranger ends a request (-NLE_PERM); a monitor skips forged events. An
 * ACK (error 0) may carry a warning, such as "rule is pending". */
static int check_sender(struct nl_msg *msg, void *arg)
{
	struct ctx *c = arg;
	struct sockaddr_nl *src = nlmsg_get_src(msg);
	struct ucred *cr = nlmsg_get_creds(msg);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	const char *warn;

	if (src->nl_pid != c->port || !cr || cr->uid != c->uid) {
		fprintf(stderr, "rejected a message from port %u uid %d: not mcrd\n", src->nl_pid,
			cr ? (int)cr->uid : -1);
		c->rejected++;
		return c->events ? NL_SKIP : -NLE_PERM;
	}
	if (nlh->nlmsg_type == NLMSG_ERROR && nlmsg_datalen(nlh) >= (int)sizeof(struct nlmsgerr) &&
	    !((struct nlmsgerr *)nlmsg_data(nlh))->error && (warn = extack_msg(nlh)))
		fprintf(stderr, "Warning: %s\n", warn);
	return NL_OK;
}

static int on_error(struct sockaddr_nl *from, struct nlmsgerr *e, void *arg)
{
	const char *msg = extack_msg((struct nlmsghdr *)((char *)e - NLMSG_HDRLEN));

	(void)from; /* check_sender vouched for it */
	((struct ctx *)arg)->daemon_err = -e->error;
	fprintf(stderr, "Error: %s\n", msg ? msg : strerror(-e->error));
	return NL_STOP; /* nl_recvmsgs then returns the error as -NLE_* */
}

static struct nla_policy rule_policy[MCR_A_RULE_MAX + 1] = {
    [MCR_A_RULE_ID] = {.type = NLA_U32},
    [MCR_A_RULE_IIF] = {.type = NLA_STRING, .maxlen = MCR_IFNAME_MAX + 1},
    [MCR_A_RULE_SRC] = {.type = NLA_U32},
    [MCR_A_RULE_GROUP] = {.type = NLA_U32},
    [MCR_A_RULE_PORT] = {.type = NLA_U16},
    [MCR_A_RULE_OUTPUT] = {.type = NLA_NESTED},
    [MCR_A_RULE_FLAGS] = {.type = NLA_U32},
    [MCR_A_RULE_STATS] = {.type = NLA_NESTED},
};

/* NL_CB_VALID: one rule of a dump, or one notification. */
static int print_rule(struct nl_msg *msg, void *arg)
{
	struct ctx *c = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[MCR_A_RULE_MAX + 1], *a;
	struct in_addr grp;
	char port[8] = "any";
	int rem, n = 0;

	if (nlh->nlmsg_type != c->family ||
	    genlmsg_parse(nlh, 0, tb, MCR_A_RULE_MAX, rule_policy) || !tb[MCR_A_RULE_ID] ||
	    !tb[MCR_A_RULE_IIF] || !tb[MCR_A_RULE_GROUP]) {
		fprintf(stderr, "skipped a malformed message\n");
		return NL_SKIP;
	}
	/* Outputs repeat and nla_parse keeps one of them: count by hand. */
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) n +=
	    nla_type(a) == MCR_A_RULE_OUTPUT;
	grp.s_addr = nla_get_u32(tb[MCR_A_RULE_GROUP]); /* big-endian on the wire */
	if (tb[MCR_A_RULE_PORT])
		snprintf(port, sizeof(port), "%u", nla_get_u16(tb[MCR_A_RULE_PORT]));
	if (c->events)
		printf("%s ", g->cmd == MCR_CMD_RULE_DEL_NTF ? "deleted" : "new");
	printf("id %u iif %s group %s port %s outputs %d\n", nla_get_u32(tb[MCR_A_RULE_ID]),
	       nla_get_string(tb[MCR_A_RULE_IIF]), inet_ntoa(grp), port, n);
	return c->events && --c->events == 0 ? NL_STOP : NL_OK;
}

static struct nl_msg *request(struct ctx *c, int flags, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, flags, cmd,
				MCR_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Sends @msg (libnl adds NLM_F_REQUEST | NLM_F_ACK) and waits for the ACK.
 * nl_wait_for_ack needs a reply and its ACK in separate datagrams, which
 * is how mcrd (like the kernel) sends them. */
static int talk(struct ctx *c, struct nl_msg *msg)
{
	int rc = msg ? nl_send_auto(c->sk, msg) : -NLE_NOMEM;

	nlmsg_free(msg);
	return rc < 0 ? rc : nl_wait_for_ack(c->sk);
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	*port = (uint16_t)v;
	return *s && !*end && v >= 1 && v <= 65535 ? 0 : -1;
}

/* Addresses are big-endian u32 (inet_pton's order), ports u16 host order. */
static int cmd_add(struct ctx *c, int argc, char **argv)
{
	uint32_t grp, ogrp = 0;
	uint16_t port, oport = 0;
	struct nlattr *out;
	struct nl_msg *msg;

	if (argc == 5 || inet_pton(AF_INET, argv[1], &grp) != 1 || parse_port(argv[2], &port) ||
	    (argc == 6 && (inet_pton(AF_INET, argv[4], &ogrp) != 1 || parse_port(argv[5], &oport))))
		return -E_USAGE;
	msg = request(c, NLM_F_CREATE | NLM_F_EXCL, MCR_CMD_RULE_NEW);
	if (!msg)
		return -NLE_NOMEM;
	nla_put_string(msg, MCR_A_RULE_IIF, argv[0]);
	nla_put_u32(msg, MCR_A_RULE_GROUP, grp);
	nla_put_u16(msg, MCR_A_RULE_PORT, port);
	out = nla_nest_start(msg, MCR_A_RULE_OUTPUT | NLA_F_NESTED);
	nla_put_string(msg, MCR_A_OUTPUT_OIF, argv[3]);
	if (argc == 6) {
		nla_put_u32(msg, MCR_A_OUTPUT_GROUP, ogrp);
		nla_put_u16(msg, MCR_A_OUTPUT_PORT, oport);
	}
	nla_nest_end(msg, out);
	return talk(c, msg);
}

static int cmd_del(struct ctx *c, int argc, char **argv)
{
	unsigned long id = strtoul(argv[0], NULL, 10);
	struct nl_msg *msg;

	(void)argc;
	if (!id || id > UINT32_MAX)
		return -E_USAGE;
	msg = request(c, 0, MCR_CMD_RULE_DEL);
	if (msg)
		nla_put_u32(msg, MCR_A_RULE_ID, (uint32_t)id);
	return talk(c, msg);
}

/* Parts arrive until NLMSG_DONE; no ACK follows a dump. -NLE_DUMP_INTR
 * means the table changed meanwhile: a careful caller dumps again. */
static int cmd_dump(struct ctx *c, int argc, char **argv)
{
	struct nl_msg *msg = request(c, NLM_F_DUMP, MCR_CMD_RULE_GET);
	int rc = msg ? nl_send_auto(c->sk, msg) : -NLE_NOMEM;

	(void)argc, (void)argv;
	nlmsg_free(msg);
	return rc < 0 ? rc : nl_recvmsgs_default(c->sk);
}

/* Subscribing needs root. Events carry seq 0, hence no seq check. After
 * -NLE_NOMEM (ENOBUFS: events were lost) a real monitor dumps again. */
static int cmd_monitor(struct ctx *c, int argc, char **argv)
{
	int rc;

	(void)argc;
	c->events = strtol(argv[0], NULL, 10);
	if (c->events <= 0)
		return -E_USAGE;
	rc = c->grp < 0 ? c->grp : nl_socket_add_membership(c->sk, c->grp);
	nl_socket_disable_seq_check(c->sk);
	while (rc >= 0 && c->events > 0)
		rc = nl_recvmsgs_default(c->sk); /* gives up after 5 s of silence */
	return rc < 0 ? rc : 0;
}

static const struct {
	const char *name;
	int min_args, max_args;
	int (*run)(struct ctx *c, int argc, char **argv);
} cmds[] = {
    {"add", 4, 6, cmd_add},
    {"del", 1, 1, cmd_del},
    {"dump", 0, 0, cmd_dump},
    {"monitor", 1, 1, cmd_monitor},
};

static int setup(struct ctx *c)
{
	struct timeval tv = {.tv_sec = 5};
	int rc;

	c->sk = nl_socket_alloc();
	if (!c->sk)
		return -NLE_NOMEM;
	rc = nl_connect(c->sk, MCR_NETLINK_PROTO); /* NETLINK_USERSOCK */
	if (rc < 0)
		return rc;
	nl_socket_set_peer_port(c->sk, c->port);
	nl_socket_set_passcred(c->sk, 1); /* SCM_CREDENTIALS on every message */
	nl_socket_modify_cb(c->sk, NL_CB_MSG_IN, NL_CB_CUSTOM, check_sender, c);
	nl_socket_modify_cb(c->sk, NL_CB_VALID, NL_CB_CUSTOM, print_rule, c);
	nl_socket_modify_err_cb(c->sk, NL_CB_CUSTOM, on_error, c);
	/* libnl's 32 KiB buffers make big dumps crawl. Netlink between two
	 * processes never reports ENOBUFS, so only a timeout ends a wait. */
	nl_socket_set_buffer_size(c->sk, 1 << 20, 0);
	setsockopt(nl_socket_get_fd(c->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	c->family = genl_ctrl_resolve(c->sk, MCR_FAMILY_NAME); /* mcrd emulates nlctrl */
	if (c->family < 0) { /* libnl says "Object not found" for any failure */
		fprintf(stderr,
			c->rejected
			    ? "port 0x%x is held by an impostor\n"
			    : "no mcr family at port 0x%x: is mcrd running in this netns?\n",
			c->port);
		return c->family;
	}
	c->grp = genl_ctrl_resolve_grp(c->sk, MCR_FAMILY_NAME, MCR_MCGRP_EVENTS);
	printf("# family %s id 0x%x, group %s %d, port 0x%x\n", MCR_FAMILY_NAME, c->family,
	       MCR_MCGRP_EVENTS, c->grp, c->port);
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c = {
	    .port = env_ul("MCR_PORTID", env_ul("MCR_PORT_ID", MCR_PORT_ID)),
	    .uid = env_ul("MCR_DAEMON_UID", 0),
	};
	int rc = -E_USAGE;

	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) || argc - 2 < cmds[i].min_args ||
		    argc - 2 > cmds[i].max_args)
			continue;
		rc = setup(&c);
		if (!rc)
			rc = cmds[i].run(&c, argc - 2, argv + 2);
		break;
	}
	if (c.sk)
		nl_socket_free(c.sk);
	if (rc == -E_USAGE) {
		fprintf(stderr,
			"usage: %s { add IIF GROUP PORT OIF [OUTGROUP OUTPORT] |\n"
			"\tdump | del ID | monitor N }\n",
			argv[0]);
		return 1;
	}
	if (rc < 0 && !c.daemon_err)
		fprintf(stderr, "%s: %s\n", argv[0], nl_geterror(rc));
	return c.daemon_err ? 2 : rc < 0;
}
