/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A thin layer over the kernel's IPv4 multicast routing socket: one
 * function per MRT operation, errors as -errno, no policy. What to put in
 * the kernel is decided above (kroute.c); this file only says it.
 *
 * The socket is a raw IGMP socket on which MRT_INIT was set; only one may
 * exist per routing table and network namespace. When it is closed (also
 * when the process dies) the kernel removes every VIF and MFC entry it
 * made, so a crash leaves nothing behind.
 */
#ifndef MCRD_MROUTE_H
#define MCRD_MROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h> /* before <linux/mroute.h>, whose <linux/in.h> would clash with it */
#include <linux/mroute.h>

#define MROUTE_MAXVIFS MAXVIFS /* 32: the kernel's fixed VIF table size */

struct mroute {
	int fd;		/* -1 when closed */
	uint32_t table; /* MRT_TABLE id; 0 = the default table (RT_TABLE_DEFAULT) */
	bool pim;	/* MRT_PIM is on: the kernel reports IGMPMSG_WRONGVIF */
};

/* Kernel counters of one (S,G) entry (SIOCGETSGCNT). */
struct mroute_sg_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t wrong_if;
};

/* Kernel counters of one VIF (SIOCGETVIFCNT). */
struct mroute_vif_stats {
	uint64_t in_packets, out_packets;
	uint64_t in_bytes, out_bytes;
};

/* An upcall the kernel sent on the socket. */
struct mroute_upcall {
	uint8_t type; /* IGMPMSG_NOCACHE, IGMPMSG_WRONGVIF, IGMPMSG_WHOLEPKT, ... */
	uint8_t vif;  /* the VIF the packet arrived on */
	uint32_t src; /* network order */
	uint32_t group;
};

/*
 * Opens the socket and takes table @table (0: the default table; any other
 * id needs CONFIG_IP_MROUTE_MULTIPLE_TABLES and sets MRT_TABLE before
 * MRT_INIT). Turns MRT_PIM on when the kernel allows it (for WRONGVIF
 * upcalls; m->pim says whether it did). Returns 0, or -errno with a sentence
 * in @err (m->fd is then -1): -EADDRINUSE says another multicast routing
 * daemon holds this table and names it when /proc lets us find the owner of
 * such a socket; -EPERM says CAP_NET_RAW or CAP_NET_ADMIN is needed (the
 * kernel's EACCES is reported as -EPERM too); -ENOPROTOOPT that the kernel
 * has no multicast routing (CONFIG_IP_MROUTE) or no multiple tables;
 * -EINVAL that @table is out of the kernel's range (>= 1000000000).
 */
int mroute_open(struct mroute *m, uint32_t table, char *err, size_t errlen);

/* MRT_DONE and close: the kernel drops every VIF and entry of the socket.
 * Safe on a closed struct (fd -1). */
void mroute_close(struct mroute *m);

/* A VIF @vifi (0..31) for interface @ifindex (VIFF_USE_IFINDEX) with TTL
 * threshold @threshold. Returns 0 or -errno (-EADDRINUSE: slot taken;
 * -EADDRNOTAVAIL: no such interface; -EINVAL: @vifi >= MROUTE_MAXVIFS).
 * mroute_vif_del: -EADDRNOTAVAIL when slot @vifi is empty. */
int mroute_vif_add(struct mroute *m, unsigned int vifi, int ifindex, uint8_t threshold);
int mroute_vif_del(struct mroute *m, unsigned int vifi);

/*
 * Adds or replaces the (S,G) entry: packets of @src to @group arriving on
 * VIF @iif leave on every VIF v with ttls[v] != 0 (the TTL threshold; 1 is
 * "any packet whose TTL survives the decrement"; 255 counts as 0, and VIFs
 * that do not exist are ignored). All ttls zero makes a stop entry: the
 * kernel drops such packets and stops asking. Replacing keeps the entry's
 * counters. Returns 0 or -errno (-EINVAL: @group not multicast or @iif >=
 * MROUTE_MAXVIFS). mroute_mfc_del: -ENOENT when there is no such entry.
 */
int mroute_mfc_add(struct mroute *m, uint32_t src, uint32_t group, unsigned int iif,
		   const uint8_t ttls[MROUTE_MAXVIFS]);
int mroute_mfc_del(struct mroute *m, uint32_t src, uint32_t group);

/* Counters of an entry or a VIF, from the socket's own table. Returns 0 or
 * -errno (-EADDRNOTAVAIL: no such entry or VIF; -EINVAL: @vifi >=
 * MROUTE_MAXVIFS). */
int mroute_sg_stats(const struct mroute *m, uint32_t src, uint32_t group,
		    struct mroute_sg_stats *st);
int mroute_vif_stats(const struct mroute *m, unsigned int vifi, struct mroute_vif_stats *st);

/*
 * Reads one message from the (non-blocking) socket. Returns 1 and fills *u
 * for an upcall, 0 for anything else (an IGMP packet: ignored), -EAGAIN
 * when nothing is queued, or -errno.
 */
int mroute_read(struct mroute *m, struct mroute_upcall *u);

#endif
