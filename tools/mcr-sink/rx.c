// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcr-sink's sockets and receive loop.
 *
 * One UDP socket per destination port, bound to INADDR_ANY:port with
 * SO_REUSEADDR (other listeners on the port keep working). Where the port
 * has at most igmp_max_memberships groups, the socket joins them itself
 * and sets IP_MULTICAST_ALL to 0, so the kernel hands it exactly the
 * groups it joined. A port with more groups than one socket may join
 * keeps IP_MULTICAST_ALL and the joins go to a pool of helper sockets,
 * each filled up to the limit; the socket then sees every group joined in
 * the namespace and the loop counts the ones not asked for as foreign. The
 * alternative, several IP_MULTICAST_ALL=0 sockets per port, would make the
 * kernel walk every socket's membership list for every datagram.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "sink.h"

#define DEFAULT_IGMP_LIMIT 20
#define MAX_EVENTS 64
#define CTRL_LEN 256

struct sink_sock {
	int fd;
	uint16_t port;
	bool all;      /* IP_MULTICAST_ALL left on: joins are on helpers */
	uint32_t ovfl; /* the socket's SO_RXQ_OVFL drop count, last seen */
};

struct sink_rx {
	const struct sink_opts *o;
	struct sink_sock *socks;
	size_t n_socks;
	int *helpers;
	size_t n_helpers;
	unsigned int helper_joins; /* on the newest helper */
	unsigned int limit;	   /* igmp_max_memberships */
	int epfd;
	bool warned_rcvbuf;
	struct mmsghdr *msgs;
	struct iovec *iov;
	struct sockaddr_in *names;
	uint8_t *bufs;
	uint8_t *ctrl;
	uint64_t start_ns;
	uint32_t hit_addr; /* the last destination found in o->dests */
	uint16_t hit_port;
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int fail_group(const char *what, uint32_t group, const char *ifname, int err)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &group, a, sizeof(a));
	fprintf(stderr, "mcr-sink: %s %s%s%s: %s\n", what, a, ifname[0] ? " on " : "", ifname,
		strerror(err));
	return -err;
}

static unsigned int igmp_limit(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/igmp_max_memberships", "r");
	int v = DEFAULT_IGMP_LIMIT;

	if (f) {
		if (fscanf(f, "%d", &v) != 1 || v < 1)
			v = DEFAULT_IGMP_LIMIT;
		fclose(f);
	}
	return (unsigned int)v;
}

/* Every port socket and helper is a descriptor: lift the soft limit to the
 * hard one when the default 1024 would not do. */
static void raise_nofile(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= need + 32)
		return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

int sink_dest_cmp(const void *a, const void *b)
{
	const struct mcr_dest *x = a, *y = b;
	uint32_t ax = ntohl(x->addr), ay = ntohl(y->addr);

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return ax < ay ? -1 : ax > ay;
}

static bool dest_known(struct sink_rx *rx, uint32_t addr, uint16_t port)
{
	struct mcr_dest key = {.addr = addr, .port = port};

	if (addr == rx->hit_addr && port == rx->hit_port)
		return true;
	if (!bsearch(&key, rx->o->dests, rx->o->n_dests, sizeof(key), sink_dest_cmp))
		return false;
	rx->hit_addr = addr;
	rx->hit_port = port;
	return true;
}

static int join(const struct sink_opts *o, int fd, uint32_t group)
{
	struct group_source_req gsr = {.gsr_interface = (uint32_t)o->ifindex};
	struct group_req gr = {.gr_interface = (uint32_t)o->ifindex};
	struct sockaddr_in *g, *s;
	int r;

	if (o->source) {
		g = (struct sockaddr_in *)&gsr.gsr_group;
		s = (struct sockaddr_in *)&gsr.gsr_source;
		g->sin_family = s->sin_family = AF_INET;
		g->sin_addr.s_addr = group;
		s->sin_addr.s_addr = o->source;
		r = setsockopt(fd, IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP, &gsr, sizeof(gsr));
	} else {
		g = (struct sockaddr_in *)&gr.gr_group;
		g->sin_family = AF_INET;
		g->sin_addr.s_addr = group;
		r = setsockopt(fd, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof(gr));
	}
	return r ? -errno : 0;
}

static int helper_open(struct sink_rx *rx)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int *h;

	if (fd < 0)
		return -errno;
	h = realloc(rx->helpers, (rx->n_helpers + 1) * sizeof(*h));
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	rx->helpers = h;
	rx->helpers[rx->n_helpers++] = fd;
	rx->helper_joins = 0;
	return 0;
}

