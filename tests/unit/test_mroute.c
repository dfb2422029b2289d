// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The multicast routing socket against the real kernel. Each test forks a
 * child that unshares a network namespace of its own (two veth pairs,
 * mra/mrb and mrc/mrd, up), checks without cmocka and answers with its exit
 * status; the namespaces vanish with the child. The upcall tests move mrb
 * into a second namespace made by the same child, to send from there into
 * mra. They skip unless run as root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "netns_child.h"

#include "mroute.h"


#define VIF_PROC "/proc/net/ip_mr_vif"
#define MFC_PROC "/proc/net/ip_mr_cache"
#define ALL_MC_FORWARDING "/proc/sys/net/ipv4/conf/all/mc_forwarding"
#define WAIT_MS 2000

static const char veths[] = "ip link add mra type veth peer name mrb && "
			    "ip link add mrc type veth peer name mrd && "
			    "for d in mra mrb mrc mrd; do ip link set $d up || exit 1; done";

static void in_netns(int (*fn)(void))
{
	in_netns_with(veths, fn);
}

static uint32_t addr(const char *s)
{
	struct in_addr a = {0};

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static int ifx(const char *name)
{
	return (int)if_nametoindex(name);
}

static int read_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Lines of a /proc table below its header, or -1. */
static int proc_rows(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* Whether /proc/net/ip_mr_vif has VIF @vifi on @dev, made by ifindex. */
static bool vif_row(int vifi, const char *dev)
{
	FILE *f = fopen(VIF_PROC, "r");
	char line[512], name[32];
	unsigned long c[4];
	unsigned int flags;
	bool found = false;
	int idx;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%d %31s %lu %lu %lu %lu %x", &idx, name, &c[0], &c[1], &c[2],
			       &c[3], &flags) == 7 &&
			idx == vifi && !strcmp(name, dev) && flags == VIFF_USE_IFINDEX;
	fclose(f);
	return found;
}

/* "v:ttl v:ttl" from the output columns of an ip_mr_cache row. */
static void oif_list(const char *s, char *out, size_t len)
{
	int vif, ttl, n;
	size_t used = 0;

	out[0] = '\0';
	while (used + 16 < len && sscanf(s, " %d:%d%n", &vif, &ttl, &n) == 2) {
		used +=
		    (size_t)snprintf(out + used, len - used, "%s%d:%d", used ? " " : "", vif, ttl);
		s += n;
	}
}

/* The row of (@src, @group) in /proc/net/ip_mr_cache: 1 with its input VIF
 * and outputs, 0 when absent, -1 when the file is unreadable. */
static int mfc_row(uint32_t src, uint32_t group, int *iif, char *oifs, size_t len)
{
	FILE *f = fopen(MFC_PROC, "r");
	char line[512];
	unsigned int g, o;
	unsigned long pkts, bytes, wrong;
	int found = 0, n;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		/* the kernel prints each address as its raw (network order) word */
		if (sscanf(line, "%x %x %d %lu %lu %lu%n", &g, &o, iif, &pkts, &bytes, &wrong,
			   &n) != 6 ||
		    g != group || o != src)
			continue;
		oif_list(line + n, oifs, len);
		found = 1;
	}
	fclose(f);
	return found;
}

/* ---- a second namespace to send from ----------------------------------- */

/* R is the namespace the test runs in, S a second one holding mrb. */
struct peer {
	int rfd, sfd;
};

#define PEER_SRC "10.9.0.2"

/* Moves mrb into a new namespace S (10.9.0.2/24) and gives mra 10.9.0.1/24,
 * so strict reverse-path filtering would pass too. Back in R on return. */
static int peer_ns(struct peer *p)
{
	char cmd[160];
	int ret;

	p->rfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (p->rfd < 0 || unshare(CLONE_NEWNET))
		return -1;
	p->sfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (p->sfd < 0 || setns(p->rfd, CLONE_NEWNET))
		return -1;
	/* ip(8) takes a path for the namespace when the name has a slash */
	snprintf(cmd, sizeof(cmd),
		 "ip link set mrb netns /proc/%d/fd/%d && "
		 "ip addr add 10.9.0.1/24 dev mra",
		 (int)getpid(), p->sfd);
	if (system(cmd) || setns(p->sfd, CLONE_NEWNET))
		return -1;
	ret = system("ip link set mrb up && ip addr add " PEER_SRC "/24 dev mrb");
	if (setns(p->rfd, CLONE_NEWNET) || ret)
		return -1;
	return 0;
}

