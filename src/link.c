// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Interface changes (link.h). Reading drains everything that is queued
 * before one refresh: a burst of link events costs one walk of the table.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "mcrd.h"

static void readable(void *arg, uint32_t events)
{
	(void)events;
	link_read(arg);
}

int link_open(struct mcrd *d, struct loop *loop)
{
	struct link_mon *m = &d->link;
	int ret;

	m->w.fd = -1;
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->nl)
		return -errno;
	if (mnl_socket_bind(m->nl, RTMGRP_LINK | RTMGRP_IPV4_IFADDR, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = loop_watch_add(loop, &m->w, mnl_socket_get_fd(m->nl), readable, d);
	if (!ret)
		return 0;
fail:
	mnl_socket_close(m->nl);
	m->nl = NULL;
	return ret;
}

void link_close(struct mcrd *d, struct loop *loop)
{
	struct link_mon *m = &d->link;

	if (!m->nl)
		return;
	if (loop && m->w.fd >= 0)
		loop_watch_del(loop, &m->w);
	mnl_socket_close(m->nl);
	m->nl = NULL;
}

/* Links and IPv4 addresses: an output's source address is its
 * interface's primary address. */
static bool has_link_msg(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		switch (nlh->nlmsg_type) {
		case RTM_NEWLINK:
		case RTM_DELLINK:
		case RTM_NEWADDR:
		case RTM_DELADDR:
			return true;
		}
	return false;
}

void link_read(struct mcrd *d)
{
	unsigned char buf[32768]; /* a link message is 1-2 KiB */
	bool changed = false;

	for (int i = 0; i < LINK_BURST; i++) {
		ssize_t n = mnl_socket_recvfrom(d->link.nl, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == ENOBUFS || errno == ENOSPC)) {
			changed = true; /* events were lost: look at everything */
			continue;
		}
		if (n < 0) {
			if (errno != EAGAIN)
				log_err("rtnetlink: %s", strerror(errno));
			break;
		}
		changed |= has_link_msg(buf, (size_t)n);
	}
	if (changed) {
		unsigned int before = d->rules.n_pending;

		dp_mark_dirty(d);
		rules_refresh_pending(&d->rules);
		if (before != d->rules.n_pending)
			log_info("interfaces changed: %u of %zu rules pending", d->rules.n_pending,
				 d->rules.n);
	}
}
