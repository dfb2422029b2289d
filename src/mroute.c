// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's IPv4 multicast routing socket (mroute.h). Each function is
 * one setsockopt or ioctl; the only logic here is turning the kernel's
 * errors into the ones the header promises and mroute_open's sentences.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mroute.h"
#include "owner.h"

/* The steps of mroute_open, for the table of failure sentences. */
enum mroute_step {
	STEP_SOCKET,
	STEP_TABLE,
	STEP_INIT,
};

static const char *const step_names[] = {
    [STEP_SOCKET] = "socket(AF_INET, SOCK_RAW, IPPROTO_IGMP)",
    [STEP_TABLE] = "MRT_TABLE",
    [STEP_INIT] = "MRT_INIT",
};

/* What a failed step means to a person; %u is the table. Errors not listed
 * get the step's name and strerror. */
static const struct open_error {
	enum mroute_step step;
	int err;
	int ret; /* what mroute_open returns: both permission errors are -EPERM */
	const char *fmt;
} open_errors[] = {
    {STEP_SOCKET, EPERM, -EPERM,
     "multicast routing table %u: a raw IGMP socket needs CAP_NET_RAW (run as root)"},
    {STEP_SOCKET, EACCES, -EPERM,
     "multicast routing table %u: a raw IGMP socket needs CAP_NET_RAW (run as root)"},
    {STEP_TABLE, EPERM, -EPERM, "multicast routing table %u needs CAP_NET_ADMIN"},
    {STEP_TABLE, EACCES, -EPERM, "multicast routing table %u needs CAP_NET_ADMIN"},
    {STEP_TABLE, ENOPROTOOPT, -ENOPROTOOPT,
     "multicast routing table %u needs a kernel with CONFIG_IP_MROUTE_MULTIPLE_TABLES; "
     "only table 0 (the default) works here"},
    {STEP_TABLE, EINVAL, -EINVAL,
     "multicast routing table %u is out of range (the kernel takes ids below 1000000000)"},
    {STEP_INIT, EPERM, -EPERM, "multicast routing table %u needs CAP_NET_ADMIN"},
    {STEP_INIT, EACCES, -EPERM, "multicast routing table %u needs CAP_NET_ADMIN"},
    {STEP_INIT, ENOPROTOOPT, -ENOPROTOOPT,
     "multicast routing table %u: the kernel has no IPv4 multicast routing (CONFIG_IP_MROUTE)"},
};

static int sockopt(const struct mroute *m, int opt, const void *val, socklen_t len)
{
	return setsockopt(m->fd, IPPROTO_IP, opt, val, len) ? -errno : 0;
}

/* EADDRINUSE from MRT_INIT: some other socket holds the table. /proc does
 * not say which raw IGMP socket that is, so the sentence names the likeliest
 * (our own socket is closed by now and cannot be mistaken for it). */
static void in_use(uint32_t table, char *err, size_t errlen)
{
	char who[320];

	if (owner_raw(IPPROTO_IGMP, who, sizeof(who)) <= 0)
		snprintf(who, sizeof(who), "a socket whose owner is not visible here");
	snprintf(err, errlen, "multicast routing table %u is held by %s: %s", table, who,
		 "another multicast routing daemon?");
}

/* Closes the half-opened socket and says why it failed. Returns -errno. */
static int open_failed(struct mroute *m, enum mroute_step step, int ret, char *err, size_t errlen)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	if (step == STEP_INIT && ret == -EADDRINUSE) {
		in_use(m->table, err, errlen);
		return ret;
	}
	/* without CONFIG_IP_MROUTE every MRT_* option is unknown, MRT_TABLE too */
	if (step == STEP_TABLE && ret == -ENOPROTOOPT && access("/proc/net/ip_mr_vif", F_OK))
		step = STEP_INIT;
	for (size_t i = 0; i < sizeof(open_errors) / sizeof(open_errors[0]); i++) {
		const struct open_error *e = &open_errors[i];

		if (e->step == step && -e->err == ret) {
			snprintf(err, errlen, e->fmt, m->table);
			return e->ret;
		}
	}
	snprintf(err, errlen, "multicast routing table %u: %s: %s", m->table, step_names[step],
		 strerror(-ret));
	return ret;
}

int mroute_open(struct mroute *m, uint32_t table, char *err, size_t errlen)
{
	int one = 1, ret;

	*m = (struct mroute){.table = table};
	m->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IGMP);
	if (m->fd < 0)
		return open_failed(m, STEP_SOCKET, -errno, err, errlen);
	/* 0 is our name for the kernel's default table (RT_TABLE_DEFAULT), which
	 * a socket uses unless told otherwise; the table must be chosen before
	 * MRT_INIT, which binds the socket to it */
	if (table) {
		ret = sockopt(m, MRT_TABLE, &table, sizeof(table));
		if (ret)
			return open_failed(m, STEP_TABLE, ret, err, errlen);
	}
	ret = sockopt(m, MRT_INIT, &one, sizeof(one));
	if (ret)
		return open_failed(m, STEP_INIT, ret, err, errlen);
	/* MRT_PIM only adds WRONGVIF upcalls (and turns on asserts, which they
	 * need); without CONFIG_IP_PIMSM the kernel answers ENOPROTOOPT and
	 * forwards all the same, so a refusal is no failure */
	m->pim = !sockopt(m, MRT_PIM, &one, sizeof(one));
	return 0;
}