/* A socket made in S (it stays there), sending multicast out of mrb with
 * TTL 5; -1 on failure. The caller is back in R. */
static int peer_socket(struct peer *p, int type, int proto)
{
	struct ip_mreqn mr = {0};
	int s, ttl = 5;

	if (setns(p->sfd, CLONE_NEWNET))
		return -1;
	mr.imr_ifindex = ifx("mrb");
	s = socket(AF_INET, type | SOCK_CLOEXEC, proto);
	if (s >= 0 && (setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
		       setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)))) {
		close(s);
		s = -1;
	}
	if (setns(p->rfd, CLONE_NEWNET)) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Reads until an upcall arrives (1) or WAIT_MS pass (0), skipping other
 * messages; -1 on an error. */
static int next_upcall(struct mroute *m, struct mroute_upcall *u)
{
	struct pollfd pfd = {.fd = m->fd, .events = POLLIN};
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 64; i++) {
		long left = WAIT_MS - ms_since(&t0);
		int ret;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return 0;
		ret = mroute_read(m, u);
		if (ret == 1)
			return 1;
		if (ret < 0 && ret != -EAGAIN)
			return -1;
	}
	return 0;
}

/* The result of reading the first message within WAIT_MS; -ETIME if none. */
static int next_message(struct mroute *m, struct mroute_upcall *u)
{
	struct pollfd pfd = {.fd = m->fd, .events = POLLIN};

	if (poll(&pfd, 1, WAIT_MS) <= 0)
		return -ETIME;
	return mroute_read(m, u);
}

/* ---- the tests, each in its child -------------------------------------- */

static int k_open_close(void)
{
	struct mroute m;
	struct mroute_upcall u;
	char err[256];
	int pim = -1;
	socklen_t len = sizeof(pim);

	CHECK(mroute_open(&m, 0, err, sizeof(err)) == 0);
	CHECK(m.fd >= 0 && m.table == 0);
	CHECK(fcntl(m.fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(m.fd, F_GETFD) & FD_CLOEXEC);
	/* m.pim says what the kernel has */
	CHECK(getsockopt(m.fd, IPPROTO_IP, MRT_PIM, &pim, &len) == 0 ? pim == m.pim : !m.pim);
	CHECK(read_int(ALL_MC_FORWARDING) == 1);
	CHECK(mroute_read(&m, &u) == -EAGAIN);
	mroute_close(&m);
	CHECK(m.fd == -1);
	CHECK(read_int(ALL_MC_FORWARDING) == 0);
	mroute_close(&m);				  /* a second close is harmless */
	CHECK(mroute_open(&m, 0, err, sizeof(err)) == 0); /* the table is free again */
	mroute_close(&m);
	return 0;
}

static int k_second_open_names_holder(void)
{
	struct mroute a, b;
	char err[512], want[64];

	CHECK(mroute_open(&a, 0, err, sizeof(err)) == 0);
	CHECK(mroute_open(&b, 0, err, sizeof(err)) == -EADDRINUSE);
	CHECK(b.fd == -1);
	snprintf(want, sizeof(want), "table 0 is held by pid %d (", (int)getpid());
	if (!strstr(err, want))
		fprintf(stderr, "sentence: %s\n", err);
	CHECK(strstr(err, want));
	CHECK(strstr(err, "another multicast routing daemon?"));
	mroute_close(&a);
	CHECK(mroute_open(&b, 0, err, sizeof(err)) == 0);
	mroute_close(&b);
	return 0;
}

/* A grandchild holds the table; the child has a raw IGMP socket of its own
 * too, which must not be mistaken for the holder. */
static int k_other_process_named(void)
{
	int ready[2], hold[2], raw, status;
	char err[512], want[64], c;
	struct mroute m;
	pid_t pid;

	CHECK(!pipe(ready) && !pipe(hold));
	pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		close(hold[1]);
		c = mroute_open(&m, 0, err, sizeof(err)) ? 'n' : 'y';
		/* holds the table until the child closes its end (or dies) */
		if (write(ready[1], &c, 1) == 1)
			(void)!read(hold[0], &c, 1);
		_exit(0);
	}
	close(hold[0]);
	CHECK(read(ready[0], &c, 1) == 1 && c == 'y');
	/* newer sockets come first in /proc/net/raw: ours is seen first */
	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IGMP);
	CHECK(raw >= 0);
	CHECK(mroute_open(&m, 0, err, sizeof(err)) == -EADDRINUSE);
	snprintf(want, sizeof(want), "held by pid %d (", (int)pid);
	if (!strstr(err, want))
		fprintf(stderr, "sentence: %s\n", err);
	CHECK(strstr(err, want));
	close(hold[1]);
	CHECK(waitpid(pid, &status, 0) == pid);
	close(raw);
	return 0;
}

