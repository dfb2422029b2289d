/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Group memberships of the input interfaces: the IGMP joins that make the
 * upstream router (and the interface's multicast filter) deliver the groups
 * that rules forward.
 *
 * The kernel limits the memberships of one socket to
 * net.ipv4.igmp_max_memberships (20 by default), the limit that broke the
 * Rust MCR at 20-40 groups. The pool therefore spreads joins over as many
 * helper sockets as needed, each holding at most that many, so thousands of
 * groups work without touching sysctls. A helper socket is a UDP socket
 * that is never bound and carries a drop-all BPF filter: it exists only to
 * own memberships.
 *
 * A membership is (ifindex, group, source): source 0 is an any-source join
 * (IP_ADD_MEMBERSHIP with the ifindex), a unicast source a source-specific
 * join (MCAST_JOIN_SOURCE_GROUP). Several source-specific joins of one
 * (ifindex, group), or one any-source and some source-specific ones, live on
 * different sockets, because the kernel refuses to mix them on one socket.
 * When the kernel answers ENOBUFS before a socket holds per_socket
 * memberships (the sysctl was lowered, or socket option memory ran out),
 * that socket's capacity is lowered to what it holds and the join moves on.
 *
 * The owner describes what it wants with mcgroup_sync(); the pool joins what
 * is missing and leaves what is no longer wanted, touching nothing else, so
 * a membership that stays wanted is never left and rejoined.
 */
#ifndef MCRD_MCGROUP_H
#define MCRD_MCGROUP_H

#include <stddef.h>
#include <stdint.h>

struct mcgroup_membership {
	int ifindex;
	uint32_t group; /* network order */
	uint32_t src;	/* network order; 0 = any source */
};

struct mcgroup_counters {
	uint64_t joins;	      /* successful joins */
	uint64_t leaves;      /* successful leaves */
	uint64_t join_errors; /* joins the kernel refused (the entry stays wanted) */
};

struct mcgroup_entry; /* private */
struct mcgroup_sock;  /* private */

/*
 * The kernel calls of the pool, a seam for unit tests (mcgroup_init uses
 * the real ones). open returns a new helper socket or -errno; join and
 * leave return 0 or -errno as setsockopt would (-ENOBUFS: the socket is
 * full; -ENODEV, -EADDRNOTAVAIL, -EINVAL on leave: the interface or the
 * membership is gone already).
 */
struct mcgroup_ops {
	int (*open)(void *arg);
	int (*join)(void *arg, int fd, const struct mcgroup_membership *m);
	int (*leave)(void *arg, int fd, const struct mcgroup_membership *m);
	void (*close)(void *arg, int fd);
};

struct mcgroup_pool {
	struct mcgroup_entry *ent; /* wanted memberships, sorted by (ifindex, group, src);
				    * joined or waiting for a retry */
	size_t n, cap;
	size_t n_held; /* entries that are joined */
	struct mcgroup_sock *socks;
	size_t n_socks, cap_socks;
	unsigned int per_socket; /* igmp_max_memberships, read at init */
	struct mcgroup_counters stats;
	const struct mcgroup_ops *ops;
	void *ops_arg;
};

/* An empty pool; reads /proc/sys/net/ipv4/igmp_max_memberships (20 when it
 * cannot be read). Returns 0 or -errno. No socket is opened yet. */
int mcgroup_init(struct mcgroup_pool *p);

/* mcgroup_init with other kernel calls (tests): @ops with @arg, and
 * @per_socket memberships per socket (0: read the sysctl). */
int mcgroup_init_ops(struct mcgroup_pool *p, const struct mcgroup_ops *ops, void *arg,
		     unsigned int per_socket);

/* Leaves every membership and closes every socket; the pool is empty and
 * can be synced again. */
void mcgroup_exit(struct mcgroup_pool *p);

/*
 * Makes the held set equal to @want (@n entries, any order, duplicates
 * allowed). Joins the missing ones, leaves the extra ones; a wanted entry
 * that is already held is not touched. A join the kernel refuses is logged
 * once (again only when the error changes), counted in join_errors and
 * retried at every later sync while it stays wanted; an interface that no
 * longer exists makes no error on leave. Returns 0, or -ENOMEM when @want
 * cannot be stored, and then nothing changed.
 */
int mcgroup_sync(struct mcgroup_pool *p, const struct mcgroup_membership *want, size_t n);

/*
 * One step of mcgroup_sync towards @want: at most @budget leaves and
 * @budget joins (retries of wanted entries not counted), so that a change
 * of thousands of groups does not hold the caller up for seconds (the
 * kernel walks a list per interface on every join and leave). Returns 1
 * when more steps are needed, 0 when the held set is @want, or -ENOMEM.
 */
int mcgroup_sync_some(struct mcgroup_pool *p, const struct mcgroup_membership *want, size_t n,
		      size_t budget);

/* Memberships held (joined), and helper sockets open. */
size_t mcgroup_held(const struct mcgroup_pool *p);
size_t mcgroup_sockets(const struct mcgroup_pool *p);

#endif
