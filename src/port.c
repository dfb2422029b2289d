// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet sockets of the data plane (port.h). The RX set-up order matters
 * (research/dataplane-measurements.md): protocol 0 at socket() so nothing
 * is queued before the filter is on, then filter and ring, then bind with
 * ETH_P_IP, and only a bound socket may join a fanout group.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>

#include "bpf.h"
#include "port.h"
#include "rewrite.h"

const char *const egress_names[EGRESS__MAX] = {
	[EGRESS_URING] = "uring",
	[EGRESS_MMSG] = "mmsg",
	[EGRESS_RING] = "ring",
};

/* Egress sockets get this much send buffer, so that a burst for one output
 * is not refused while veth or the qdisc catch up. */
#define TX_SNDBUF (4u << 20)
/* Slots of a TX ring (EGRESS_RING): 4096, fewer for jumbo frames, so that
 * a ring stays within 8 MiB. */
#define TX_RING_FRAMES 4096u
#define TX_RING_BYTES (8u << 20)

static int sockopt(int fd, int level, int name, const void *v, socklen_t len)
{
	return setsockopt(fd, level, name, v, len) < 0 ? -errno : 0;
}

static int bind_ifindex(int fd, int ifindex, uint16_t proto)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifindex,
	};

	return bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ? -errno : 0;
}

/* ---- RX ------------------------------------------------------------------ */

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted, without duplicates, into a new array (NULL and 0 for none). */
static int unique_groups(const uint32_t *in, size_t n, uint32_t **out, size_t *n_out)
{
	uint32_t *g = NULL;
	size_t k = 0;

	if (n) {
		g = malloc(n * sizeof(*g));
		if (!g)
			return -ENOMEM;
		memcpy(g, in, n * sizeof(*g));
		qsort(g, n, sizeof(*g), compare_u32);
		for (size_t i = 0; i < n; i++)
			if (!k || g[k - 1] != g[i])
				g[k++] = g[i];
	}
	*out = g;
	*n_out = k;
	return 0;
}

static int attach_filter(int fd, int ifindex, const uint32_t *groups, size_t n)
{
	struct sock_filter prog[BPF_PROG_MAX];
	int len = bpf_build(groups, n, ifindex, prog, BPF_PROG_MAX);

	return len < 0 ? len : bpf_attach(fd, prog, (size_t)len);
}

static int rx_ring_map(struct rx_ring *r, const struct rx_cfg *cfg)
{
	int v = TPACKET_V3, ret;
	struct tpacket_req3 req = {
		.tp_block_size = cfg->block_size,
		.tp_block_nr = cfg->n_blocks,
		.tp_frame_size = 2048,
		.tp_frame_nr = cfg->block_size / 2048 * cfg->n_blocks,
		.tp_retire_blk_tov = cfg->block_tov_ms,
	};

	ret = sockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v));
	if (!ret)
		ret = sockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req));
	if (ret)
		return ret;
	r->block_size = cfg->block_size;
	r->n_blocks = cfg->n_blocks;
	r->map_len = (size_t)cfg->block_size * cfg->n_blocks;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -errno;
	}
	return 0;
}

static int rx_ring_open(struct rx_ring *r, int ifindex, const struct rx_cfg *cfg,
			const uint32_t *groups, size_t n_groups)
{
	int ret;

	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->fd < 0)
		return -errno;
	ret = attach_filter(r->fd, ifindex, groups, n_groups);
	if (!ret)
		ret = rx_ring_map(r, cfg);
	if (!ret)
		ret = bind_ifindex(r->fd, ifindex, ETH_P_IP);
	return ret;
}

static void rx_ring_close(struct rx_ring *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	r->map = NULL;
	r->fd = -1;
}

/* Joins socket @fd to the port's group; the first one creates it with an
 * id the kernel guarantees unused in this namespace. */