static int k_table_100_beside_default(void)
{
	struct mroute d, t, x;
	struct mroute_vif_stats vs;
	struct mroute_sg_stats sg;
	uint8_t ttls[MROUTE_MAXVIFS] = {0};
	char err[512];
	int ret;

	CHECK(mroute_open(&d, 0, err, sizeof(err)) == 0);
	ret = mroute_open(&t, 100, err, sizeof(err));
	if (ret == -ENOPROTOOPT) /* no CONFIG_IP_MROUTE_MULTIPLE_TABLES */
		return CHILD_SKIP;
	CHECK(ret == 0 && t.table == 100 && t.fd >= 0);
	CHECK(read_int(ALL_MC_FORWARDING) == 2); /* one per routing socket */
	CHECK(mroute_open(&x, 100, err, sizeof(err)) == -EADDRINUSE);
	CHECK(strstr(err, "table 100 is held by pid"));
	CHECK(mroute_vif_add(&t, 4, ifx("mra"), 1) == 0);
	CHECK(proc_rows(VIF_PROC) == 0); /* /proc shows the default table only */
	/* the ioctls read the table of the socket they are asked on */
	CHECK(mroute_vif_stats(&t, 4, &vs) == 0);
	CHECK(mroute_vif_stats(&d, 4, &vs) == -EADDRNOTAVAIL);
	CHECK(mroute_mfc_add(&t, addr("10.1.1.1"), addr("239.1.1.1"), 4, ttls) == 0);
	CHECK(mroute_sg_stats(&t, addr("10.1.1.1"), addr("239.1.1.1"), &sg) == 0);
	CHECK(mroute_sg_stats(&d, addr("10.1.1.1"), addr("239.1.1.1"), &sg) == -EADDRNOTAVAIL);
	mroute_close(&t);
	mroute_close(&d);
	return 0;
}

static int k_vif_add_del(void)
{
	struct mroute m;
	char err[256];

	CHECK(mroute_open(&m, 0, err, sizeof(err)) == 0);
	CHECK(mroute_vif_add(&m, 0, ifx("mra"), 1) == 0);
	CHECK(mroute_vif_add(&m, 5, ifx("mrc"), 3) == 0);
	CHECK(vif_row(0, "mra") && vif_row(5, "mrc") && proc_rows(VIF_PROC) == 2);
	CHECK(read_int("/proc/sys/net/ipv4/conf/mrc/mc_forwarding") == 1);
	CHECK(mroute_vif_add(&m, 5, ifx("mrd"), 1) == -EADDRINUSE);
	CHECK(mroute_vif_add(&m, 1, 99999, 1) == -EADDRNOTAVAIL);
	CHECK(mroute_vif_add(&m, MROUTE_MAXVIFS, ifx("mrd"), 1) == -EINVAL);
	CHECK(mroute_vif_add(&m, 65537, ifx("mrd"), 1) == -EINVAL); /* not slot 1 */
	CHECK(proc_rows(VIF_PROC) == 2);
	CHECK(mroute_vif_del(&m, 5) == 0);
	CHECK(!vif_row(5, "mrc") && vif_row(0, "mra") && proc_rows(VIF_PROC) == 1);
	CHECK(read_int("/proc/sys/net/ipv4/conf/mrc/mc_forwarding") == 0);
	CHECK(mroute_vif_del(&m, 5) == -EADDRNOTAVAIL);
	CHECK(mroute_vif_del(&m, 65536) == -EINVAL); /* not slot 0 */
	CHECK(vif_row(0, "mra"));
	mroute_close(&m);
	return 0;
}

