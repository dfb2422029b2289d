// SPDX-License-Identifier: GPL-2.0-or-later
/* mcr-gen's socket and send loop: an absolute schedule paced with
 * clock_nanosleep, batches through sendmmsg, every send error counted. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "gen.h"

#define GEN_SNDBUF (4 << 20)
/* A paced sender wakes at most every PACE_SLICE_NS and then sends what is
 * due: a wake-up per packet is impossible at a few 100k pps. */
#define PACE_SLICE_NS 50000
#define BACKOFF_MIN_NS 10000
#define BACKOFF_MAX_NS 1000000

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = {.tv_sec = (time_t)(t / 1000000000ULL),
			      .tv_nsec = (long)(t % 1000000000ULL)};

	/* EINTR: the caller looks at its stop flag and the clock again */
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ns};

	nanosleep(&ts, NULL);
}

static int fail(const char *what, const char *arg, int err)
{
	fprintf(stderr, "mcr-gen: %s%s%s: %s\n", what, arg ? " " : "", arg ? arg : "",
		strerror(err));
	return -err;
}

static int set_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) ? -errno : 0;
}

static int gen_socket_options(int fd, const struct gen_opts *o)
{
	char num[16];
	int err;

	/* SO_SNDBUFFORCE passes rmem/wmem_max when we may; else take the cap */
	if (set_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, GEN_SNDBUF))
		set_int(fd, SOL_SOCKET, SO_SNDBUF, GEN_SNDBUF);
	snprintf(num, sizeof(num), "%d", o->ttl);
	if ((err = set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, o->ttl)))
		return fail("cannot set TTL", num, -err);
	if (o->ttl > 0 && (err = set_int(fd, IPPROTO_IP, IP_TTL, o->ttl)))
		return fail("cannot set TTL", num, -err);
	/* Without IP_RECVERR a UDP send that the qdisc drops still reports
	 * success (UdpSndbufErrors is all that counts it): we want ENOBUFS. */
	if ((err = set_int(fd, IPPROTO_IP, IP_RECVERR, 1)))
		return fail("cannot set IP_RECVERR", NULL, -err);
	if ((err = set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, o->loop)))
		return fail("cannot set IP_MULTICAST_LOOP", NULL, -err);
	snprintf(num, sizeof(num), "%d", o->tos);
	if (o->tos >= 0 && (err = set_int(fd, IPPROTO_IP, IP_TOS, o->tos)))
		return fail("cannot set TOS", num, -err);
	return 0;
}

static int gen_socket_iface(int fd, const struct gen_opts *o)
{
	struct ip_mreqn mr = {0};

	if (!o->ifname[0])
		return 0;
	mr.imr_ifindex = (int)if_nametoindex(o->ifname);
	if (!mr.imr_ifindex)
		return fail("no interface", o->ifname, errno);
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)))
		return fail("cannot send multicast on", o->ifname, errno);
	return 0;
}

static int gen_socket_bind(int fd, const struct gen_opts *o)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	char buf[INET_ADDRSTRLEN + 8];

	if (!o->source && !o->sport)
		return 0;
	sa.sin_addr.s_addr = o->source;
	sa.sin_port = htons(o->sport);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		inet_ntop(AF_INET, &sa.sin_addr, buf, INET_ADDRSTRLEN);
		snprintf(buf + strlen(buf), 8, ":%u", o->sport);
		return fail("cannot bind to", buf, errno);
	}
	return 0;
}

int gen_socket(const struct gen_opts *o)
{
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("cannot open a UDP socket", NULL, errno);
	if ((err = gen_socket_options(fd, o)) || (err = gen_socket_iface(fd, o)) ||
	    (err = gen_socket_bind(fd, o))) {
		close(fd);
		return err;
	}
	return fd;
}

/* ---- the send loop ------------------------------------------------------ */

struct gen_run {
	const struct gen_opts *o;
	struct gen_stats *st;
	const volatile sig_atomic_t *stop;
	int fd;
	struct sockaddr_in *sas;
	uint64_t *next_seq; /* per destination */
	size_t rr;	    /* next destination, round robin */
	uint8_t *bufs;
	size_t slot; /* bytes per message buffer */
	struct iovec *iov;
	struct mmsghdr *msgs;
	struct gen_raw *raw; /* NULL: a UDP socket */
};