/* Joins @group on the newest helper, opening another when that one holds
 * the limit or the kernel says it is full (ENOBUFS). */
static int helper_join(struct sink_rx *rx, uint32_t group)
{
	int err, tries;

	for (tries = 0; tries < 2; tries++) {
		if (!rx->n_helpers || rx->helper_joins >= rx->limit || tries) {
			err = helper_open(rx);
			if (err)
				return fail_group("cannot open a socket to join", group,
						  rx->o->ifname, -err);
		}
		err = join(rx->o, rx->helpers[rx->n_helpers - 1], group);
		if (!err) {
			rx->helper_joins++;
			return 0;
		}
		if (err != -ENOBUFS)
			break;
	}
	return fail_group("cannot join", group, rx->o->ifname, -err);
}

static int set_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) ? -errno : 0;
}

static void set_rcvbuf(struct sink_rx *rx, int fd)
{
	int got = 0;
	socklen_t len = sizeof(got);

	if (set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, rx->o->rcvbuf))
		set_int(fd, SOL_SOCKET, SO_RCVBUF, rx->o->rcvbuf);
	/* the kernel reports twice what it granted */
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) || got / 2 >= rx->o->rcvbuf ||
	    rx->warned_rcvbuf)
		return;
	rx->warned_rcvbuf = true;
	fprintf(stderr,
		"mcr-sink: warning: receive buffer %d bytes, not %d (net.core.rmem_max; "
		"root may exceed it)\n",
		got / 2, rx->o->rcvbuf);
}

static int port_socket_options(struct sink_rx *rx, int fd, bool all)
{
	int err;

	if ((err = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1)) ||
	    (err = set_int(fd, IPPROTO_IP, IP_MULTICAST_ALL, all)) ||
	    (err = set_int(fd, IPPROTO_IP, IP_PKTINFO, 1)) ||
	    (err = set_int(fd, IPPROTO_IP, IP_RECVTTL, 1)) ||
	    (err = set_int(fd, SOL_SOCKET, SO_RXQ_OVFL, 1)))
		return err;
	if (rx->o->latency && (err = set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1)))
		return err;
	set_rcvbuf(rx, fd);
	return 0;
}

/* Opens the socket of @port for the @n groups at @g and joins them, on
 * itself or through helpers. */
