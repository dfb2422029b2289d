// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The membership pool (mcgroup.h). The pool keeps the wanted set sorted,
 * each entry either joined on one helper socket or waiting for a retry, so
 * a sync is a merge of two sorted lists: leaves first (they free room),
 * then joins. Memberships are never moved between sockets to pack them:
 * a move is a leave and a join, which the contract forbids for a kept
 * entry, so sockets may end up partly filled after many syncs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpf.h"
#include "log.h"
#include "mcgroup.h"

#define MCGROUP_SYSCTL "/proc/sys/net/ipv4/igmp_max_memberships"
#define MCGROUP_DEFAULT_MAX 20

struct mcgroup_entry {
	struct mcgroup_membership m;
	int fd;	 /* the helper socket that holds it; -1 while not joined */
	int err; /* while not joined: the last join error (0: not tried), logged when it changes */
};

struct mcgroup_sock {
	int fd;
	unsigned int used;
	unsigned int cap; /* per_socket, or lower once the kernel said ENOBUFS */
};

/* ---- the kernel calls ------------------------------------------------ */

static int set_int(int fd, int opt, int val)
{
	return setsockopt(fd, IPPROTO_IP, opt, &val, sizeof(val)) ? -errno : 0;
}

static int sys_open(void *arg)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err;

	(void)arg;
	if (fd < 0)
		return -errno;
	/*
	 * Never bound, the socket receives nothing today; the filter and
	 * IP_MULTICAST_ALL=0 keep it that way should it ever get a port (a
	 * send autobinds), so thousands of groups cannot fill its queue.
	 */
	err = bpf_attach_drop_all(fd);
	if (!err)
		err = set_int(fd, IP_MULTICAST_ALL, 0);
	if (!err)
		err = set_int(fd, IP_MULTICAST_LOOP, 0);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* setsockopt option names by [source-specific][join]. */
static const int member_opt[2][2] = {
    {IP_DROP_MEMBERSHIP, IP_ADD_MEMBERSHIP},
    {MCAST_LEAVE_SOURCE_GROUP, MCAST_JOIN_SOURCE_GROUP},
};

static void sin_set(struct sockaddr_storage *ss, uint32_t addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
}

static int sys_member(int fd, const struct mcgroup_membership *m, bool join)
{
	struct group_source_req gsr = {.gsr_interface = (uint32_t)m->ifindex};
	struct ip_mreqn mr = {.imr_multiaddr.s_addr = m->group, .imr_ifindex = m->ifindex};
	int opt = member_opt[m->src != 0][join];
	int rc;

	if (m->src) {
		sin_set(&gsr.gsr_group, m->group);
		sin_set(&gsr.gsr_source, m->src);
		rc = setsockopt(fd, IPPROTO_IP, opt, &gsr, sizeof(gsr));
	} else {
		rc = setsockopt(fd, IPPROTO_IP, opt, &mr, sizeof(mr));
	}
	return rc ? -errno : 0;
}

static int sys_join(void *arg, int fd, const struct mcgroup_membership *m)
{
	(void)arg;
	return sys_member(fd, m, true);
}

static int sys_leave(void *arg, int fd, const struct mcgroup_membership *m)
{
	struct mcgroup_membership any = *m;
	int err = sys_member(fd, m, false);

	(void)arg;
	if (err != -ENODEV || !m->src)
		return err;
	/*
	 * A source leave needs the device; once it is gone the kernel says
	 * ENODEV but keeps the group on the socket, where it still counts
	 * against igmp_max_memberships, and a join of it after the index
	 * comes back fails with EADDRNOTAVAIL. The group leave works without
	 * the device, and a socket holds one source per group, so it drops
	 * exactly this membership.
	 */
	any.src = 0;
	return sys_member(fd, &any, false);
}

static void sys_close(void *arg, int fd)
{
	(void)arg;
	close(fd);
}

static const struct mcgroup_ops sys_ops = {
    .open = sys_open,
    .join = sys_join,
    .leave = sys_leave,
    .close = sys_close,
};

