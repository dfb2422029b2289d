// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The worker thread (worker.h): RX ring walk, lookup, rewrite, egress.
 *
 * A TPACKET_V3 ring is a circle of blocks; the kernel fills one block at a
 * time with frames and hands it over (TP_STATUS_USER) when it is full or
 * its timer expired. The worker reads the frames of a block, queues what
 * they produce, and gives the block back at once: every output frame is a
 * copy, so nothing refers to the block after that.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "packet.h"
#include "worker.h"

/* Blocks of one ring read before the others get their turn: 1 MiB of
 * 128 KiB blocks (dataplane.c's rx_cfg_from), the batch of one pass. */
#define BLOCKS_PER_PASS 8

#define INC(x, v) __atomic_store_n(&(x), (x) + (v), __ATOMIC_RELAXED)

static struct tpacket_block_desc *block(const struct rx_ring *r, uint32_t i)
{
	return (struct tpacket_block_desc *)(r->map + (size_t)i * r->block_size);
}

static bool block_ready(const struct rx_ring *r)
{
	return __atomic_load_n(&block(r, r->cur)->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
	       TP_STATUS_USER;
}

static void drop(struct worker *w, struct fwd_ocell *c, int why)
{
	INC(c->drops[why], 1);
	INC(w->st.out_drops[why], 1);
}

static int rewrite_reason(int neg)
{
	return -neg == PKT_DROP_TTL ? MCR_DROP_TTL : MCR_DROP_TOO_BIG;
}

static void send_output(struct worker *w, const struct fwd_table *t, const struct fwd_out *o,
			const uint8_t *frame, const struct pkt_info *pi)
{
	struct fwd_ocell *c = &t->ocell[w->id][o->cell];
	uint32_t len = pkt_frame_len(pi);
	struct tx_sock *s;
	uint8_t *buf;
	int n;

	if (o->drop) {
		drop(w, c, o->drop - 1);
		return;
	}
	s = &t->tx[o->tx]->sock[w->id];
	buf = egress_frame(&w->eg, s, len);
	if (!buf) {
		drop(w, c, MCR_DROP_TX_RING_FULL);
		return;
	}
	n = rewrite_frame(frame, pi, &o->rw, buf, len);
	if (n < 0) {
		egress_cancel(&w->eg, s, buf);
		drop(w, c, rewrite_reason(n));
		return;
	}
	egress_commit(&w->eg, s, buf, (uint32_t)n, c);
}

static void handle_frame(struct worker *w, const struct fwd_table *t, int ifindex,
			 const struct tpacket3_hdr *h)
{
	const uint8_t *frame = (const uint8_t *)h + h->tp_mac;
	const struct fwd_entry *e;
	struct fwd_rcell *rc;
	struct pkt_info pi;
	enum pkt_drop why;

	why = pkt_parse(frame, h->tp_snaplen, h->tp_len, h->tp_status, &pi);
	INC(w->st.rx_packets, 1);
	if (why != PKT_OK) {
		INC(w->st.rx_bytes, h->tp_len);
		INC(w->st.rx_drops[why], 1);
		return;
	}
	INC(w->st.rx_bytes, pi.tot_len);
	e = fwd_lookup(t, ifindex, pi.daddr, pi.dport, pi.saddr);
	if (!e) {
		INC(w->st.no_match, 1);
		return;
	}
	rc = &t->rcell[w->id][e - t->ent];
	INC(rc->packets, 1);
	INC(rc->bytes, pi.tot_len);
	for (uint32_t j = 0; j < e->n_out; j++)
		send_output(w, t, &t->out[e->first_out + j], frame, &pi);
}

static void read_block(struct worker *w, const struct fwd_table *t, int ifindex,
		       struct rx_ring *r)
{
	struct tpacket_block_desc *bd = block(r, r->cur);
	const uint8_t *p = (const uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
	uint32_t n = bd->hdr.bh1.num_pkts;

	for (uint32_t i = 0; i < n; i++) {
		const struct tpacket3_hdr *h = (const struct tpacket3_hdr *)p;

		handle_frame(w, t, ifindex, h);
		p += h->tp_next_offset;
	}
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	r->cur = r->cur + 1 == r->n_blocks ? 0 : r->cur + 1;
}

/* One turn over every input; true when a ring still has a block ready.
 * *read counts the blocks read. */
static bool rx_pass(struct worker *w, const struct fwd_table *t, unsigned int *read)
{
	bool more = false;

	*read = 0;
	for (unsigned int i = 0; i < t->n_rx; i++) {
		struct rx_ring *r = &t->rx[i]->ring[w->id];
		int b;

		for (b = 0; b < BLOCKS_PER_PASS && block_ready(r); b++)
			read_block(w, t, t->rx[i]->ifindex, r);
		*read += (unsigned int)b;
		more |= block_ready(r);
	}
	return more;
}

/*
 * The RX poll fired but no ring had a block: a socket has an error pending
 * (the kernel sets ENETDOWN when its interface goes down, or when it is
 * bound to one that is down), which keeps it readable until someone reads
 * SO_ERROR. Reading it here is off the packet path: only a wake-up without
 * work gets this far.
 */
static void clear_errors(const struct worker *w, const struct fwd_table *t)
{
	for (unsigned int i = 0; i < t->n_rx; i++) {
		int err;
		socklen_t len = sizeof(err);

		getsockopt(t->rx[i]->ring[w->id].fd, SOL_SOCKET, SO_ERROR, &err, &len);
	}
}

static void pin(const struct worker *w)
{
	cpu_set_t set;

	if (w->cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void signal_ready(struct worker *w, int err)
{
	uint64_t one = 1;

	w->init_err = err;
	if (write(w->ready_fd, &one, sizeof(one)) != sizeof(one))
		w->init_err = err ? err : -EIO;
}

static void run(struct worker *w)
{
	const struct fwd_table *cur = NULL;
	uint64_t cur_gen = 0;

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		const struct fwd_table *t = __atomic_load_n(w->table, __ATOMIC_ACQUIRE);
		uint64_t gen = t ? t->gen : 0;
		bool more = false;

		if (gen != cur_gen) {
			egress_drain(&w->eg);
			cur = t;
			cur_gen = gen;
			INC(w->st.table_swaps, 1);
			__atomic_store_n(&w->ack, gen, __ATOMIC_RELEASE);
		}
		if (cur) {
			unsigned int read;

			more = rx_pass(w, cur, &read);
			if (!read && w->eg.rx_woken)
				clear_errors(w, cur);
		}
		egress_flush(&w->eg, !more);
	}
	egress_drain(&w->eg);
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;
	sigset_t all;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pin(w);
	ret = egress_init(&w->eg, w->mode, w->epfd, w->evfd, &w->st);
	signal_ready(w, ret);
	if (!ret)
		run(w);
	egress_exit(&w->eg);
	return NULL;
}

static int wait_ready(struct worker *w)
{
	uint64_t v;

	while (read(w->ready_fd, &v, sizeof(v)) < 0)
		if (errno != EINTR)
			return -errno;
	return w->init_err;
}

static void close_fds(struct worker *w)
{
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->evfd >= 0)
		close(w->evfd);
	if (w->ready_fd >= 0)
		close(w->ready_fd);
	w->epfd = w->evfd = w->ready_fd = -1;
}

int worker_start(struct worker *w)
{
	int ret;

	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->ready_fd = eventfd(0, EFD_CLOEXEC);
	if (w->epfd < 0 || w->evfd < 0 || w->ready_fd < 0) {
		ret = -errno;
		close_fds(w);
		return ret;
	}
	ret = -pthread_create(&w->thread, NULL, thread_main, w);
	if (ret) {
		close_fds(w);
		return ret;
	}
	w->started = true;
	ret = wait_ready(w);
	if (ret)
		worker_stop(w);
	return ret;
}

void worker_wake(struct worker *w)
{
	uint64_t one = 1;

	if (w->evfd >= 0 && write(w->evfd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so a wake-up is pending anyway */
	}
}

void worker_stop(struct worker *w)
{
	if (w->started) {
		__atomic_store_n(&w->stop, true, __ATOMIC_RELEASE);
		worker_wake(w);
		pthread_join(w->thread, NULL);
		w->started = false;
	}
	close_fds(w);
}