static int fanout_join(struct rx_port *p, int fd, bool first, uint32_t mode)
{
	uint32_t flags = mode | PACKET_FANOUT_FLAG_DEFRAG;
	uint32_t arg = first ? (flags | PACKET_FANOUT_FLAG_UNIQUEID) << 16
			     : (uint32_t)p->fanout_id | flags << 16;
	socklen_t len = sizeof(arg);
	int ret = sockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg));

	if (ret || !first)
		return ret;
	if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0)
		return -errno;
	p->fanout_id = (uint16_t)(arg & 0xffff);
	return 0;
}

static int rx_port_watch(struct rx_port *p, const int *epfds)
{
	for (unsigned int i = 0; i < p->n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &p->ring[i] };

		if (epoll_ctl(epfds[i], EPOLL_CTL_ADD, p->ring[i].fd, &ev) < 0)
			return -errno;
	}
	return 0;
}

static struct rx_port *rx_port_alloc(int ifindex, unsigned int n)
{
	struct rx_port *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->ring = aligned_alloc(64, n * sizeof(*p->ring));
	if (!p->ring) {
		free(p);
		return NULL;
	}
	memset(p->ring, 0, n * sizeof(*p->ring));
	for (unsigned int i = 0; i < n; i++)
		p->ring[i].fd = -1;
	p->ifindex = ifindex;
	p->n = n;
	return p;
}

static void rx_port_free(struct rx_port *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		rx_ring_close(&p->ring[i]);
	free(p->ring);
	free(p->groups);
	free(p->macs);
	free(p);
}

int rx_port_open(struct rx_port **out, int ifindex, unsigned int n, const int *epfds,
		 const struct rx_cfg *cfg, const uint32_t *groups, size_t n_groups, char *err,
		 size_t errlen)
{
	struct rx_port *p = rx_port_alloc(ifindex, n);
	const char *step = "socket";
	int ret = p ? 0 : -ENOMEM;

	for (unsigned int i = 0; !ret && i < n; i++) {
		ret = rx_ring_open(&p->ring[i], ifindex, cfg, groups, n_groups);
		step = "ring, filter or bind";
		if (!ret) {
			ret = fanout_join(p, p->ring[i].fd, i == 0, cfg->fanout_mode);
			step = "fanout group";
		}
	}
	if (!ret) {
		ret = rx_port_set_groups(p, groups, n_groups);
		step = "filter";
	}
	if (!ret) {
		ret = rx_port_watch(p, epfds);
		step = "epoll";
	}
	if (ret) {
		snprintf(err, errlen, "packet socket on ifindex %d (%s): %s", ifindex, step,
			 strerror(-ret));
		if (p)
			rx_port_close(p, epfds);
		return ret;
	}
	*out = p;
	return 0;
}

void rx_ring_read_stats(struct rx_ring *r)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	if (r->fd < 0 || getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
		return;
	r->drops += st.tp_drops;
	r->freezes += st.tp_freeze_q_cnt;
}

void rx_port_read_stats(struct rx_port *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		rx_ring_read_stats(&p->ring[i]);
}

void rx_port_close(struct rx_port *p, const int *epfds)
{
	rx_port_read_stats(p);
	for (unsigned int i = 0; i < p->n; i++)
		if (p->ring[i].fd >= 0)
			epoll_ctl(epfds[i], EPOLL_CTL_DEL, p->ring[i].fd, NULL);
	rx_port_free(p);
}

/* ---- packet memberships: the group MACs on the interface ------------------ */