static int port_open(struct sink_rx *rx, uint16_t port, const struct mcr_dest *g, size_t n)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct sink_sock *s = &rx->socks[rx->n_socks];
	struct epoll_event ev = {.events = EPOLLIN};
	size_t i;
	int err;

	s->port = port;
	s->all = n > rx->limit;
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return fail_group("cannot open a socket for", g->addr, "", errno);
	rx->n_socks++;
	if ((err = port_socket_options(rx, s->fd, s->all))) {
		fprintf(stderr, "mcr-sink: cannot set socket options: %s\n", strerror(-err));
		return err;
	}
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "mcr-sink: cannot bind to port %u: %s\n", port, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		if (!s->all) {
			err = join(rx->o, s->fd, g[i].addr);
			if (!err)
				continue;
			if (err != -ENOBUFS)
				return fail_group("cannot join", g[i].addr, rx->o->ifname, -err);
			/* fewer joins per socket than the sysctl said: the rest via helpers */
			err = set_int(s->fd, IPPROTO_IP, IP_MULTICAST_ALL, 1);
			if (err)
				return fail_group("cannot join", g[i].addr, rx->o->ifname, -err);
			s->all = true;
		}
		err = helper_join(rx, g[i].addr);
		if (err)
			return err;
	}
	ev.data.u32 = (uint32_t)(s - rx->socks);
	if (epoll_ctl(rx->epfd, EPOLL_CTL_ADD, s->fd, &ev)) {
		fprintf(stderr, "mcr-sink: epoll_ctl: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

static int rx_buffers(struct sink_rx *rx)
{
	unsigned int i, n = rx->o->batch;

	rx->msgs = calloc(n, sizeof(*rx->msgs));
	rx->iov = calloc(n, sizeof(*rx->iov));
	rx->names = calloc(n, sizeof(*rx->names));
	rx->bufs = malloc((size_t)n * SINK_BUF_LEN);
	rx->ctrl = malloc((size_t)n * CTRL_LEN);
	if (!rx->msgs || !rx->iov || !rx->names || !rx->bufs || !rx->ctrl)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		rx->iov[i].iov_base = rx->bufs + (size_t)i * SINK_BUF_LEN;
		rx->iov[i].iov_len = SINK_BUF_LEN;
		rx->msgs[i].msg_hdr.msg_iov = &rx->iov[i];
		rx->msgs[i].msg_hdr.msg_iovlen = 1;
		rx->msgs[i].msg_hdr.msg_name = &rx->names[i];
		rx->msgs[i].msg_hdr.msg_namelen = sizeof(rx->names[i]);
		rx->msgs[i].msg_hdr.msg_control = rx->ctrl + (size_t)i * CTRL_LEN;
		rx->msgs[i].msg_hdr.msg_controllen = CTRL_LEN;
	}
	return 0;
}

static size_t count_ports(const struct sink_opts *o)
{
	size_t i, n = 0;

	for (i = 0; i < o->n_dests; i++)
		if (!i || o->dests[i].port != o->dests[i - 1].port)
			n++;
	return n;
}

static int rx_open_ports(struct sink_rx *rx)
{
	const struct sink_opts *o = rx->o;
	size_t i, j;
	int err;

	for (i = 0; i < o->n_dests; i = j) {
		for (j = i; j < o->n_dests && o->dests[j].port == o->dests[i].port; j++)
			;
		err = port_open(rx, o->dests[i].port, &o->dests[i], j - i);
		if (err)
			return err;
	}
	return 0;
}

int sink_rx_open(const struct sink_opts *o, struct sink_rx **rxp)
{
	struct sink_rx *rx = calloc(1, sizeof(*rx));
	size_t ports = count_ports(o);
	int err;

	*rxp = rx;
	if (!rx)
		return -ENOMEM;
	rx->o = o;
	rx->epfd = -1;
	rx->limit = igmp_limit();
	raise_nofile(ports + o->n_dests / rx->limit + 1);
	rx->socks = calloc(ports, sizeof(*rx->socks));
	if (!rx->socks || rx_buffers(rx))
		return -ENOMEM;
	rx->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rx->epfd < 0) {
		fprintf(stderr, "mcr-sink: epoll_create1: %s\n", strerror(errno));
		return -errno;
	}
	err = rx_open_ports(rx);
	rx->start_ns = now_ns(CLOCK_MONOTONIC);
	return err;
}

void sink_rx_close(struct sink_rx *rx)
{
	size_t i;

	if (!rx)
		return;
	for (i = 0; i < rx->n_socks; i++)
		close(rx->socks[i].fd);
	for (i = 0; i < rx->n_helpers; i++)
		close(rx->helpers[i]);
	if (rx->epfd >= 0)
		close(rx->epfd);
	free(rx->socks);
	free(rx->helpers);
	free(rx->msgs);
	free(rx->iov);
	free(rx->names);
	free(rx->bufs);
	free(rx->ctrl);
	free(rx);
}

/* ---- the receive loop --------------------------------------------------- */

struct pkt_info {
	uint32_t dst;
	int ifindex;
	int ttl;
	bool have_ts;
	uint64_t rx_ns; /* CLOCK_REALTIME, from the kernel */
};

static void parse_cmsgs(struct msghdr *mh, struct sink_sock *s, struct pkt_info *pi)
{
	struct cmsghdr *c;
	struct in_pktinfo pk;
	struct timespec ts;
	uint32_t ovfl;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&pk, CMSG_DATA(c), sizeof(pk));
			pi->dst = pk.ipi_addr.s_addr;
			pi->ifindex = pk.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
			memcpy(&pi->ttl, CMSG_DATA(c), sizeof(int));
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			pi->rx_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
			pi->have_ts = true;
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&ovfl, CMSG_DATA(c), sizeof(ovfl));
			s->ovfl = ovfl;
		}
	}
}

static void note_sender(struct sink_stream *st, uint32_t src, int ttl)
{
	uint8_t t = (uint8_t)ttl;

	if (!st->seq.received) {
		st->ttl_min = st->ttl_max = t;
	} else {
		if (src != st->src)
			st->src_changes++;
		if (t < st->ttl_min)
			st->ttl_min = t;
		if (t > st->ttl_max)
			st->ttl_max = t;
	}
	st->src = src;
	st->ttl_last = t;
}