/* VIFs 0, 1, 2 on mra, mrb, mrc. */
static int open_with_vifs(struct mroute *m)
{
	char err[256];

	if (mroute_open(m, 0, err, sizeof(err)))
		return -1;
	if (mroute_vif_add(m, 0, ifx("mra"), 1) || mroute_vif_add(m, 1, ifx("mrb"), 1) ||
	    mroute_vif_add(m, 2, ifx("mrc"), 1)) {
		mroute_close(m);
		return -1;
	}
	return 0;
}

static int k_mfc_add_replace_del(void)
{
	uint32_t s = addr("10.1.1.1"), g = addr("239.1.1.1");
	uint8_t ttls[MROUTE_MAXVIFS] = {0};
	struct mroute m;
	char oifs[128];
	int iif;

	CHECK(open_with_vifs(&m) == 0);
	ttls[1] = 1;
	ttls[2] = 4;
	ttls[7] = 1; /* no VIF 7: ignored */
	CHECK(mroute_mfc_add(&m, s, g, 0, ttls) == 0);
	CHECK(mfc_row(s, g, &iif, oifs, sizeof(oifs)) == 1);
	CHECK(iif == 0 && !strcmp(oifs, "1:1 2:4"));
	memset(ttls, 0, sizeof(ttls));
	ttls[0] = 2;
	ttls[2] = 255;				       /* the kernel's "not an output" */
	CHECK(mroute_mfc_add(&m, s, g, 1, ttls) == 0); /* replaces */
	CHECK(proc_rows(MFC_PROC) == 1 && mfc_row(s, g, &iif, oifs, sizeof(oifs)) == 1);
	CHECK(iif == 1 && !strcmp(oifs, "0:2"));
	CHECK(mroute_mfc_add(&m, s, addr("10.0.0.1"), 0, ttls) == -EINVAL);
	CHECK(mroute_mfc_add(&m, s, g, MROUTE_MAXVIFS, ttls) == -EINVAL);
	CHECK(mroute_mfc_add(&m, s, g, 65536, ttls) == -EINVAL); /* not VIF 0 */
	CHECK(mfc_row(s, g, &iif, oifs, sizeof(oifs)) == 1 && iif == 1);
	CHECK(mroute_mfc_del(&m, s, g) == 0);
	CHECK(mfc_row(s, g, &iif, oifs, sizeof(oifs)) == 0 && proc_rows(MFC_PROC) == 0);
	CHECK(mroute_mfc_del(&m, s, g) == -ENOENT);
	mroute_close(&m);
	return 0;
}

static int k_stop_entry_has_no_oifs(void)
{
	uint32_t s = addr("10.1.1.2"), g = addr("239.1.1.2");
	const uint8_t stop[MROUTE_MAXVIFS] = {0};
	struct mroute_sg_stats st;
	struct mroute m;
	char oifs[128] = "x";
	int iif = -1;

	CHECK(open_with_vifs(&m) == 0);
	CHECK(mroute_mfc_add(&m, s, g, 2, stop) == 0);
	CHECK(mfc_row(s, g, &iif, oifs, sizeof(oifs)) == 1);
	CHECK(iif == 2 && !strcmp(oifs, ""));
	CHECK(mroute_sg_stats(&m, s, g, &st) == 0); /* a resolved entry all the same */
	mroute_close(&m);
	return 0;
}

