/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface changes: an rtnetlink socket subscribed to RTMGRP_LINK. Any
 * link message (or a lost one: ENOBUFS) is only a wake-up to recompute
 * which rules are pending, as smcroute does; nothing is parsed.
 */
#ifndef MCRD_LINK_H
#define MCRD_LINK_H

#include "loop.h"

struct mnl_socket;
struct mcrd;

/* Link messages read per wakeup at most. */
#define LINK_BURST 256

struct link_mon {
	struct mnl_socket *nl;
	struct loop_watch w;
};

/* Opens the socket and watches it in @loop. Returns 0 or -errno. */
int link_open(struct mcrd *d, struct loop *loop);
void link_close(struct mcrd *d, struct loop *loop);

/* Drains the socket and refreshes the pending rules if a link changed
 * (the watch's callback). */
void link_read(struct mcrd *d);

#endif
