// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sending and waiting of one worker (egress.h).
 *
 * Completion tags: a SEND's user_data is its output cell (cells are
 * 64-byte aligned, so the low bits are free), a ring kick's is its socket
 * with bit 0 set, and the two polls use the small constants below.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>

#include "egress.h"

#define SQ_ENTRIES 4096u
#define ARENA_BYTES (4u << 20)
#define ARENA_ALIGN 64u
/* Room kept in the submission queue for the polls and the kicks. */
#define SQ_RESERVE 64u
#define FLUSH_WAIT_MS 50

#define TAG_EP 2u
#define TAG_EV 6u
#define TAG_KICK 1u

/* Where a TX ring frame's data starts when PACKET_TX_HAS_OFF is off. */
#define TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
#define VNET_LEN sizeof(struct virtio_net_hdr)

#define INC(x, v) __atomic_store_n(&(x), (x) + (v), __ATOMIC_RELAXED)

static int ring_setup(struct io_uring *ring)
{
	/* DEFER_TASKRUN runs completions only when this thread enters,
	 * which it does once per batch anyway; older kernels refuse the
	 * flags, so step down. */
	static const unsigned int flag_sets[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_COOP_TASKRUN,
		0,
	};
	int ret = -EINVAL;

	for (size_t i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
		struct io_uring_params p = { .flags = flag_sets[i] };

		ret = io_uring_queue_init_params(SQ_ENTRIES, ring, &p);
		if (ret != -EINVAL)
			break;
	}
	return ret;
}

int egress_init(struct egress *e, enum egress_mode mode, int epfd, int evfd, struct wstats *st)
{
	int ret;

	memset(e, 0, sizeof(*e));
	e->mode = mode;
	e->epfd = epfd;
	e->evfd = evfd;
	e->st = st;
	ret = ring_setup(&e->ring);
	if (ret)
		return ret;
	e->ring_ok = true;
	if (mode != EGRESS_RING) {
		e->arena_len = ARENA_BYTES;
		e->arena = aligned_alloc(ARENA_ALIGN, e->arena_len);
		if (!e->arena)
			return -ENOMEM;
	}
	return 0;
}

void egress_exit(struct egress *e)
{
	if (e->ring_ok)
		io_uring_queue_exit(&e->ring);
	e->ring_ok = false;
	free(e->arena);
	e->arena = NULL;
}

/* ---- counting ------------------------------------------------------------ */

static void count_sent(struct egress *e, struct fwd_ocell *c, uint32_t frame_len)
{
	uint32_t ip = frame_len > ETH_HLEN ? frame_len - ETH_HLEN : 0;

	INC(c->packets, 1);
	INC(c->bytes, ip);
	INC(e->st->tx_packets, 1);
	INC(e->st->tx_bytes, ip);
}

/* A full queue (socket buffer, qdisc) is "no free transmit slot"; anything
 * else the kernel says is an error. */
static void count_refused(struct egress *e, struct fwd_ocell *c, int err)
{
	int why = err == -EAGAIN || err == -ENOBUFS ? MCR_DROP_TX_RING_FULL : MCR_DROP_TX_ERROR;

	INC(c->drops[why], 1);
	INC(e->st->out_drops[why], 1);
}

/* ---- completions --------------------------------------------------------- */

static void eventfd_drain(struct egress *e)
{
	uint64_t v;

	while (read(e->evfd, &v, sizeof(v)) == sizeof(v))
		;
	e->woken = true;
}

static void complete(struct egress *e, const struct io_uring_cqe *cqe)
{
	uint64_t ud = cqe->user_data;

	if (ud == TAG_EP) {
		e->ep_armed = false;
		e->rx_woken = true;
		INC(e->st->wakeups, 1);
	} else if (ud == TAG_EV) {
		if (!(cqe->flags & IORING_CQE_F_MORE))
			e->ev_armed = false;
		eventfd_drain(e);
	} else if (ud & TAG_KICK) {
		e->inflight--;
	} else {
		e->inflight--;
		if (cqe->res >= 0)
			count_sent(e, (struct fwd_ocell *)(uintptr_t)ud, (uint32_t)cqe->res);
		else
			count_refused(e, (struct fwd_ocell *)(uintptr_t)ud, cqe->res);
	}
}

static void reap(struct egress *e)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&e->ring, head, cqe)
	{
		complete(e, cqe);
		n++;
	}
	io_uring_cq_advance(&e->ring, n);
	if (!e->inflight)
		e->used = 0;
}

/* Submits what is queued and waits for @want completions or @ms. */
static void enter(struct egress *e, unsigned int want, unsigned int ms)
{
	struct __kernel_timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	struct io_uring_cqe *cqe;

	if (want)
		io_uring_submit_and_wait_timeout(&e->ring, &cqe, want, &ts, NULL);
	else
		io_uring_submit(&e->ring);
	reap(e);
}

/* ---- mmsg and ring flushes ----------------------------------------------- */

static void mmsg_flush(struct egress *e, struct tx_sock *s)
{
	unsigned int i = 0;

	while (i < s->n_msgs) {
		int r = sendmmsg(s->fd, s->msgs + i, s->n_msgs - i, MSG_DONTWAIT);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* msgs[i] was refused: count it, go on with the next */
			count_refused(e, s->cells[i], r < 0 ? -errno : -EAGAIN);
			i++;
			continue;
		}
		for (int k = 0; k < r; k++, i++)
			count_sent(e, s->cells[i], (uint32_t)s->iov[i].iov_len);
	}
	s->n_msgs = 0;
}