static int k_close_empties_kernel_tables(void)
{
	uint8_t ttls[MROUTE_MAXVIFS] = {0};
	struct mroute m;

	CHECK(open_with_vifs(&m) == 0);
	ttls[1] = 1;
	CHECK(mroute_mfc_add(&m, addr("10.1.1.1"), addr("239.1.1.1"), 0, ttls) == 0);
	CHECK(mroute_mfc_add(&m, addr("10.1.1.2"), addr("239.1.1.1"), 0, ttls) == 0);
	memset(ttls, 0, sizeof(ttls));
	CHECK(mroute_mfc_add(&m, addr("10.1.1.3"), addr("239.1.1.1"), 2, ttls) == 0);
	CHECK(proc_rows(VIF_PROC) == 3 && proc_rows(MFC_PROC) == 3);
	CHECK(read_int("/proc/sys/net/ipv4/conf/mra/mc_forwarding") == 1);
	mroute_close(&m);
	CHECK(proc_rows(VIF_PROC) == 0 && proc_rows(MFC_PROC) == 0);
	CHECK(read_int("/proc/sys/net/ipv4/conf/mra/mc_forwarding") == 0);
	CHECK(read_int(ALL_MC_FORWARDING) == 0);
	return 0;
}

static int k_stats_of_entries_and_vifs(void)
{
	uint32_t s = addr("10.1.1.1"), g = addr("239.1.1.1");
	uint8_t ttls[MROUTE_MAXVIFS] = {0};
	struct mroute_sg_stats sg = {7, 7, 7};
	struct mroute_vif_stats vs = {7, 7, 7, 7};
	struct mroute m;

	CHECK(open_with_vifs(&m) == 0);
	CHECK(mroute_vif_del(&m, 1) == 0); /* a hole below the highest VIF */
	ttls[2] = 1;
	CHECK(mroute_mfc_add(&m, s, g, 0, ttls) == 0);
	CHECK(mroute_sg_stats(&m, s, g, &sg) == 0);
	CHECK(sg.packets == 0 && sg.bytes == 0 && sg.wrong_if == 0);
	CHECK(mroute_sg_stats(&m, addr("10.1.1.9"), g, &sg) == -EADDRNOTAVAIL);
	CHECK(mroute_sg_stats(&m, s, addr("239.1.1.9"), &sg) == -EADDRNOTAVAIL);
	CHECK(mroute_vif_stats(&m, 2, &vs) == 0);
	CHECK(!vs.in_packets && !vs.out_packets && !vs.in_bytes && !vs.out_bytes);
	CHECK(mroute_vif_stats(&m, 1, &vs) == -EADDRNOTAVAIL);
	CHECK(mroute_vif_stats(&m, 3, &vs) == -EADDRNOTAVAIL); /* above the highest */
	CHECK(mroute_vif_stats(&m, MROUTE_MAXVIFS, &vs) == -EINVAL);
	mroute_close(&m);
	return 0;
}

/* One UDP datagram from S into mra, where VIF 3 is and no entry: the kernel
 * asks with IGMPMSG_NOCACHE, and an entry added then forwards the packet it
 * held back. */
static int k_nocache_upcall(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(5001)};
	uint8_t ttls[MROUTE_MAXVIFS] = {0};
	struct mroute_sg_stats st;
	struct mroute_upcall u;
	struct mroute m;
	struct peer p;
	char err[256];
	int tx;

	to.sin_addr.s_addr = addr("239.7.7.7");
	CHECK(peer_ns(&p) == 0);
	tx = peer_socket(&p, SOCK_DGRAM, 0);
	CHECK(tx >= 0);
	CHECK(mroute_open(&m, 0, err, sizeof(err)) == 0);
	CHECK(mroute_vif_add(&m, 0, ifx("mrc"), 1) == 0);
	CHECK(mroute_vif_add(&m, 3, ifx("mra"), 1) == 0);
	CHECK(sendto(tx, "upcall", 6, 0, (struct sockaddr *)&to, sizeof(to)) == 6);
	CHECK(next_upcall(&m, &u) == 1);
	CHECK(u.type == IGMPMSG_NOCACHE && u.vif == 3);
	CHECK(u.src == addr(PEER_SRC) && u.group == to.sin_addr.s_addr);
	ttls[0] = 1;
	CHECK(mroute_mfc_add(&m, u.src, u.group, u.vif, ttls) == 0);
	CHECK(mroute_sg_stats(&m, u.src, u.group, &st) == 0);
	CHECK(st.packets == 1 && st.wrong_if == 0);
	CHECK(mroute_read(&m, &u) == -EAGAIN);
	mroute_close(&m);
	close(tx);
	return 0;
}