/* ---- pool ------------------------------------------------------------ */

static unsigned int read_max_memberships(void)
{
	FILE *f = fopen(MCGROUP_SYSCTL, "re");
	int v = 0;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	/* 0 would allow nothing; let the kernel say so with ENOBUFS instead */
	return v > 0 ? (unsigned int)v : MCGROUP_DEFAULT_MAX;
}

int mcgroup_init_ops(struct mcgroup_pool *p, const struct mcgroup_ops *ops, void *arg,
		     unsigned int per_socket)
{
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->ops_arg = arg;
	p->per_socket = per_socket ? per_socket : read_max_memberships();
	return 0;
}

int mcgroup_init(struct mcgroup_pool *p)
{
	return mcgroup_init_ops(p, &sys_ops, NULL, 0);
}

size_t mcgroup_held(const struct mcgroup_pool *p)
{
	return p->n_held;
}

size_t mcgroup_sockets(const struct mcgroup_pool *p)
{
	return p->n_socks;
}

static int cmp_membership(const void *a, const void *b)
{
	const struct mcgroup_membership *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->group != y->group)
		return ntohl(x->group) < ntohl(y->group) ? -1 : 1;
	if (x->src != y->src)
		return ntohl(x->src) < ntohl(y->src) ? -1 : 1;
	return 0;
}

static bool same_group(const struct mcgroup_entry *a, const struct mcgroup_entry *b)
{
	return a->m.ifindex == b->m.ifindex && a->m.group == b->m.group;
}

/* "group G source S on ifindex N (name)" for the log. */
static const char *describe(const struct mcgroup_membership *m, char *buf, size_t len)
{
	char grp[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN], name[IF_NAMESIZE];

	inet_ntop(AF_INET, &m->group, grp, sizeof(grp));
	inet_ntop(AF_INET, &m->src, src, sizeof(src));
	if (!if_indextoname((unsigned int)m->ifindex, name))
		snprintf(name, sizeof(name), "gone");
	snprintf(buf, len, "group %s source %s on ifindex %d (%s)", grp, m->src ? src : "any",
		 m->ifindex, name);
	return buf;
}

static struct mcgroup_sock *sock_find(struct mcgroup_pool *p, int fd)
{
	for (size_t k = 0; k < p->n_socks; k++)
		if (p->socks[k].fd == fd)
			return &p->socks[k];
	return NULL;
}

/* A new empty socket at the end of the array: its index, or -errno. */
static int sock_open(struct mcgroup_pool *p)
{
	int fd;

	if (p->n_socks == p->cap_socks) {
		size_t cap = p->cap_socks ? 2 * p->cap_socks : 8;
		struct mcgroup_sock *s = reallocarray(p->socks, cap, sizeof(*s));

		if (!s)
			return -ENOMEM;
		p->socks = s;
		p->cap_socks = cap;
	}
	fd = p->ops->open(p->ops_arg);
	if (fd < 0)
		return fd;
	p->socks[p->n_socks] = (struct mcgroup_sock){.fd = fd, .cap = p->per_socket};
	return (int)p->n_socks++;
}

/* Keeps the order of the rest, so first-fit stays oldest-first. */
static void close_empty(struct mcgroup_pool *p)
{
	size_t k = 0;

	while (k < p->n_socks) {
		if (p->socks[k].used) {
			k++;
			continue;
		}
		p->ops->close(p->ops_arg, p->socks[k].fd);
		p->n_socks--;
		memmove(&p->socks[k], &p->socks[k + 1], (p->n_socks - k) * sizeof(p->socks[0]));
	}
}

/* Whether socket @fd holds another membership of ent[j]'s (ifindex, group);
 * those are ent[j]'s neighbours in the sorted array. */
static bool group_on_sock(const struct mcgroup_entry *ent, size_t n, size_t j, int fd)
{
	for (size_t i = j; i-- > 0 && same_group(&ent[i], &ent[j]);)
		if (ent[i].fd == fd)
			return true;
	for (size_t i = j + 1; i < n && same_group(&ent[i], &ent[j]); i++)
		if (ent[i].fd == fd)
			return true;
	return false;
}

