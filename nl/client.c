// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libmnl client of mcrd (client.h).
 *
 * Over NETLINK_USERSOCK any local process may bind any port id, so the
 * client trusts nothing for its source: every datagram must come from the
 * daemon's port (msg_name.nl_pid) and carry the daemon's uid in
 * SCM_CREDENTIALS, or it is dropped. That is also why it cannot use
 * mnl_socket_sendto (it always addresses port 0, where USERSOCK has no
 * socket) or mnl_socket_recvfrom (it discards the credentials).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "client.h"
#include "nlrecv.h"
#include "mcr/mcr_genl.h"

#define CLIENT_TIMEOUT_MS 5000
#define CLIENT_RCVBUF (1 << 20)

/* ---- environment --------------------------------------------------------- */

/* A u32 in decimal or 0x hexadecimal, as strtoul base 0 reads it. */
static int parse_env_u32(const char *name, uint32_t *v)
{
	const char *s = getenv(name);
	unsigned long long x;
	char *end;

	if (!s || !*s)
		return 0;
	if (*s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

/* ---- socket ---------------------------------------------------------------- */

static void set_rcvbuf(int fd)
{
	int size = CLIENT_RCVBUF;

	/* Only root may pass rmem_max; everybody else gets what SO_RCVBUF
	 * allows, which is still enough for a window of ACKs. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int set_passcred(int fd)
{
	int one = 1;

	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ? -errno : 0;
}

int mcr_client_send(struct mcr_client *c, const void *buf, size_t len)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_pid = c->port};
	int fd = mnl_socket_get_fd(c->nl);

	while (sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/*
 * One recvmsg into @buf. Returns the length of a datagram that passed the
 * sender check, 0 for one that was dropped (counted), or -errno.
 */
static ssize_t recv_checked(struct mcr_client *c, int fd, void *buf, size_t size, int flags)
{
	struct nl_datagram d;
	ssize_t n = mcr_nl_recv(fd, buf, size, flags, &d);

	if (n < 0)
		return n;
	if (d.from.nl_pid != c->port || !d.has_cred || d.cred.uid != c->daemon_uid) {
		c->rejected++;
		return 0;
	}
	if (d.truncated)
		return -EMSGSIZE;
	return n;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int mcr_client_recv(struct mcr_client *c)
{
	int fd = mnl_socket_get_fd(c->nl);
	int64_t deadline = now_ms() + c->timeout_ms;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		ssize_t n;
		int ret;

		if (left <= 0)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, (int)left);
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIMEDOUT;
		n = recv_checked(c, fd, c->buf, MCR_CLIENT_BUFSZ, MSG_DONTWAIT);
		if (n == -EAGAIN)
			continue;
		if (n != 0)
			return (int)n;
		/* A rejected datagram does not move the deadline: an impostor
		 * that keeps talking must not keep us waiting forever. */
	}
}

/* ---- replies ------------------------------------------------------------- */

static void put_msg(struct mcr_reply_status *st, const char *s, size_t len)
{
	if (len >= sizeof(st->msg))
		len = sizeof(st->msg) - 1;
	memcpy(st->msg, s, len);
	st->msg[len] = '\0';
}

/* The extack TLVs in [p, p+len): a NUL-terminated message and an offset. */
static void parse_tlvs(const char *p, size_t len, struct mcr_reply_status *st)
{
	const char *end = p + len;

	while ((size_t)(end - p) >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		const char *data = p + NLA_HDRLEN;
		size_t alen;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > (size_t)(end - p))
			return;
		alen = a->nla_len - NLA_HDRLEN;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (alen && memchr(data, '\0', alen))
				put_msg(st, data, strlen(data));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (alen == sizeof(uint32_t)) {
				uint32_t off;

				memcpy(&off, data, sizeof(off));
				st->offset = off > INT32_MAX ? -1 : (int32_t)off;
			}
			break;
		}
		if ((size_t)NLA_ALIGN(a->nla_len) >= (size_t)(end - p))
			return;
		p += NLA_ALIGN(a->nla_len);
	}
}

static int errno_of(int32_t e)
{
	/* The protocol says negative; a positive errno is read the same way
	 * rather than mistaken for success. */
	return e > 0 ? -e : e;
}

