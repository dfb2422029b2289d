// SPDX-License-Identifier: GPL-2.0-or-later
/* One netlink datagram with its sender's address and credentials (nlrecv.h). */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "nlrecv.h"

static const struct ucred *find_creds(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred)))
			return (const struct ucred *)CMSG_DATA(c);
	return NULL;
}

ssize_t mcr_nl_recv(int fd, void *buf, size_t size, int flags, struct nl_datagram *d)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr msg = {
	    .msg_name = &d->from,
	    .msg_namelen = sizeof(d->from),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = ctl.buf,
	    .msg_controllen = sizeof(ctl.buf),
	};
	const struct ucred *cred;
	ssize_t n;

	memset(d, 0, sizeof(*d));
	n = recvmsg(fd, &msg, flags);
	if (n < 0)
		return -errno;
	if (msg.msg_namelen < sizeof(d->from) || d->from.nl_family != AF_NETLINK)
		memset(&d->from, 0, sizeof(d->from));
	cred = find_creds(&msg);
	if (cred) {
		d->cred = *cred;
		d->has_cred = true;
	}
	d->truncated = msg.msg_flags & MSG_TRUNC;
	return n;
}
