/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A libmnl client of mcrd: opens a NETLINK_USERSOCK socket, resolves the
 * family through the daemon's nlctrl emulation, sends requests to the
 * daemon's port and accepts only replies that come from that port with the
 * daemon's uid (SCM_CREDENTIALS), since any local process may bind a port.
 * Used by mcr-nl and the tests.
 */
#ifndef MCR_NL_CLIENT_H
#define MCR_NL_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <libmnl/libmnl.h>

#define MCR_CLIENT_BUFSZ (64 * 1024)

struct mcr_client {
	struct mnl_socket *nl;
	uint32_t port;        /* daemon port (MCR_PORTID or MCR_PORT_ID) */
	uid_t daemon_uid;     /* expected sender uid (MCR_DAEMON_UID or 0) */
	uint32_t portid;      /* our own port */
	uint16_t family;      /* resolved family id */
	uint32_t events_grp;  /* resolved "events" group number */
	uint32_t seq;
	int timeout_ms;       /* per reply; default 5000 */
	unsigned int rejected; /* messages dropped by the sender check */
	char *buf;            /* MCR_CLIENT_BUFSZ bytes */
};

/* What came back for one request besides the data: the errno (0 on
 * success) and the extended-ack sentence, which on success is a warning. */
struct mcr_reply_status {
	int error;            /* 0 or negative errno */
	char msg[256];        /* extack message, "" when none */
	int32_t offset;       /* extack NLMSGERR_ATTR_OFFS, -1 when none */
	bool intr;            /* a dump part had NLM_F_DUMP_INTR */
};

/*
 * Opens the socket and resolves the family. Returns 0, or -ECONNREFUSED when
 * no daemon listens on the port (the caller prints "no mcrd is running"),
 * -ETIMEDOUT, -EPERM when the port's owner is not the daemon, or -errno.
 */
int mcr_client_open(struct mcr_client *c);
void mcr_client_close(struct mcr_client *c);

/* Starts a request in c->buf: nlmsghdr (family, flags | NLM_F_REQUEST,
 * next seq) and genlmsghdr (cmd, version). */
struct nlmsghdr *mcr_client_msg(struct mcr_client *c, uint8_t cmd,
				uint16_t flags);

/*
 * Sends @nlh and reads until its ACK, error or NLMSG_DONE, calling @cb for
 * every data message (genl payload validated by the callback). A request
 * without NLM_F_DUMP gets NLM_F_ACK, so that its end is known. Returns the
 * daemon's error (0 or -errno, also in st->error, which stays 0 for local
 * errors) or a local -errno: -ETIMEDOUT (c->rejected > 0 when something
 * that is not the daemon answered), -ECONNREFUSED, -EPROTO when a reply or
 * the callback failed.
 */
int mcr_client_talk(struct mcr_client *c, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *data, struct mcr_reply_status *st);

/* Sends one datagram of @len bytes (one request, or several for a batch,
 * each with its own seq) to the daemon's port. Returns 0, -ECONNREFUSED
 * when no daemon listens there, or -errno. */
int mcr_client_send(struct mcr_client *c, const void *buf, size_t len);

/*
 * Waits up to c->timeout_ms for the next datagram from the daemon and reads
 * it into c->buf; datagrams from another port or uid are dropped and
 * counted in c->rejected meanwhile. Returns its length, -ETIMEDOUT,
 * -EMSGSIZE when it was truncated, -EINTR when a signal came, or -errno.
 */
int mcr_client_recv(struct mcr_client *c);

/* Opens a second socket subscribed to the events group, for monitors.
 * Returns the fd or -errno (-EPERM for users who may not subscribe). */
int mcr_client_monitor_open(struct mcr_client *c);

/*
 * Reads one datagram from a monitor fd, checking the sender as for replies,
 * and calls @cb for each message of the family. Returns the callback's
 * result, 0 for messages dropped by the check, -ENOBUFS when the kernel
 * dropped events (resync with a dump), or -errno.
 */
int mcr_client_monitor_read(struct mcr_client *c, int fd, mnl_cb_t cb,
			    void *data);

/* Parses the extended ack of an NLMSG_ERROR or NLMSG_DONE into st. */
void mcr_client_parse_status(const struct nlmsghdr *nlh,
			     struct mcr_reply_status *st);

#endif