static void ring_kick(struct egress *e, struct tx_sock *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&e->ring);

	if (!sqe)
		return; /* the frames stay queued for the next kick */
	io_uring_prep_send(sqe, s->fd, NULL, 0, MSG_DONTWAIT);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)s | TAG_KICK);
	e->inflight++;
	s->queued = 0;
}

static bool flush_touched(struct egress *e)
{
	bool any = e->touched != NULL;

	while (e->touched) {
		struct tx_sock *s = e->touched;

		e->touched = s->next_touched;
		s->next_touched = NULL;
		s->touched = false;
		if (e->mode == EGRESS_MMSG)
			mmsg_flush(e, s);
		else if (s->queued)
			ring_kick(e, s);
	}
	return any;
}

static void touch(struct egress *e, struct tx_sock *s)
{
	if (s->touched)
		return;
	s->touched = true;
	s->next_touched = e->touched;
	e->touched = s;
}

/* ---- the batch ----------------------------------------------------------- */

/* Everything queued goes out and completes before the arena is reused. */
static void flush_all(struct egress *e)
{
	flush_touched(e);
	enter(e, e->inflight, FLUSH_WAIT_MS);
	if (e->mode == EGRESS_MMSG && !e->inflight)
		e->used = 0;
}

static uint8_t *ring_slot(struct egress *e, struct tx_sock *s, uint32_t len)
{
	uint8_t *f = s->map + (size_t)s->cur * s->frame_size;
	struct tpacket2_hdr *h = (struct tpacket2_hdr *)f;

	if (TX_DATA_OFF + VNET_LEN + len > s->frame_size)
		return NULL;
	if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE) {
		/* let the kernel send what waits, then look once more */
		if (s->queued) {
			ring_kick(e, s);
			enter(e, e->inflight, FLUSH_WAIT_MS);
		}
		if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE)
			return NULL;
	}
	return f + TX_DATA_OFF + VNET_LEN;
}

uint8_t *egress_frame(struct egress *e, struct tx_sock *s, uint32_t len)
{
	size_t need = (len + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	uint8_t *buf;

	if (e->mode == EGRESS_RING)
		return ring_slot(e, s, len);
	if (e->used + need > e->arena_len ||
	    io_uring_sq_space_left(&e->ring) < SQ_RESERVE)
		flush_all(e);
	if (e->used + need > e->arena_len)
		return NULL; /* sends stuck in flight hold the arena */
	buf = e->arena + e->used;
	e->used += need;
	return buf;
}

void egress_cancel(struct egress *e, struct tx_sock *s, uint8_t *buf)
{
	(void)s;
	if (e->mode != EGRESS_RING)
		e->used = (size_t)(buf - e->arena);
}

static void ring_commit(struct egress *e, struct tx_sock *s, uint8_t *buf, uint32_t len,
			struct fwd_ocell *cell)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)(buf - VNET_LEN);
	struct tpacket2_hdr *h = (struct tpacket2_hdr *)(s->map + (size_t)s->cur * s->frame_size);

	/* hdr_len = the whole frame: the kernel copies it into a linear skb */
	memset(vh, 0, sizeof(*vh));
	vh->hdr_len = (uint16_t)len;
	h->tp_len = len + (uint32_t)VNET_LEN;
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	s->cur = s->cur + 1 == s->n_frames ? 0 : s->cur + 1;
	s->queued++;
	touch(e, s);
	count_sent(e, cell, len);
}

void egress_commit(struct egress *e, struct tx_sock *s, uint8_t *buf, uint32_t len,
		   struct fwd_ocell *cell)
{
	struct io_uring_sqe *sqe;
	unsigned int i;

	switch (e->mode) {
	case EGRESS_URING:
		sqe = io_uring_get_sqe(&e->ring); /* egress_frame kept room */
		io_uring_prep_send(sqe, s->fd, buf, len, 0);
		io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)cell);
		e->inflight++;
		break;
	case EGRESS_MMSG:
		i = s->n_msgs++;
		s->iov[i].iov_base = buf;
		s->iov[i].iov_len = len;
		s->cells[i] = cell;
		touch(e, s);
		if (s->n_msgs == TX_MMSG_BATCH)
			mmsg_flush(e, s);
		break;
	default:
		ring_commit(e, s, buf, len, cell);
		break;
	}
}

static void arm_polls(struct egress *e)
{
	struct io_uring_sqe *sqe;

	if (!e->ep_armed && (sqe = io_uring_get_sqe(&e->ring))) {
		io_uring_prep_poll_add(sqe, e->epfd, POLLIN);
		io_uring_sqe_set_data64(sqe, TAG_EP);
		e->ep_armed = true;
	}
	if (!e->ev_armed && (sqe = io_uring_get_sqe(&e->ring))) {
		io_uring_prep_poll_multishot(sqe, e->evfd, POLLIN);
		io_uring_sqe_set_data64(sqe, TAG_EV);
		e->ev_armed = true;
	}
}

bool egress_flush(struct egress *e, bool idle)
{
	bool sent = flush_touched(e) || io_uring_sq_ready(&e->ring) > 0;

	e->woken = e->rx_woken = false;
	if (idle)
		arm_polls(e);
	if (sent)
		INC(e->st->batches, 1);
	if (idle)
		enter(e, e->inflight + 1, EGRESS_IDLE_MS);
	else if (sent || e->inflight)
		enter(e, e->inflight, FLUSH_WAIT_MS);
	if (e->mode == EGRESS_MMSG && !e->inflight)
		e->used = 0;
	return e->woken;
}

void egress_drain(struct egress *e)
{
	flush_touched(e);
	for (int i = 0; i < 20 && (e->inflight || io_uring_sq_ready(&e->ring)); i++)
		enter(e, e->inflight, FLUSH_WAIT_MS);
}