/*
 * First fit: the oldest socket with room that holds nothing of the group,
 * else a new one. The kernel cannot hold an any-source and a source-specific
 * join of one group on one socket, and two sources of one group on one
 * socket would share its source filter, so one socket never holds two
 * memberships of one (ifindex, group). Returns the index or -errno.
 */
static int pick_sock(struct mcgroup_pool *p, const struct mcgroup_entry *ent, size_t n, size_t j)
{
	for (size_t k = 0; k < p->n_socks; k++) {
		const struct mcgroup_sock *s = &p->socks[k];

		if (s->used < s->cap && !group_on_sock(ent, n, j, s->fd))
			return (int)k;
	}
	return sock_open(p);
}

static void join_failed(struct mcgroup_pool *p, struct mcgroup_entry *e, int err)
{
	char buf[128];

	p->stats.join_errors++;
	if (e->err != err)
		log_warn("cannot join %s: %s", describe(&e->m, buf, sizeof(buf)), strerror(-err));
	else
		log_debug("still cannot join %s: %s", describe(&e->m, buf, sizeof(buf)),
			  strerror(-err));
	e->err = err;
}

static void join_done(struct mcgroup_pool *p, struct mcgroup_entry *e, struct mcgroup_sock *s)
{
	char buf[128];

	if (e->err)
		log_info("joined %s after all", describe(&e->m, buf, sizeof(buf)));
	s->used++;
	e->fd = s->fd;
	e->err = 0;
	p->stats.joins++;
}

/*
 * Joins ent[j]. ENOBUFS from a socket that holds something means the
 * kernel's limit for it is lower than per_socket (the sysctl was lowered
 * or option memory ran out): that socket is full at what it holds, and the
 * next one is tried. Each such answer fills one socket and only a new,
 * empty socket is tried last, so the loop ends.
 */
static void join_one(struct mcgroup_pool *p, struct mcgroup_entry *ent, size_t n, size_t j)
{
	struct mcgroup_entry *e = &ent[j];
	struct mcgroup_sock *s;
	int k, err;

	for (;;) {
		k = pick_sock(p, ent, n, j);
		if (k < 0) {
			err = k;
			break;
		}
		s = &p->socks[k];
		err = p->ops->join(p->ops_arg, s->fd, &e->m);
		if (!err) {
			join_done(p, e, s);
			return;
		}
		if (err != -ENOBUFS || !s->used)
			break;
		s->cap = s->used;
	}
	join_failed(p, e, err);
}

/* The interface or the membership is gone already: nothing is left to do,
 * and the owner learns of vanished interfaces elsewhere. */
static bool leave_gone(int err)
{
	return err == -ENODEV || err == -EADDRNOTAVAIL || err == -EINVAL;
}

static void leave_one(struct mcgroup_pool *p, struct mcgroup_entry *e)
{
	struct mcgroup_sock *s = sock_find(p, e->fd);
	int err = p->ops->leave(p->ops_arg, e->fd, &e->m);
	char buf[128];

	if (!err)
		p->stats.leaves++;
	else if (leave_gone(err))
		log_debug("%s was gone already: %s", describe(&e->m, buf, sizeof(buf)),
			  strerror(-err));
	else
		log_warn("cannot leave %s: %s", describe(&e->m, buf, sizeof(buf)), strerror(-err));
	/* forgotten in any case: the socket's slot is counted free, and a
	 * membership the kernel kept after all shows up as ENOBUFS later */
	if (s)
		s->used--;
	e->fd = -1;
}

/* @want sorted, without duplicates, none joined yet; NULL for none. */
static int want_prepare(const struct mcgroup_membership *want, size_t *n,
			struct mcgroup_entry **out)
{
	struct mcgroup_entry *e;
	size_t k = 0;