void mcr_client_parse_status(const struct nlmsghdr *nlh, struct mcr_reply_status *st)
{
	const char *base = (const char *)nlh;
	size_t len = nlh->nlmsg_len, tlv;
	int32_t err;

	st->error = 0;
	st->msg[0] = '\0';
	st->offset = -1;
	if (len < NLMSG_HDRLEN + sizeof(err)) {
		st->error = -EPROTO;
		return;
	}
	memcpy(&err, base + NLMSG_HDRLEN, sizeof(err));
	st->error = errno_of(err);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	tlv = NLMSG_HDRLEN + sizeof(err);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsghdr *echo = (const struct nlmsghdr *)(base + tlv);

		/* The echoed request: its header only when capped, else whole. */
		if (len < tlv + NLMSG_HDRLEN)
			return;
		if (nlh->nlmsg_flags & NLM_F_CAPPED)
			tlv += NLMSG_HDRLEN;
		else
			tlv += NLMSG_ALIGN(echo->nlmsg_len);
	}
	if (tlv < len)
		parse_tlvs(base + tlv, len - tlv, st);
}

/* What one request is waiting for. */
struct talk {
	uint32_t seq;
	uint16_t type;
	mnl_cb_t cb;
	void *data;
	struct mcr_reply_status *st;
	int cb_err;
};

/* Handles the messages of one datagram. Returns 1 when the answer ended,
 * 0 when more is to come. */
static int talk_datagram(struct talk *t, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		/* A late answer to an earlier request that timed out. */
		if (nlh->nlmsg_seq != t->seq)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			t->st->intr = true;
		if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
			bool intr = t->st->intr;

			mcr_client_parse_status(nlh, t->st);
			t->st->intr = intr;
			return 1;
		}
		if (nlh->nlmsg_type != t->type || t->cb_err || !t->cb)
			continue;
		errno = 0;
		if (t->cb(nlh, t->data) < MNL_CB_STOP)
			t->cb_err = errno ? -errno : -EPROTO;
	}
	return 0;
}

int mcr_client_talk(struct mcr_client *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		    struct mcr_reply_status *st)
{
	struct mcr_reply_status local;
	struct talk t = {.cb = cb, .data = data, .st = st ? st : &local};
	int ret;

	memset(t.st, 0, sizeof(*t.st));
	t.st->offset = -1;
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	t.seq = nlh->nlmsg_seq;
	t.type = nlh->nlmsg_type;
	ret = mcr_client_send(c, nlh, nlh->nlmsg_len);
	if (ret)
		return ret;
	do {
		ret = mcr_client_recv(c);
		if (ret < 0) {
			t.st->error = 0;
			return ret;
		}
	} while (!talk_datagram(&t, c->buf, (size_t)ret));
	if (t.st->error)
		return t.st->error;
	return t.cb_err;
}

struct nlmsghdr *mcr_client_msg(struct mcr_client *c, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = c->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;
	g->cmd = cmd;
	g->version = MCR_FAMILY_VERSION;
	return nlh;
}

/* ---- family resolution ------------------------------------------------------ */

struct resolve {
	bool found;
	uint16_t family;
	uint32_t grp;
};

/* Keeps the attributes it knows after checking their type; skips others,
 * as a newer daemon may send more. */
static int ctrl_attr_cb(const struct nlattr *a, void *data)
{
	static const enum mnl_attr_data_type types[CTRL_ATTR_MAX + 1] = {
	    [CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16,
	    [CTRL_ATTR_FAMILY_NAME] = MNL_TYPE_NUL_STRING,
	    [CTRL_ATTR_MCAST_GROUPS] = MNL_TYPE_NESTED,
	};
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, CTRL_ATTR_MAX) < 0 || types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, types[type]) < 0)
		return MNL_CB_ERROR;
	tb[type] = a;
	return MNL_CB_OK;
}

