// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Interface facts by ioctl (iface.h). SIOCGIFADDR answers the first
 * address of the interface's list, which the kernel keeps primary-first:
 * the address a router would use as the source of what it originates.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <net/if_arp.h>
#include <netinet/in.h>

#include "iface.h"

static int ask(int fd, unsigned long req, const char *name, struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

/* ENODEV (and ENXIO from some paths) mean the interface is gone. */
static bool vanished(int err)
{
	return err == -ENODEV || err == -ENXIO;
}

static int read_link(int fd, const char *name, struct iface *out)
{
	struct ifreq ifr;
	int ret;

	ret = ask(fd, SIOCGIFINDEX, name, &ifr);
	if (ret)
		return ret;
	out->ifindex = ifr.ifr_ifindex;
	ret = ask(fd, SIOCGIFFLAGS, name, &ifr);
	if (ret)
		return ret;
	out->up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	ret = ask(fd, SIOCGIFMTU, name, &ifr);
	if (ret)
		return ret;
	out->mtu = ifr.ifr_mtu > 0 ? (uint32_t)ifr.ifr_mtu : 0;
	ret = ask(fd, SIOCGIFHWADDR, name, &ifr);
	if (ret)
		return ret;
	out->ethernet = ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER;
	memcpy(out->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

static int read_addr(int fd, const char *name, struct iface *out)
{
	struct ifreq ifr;
	int ret = ask(fd, SIOCGIFADDR, name, &ifr);

	if (ret == -EADDRNOTAVAIL)
		return 0; /* no IPv4 address: addr stays 0 */
	if (ret)
		return ret;
	out->addr = ((const struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
	return 0;
}

int iface_query(int fd, const char *name, struct iface *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	ret = read_link(fd, name, out);
	if (!ret)
		ret = read_addr(fd, name, out);
	if (vanished(ret)) {
		memset(out, 0, sizeof(*out));
		snprintf(out->name, sizeof(out->name), "%s", name);
		return 0;
	}
	return ret;
}
