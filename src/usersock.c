// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NETLINK_USERSOCK transport (usersock.h). The peer's identity comes only
 * from the kernel: its port from msg_name and its uid and gid from
 * SCM_CREDENTIALS. The nlmsg_pid field and the pid in the credentials can
 * both be made up by the sender and are never looked at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "log.h"
#include "nlrecv.h"
#include "mcrd.h"
#include "owner.h"

static int us_send(void *arg, uint32_t port, const void *buf, size_t len)
{
	const struct usersock *u = arg;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_pid = port};

	while (sendto(u->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EINTR)
			continue;
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
	return 0;
}

static int us_send_group(void *arg, unsigned int group, const void *buf, size_t len)
{
	const struct usersock *u = arg;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1u << (group - 1)};

	if (group < 1 || group > 32)
		return -EINVAL;
	while (sendto(u->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EINTR)
			continue;
		return -errno;
	}
	return 0;
}

static void readable(void *arg, uint32_t events)
{
	(void)events;
	usersock_read(arg);
}

/* USERSOCK_RCVBUF (usersock.h) says why this size; only root may force
 * it past rmem_max. */
static void set_rcvbuf(int fd)
{
	int size = USERSOCK_RCVBUF;

	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)))
		log_warn("SO_RCVBUF: %s", strerror(errno));
}

static int bind_port(struct usersock *u, char *err, size_t errlen)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_pid = u->port};
	char owner[384];
	int ret;

	if (!bind(u->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 0;
	ret = -errno;
	if (ret == -EADDRINUSE) {
		owner_describe(u->port, owner, sizeof(owner));
		snprintf(err, errlen, "cannot listen on NETLINK_USERSOCK: %s", owner);
	} else {
		snprintf(err, errlen, "bind NETLINK_USERSOCK port 0x%08x: %s", u->port,
			 strerror(-ret));
	}
	return ret;
}

int usersock_open(struct mcrd *d, struct loop *loop, char *err, size_t errlen)
{
	struct usersock *u = &d->us;
	int one = 1, ret;

	memset(u, 0, sizeof(*u));
	u->port = d->opt.port;
	u->w.fd = -1;
	u->tr = (struct genl_transport){
	    .name = "usersock",
	    .send = us_send,
	    .send_group = us_send_group,
	    .arg = u,
	};
	u->buf = malloc(GENL_RX_MAX);
	u->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_USERSOCK);
	if (!u->buf || u->fd < 0) {
		ret = u->buf ? -errno : -ENOMEM;
		snprintf(err, errlen, "NETLINK_USERSOCK socket: %s", strerror(-ret));
		goto fail;
	}
	if (setsockopt(u->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one))) {
		ret = -errno;
		snprintf(err, errlen, "SO_PASSCRED: %s", strerror(-ret));
		goto fail;
	}
	set_rcvbuf(u->fd);
	ret = bind_port(u, err, errlen);
	if (ret)
		goto fail;
	ret = loop ? loop_watch_add(loop, &u->w, u->fd, readable, d) : 0;
	if (!ret)
		return 0;
	snprintf(err, errlen, "epoll: %s", strerror(-ret));
fail:
	usersock_close(d, NULL);
	return ret;
}

void usersock_close(struct mcrd *d, struct loop *loop)
{
	struct usersock *u = &d->us;

	if (loop && u->w.fd >= 0)
		loop_watch_del(loop, &u->w);
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	u->w.fd = -1;
	free(u->buf);
	u->buf = NULL;
}

/* Checks what the kernel says about a datagram's sender; false drops it. */
static bool acceptable(struct mcrd *d, const struct nl_datagram *dg, ssize_t n)
{
	const struct sockaddr_nl *sa = &dg->from;
	const char *why = NULL;

	if (sa->nl_groups)
		why = "sent to a multicast group";
	else if (!dg->has_cred)
		why = "without credentials";
	else if (sa->nl_pid == d->us.port)
		why = "from our own port";
	if (!why)
		return true;
	d->stats.malformed++;
	log_debug("port %u: datagram of %zd bytes %s dropped", sa->nl_pid, n, why);
	return false;
}

/* One datagram: 0, or -EAGAIN when the queue is empty, or -errno. */
static int read_one(struct mcrd *d)
{
	struct nl_datagram dg;
	struct genl_peer peer;
	ssize_t n = mcr_nl_recv(d->us.fd, d->us.buf, GENL_RX_MAX, MSG_DONTWAIT, &dg);

	if (n < 0)
		return n == -EWOULDBLOCK ? -EAGAIN : (int)n;
	if (!acceptable(d, &dg, n))
		return 0;
	peer = (struct genl_peer){
	    .tr = &d->us.tr, .port = dg.from.nl_pid, .uid = dg.cred.uid, .gid = dg.cred.gid};
	if (dg.truncated)
		genl_input_truncated(d, &peer, d->us.buf, (size_t)n);
	else
		genl_input(d, &peer, d->us.buf, (size_t)n);
	return 0;
}

void usersock_read(struct mcrd *d)
{
	for (int i = 0; i < USERSOCK_BURST; i++) {
		int ret = read_one(d);

		if (ret == -EAGAIN)
			return;
		if (ret == -EINTR)
			continue;
		if (ret == -ENOBUFS) {
			/* Our queue overflowed: requests were lost, clients
			 * time out and retry. */
			log_warn("NETLINK_USERSOCK receive queue overflowed; requests were lost");
			continue;
		}
		if (ret) {
			log_err("recvmsg: %s", strerror(-ret));
			return;
		}
	}
}