static int grp_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, CTRL_ATTR_MCAST_GRP_MAX) < 0)
		return MNL_CB_OK;
	if (type == CTRL_ATTR_MCAST_GRP_ID && mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	if (type == CTRL_ATTR_MCAST_GRP_NAME && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	tb[type] = a;
	return MNL_CB_OK;
}

static int find_events_grp(const struct nlattr *groups, struct resolve *r)
{
	const struct nlattr *pos;

	mnl_attr_for_each_nested (pos, groups) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = {0};

		if (mnl_attr_parse_nested(pos, grp_attr_cb, tb) < 0)
			return MNL_CB_ERROR;
		if (tb[CTRL_ATTR_MCAST_GRP_ID] && tb[CTRL_ATTR_MCAST_GRP_NAME] &&
		    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), MCR_MCGRP_EVENTS))
			r->grp = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {0};
	struct resolve *r = data;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return MNL_CB_ERROR;
	if (mnl_attr_parse(nlh, GENL_HDRLEN, ctrl_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	if (!tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), MCR_FAMILY_NAME))
		return MNL_CB_OK;
	r->found = true;
	r->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		return find_events_grp(tb[CTRL_ATTR_MCAST_GROUPS], r);
	return MNL_CB_OK;
}

static int resolve_family(struct mcr_client *c)
{
	struct resolve r = {.grp = MCR_MCGRP_EVENTS_ID};
	struct mcr_reply_status st;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int ret;

	nlh = mnl_nlmsg_put_header(c->buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++c->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MCR_FAMILY_NAME);
	ret = mcr_client_talk(c, nlh, family_cb, &r, &st);
	if (ret == -EOPNOTSUPP && st.error) {
		/* A daemon without nlctrl: the documented constants. */
		c->family = MCR_FAMILY_ID;
		c->events_grp = MCR_MCGRP_EVENTS_ID;
		return 0;
	}
	if (ret == -ETIMEDOUT && c->rejected)
		return -EPERM;
	if (ret)
		return ret;
	if (!r.found)
		return -ENOENT;
	c->family = r.family;
	c->events_grp = r.grp;
	return 0;
}

/* ---- open and close ---------------------------------------------------------- */

int mcr_client_open(struct mcr_client *c)
{
	uint32_t port = MCR_PORT_ID, uid = 0;
	int timeout = c->timeout_ms, ret;

	memset(c, 0, sizeof(*c));
	c->timeout_ms = timeout > 0 ? timeout : CLIENT_TIMEOUT_MS;
	if (parse_env_u32("MCR_PORTID", &port) || parse_env_u32("MCR_DAEMON_UID", &uid) ||
	    port == 0)
		return -EINVAL;
	c->port = port;
	c->daemon_uid = (uid_t)uid;
	c->family = MCR_FAMILY_ID;
	c->events_grp = MCR_MCGRP_EVENTS_ID;
	c->buf = malloc(MCR_CLIENT_BUFSZ);
	if (!c->buf)
		return -ENOMEM;
	c->nl = mnl_socket_open(NETLINK_USERSOCK);
	if (!c->nl) {
		ret = -errno;
		goto fail;
	}
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = set_passcred(mnl_socket_get_fd(c->nl));
	if (ret)
		goto fail;
	set_rcvbuf(mnl_socket_get_fd(c->nl));
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	ret = resolve_family(c);
	if (!ret)
		return 0;
fail:
	mcr_client_close(c);
	return ret;
}

void mcr_client_close(struct mcr_client *c)
{
	if (c->nl)
		mnl_socket_close(c->nl);
	c->nl = NULL;
	free(c->buf);
	c->buf = NULL;
}

/* ---- monitors ----------------------------------------------------------------- */

int mcr_client_monitor_open(struct mcr_client *c)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	int fd, grp = (int)c->events_grp, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	ret = set_passcred(fd);
	if (ret) {
		errno = -ret;
		goto fail;
	}
	set_rcvbuf(fd);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		goto fail;
	return fd;
fail:
	ret = -errno;
	close(fd);
	return ret;
}

int mcr_client_monitor_read(struct mcr_client *c, int fd, mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int left, ret = MNL_CB_OK;

	n = recv_checked(c, fd, c->buf, MCR_CLIENT_BUFSZ, MSG_DONTWAIT);
	if (n <= 0)
		return (int)n;
	nlh = (const struct nlmsghdr *)c->buf;
	left = (int)n;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		/* Only mcr messages: the groups of USERSOCK are shared by
		 * every program in the namespace. */
		if (nlh->nlmsg_type != c->family)
			continue;
		ret = cb(nlh, data);
		if (ret <= MNL_CB_STOP)
			break;
	}
	return ret;
}