static int compare_mac(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

static int mac_member(const struct rx_port *p, int op, const uint8_t mac[6])
{
	struct packet_mreq mr = {
		.mr_ifindex = p->ifindex,
		.mr_type = PACKET_MR_MULTICAST,
		.mr_alen = 6,
	};

	memcpy(mr.mr_address, mac, 6);
	return sockopt(p->ring[0].fd, SOL_PACKET, op, &mr, sizeof(mr));
}

/* Past this many group MACs the port asks for all multicast instead, as a
 * NIC driver does when its filter overflows: one membership instead of a
 * list the kernel walks on every change. */
#define RX_MACS_MAX 256

static int allmulti(struct rx_port *p, bool on)
{
	struct packet_mreq mr = { .mr_ifindex = p->ifindex, .mr_type = PACKET_MR_ALLMULTI };
	int ret;

	if (p->allmulti == on)
		return 0;
	ret = sockopt(p->ring[0].fd, SOL_PACKET, on ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP,
		      &mr, sizeof(mr));
	if (!ret)
		p->allmulti = on;
	return ret;
}

/* The MACs of @groups (sorted, unique), sorted and unique, in *out. */
static int macs_of(const uint32_t *groups, size_t n, uint8_t (**out)[6], size_t *n_out)
{
	uint8_t(*m)[6] = n ? malloc(n * 6) : NULL;
	size_t k = 0;

	if (n && !m)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		rewrite_group_mac(groups[i], m[i]);
	if (n) /* qsort and bsearch want a real array, even of length 0 */
		qsort(m, n, 6, compare_mac);
	for (size_t i = 0; i < n; i++)
		if (!k || memcmp(m[k - 1], m[i], 6))
			memmove(m[k++], m[i], 6);
	*out = m;
	*n_out = k;
	return 0;
}

static bool mac_in(const uint8_t (*macs)[6], size_t n, const uint8_t *mac)
{
	return n && bsearch(mac, macs, n, 6, compare_mac);
}

/* Makes the MAC memberships of ring 0 those of @groups (sorted, unique):
 * adds the new ones before dropping the old, so a group that stays never
 * loses its MAC. */
static int set_macs(struct rx_port *p, const uint32_t *groups, size_t n)
{
	uint8_t(*want)[6];
	size_t k;
	int ret = macs_of(groups, n, &want, &k);
	bool all = k > RX_MACS_MAX;

	if (ret)
		return ret;
	if (all) {
		ret = allmulti(p, true);
		k = 0; /* and no single MAC any more */
	}
	for (size_t i = 0; i < k; i++)
		if (!mac_in(p->macs, p->n_macs, want[i]) && !ret)
			ret = mac_member(p, PACKET_ADD_MEMBERSHIP, want[i]);
	for (size_t i = 0; i < p->n_macs; i++)
		if (!mac_in(want, k, p->macs[i]))
			mac_member(p, PACKET_DROP_MEMBERSHIP, p->macs[i]);
	if (!all)
		allmulti(p, false);
	free(p->macs);
	p->macs = want;
	p->n_macs = k;
	return ret;
}

int rx_port_set_groups(struct rx_port *p, const uint32_t *groups, size_t n)
{
	uint32_t *g;
	size_t k;
	int ret = unique_groups(groups, n, &g, &k);

	if (ret)
		return ret;
	if (k == p->n_groups && (!k || !memcmp(g, p->groups, k * sizeof(*g)))) {
		free(g);
		return 0;
	}
	for (unsigned int i = 0; i < p->n && !ret; i++)
		ret = attach_filter(p->ring[i].fd, p->ifindex, g, k);
	if (!ret)
		ret = set_macs(p, g, k);
	free(p->groups);
	p->groups = g;
	p->n_groups = k;
	p->wide_filter = k == 0 || k > BPF_MAX_GROUPS;
	return ret;
}

/* ---- TX ------------------------------------------------------------------ */

static uint32_t pow2_at_least(uint32_t v)
{
	uint32_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* A TPACKET_V2 TX ring whose frames start with a virtio_net_hdr: with
 * hdr_len set to the whole frame the kernel builds a linear skb, which
 * veth does not have to copy again. */
static int tx_ring_map(struct tx_sock *s, uint32_t frame_cap)
{
	int v = TPACKET_V2, one = 1, ret;
	uint32_t fsz = pow2_at_least(TPACKET2_HDRLEN + sizeof(struct virtio_net_hdr) + frame_cap);
	struct tpacket_req req;
	uint32_t frames;

	if (fsz < 2048)
		fsz = 2048;
	frames = TX_RING_BYTES / fsz < TX_RING_FRAMES ? TX_RING_BYTES / fsz : TX_RING_FRAMES;
	req.tp_frame_size = fsz;
	req.tp_block_size = fsz < 65536 ? 65536 : fsz;
	req.tp_frame_nr = frames;
	req.tp_block_nr = frames / (req.tp_block_size / fsz);
	ret = sockopt(s->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v));
	if (!ret)
		ret = sockopt(s->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one));
	/* PACKET_LOSS: a slot the kernel cannot send is skipped; without it
	 * the ring would stop at that slot for good */
	if (!ret)
		ret = sockopt(s->fd, SOL_PACKET, PACKET_LOSS, &one, sizeof(one));
	if (!ret)
		ret = sockopt(s->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req));
	if (ret)
		return ret;
	s->frame_size = fsz;
	s->n_frames = frames;
	s->map_len = (size_t)req.tp_block_size * req.tp_block_nr;
	s->map = mmap(NULL, s->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		return -errno;
	}
	return 0;
}