/* The checksum of an 8-byte IGMP message with code 0 (network order). */
static uint16_t igmp_sum(uint8_t type, uint32_t group)
{
	uint32_t sum = ((uint32_t)type << 8) + (ntohl(group) >> 16) + (ntohl(group) & 0xffff);

	sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* An IGMP report from S to all-hosts reaches the raw socket too; it is no
 * upcall. */
static int k_read_ignores_igmp(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct {
		uint8_t type, code;
		uint16_t sum;
		uint32_t group;
	} report = {.type = 0x16}; /* IGMPv2 membership report */
	struct mroute_upcall u;
	struct mroute m;
	struct peer p;
	char err[256];
	int tx;

	to.sin_addr.s_addr = addr("224.0.0.1");
	report.group = addr("239.8.8.8");
	report.sum = igmp_sum(report.type, report.group);
	CHECK(peer_ns(&p) == 0);
	tx = peer_socket(&p, SOCK_RAW, IPPROTO_IGMP);
	CHECK(tx >= 0);
	CHECK(mroute_open(&m, 0, err, sizeof(err)) == 0);
	CHECK(mroute_vif_add(&m, 3, ifx("mra"), 1) == 0);
	CHECK(sendto(tx, &report, sizeof(report), 0, (struct sockaddr *)&to, sizeof(to)) ==
	      (ssize_t)sizeof(report));
	CHECK(next_message(&m, &u) == 0);
	CHECK(mroute_read(&m, &u) == -EAGAIN);
	mroute_close(&m);
	close(tx);
	return 0;
}

static int k_unprivileged_is_eperm(void)
{
	struct mroute m;
	char err[256];

	CHECK(setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0);
	CHECK(mroute_open(&m, 0, err, sizeof(err)) == -EPERM);
	CHECK(m.fd == -1 && strstr(err, "CAP_NET_RAW"));
	return 0;
}

#define KERNEL_TEST(name)                            \
	static void test_mroute_##name(void **state) \
	{                                            \
		(void)state;                         \
		in_netns(k_##name);                  \
	}

KERNEL_TEST(open_close)
KERNEL_TEST(second_open_names_holder)
KERNEL_TEST(other_process_named)
KERNEL_TEST(table_100_beside_default)
KERNEL_TEST(vif_add_del)
KERNEL_TEST(mfc_add_replace_del)
KERNEL_TEST(stop_entry_has_no_oifs)
KERNEL_TEST(close_empties_kernel_tables)
KERNEL_TEST(stats_of_entries_and_vifs)
KERNEL_TEST(nocache_upcall)
KERNEL_TEST(read_ignores_igmp)
KERNEL_TEST(unprivileged_is_eperm)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mroute_open_close),
	    cmocka_unit_test(test_mroute_second_open_names_holder),
	    cmocka_unit_test(test_mroute_other_process_named),
	    cmocka_unit_test(test_mroute_table_100_beside_default),
	    cmocka_unit_test(test_mroute_vif_add_del),
	    cmocka_unit_test(test_mroute_mfc_add_replace_del),
	    cmocka_unit_test(test_mroute_stop_entry_has_no_oifs),
	    cmocka_unit_test(test_mroute_close_empties_kernel_tables),
	    cmocka_unit_test(test_mroute_stats_of_entries_and_vifs),
	    cmocka_unit_test(test_mroute_nocache_upcall),
	    cmocka_unit_test(test_mroute_read_ignores_igmp),
	    cmocka_unit_test(test_mroute_unprivileged_is_eperm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