static void count_error(struct gen_stats *st, int err)
{
	int i;

	st->failed++;
	for (i = 0; i < GEN_MAX_ERRNOS; i++) {
		if (st->errors[i].err == err || !st->errors[i].err) {
			st->errors[i].err = err;
			st->errors[i].count++;
			return;
		}
	}
	st->other_errors++;
}

static void fill(struct gen_run *g, unsigned int n)
{
	const struct gen_opts *o = g->o;
	uint64_t ts = now_ns(CLOCK_REALTIME);
	size_t hdr = g->raw ? GEN_RAW_HDR : 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint8_t *frame = g->bufs + (size_t)i * g->slot;
		size_t d = g->rr;

		if (++g->rr == o->n_dests)
			g->rr = 0;
		/* cannot fail: the size was checked with the options */
		mcr_stream_encode(frame + hdr, o->size, o->stream_base + (uint32_t)d,
				  g->next_seq[d]++, ts);
		if (g->raw)
			gen_raw_frame(g->raw, frame, d, o->size);
		else
			g->msgs[i].msg_hdr.msg_name = &g->sas[d];
	}
}

/* With IP_RECVERR, ICMP errors (unicast destinations) queue up on the
 * socket; the send that reports one is counted, the queue is emptied. */
static void drain_errqueue(int fd)
{
	char buf[256], ctrl[512];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	int i;

	for (i = 0; i < 1024; i++) {
		mh.msg_control = ctrl;
		mh.msg_controllen = sizeof(ctrl);
		if (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
	}
}

static bool transient(int err)
{
	return err == ENOBUFS || err == EAGAIN || err == ENOMEM;
}

/* Sends msgs[0..n): every message ends up sent or counted as failed.
 * Transient errors are retried with a growing pause; once a stop is
 * requested they fail the rest of the batch instead of retrying forever. */
static void send_batch(struct gen_run *g, unsigned int n)
{
	uint64_t pause = BACKOFF_MIN_NS;
	unsigned int off = 0;
	int r;

	while (off < n) {
		r = sendmmsg(g->fd, g->msgs + off, n - off, 0);
		if (r > 0) {
			g->st->bytes += (uint64_t)r * g->o->size;
			g->st->sent += (unsigned int)r;
			off += (unsigned int)r;
			/* sendmmsg stops early only when a message failed; its errno
			 * is lost, the next call repeats that message and tells */
			if (off < n)
				g->st->retries++;
			pause = BACKOFF_MIN_NS;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || transient(errno)) {
			if (*g->stop) {
				for (; off < n; off++)
					count_error(g->st, r ? errno : ENOBUFS);
				return;
			}
			g->st->retries++;
			sleep_ns(pause);
			pause = pause * 2 > BACKOFF_MAX_NS ? BACKOFF_MAX_NS : pause * 2;
			continue;
		}
		count_error(g->st, errno);
		drain_errqueue(g->fd);
		off++;
	}
}

static int run_alloc(struct gen_run *g)
{
	const struct gen_opts *o = g->o;
	unsigned int i;
	size_t d;

	g->slot = o->size + (g->raw ? GEN_RAW_HDR : 0);
	g->sas = calloc(o->n_dests, sizeof(*g->sas));
	g->next_seq = calloc(o->n_dests, sizeof(*g->next_seq));
	g->bufs = calloc(o->batch, g->slot);
	g->iov = calloc(o->batch, sizeof(*g->iov));
	g->msgs = calloc(o->batch, sizeof(*g->msgs));
	if (!g->sas || !g->next_seq || !g->bufs || !g->iov || !g->msgs)
		return -ENOMEM;
	for (d = 0; d < o->n_dests; d++) {
		g->sas[d].sin_family = AF_INET;
		g->sas[d].sin_addr.s_addr = o->dests[d].addr;
		g->sas[d].sin_port = htons(o->dests[d].port);
		g->next_seq[d] = o->seq_start;
	}
	for (i = 0; i < o->batch; i++) {
		g->iov[i].iov_base = g->bufs + (size_t)i * g->slot;
		g->iov[i].iov_len = g->slot;
		g->msgs[i].msg_hdr.msg_iov = &g->iov[i];
		g->msgs[i].msg_hdr.msg_iovlen = 1;
		/* a bound AF_PACKET socket needs no address */
		g->msgs[i].msg_hdr.msg_namelen = g->raw ? 0 : sizeof(struct sockaddr_in);
	}
	return 0;
}

static void run_free(struct gen_run *g)
{
	free(g->sas);
	free(g->next_seq);
	free(g->bufs);
	free(g->iov);
	free(g->msgs);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The schedule: packet k (from 0, over all streams) is due at
 * t0 + k * period. A period of 0 means unpaced. */
struct pacer {
	uint64_t t0;
	long double period;
	uint64_t burst; /* packets per wake-up, at least */
};

static uint64_t pacer_slot(const struct pacer *p, uint64_t k)
{
	return p->t0 + (uint64_t)((long double)k * p->period);
}

/* Packets due at @now, counted from the start. */
static uint64_t pacer_due(const struct pacer *p, uint64_t now)
{
	return (uint64_t)((long double)(now - p->t0) / p->period) + 1;
}

/* Packets the run may use in all: the count, and with a duration exactly
 * those due before its end, so no partial burst is left behind. */
static uint64_t run_limit(const struct gen_opts *o)
{
	uint64_t limit = o->count ? o->count : UINT64_MAX;

	if (o->rate > 0 && o->duration > 0)
		limit = min_u64(limit, (uint64_t)ceill((long double)o->duration * o->rate));
	return limit;
}

static void pacer_init(struct pacer *p, const struct gen_opts *o)
{
	p->period = o->rate > 0 ? 1e9L / (long double)o->rate : 0;
	p->burst = p->period > 0 ? (uint64_t)((long double)PACE_SLICE_NS / p->period) : 1;
	p->burst = p->burst < 1 ? 1 : p->burst > o->batch ? o->batch : p->burst;
	p->t0 = now_ns(CLOCK_MONOTONIC);
}

/*
 * Sends whatever is due, at most a batch per call, and otherwise sleeps
 * until the packet that completes the next burst is due. A sender that
 * falls behind catches up in full batches: the schedule is absolute.
 */
static void run_loop(struct gen_run *g)
{
	const struct gen_opts *o = g->o;
	uint64_t limit = run_limit(o), done = 0, now, end, n, need;
	struct pacer p;

	pacer_init(&p, o);
	end = o->duration > 0 ? p.t0 + (uint64_t)(o->duration * 1e9) : UINT64_MAX;
	while (done < limit && !*g->stop) {
		now = now_ns(CLOCK_MONOTONIC);
		if (now >= end)
			break;
		n = min_u64(o->batch, limit - done);
		if (p.period > 0) {
			need = min_u64(p.burst, limit - done);
			if (pacer_due(&p, now) < done + need) {
				sleep_until(min_u64(end, pacer_slot(&p, done + need - 1)));
				continue;
			}
			n = min_u64(n, pacer_due(&p, now) - done);
		}
		fill(g, (unsigned int)n);
		send_batch(g, (unsigned int)n);
		done += n;
	}
	now = now_ns(CLOCK_MONOTONIC);
	/* a paced run lasts until the slot of its last packet ends */
	if (p.period > 0 && pacer_slot(&p, done) > now)
		now = pacer_slot(&p, done);
	g->st->seconds = (double)(now - p.t0) / 1e9;
}

int gen_run(int fd, const struct gen_opts *o, struct gen_raw *raw, struct gen_stats *st,
	    const volatile sig_atomic_t *stop)
{
	struct gen_run g = {.o = o, .st = st, .stop = stop, .fd = fd, .raw = raw};
	int err;

	memset(st, 0, sizeof(*st));
	err = run_alloc(&g);
	if (!err)
		run_loop(&g);
	run_free(&g);
	return err;
}