void mroute_close(struct mroute *m)
{
	int one = 1;

	if (m->fd < 0)
		return;
	/* close() alone releases the table only with the last reference to the
	 * socket; MRT_DONE releases it now, even if a forked child still has
	 * the descriptor */
	setsockopt(m->fd, IPPROTO_IP, MRT_DONE, &one, sizeof(one));
	close(m->fd);
	m->fd = -1;
	m->pim = false;
}

/* vifi_t is 16 bits wide: a larger @vifi would wrap to a valid slot. */
int mroute_vif_add(struct mroute *m, unsigned int vifi, int ifindex, uint8_t threshold)
{
	struct vifctl v = {
	    .vifc_vifi = (vifi_t)vifi,
	    .vifc_flags = VIFF_USE_IFINDEX,
	    .vifc_threshold = threshold,
	    .vifc_lcl_ifindex = ifindex,
	};

	if (vifi >= MROUTE_MAXVIFS)
		return -EINVAL;
	return sockopt(m, MRT_ADD_VIF, &v, sizeof(v));
}

int mroute_vif_del(struct mroute *m, unsigned int vifi)
{
	struct vifctl v = {.vifc_vifi = (vifi_t)vifi};

	if (vifi >= MROUTE_MAXVIFS)
		return -EINVAL;
	return sockopt(m, MRT_DEL_VIF, &v, sizeof(v));
}

int mroute_mfc_add(struct mroute *m, uint32_t src, uint32_t group, unsigned int iif,
		   const uint8_t ttls[MROUTE_MAXVIFS])
{
	struct mfcctl c = {
	    .mfcc_origin.s_addr = src,
	    .mfcc_mcastgrp.s_addr = group,
	    .mfcc_parent = (vifi_t)iif,
	};

	if (iif >= MROUTE_MAXVIFS)
		return -EINVAL;
	memcpy(c.mfcc_ttls, ttls, sizeof(c.mfcc_ttls));
	return sockopt(m, MRT_ADD_MFC, &c, sizeof(c));
}

/* MRT_DEL_MFC (not the _PROXY variant) matches (S,G) whatever its parent. */
int mroute_mfc_del(struct mroute *m, uint32_t src, uint32_t group)
{
	struct mfcctl c = {
	    .mfcc_origin.s_addr = src,
	    .mfcc_mcastgrp.s_addr = group,
	};

	return sockopt(m, MRT_DEL_MFC, &c, sizeof(c));
}

int mroute_sg_stats(const struct mroute *m, uint32_t src, uint32_t group,
		    struct mroute_sg_stats *st)
{
	struct sioc_sg_req r = {.src.s_addr = src, .grp.s_addr = group};

	if (ioctl(m->fd, SIOCGETSGCNT, &r))
		return -errno;
	*st = (struct mroute_sg_stats){
	    .packets = r.pktcnt,
	    .bytes = r.bytecnt,
	    .wrong_if = r.wrong_if,
	};
	return 0;
}

int mroute_vif_stats(const struct mroute *m, unsigned int vifi, struct mroute_vif_stats *st)
{
	struct sioc_vif_req r = {.vifi = (vifi_t)vifi};

	if (vifi >= MROUTE_MAXVIFS)
		return -EINVAL;
	/* the kernel says EINVAL above its highest VIF and EADDRNOTAVAIL for a
	 * hole below it; to the caller both are an empty slot */
	if (ioctl(m->fd, SIOCGETVIFCNT, &r))
		return errno == EINVAL ? -EADDRNOTAVAIL : -errno;
	*st = (struct mroute_vif_stats){
	    .in_packets = r.icount,
	    .out_packets = r.ocount,
	    .in_bytes = r.ibytes,
	    .out_bytes = r.obytes,
	};
	return 0;
}

int mroute_read(struct mroute *m, struct mroute_upcall *u)
{
	/* an upcall is an IP header (at most 60 bytes) and an IGMP header;
	 * longer messages (WHOLEPKT, real IGMP) are truncated, which is fine:
	 * only struct igmpmsg is looked at */
	union {
		struct igmpmsg msg;
		unsigned char buf[128];
	} b;
	ssize_t n = recv(m->fd, &b, sizeof(b), 0);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* upcalls reuse the IP header with its protocol byte (im_mbz) zeroed;
	 * IGMP packets the socket also receives have 2 there */
	if ((size_t)n < sizeof(b.msg) || b.msg.im_mbz)
		return 0;
	*u = (struct mroute_upcall){
	    .type = b.msg.im_msgtype,
	    .vif = b.msg.im_vif, /* im_vif_hi is 0: MAXVIFS is 32 */
	    .src = b.msg.im_src.s_addr,
	    .group = b.msg.im_dst.s_addr,
	};
	return 1;
}
