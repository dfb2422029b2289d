/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The classic BPF prefilter of the workers' RX sockets. It runs in the
 * kernel for every frame of an input interface, before the frame is copied
 * into a ring, so that ARP, TCP, IPv6, unicast and the frames mcr itself
 * sends never reach user space.
 *
 * A frame passes (whole: the program returns 0xffffffff) only when all of
 * these hold, otherwise it is dropped (returns 0):
 * - it is on the socket's own interface (SKF_AD_IFINDEX): a socket bound
 *   to a device and one protocol is also offered what that device handed
 *   to an upper device, such as a VLAN interface over it, with the tag
 *   already cleared;
 * - it was not sent by this host (packet type is not PACKET_OUTGOING);
 * - it is not PACKET_OTHERHOST: addressed to another host's MAC, or
 *   tagged for a VLAN that has no interface here (the kernel clears the
 *   tag before a socket bound to ETH_P_IP sees the frame, so only this
 *   mark is left of it);
 * - it carries no VLAN tag in the metadata (a VLAN is its own interface);
 * - its EtherType is IPv4 (0x0800) and the IP version nibble is 4;
 * - the IP protocol is UDP (17);
 * - the destination is in 224.0.0.0/4;
 * - when a group list is given (1..BPF_MAX_GROUPS distinct groups), the
 *   destination is one of them; with no list, or a longer one, every group
 *   passes and the worker's lookup decides.
 * Offsets are from the Ethernet header, as an AF_PACKET SOCK_RAW socket
 * sees frames. Fragments are not filtered here: the fanout group
 * reassembles them first (PACKET_FANOUT_FLAG_DEFRAG).
 */
#ifndef MCRD_BPF_H
#define MCRD_BPF_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

/* Longest group list compiled into the program; a jeq per group. */
#define BPF_MAX_GROUPS 32

/* Room for the longest program bpf_build writes (it needs BPF_MAX_GROUPS + 19). */
#define BPF_PROG_MAX (BPF_MAX_GROUPS + 24)

/*
 * Writes the program for a socket on interface @ifindex and @n groups
 * (network order; duplicates allowed and not counted against
 * BPF_MAX_GROUPS) into @prog, which has room for @cap instructions.
 * Returns the instruction count, or -ENOSPC when @cap is too small. Pure.
 */
int bpf_build(const uint32_t *groups_be, size_t n, int ifindex, struct sock_filter *prog,
	      size_t cap);

/* Attaches (or atomically replaces) the program on socket @fd
 * (SO_ATTACH_FILTER). Returns 0 or -errno. */
int bpf_attach(int fd, const struct sock_filter *prog, size_t len);

/* Attaches a program that drops everything (for sockets that must never
 * receive, such as the group-membership helpers). Returns 0 or -errno. */
int bpf_attach_drop_all(int fd);

#endif
