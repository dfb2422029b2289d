// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The workers' classic BPF prefilter (see bpf.h).
 *
 * The program is written through a tiny emitter: conditional jumps name
 * their targets symbolically (next instruction, drop, accept) and are
 * patched into offsets once the two final return instructions are placed,
 * so no offset is ever counted by hand. The emitter keeps counting past
 * @cap without writing, which gives the exact size for the -ENOSPC check.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "bpf.h"

/* jt/jf are 8 bits: every target must stay within 255 instructions. */
_Static_assert(BPF_PROG_MAX <= 256, "BPF_PROG_MAX exceeds the reach of a conditional jump");

#define ETH_OFF_TYPE 12u
#define IP_OFF_VER (ETH_HLEN + 0u)
#define IP_OFF_PROTO (ETH_HLEN + 9u)
#define IP_OFF_DADDR (ETH_HLEN + 16u)

#define MCAST_LOW 0xe0000000u  /* 224.0.0.0 */
#define MCAST_HIGH 0xf0000000u /* 240.0.0.0, first address past 224/4 */

#define RET_ACCEPT 0xffffffffu /* the whole frame */
#define RET_DROP 0u

/*
 * Symbolic jump targets, stored in jt/jf until bpf_patch() resolves them.
 * BPF_TO_NEXT is 0 on purpose: it is already the right offset.
 */
enum bpf_target { BPF_TO_NEXT = 0, BPF_TO_DROP, BPF_TO_ACCEPT };

struct bpf_emit {
	struct sock_filter *prog;
	size_t cap;
	size_t len; /* may exceed cap: then nothing past cap was written */
};

static void bpf_put(struct bpf_emit *e, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (e->len < e->cap)
		e->prog[e->len] = (struct sock_filter){code, jt, jf, k};
	e->len++;
}

static void bpf_ld(struct bpf_emit *e, uint16_t size, uint32_t k)
{
	bpf_put(e, BPF_LD | size | BPF_ABS, 0, 0, k);
}

static void bpf_jmp(struct bpf_emit *e, uint16_t op, uint32_t k, enum bpf_target jt,
		    enum bpf_target jf)
{
	bpf_put(e, BPF_JMP | op | BPF_K, (uint8_t)jt, (uint8_t)jf, k);
}

/* Turns symbolic targets into offsets, once drop and accept are placed. */
static void bpf_patch_one(uint8_t *off, size_t pc, size_t drop, size_t accept)
{
	if (*off == BPF_TO_DROP)
		*off = (uint8_t)(drop - pc - 1);
	else if (*off == BPF_TO_ACCEPT)
		*off = (uint8_t)(accept - pc - 1);
}

static void bpf_patch(struct bpf_emit *e, size_t drop, size_t accept)
{
	size_t pc;

	for (pc = 0; pc < e->len; pc++) {
		struct sock_filter *f = &e->prog[pc];

		if (BPF_CLASS(f->code) != BPF_JMP || BPF_OP(f->code) == BPF_JA)
			continue;
		bpf_patch_one(&f->jt, pc, drop, accept);
		bpf_patch_one(&f->jf, pc, drop, accept);
	}
}

/*
 * Collects the distinct groups (host order) into @out, stopping at
 * BPF_MAX_GROUPS + 1: more than that means "no list" anyway, and stopping
 * keeps a list of thousands at O(n * BPF_MAX_GROUPS).
 */
static size_t bpf_unique(const uint32_t *groups_be, size_t n, uint32_t *out)
{
	size_t i, j, m = 0;

	for (i = 0; i < n && m <= BPF_MAX_GROUPS; i++) {
		uint32_t g = ntohl(groups_be[i]);

		for (j = 0; j < m && out[j] != g; j++)
			;
		if (j == m)
			out[m++] = g;
	}
	return m;
}

