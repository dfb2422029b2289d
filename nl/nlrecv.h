/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Receiving one netlink datagram with what the kernel vouches for: the
 * sender's address (msg_name) and its SCM_CREDENTIALS. Both sides of the
 * protocol need exactly this (the daemon to authorize, a client to check
 * that a reply comes from the daemon), and neither may trust anything the
 * message itself says about its sender.
 */
#ifndef MCR_NL_NLRECV_H
#define MCR_NL_NLRECV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <linux/netlink.h>

struct nl_datagram {
	struct sockaddr_nl from; /* zeroed when the kernel gave no address */
	struct ucred cred;	 /* valid when has_cred */
	bool has_cred;
	bool truncated; /* longer than the buffer (MSG_TRUNC) */
};

/*
 * One recvmsg of @fd into [buf, buf + size) with @flags; the socket needs
 * SO_PASSCRED for credentials. Returns the datagram's length (the part that
 * fit) and fills *d, or -errno.
 */
ssize_t mcr_nl_recv(int fd, void *buf, size_t size, int flags, struct nl_datagram *d);

#endif