	*out = NULL;
	if (!*n)
		return 0;
	e = reallocarray(NULL, *n, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++)
		e[i] = (struct mcgroup_entry){.m = want[i], .fd = -1};
	qsort(e, *n, sizeof(*e), cmp_membership);
	for (size_t i = 0; i < *n; i++)
		if (!k || cmp_membership(&e[k - 1].m, &e[i].m))
			e[k++] = e[i];
	*n = k;
	*out = e;
	return 0;
}

/* Leaves what @next does not want and carries the state of what it keeps. */
static void merge(struct mcgroup_pool *p, struct mcgroup_entry *next, size_t n)
{
	size_t i = 0, j = 0;

	while (i < p->n) {
		int c = j < n ? cmp_membership(&p->ent[i].m, &next[j].m) : -1;

		if (c < 0) {
			if (p->ent[i].fd >= 0)
				leave_one(p, &p->ent[i]);
			i++;
		} else if (c > 0) {
			j++;
		} else {
			next[j].fd = p->ent[i].fd;
			next[j].err = p->ent[i].err;
			i++;
			j++;
		}
	}
}

static void apply(struct mcgroup_pool *p, struct mcgroup_entry *next, size_t n);

/*
 * Cuts @next (sorted) down to a step of at most @budget leaves and
 * @budget joins away from the held set: leaves beyond the budget stay
 * wanted for now, joins beyond it are left out. Returns whether anything
 * was held back.
 */
static bool limit_step(const struct mcgroup_pool *p, struct mcgroup_entry *next, size_t *n,
		       size_t budget, struct mcgroup_entry *step, size_t *n_step)
{
	size_t i = 0, j = 0, k = 0, leaves = 0, joins = 0;
	bool held_back = false;

	while (i < p->n || j < *n) {
		int c = i >= p->n ? 1 : j >= *n ? -1 : cmp_membership(&p->ent[i].m, &next[j].m);

		if (c == 0) {
			step[k++] = next[j++];
			i++;
		} else if (c < 0) {
			/* not wanted any more: leave it now, or keep it a step longer */
			if (leaves++ >= budget) {
				step[k++] = (struct mcgroup_entry){.m = p->ent[i].m, .fd = -1};
				held_back = true;
			}
			i++;
		} else {
			if (joins++ < budget)
				step[k++] = next[j];
			else
				held_back = true;
			j++;
		}
	}
	*n_step = k;
	return held_back;
}

int mcgroup_sync_some(struct mcgroup_pool *p, const struct mcgroup_membership *want, size_t n,
		      size_t budget)
{
	struct mcgroup_entry *next, *step;
	size_t n_step;
	bool more;
	int err = want_prepare(want, &n, &next);

	if (err)
		return err;
	step = reallocarray(NULL, n + p->n + 1, sizeof(*step));
	if (!step) {
		free(next);
		return -ENOMEM;
	}
	more = limit_step(p, next, &n, budget, step, &n_step);
	free(next);
	apply(p, step, n_step);
	return more;
}

int mcgroup_sync(struct mcgroup_pool *p, const struct mcgroup_membership *want, size_t n)
{
	int ret = mcgroup_sync_some(p, want, n, SIZE_MAX);

	return ret < 0 ? ret : 0;
}

/* Makes the held set equal to @next (sorted, unique), which it takes. */
static void apply(struct mcgroup_pool *p, struct mcgroup_entry *next, size_t n)
{
	size_t held = 0;

	merge(p, next, n);
	for (size_t j = 0; j < n; j++) {
		if (next[j].fd < 0)
			join_one(p, next, n, j);
		held += next[j].fd >= 0;
	}
	close_empty(p);
	free(p->ent);
	p->ent = next;
	p->n = p->cap = n;
	p->n_held = held;
}

void mcgroup_exit(struct mcgroup_pool *p)
{
	if (!p->ops)
		return;
	/* explicit leaves rather than close alone: counted, and the same path
	 * as every other leave */
	mcgroup_sync(p, NULL, 0);
	free(p->ent);
	p->ent = NULL;
	p->n = p->cap = 0;
	free(p->socks);
	p->socks = NULL;
	p->cap_socks = 0;
}
