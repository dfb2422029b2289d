/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds a NETLINK_USERSOCK port id: the socket's inode from
 * /proc/net/netlink (this network namespace's), then the process with
 * that socket among /proc/PID/fd. For the EADDRINUSE message at start. The
 * same for raw IPv4 sockets (the multicast routing socket).
 */
#ifndef MCRD_OWNER_H
#define MCRD_OWNER_H

#include <stddef.h>
#include <stdint.h>

/* Writes "port 0x5fc00000 is held by pid N (uid U): CMDLINE" into @buf, or
 * a sentence saying what could not be found. Returns the pid, or -errno. */
int owner_describe(uint32_t port, char *buf, size_t len);

/* The same for a raw IPv4 socket of @protocol in this network namespace
 * (/proc/net/raw): writes "pid N (CMDLINE)" of a process holding one (the
 * lowest pid of those sharing it), preferring other processes to this one.
 * Returns the pid, -ENOENT when no such socket is listed, -ESRCH when none
 * belongs to a visible process. */
int owner_raw(unsigned int protocol, char *buf, size_t len);

#endif