static int tx_batch_alloc(struct tx_sock *s)
{
	s->msgs = calloc(TX_MMSG_BATCH, sizeof(*s->msgs));
	s->iov = calloc(TX_MMSG_BATCH, sizeof(*s->iov));
	s->cells = calloc(TX_MMSG_BATCH, sizeof(*s->cells));
	if (!s->msgs || !s->iov || !s->cells)
		return -ENOMEM;
	for (unsigned int i = 0; i < TX_MMSG_BATCH; i++) {
		s->msgs[i].msg_hdr.msg_iov = &s->iov[i];
		s->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static int tx_sock_open(struct tx_sock *s, int ifindex, enum egress_mode mode,
			uint32_t frame_cap, bool qdisc_bypass)
{
	int sndbuf = TX_SNDBUF, one = 1, ret;

	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		return -errno;
	if (sockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		sockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	ret = qdisc_bypass ? sockopt(s->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one))
			   : 0;
	if (!ret && mode == EGRESS_RING)
		ret = tx_ring_map(s, frame_cap);
	if (!ret && mode == EGRESS_MMSG)
		ret = tx_batch_alloc(s);
	if (!ret)
		ret = bind_ifindex(s->fd, ifindex, 0);
	return ret;
}

static void tx_sock_close(struct tx_sock *s)
{
	if (s->map)
		munmap(s->map, s->map_len);
	if (s->fd >= 0)
		close(s->fd);
	free(s->msgs);
	free(s->iov);
	free(s->cells);
}

int tx_port_open(struct tx_port **out, int ifindex, unsigned int n, enum egress_mode mode,
		 uint32_t frame_cap, bool qdisc_bypass, char *err, size_t errlen)
{
	struct tx_port *p = calloc(1, sizeof(*p));
	int ret = -ENOMEM;

	if (p)
		p->sock = aligned_alloc(64, n * sizeof(*p->sock));
	if (p && p->sock) {
		memset(p->sock, 0, n * sizeof(*p->sock));
		for (unsigned int i = 0; i < n; i++)
			p->sock[i].fd = -1;
		p->ifindex = ifindex;
		p->n = n;
		p->mode = mode;
		p->frame_cap = frame_cap;
		ret = 0;
	}
	for (unsigned int i = 0; !ret && i < n; i++)
		ret = tx_sock_open(&p->sock[i], ifindex, mode, frame_cap, qdisc_bypass);
	if (ret) {
		snprintf(err, errlen, "egress socket on ifindex %d: %s", ifindex, strerror(-ret));
		if (p && p->sock)
			tx_port_close(p);
		else
			free(p);
		return ret;
	}
	*out = p;
	return 0;
}

void tx_port_close(struct tx_port *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		tx_sock_close(&p->sock[i]);
	free(p->sock);
	free(p);
}