/*
 * Everything up to and including "destination in 224.0.0.0/4". The VLAN test
 * reads metadata because the kernel moves a received tag out of the frame
 * before packet sockets see it (the bytes at 12 then say IPv4). For a
 * socket bound to one protocol, as ours are (ETH_P_IP), the kernel has
 * also cleared that metadata again when no VLAN interface took the frame,
 * and marked it PACKET_OTHERHOST instead: that test is what keeps such a
 * frame out (and ip_rcv() drops OTHERHOST frames just the same). When a
 * VLAN interface did take the frame, the kernel still offers it to the
 * sockets bound to the device below, untagged and as MULTICAST: only the
 * device it is now on (SKF_AD_IFINDEX, the VLAN interface) tells. The range
 * test uses two jge so the destination stays in A for the group chain that
 * follows; @last is where a multicast destination goes next.
 */
static void bpf_emit_prefix(struct bpf_emit *e, int ifindex, enum bpf_target last)
{
	bpf_ld(e, BPF_W, (uint32_t)(SKF_AD_OFF + SKF_AD_IFINDEX));
	bpf_jmp(e, BPF_JEQ, (uint32_t)ifindex, BPF_TO_NEXT, BPF_TO_DROP);
	bpf_ld(e, BPF_W, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE));
	bpf_jmp(e, BPF_JEQ, PACKET_OUTGOING, BPF_TO_DROP, BPF_TO_NEXT);
	bpf_jmp(e, BPF_JEQ, PACKET_OTHERHOST, BPF_TO_DROP, BPF_TO_NEXT);
	bpf_ld(e, BPF_W, (uint32_t)(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT));
	bpf_jmp(e, BPF_JEQ, 0, BPF_TO_NEXT, BPF_TO_DROP);
	bpf_ld(e, BPF_H, ETH_OFF_TYPE);
	bpf_jmp(e, BPF_JEQ, ETH_P_IP, BPF_TO_NEXT, BPF_TO_DROP);
	bpf_ld(e, BPF_B, IP_OFF_VER);
	bpf_put(e, BPF_ALU | BPF_AND | BPF_K, 0, 0, 0xf0);
	bpf_jmp(e, BPF_JEQ, 0x40, BPF_TO_NEXT, BPF_TO_DROP);
	bpf_ld(e, BPF_B, IP_OFF_PROTO);
	bpf_jmp(e, BPF_JEQ, IPPROTO_UDP, BPF_TO_NEXT, BPF_TO_DROP);
	bpf_ld(e, BPF_W, IP_OFF_DADDR);
	bpf_jmp(e, BPF_JGE, MCAST_LOW, BPF_TO_NEXT, BPF_TO_DROP);
	bpf_jmp(e, BPF_JGE, MCAST_HIGH, BPF_TO_DROP, last);
}

int bpf_build(const uint32_t *groups_be, size_t n, int ifindex, struct sock_filter *prog,
	      size_t cap)
{
	struct bpf_emit e = {.prog = prog, .cap = cap};
	uint32_t uniq[BPF_MAX_GROUPS + 1];
	size_t m = groups_be ? bpf_unique(groups_be, n, uniq) : 0;
	size_t i, drop;

	if (m > BPF_MAX_GROUPS)
		m = 0;
	/* Without a list, a multicast destination is accepted right away. */
	bpf_emit_prefix(&e, ifindex, m ? BPF_TO_NEXT : BPF_TO_ACCEPT);
	for (i = 0; i < m; i++)
		bpf_jmp(&e, BPF_JEQ, uniq[i], BPF_TO_ACCEPT, BPF_TO_NEXT);
	drop = e.len;
	bpf_put(&e, BPF_RET | BPF_K, 0, 0, RET_DROP);
	bpf_put(&e, BPF_RET | BPF_K, 0, 0, RET_ACCEPT);
	if (e.len > cap)
		return -ENOSPC;
	bpf_patch(&e, drop, drop + 1);
	return (int)e.len;
}

int bpf_attach(int fd, const struct sock_filter *prog, size_t len)
{
	/* The kernel copies the program; it never writes through filter. */
	struct sock_fprog fp = {
	    .len = (unsigned short)len,
	    .filter = (struct sock_filter *)prog,
	};

	if (!len || len > USHRT_MAX)
		return -EINVAL;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0)
		return -errno;
	return 0;
}

int bpf_attach_drop_all(int fd)
{
	static const struct sock_filter drop[] = {
	    {BPF_RET | BPF_K, 0, 0, RET_DROP},
	};

	return bpf_attach(fd, drop, 1);
}
