/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Readiness for a service manager, without libsystemd: when NOTIFY_SOCKET
 * names an AF_UNIX datagram socket (a path, or '@' for an abstract name),
 * mcrd tells it READY=1, RELOADING=1 and STOPPING=1 with a STATUS= line.
 *
 * The socket is connected at notify_open, before privileges go: a socket
 * that only root may write to keeps working under --user.
 */
#ifndef MCRD_NOTIFY_H
#define MCRD_NOTIFY_H

struct notify {
	int fd; /* -1: no service manager asked */
};

/* Connects to $NOTIFY_SOCKET when set. 0 when unset; -errno (and
 * n->fd == -1) when it is set but unusable: mcrd runs on without. */
int notify_open(struct notify *n);
void notify_close(struct notify *n);

/* The daemon is up (or back from a reload): READY=1 and STATUS=@status. */
int notify_ready(struct notify *n, const char *status);
/* A reload starts: RELOADING=1 with MONOTONIC_USEC=, as the notify-reload
 * protocol asks. */
int notify_reloading(struct notify *n);
int notify_stopping(struct notify *n);

#endif
