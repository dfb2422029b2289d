/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the data plane needs to know of one interface, asked of the kernel
 * when a forwarding table is built. rtnetlink events only say "something
 * changed, rebuild"; the build then reads the current truth with a few
 * ioctls per interface, so no mirror of the kernel's interface list can go
 * stale.
 */
#ifndef MCRD_IFACE_H
#define MCRD_IFACE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/if_ether.h>

struct iface {
	char name[IFNAMSIZ];
	int ifindex;	       /* 0: the interface does not exist */
	uint32_t mtu;	       /* largest IP datagram it sends */
	uint32_t addr;	       /* primary IPv4 address, network order; 0: none */
	uint8_t mac[ETH_ALEN]; /* its hardware address */
	bool up;	       /* administratively up and running (carrier) */
	bool ethernet;	       /* ARPHRD_ETHER: the only link type forwarded */
};

/*
 * Fills *out for the interface called @name, using @fd (any AF_INET
 * socket) for the ioctls. An interface that does not exist gives 0 with
 * out->ifindex == 0; one that vanishes while it is read gives the same.
 * Returns 0 or -errno for other failures.
 */
int iface_query(int fd, const char *name, struct iface *out);

#endif