static void account(struct sink_rx *rx, struct sink_sock *s, unsigned int i, struct sink_table *t,
		    struct sink_totals *tot)
{
	const struct sink_opts *o = rx->o;
	struct mmsghdr *m = &rx->msgs[i];
	struct pkt_info pi = {.ttl = -1};
	struct mcr_stream_hdr h;
	enum mcr_stream_verdict v;
	struct sink_stream *st;
	uint32_t src = rx->names[i].sin_addr.s_addr;
	uint64_t tx;

	parse_cmsgs(&m->msg_hdr, s, &pi);
	if (!dest_known(rx, pi.dst, s->port) || (o->ifindex && pi.ifindex != o->ifindex) ||
	    (o->source && src != o->source)) {
		tot->foreign++;
		return;
	}
	v = mcr_stream_decode(rx->iov[i].iov_base, m->msg_len, &h);
	if (v == MCR_STREAM_INVALID) {
		tot->invalid++;
		return;
	}
	st = sink_table_get(t, h.stream, pi.dst, s->port);
	if (!st) {
		tot->overflow++;
		return;
	}
	note_sender(st, src, pi.ttl);
	st->bytes += m->msg_len;
	mcr_seq_add_wire(&st->seq, h.seq, h.seq_bits);
	if (v == MCR_STREAM_BAD_LENGTH)
		st->wrong_length++;
	else if (v == MCR_STREAM_CORRUPT)
		st->corrupt++;
	if (st->lat) {
		if (!pi.have_ts)
			pi.rx_ns = now_ns(CLOCK_REALTIME);
		tx = mcr_wrap_extend(pi.rx_ns, h.ts_ns, h.ts_bits);
		mcr_lat_add(st->lat, (int64_t)(pi.rx_ns - tx));
	}
	tot->accounted++;
}

static void receive(struct sink_rx *rx, struct sink_sock *s, struct sink_table *t,
		    struct sink_totals *tot)
{
	uint64_t before = tot->accounted, now;
	int r, i;

	r = recvmmsg(s->fd, rx->msgs, rx->o->batch, MSG_DONTWAIT, NULL);
	if (r <= 0)
		return;
	for (i = 0; i < r; i++) {
		account(rx, s, (unsigned int)i, t, tot);
		/* the kernel shrinks both to what it wrote */
		rx->msgs[i].msg_hdr.msg_controllen = CTRL_LEN;
		rx->msgs[i].msg_hdr.msg_namelen = sizeof(rx->names[i]);
	}
	if (tot->accounted == before)
		return;
	now = now_ns(CLOCK_MONOTONIC);
	if (!before)
		tot->first_ns = now;
	tot->last_ns = now;
}

/* Milliseconds until the next deadline (timeout or idle), -1 for none,
 * 0 when one has passed. */
static int wait_ms(const struct sink_rx *rx, const struct sink_totals *tot, uint64_t now)
{
	const struct sink_opts *o = rx->o;
	uint64_t dl = UINT64_MAX, idle, ms;

	if (o->timeout > 0)
		dl = rx->start_ns + (uint64_t)(o->timeout * 1e9);
	if (o->idle > 0 && tot->accounted) {
		idle = tot->last_ns + (uint64_t)(o->idle * 1e9);
		dl = idle < dl ? idle : dl;
	}
	if (dl == UINT64_MAX)
		return -1;
	if (dl <= now)
		return 0;
	ms = (dl - now + 999999) / 1000000;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

void sink_rx_run(struct sink_rx *rx, struct sink_table *t, struct sink_totals *tot,
		 const volatile sig_atomic_t *stop)
{
	struct epoll_event ev[MAX_EVENTS];
	sigset_t open;
	int n, i, ms;
	size_t k;

	/* the caller blocks SIGINT and SIGTERM; they get through only here */
	sigprocmask(SIG_BLOCK, NULL, &open);
	sigdelset(&open, SIGINT);
	sigdelset(&open, SIGTERM);
	while (!*stop) {
		ms = wait_ms(rx, tot, now_ns(CLOCK_MONOTONIC));
		if (!ms)
			break;
		n = epoll_pwait(rx->epfd, ev, MAX_EVENTS, ms, &open);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "mcr-sink: epoll_wait: %s\n", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++)
			receive(rx, &rx->socks[ev[i].data.u32], t, tot);
		if (rx->o->count && tot->accounted >= rx->o->count)
			break;
	}
	for (k = 0; k < rx->n_socks; k++)
		tot->rcvbuf_drops += rx->socks[k].ovfl;
}
