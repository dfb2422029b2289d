/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NETLINK_USERSOCK transport of the genl server: a socket bound to the
 * daemon's fixed port id, receiving with SCM_CREDENTIALS and sending
 * without ever blocking (research/control-transport.md sections 1-5, 8).
 */
#ifndef MCRD_USERSOCK_H
#define MCRD_USERSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "genl.h"
#include "loop.h"

/* Datagrams read per wakeup, so that timers and other sockets still run
 * while a flood arrives. */
#define USERSOCK_BURST 64
/*
 * The receive queue is served in order, so its size is how long a client
 * may wait behind a flood: 8 MiB held about 10,000 requests, 200 ms of
 * work (tests/perf/bench_abuse.sh, ports-nowait). A client that sends
 * without MSG_DONTWAIT, as mcr-nl and libnl do, waits in the kernel for
 * room instead of being refused, so a short queue loses it nothing.
 */
#define USERSOCK_RCVBUF (256 << 10)

struct mcrd;

struct usersock {
	int fd;
	uint32_t port;
	struct genl_transport tr;
	struct loop_watch w;
	unsigned char *buf; /* GENL_RX_MAX bytes */
};

/*
 * Opens the socket of @d on d->opt.port and watches it in @loop. On
 * failure returns -errno with a sentence in @err; for EADDRINUSE the
 * sentence names the process that holds the port.
 */
int usersock_open(struct mcrd *d, struct loop *loop, char *err, size_t errlen);
void usersock_close(struct mcrd *d, struct loop *loop);

/* Reads and handles up to USERSOCK_BURST datagrams (the watch's callback). */
void usersock_read(struct mcrd *d);

#endif
