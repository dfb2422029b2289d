// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The membership pool. Most tests run it on a fake kernel that behaves as
 * Linux does where the pool depends on it: a per-socket limit answered
 * with ENOBUFS, and no two memberships of one (ifindex, group) on one
 * socket. The test_mcgroup_kernel_* tests run the real pool in a network
 * namespace of their own (a forked child that unshares one); they skip
 * unless run as root.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "netns_child.h"

#include "mcgroup.h"

#define FAKE_FDS 64
#define FAKE_PER_FD 64
#define FAKE_FD0 3

struct fake_sock {
	bool open;
	int n;
	struct mcgroup_membership m[FAKE_PER_FD];
};

/* The fake kernel; its fds are FAKE_FD0 + slot, lowest free first. */
struct fake {
	struct fake_sock s[FAKE_FDS];
	int limit;	  /* memberships per socket before ENOBUFS */
	int fail_ifindex; /* joins on it fail with fail_err */
	int fail_err;
	int leave_err; /* leaves forget the membership but answer this */
	int open_err;
	unsigned int opens, closes, joins, leaves, enobufs, conflicts, bad_leaves;
};

struct fixture {
	struct fake k;
	struct mcgroup_pool p;
};

static struct fake_sock *fake_sock(struct fake *k, int fd)
{
	assert_in_range(fd, FAKE_FD0, FAKE_FD0 + FAKE_FDS - 1);
	assert_true(k->s[fd - FAKE_FD0].open);
	return &k->s[fd - FAKE_FD0];
}

static int fake_open(void *arg)
{
	struct fake *k = arg;

	if (k->open_err)
		return k->open_err;
	for (int i = 0; i < FAKE_FDS; i++) {
		if (!k->s[i].open) {
			k->s[i] = (struct fake_sock){.open = true};
			k->opens++;
			return FAKE_FD0 + i;
		}
	}
	return -EMFILE;
}

static int fake_find(const struct fake_sock *s, const struct mcgroup_membership *m, bool any_src)
{
	for (int i = 0; i < s->n; i++)
		if (s->m[i].ifindex == m->ifindex && s->m[i].group == m->group &&
		    (any_src || s->m[i].src == m->src))
			return i;
	return -1;
}

static int fake_join(void *arg, int fd, const struct mcgroup_membership *m)
{
	struct fake *k = arg;
	struct fake_sock *s = fake_sock(k, fd);

	if (fake_find(s, m, true) >= 0) {
		k->conflicts++;
		return -EINVAL;
	}
	if (k->fail_ifindex && m->ifindex == k->fail_ifindex)
		return k->fail_err;
	if (s->n >= k->limit || s->n >= FAKE_PER_FD) {
		k->enobufs++;
		return -ENOBUFS;
	}
	s->m[s->n++] = *m;
	k->joins++;
	return 0;
}

static int fake_leave(void *arg, int fd, const struct mcgroup_membership *m)
{
	struct fake *k = arg;
	struct fake_sock *s = fake_sock(k, fd);
	int i = fake_find(s, m, false);

	if (i < 0) {
		k->bad_leaves++;
		return -EADDRNOTAVAIL;
	}
	s->m[i] = s->m[--s->n];
	k->leaves++;
	return k->leave_err;
}

static void fake_close(void *arg, int fd)
{
	struct fake *k = arg;
	struct fake_sock *s = fake_sock(k, fd);

	assert_int_equal(s->n, 0); /* the pool closes only empty sockets */
	s->open = false;
	k->closes++;
}

static const struct mcgroup_ops fake_ops = {
    .open = fake_open,
    .join = fake_join,
    .leave = fake_leave,
    .close = fake_close,
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->k.limit = 1000;
	assert_int_equal(mcgroup_init_ops(&f->p, &fake_ops, &f->k, 20), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	mcgroup_exit(&f->p);
	free(f);
	return 0;
}

static struct mcgroup_membership mk(int ifindex, const char *group, const char *src)
{
	struct mcgroup_membership m = {.ifindex = ifindex};

	assert_int_equal(inet_pton(AF_INET, group, &m.group), 1);
	if (src)
		assert_int_equal(inet_pton(AF_INET, src, &m.src), 1);
	return m;
}

/* @n any-source groups 239.1.0.0 + i on ifindex 2. */
static void groups(struct mcgroup_membership *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		m[i] = (struct mcgroup_membership){.ifindex = 2, .group = htonl(0xef010000 + i)};
}

static unsigned int open_socks(const struct fake *k)
{
	unsigned int n = 0;

	for (int i = 0; i < FAKE_FDS; i++)
		n += k->s[i].open;
	return n;
}

/* The fd holding @m in the fake kernel, or -1. */
static int holder(const struct fake *k, const struct mcgroup_membership *m)
{
	for (int i = 0; i < FAKE_FDS; i++)
		if (k->s[i].open && fake_find(&k->s[i], m, false) >= 0)
			return FAKE_FD0 + i;
	return -1;
}

/* Runs a sync with stderr (where log.h writes) captured into @buf. */
static void sync_logged(struct mcgroup_pool *p, const struct mcgroup_membership *m, size_t n,
			char *buf, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t got;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), 2) == 2);
	assert_int_equal(mcgroup_sync(p, m, n), 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	got = fread(buf, 1, len - 1, tmp);
	buf[got] = '\0';
	fclose(tmp);
}

static int count_str(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *s = hay; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

static void test_mcgroup_45_groups_fill_3_sockets(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[45];

	groups(m, 45);
	assert_int_equal(mcgroup_sync(&f->p, m, 45), 0);
	assert_int_equal(mcgroup_held(&f->p), 45);
	assert_int_equal(mcgroup_sockets(&f->p), 3);
	assert_int_equal(open_socks(&f->k), 3);
	assert_int_equal(f->k.s[0].n, 20);
	assert_int_equal(f->k.s[1].n, 20);
	assert_int_equal(f->k.s[2].n, 5);
	assert_int_equal(f->p.stats.joins, 45);
	assert_int_equal(f->p.stats.join_errors, 0);
}

static void test_mcgroup_sync_to_subset_leaves_only_the_extra_ones(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[45], keep[30];
	int fd_before[30];
	size_t n = 0;

	groups(m, 45);
	assert_int_equal(mcgroup_sync(&f->p, m, 45), 0);
	/* every third one goes, from every socket */
	for (size_t i = 0; i < 45; i++)
		if (i % 3)
			keep[n++] = m[i];
	for (size_t i = 0; i < n; i++)
		fd_before[i] = holder(&f->k, &keep[i]);
	assert_int_equal(mcgroup_sync(&f->p, keep, n), 0);
	assert_int_equal(mcgroup_held(&f->p), 30);
	assert_int_equal(f->k.leaves, 15);
	assert_int_equal(f->k.joins, 45); /* no kept one was rejoined */
	assert_int_equal(f->p.stats.leaves, 15);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(holder(&f->k, &keep[i]), fd_before[i]);
	for (size_t i = 0; i < 45; i += 3)
		assert_int_equal(holder(&f->k, &m[i]), -1);
	assert_int_equal(f->k.bad_leaves, 0);
}

static void test_mcgroup_asm_and_ssm_of_one_group_use_different_sockets(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[] = {
	    mk(2, "232.1.1.1", NULL),	    mk(2, "232.1.1.1", "10.0.0.1"),
	    mk(2, "232.1.1.1", "10.0.0.2"), mk(2, "232.1.1.2", NULL),
	    mk(3, "232.1.1.1", NULL),
	};
	int fd[3];

	assert_int_equal(mcgroup_sync(&f->p, m, 5), 0);
	assert_int_equal(mcgroup_held(&f->p), 5);
	assert_int_equal(f->k.conflicts, 0);
	for (int i = 0; i < 3; i++)
		fd[i] = holder(&f->k, &m[i]);
	assert_int_not_equal(fd[0], fd[1]);
	assert_int_not_equal(fd[0], fd[2]);
	assert_int_not_equal(fd[1], fd[2]);
	/* other groups, and the same group on another interface, share */
	assert_int_equal(mcgroup_sockets(&f->p), 3);

	/* a fourth source, added later, needs a fourth socket */
	struct mcgroup_membership more[6];

	memcpy(more, m, sizeof(m));
	more[5] = mk(2, "232.1.1.1", "10.0.0.3");
	assert_int_equal(mcgroup_sync(&f->p, more, 6), 0);
	assert_int_equal(mcgroup_held(&f->p), 6);
	assert_int_equal(mcgroup_sockets(&f->p), 4);
	assert_int_equal(f->k.conflicts, 0);
	assert_int_equal(f->p.stats.join_errors, 0);
}

static void test_mcgroup_enobufs_before_capacity_moves_the_join(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[45];

	f->k.limit = 7; /* the kernel allows fewer than per_socket (20) */
	groups(m, 45);
	assert_int_equal(mcgroup_sync(&f->p, m, 45), 0);
	assert_int_equal(mcgroup_held(&f->p), 45);
	assert_int_equal(f->p.stats.join_errors, 0);
	assert_int_equal(mcgroup_sockets(&f->p), 7); /* 6 x 7 + 3 */
	assert_int_equal(f->k.enobufs, 6);	     /* once per socket that filled */

	/* the lowered capacity sticks: a rejoin finds room without asking */
	assert_int_equal(mcgroup_sync(&f->p, m + 1, 44), 0);
	assert_int_equal(mcgroup_sync(&f->p, m, 45), 0);
	assert_int_equal(mcgroup_held(&f->p), 45);
	assert_int_equal(mcgroup_sockets(&f->p), 7);
	assert_int_equal(f->k.enobufs, 6);
}

static void test_mcgroup_enobufs_on_an_empty_socket_fails_the_join(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[5];

	f->k.limit = 0;
	groups(m, 5);
	assert_int_equal(mcgroup_sync(&f->p, m, 5), 0);
	assert_int_equal(mcgroup_held(&f->p), 0);
	assert_int_equal(f->p.stats.join_errors, 5);
	assert_int_equal(f->k.opens, 1); /* no socket per attempt */
	assert_int_equal(mcgroup_sockets(&f->p), 0);
	assert_int_equal(f->k.closes, 1);
}

static void test_mcgroup_failed_join_is_counted_logged_once_and_retried(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[] = {
	    mk(2, "239.1.1.1", NULL),
	    mk(9, "239.1.1.2", "10.0.0.9"),
	    mk(2, "239.1.1.3", NULL),
	};
	char log[4096];

	f->k.fail_ifindex = 9;
	f->k.fail_err = -ENODEV;
	sync_logged(&f->p, m, 3, log, sizeof(log));
	assert_int_equal(mcgroup_held(&f->p), 2);
	assert_int_equal(f->p.stats.join_errors, 1);
	assert_int_equal(count_str(log, "cannot join"), 1);
	assert_non_null(strstr(log, "group 239.1.1.2 source 10.0.0.9 on ifindex 9"));
	assert_non_null(strstr(log, strerror(ENODEV)));

	/* retried, counted again, not logged again */
	sync_logged(&f->p, m, 3, log, sizeof(log));
	assert_int_equal(f->p.stats.join_errors, 2);
	assert_int_equal(count_str(log, "warning"), 0);

	/* another error is worth a new line */
	f->k.fail_err = -EPERM;
	sync_logged(&f->p, m, 3, log, sizeof(log));
	assert_int_equal(count_str(log, "cannot join"), 1);

	f->k.fail_ifindex = 0;
	assert_int_equal(mcgroup_sync(&f->p, m, 3), 0);
	assert_int_equal(mcgroup_held(&f->p), 3);
	assert_int_equal(f->p.stats.join_errors, 3);
	assert_int_equal(f->p.stats.joins, 3);
	assert_true(holder(&f->k, &m[1]) >= 0);
}

static void test_mcgroup_failed_join_is_dropped_when_no_longer_wanted(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[] = {mk(9, "239.1.1.2", NULL), mk(2, "239.1.1.3", NULL)};

	f->k.fail_ifindex = 9;
	f->k.fail_err = -ENODEV;
	assert_int_equal(mcgroup_sync(&f->p, m, 2), 0);
	assert_int_equal(mcgroup_sync(&f->p, m + 1, 1), 0);
	assert_int_equal(f->p.stats.join_errors, 1); /* not retried */
	assert_int_equal(f->p.n, 1);
	assert_int_equal(f->k.bad_leaves, 0);
}

static void test_mcgroup_empty_sync_closes_every_socket(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[45];

	groups(m, 45);
	assert_int_equal(mcgroup_sync(&f->p, m, 45), 0);
	assert_int_equal(mcgroup_sync(&f->p, NULL, 0), 0);
	assert_int_equal(mcgroup_held(&f->p), 0);
	assert_int_equal(mcgroup_sockets(&f->p), 0);
	assert_int_equal(open_socks(&f->k), 0);
	assert_int_equal(f->k.closes, 3);
	assert_int_equal(f->p.stats.leaves, 45);
}

static void test_mcgroup_socket_closes_when_its_last_membership_goes(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[45];

	groups(m, 45);
	assert_int_equal(mcgroup_sync(&f->p, m, 45), 0);
	/* the first 20 all sit on the first socket */
	assert_int_equal(mcgroup_sync(&f->p, m + 20, 25), 0);
	assert_int_equal(mcgroup_sockets(&f->p), 2);
	assert_int_equal(f->k.closes, 1);
	assert_false(f->k.s[0].open);
}

static void test_mcgroup_duplicates_in_want_are_harmless(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[45], dup[135];

	groups(m, 45);
	/* three copies, in reverse order */
	for (size_t i = 0; i < 135; i++)
		dup[i] = m[44 - i % 45];
	assert_int_equal(mcgroup_sync(&f->p, dup, 135), 0);
	assert_int_equal(mcgroup_held(&f->p), 45);
	assert_int_equal(f->k.joins, 45);
	assert_int_equal(f->k.conflicts, 0);
	assert_int_equal(mcgroup_sockets(&f->p), 3);
	assert_int_equal(mcgroup_sync(&f->p, dup, 135), 0);
	assert_int_equal(f->k.joins, 45);
	assert_int_equal(f->k.leaves, 0);
}

static void test_mcgroup_leave_of_vanished_interface_is_not_an_error(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[25];
	char log[4096];

	groups(m, 25);
	assert_int_equal(mcgroup_sync(&f->p, m, 25), 0);
	f->k.leave_err = -ENODEV;
	sync_logged(&f->p, NULL, 0, log, sizeof(log));
	assert_int_equal(count_str(log, "warning"), 0);
	assert_int_equal(mcgroup_held(&f->p), 0);
	assert_int_equal(mcgroup_sockets(&f->p), 0);
	assert_int_equal(f->p.stats.leaves, 0); /* nothing was left by us */
}

static void test_mcgroup_open_failure_is_a_join_error(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[3];

	groups(m, 3);
	f->k.open_err = -EMFILE;
	assert_int_equal(mcgroup_sync(&f->p, m, 3), 0);
	assert_int_equal(mcgroup_held(&f->p), 0);
	assert_int_equal(f->p.stats.join_errors, 3);
	f->k.open_err = 0;
	assert_int_equal(mcgroup_sync(&f->p, m, 3), 0);
	assert_int_equal(mcgroup_held(&f->p), 3);
	assert_int_equal(mcgroup_sockets(&f->p), 1);
}

static void test_mcgroup_exit_leaves_everything(void **state)
{
	struct fixture *f = *state;
	struct mcgroup_membership m[45];

	groups(m, 45);
	assert_int_equal(mcgroup_sync(&f->p, m, 45), 0);
	mcgroup_exit(&f->p);
	assert_int_equal(f->k.leaves, 45);
	assert_int_equal(open_socks(&f->k), 0);
	assert_int_equal(mcgroup_held(&f->p), 0);
}

static void test_mcgroup_init_reads_igmp_max_memberships(void **state)
{
	struct mcgroup_pool p;
	FILE *fp = fopen("/proc/sys/net/ipv4/igmp_max_memberships", "r");
	int want = 20;

	(void)state;
	if (fp) {
		if (fscanf(fp, "%d", &want) != 1 || want <= 0)
			want = 20;
		fclose(fp);
	}
	assert_int_equal(mcgroup_init(&p), 0);
	assert_int_equal(p.per_socket, want);
	assert_int_equal(mcgroup_sockets(&p), 0); /* nothing opened yet */
	mcgroup_exit(&p);
}

/* ---- the real kernel, in a namespace of our own ------------------------ */


/* Two veth pairs, up: mcg0/mcg1 and mcg2/mcg3 (the kernel here may lack
 * the dummy driver). */
static const char veths[] = "ip link add mcg0 type veth peer name mcg1 && "
			    "ip link add mcg2 type veth peer name mcg3 && "
			    "for i in 0 1 2 3; do ip link set mcg$i up || exit 1; done";

static void in_netns(int (*fn)(void))
{
	in_netns_with(veths, fn);
}

/* Groups of @dev in /proc/net/igmp within [lo, lo + n) (host order), and
 * the sum of their user counts (one per socket holding the group). */
static int igmp_groups(const char *dev, uint32_t lo, uint32_t n, int *users)
{
	FILE *f = fopen("/proc/net/igmp", "r");
	char line[256], name[32] = "";
	unsigned int grp;
	int count = 0, u, idx;

	*users = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* device lines start with the index, group lines with tabs */
		if (line[0] != '\t' && sscanf(line, "%d %31s", &idx, name) == 2)
			continue;
		/* the kernel prints the address as a raw (network order) word */
		if (sscanf(line, " %x %d", &grp, &u) != 2 || strcmp(name, dev))
			continue;
		if (ntohl(grp) - lo < n) {
			count++;
			*users += u;
		}
	}
	fclose(f);
	return count;
}

/* Source filters of @dev in /proc/net/mcfilter with INCLUDE count 1. */
static int mcfilter_sources(const char *dev)
{
	FILE *f = fopen("/proc/net/mcfilter", "r");
	char line[256], name[32];
	unsigned int grp, src;
	unsigned long inc, exc;
	int count = 0, idx;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %31s %x %x %lu %lu", &idx, name, &grp, &src, &inc, &exc) ==
			6 &&
		    !strcmp(name, dev) && inc == 1)
			count++;
	fclose(f);
	return count;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

#define K_ASM 2000
#define K_SSM_GROUPS 10
#define K_SOURCES 3
#define K_ASM_BASE 0xef020000u /* 239.2.0.0 */
#define K_SSM_BASE 0xe8010100u /* 232.1.1.0 */

/*
 * 2,000 any-source groups on mcg2 and 10 groups x 3 sources on mcg0.
 * /proc/net/mcfilter starts its walk at each device's newest group and
 * lists nothing for a device whose newest group has no sources, so the
 * source-specific joins get an interface of their own.
 */
static int kernel_2000_groups(void)
{
	static struct mcgroup_membership m[K_ASM + K_SSM_GROUPS * K_SOURCES];
	int i_ssm = (int)if_nametoindex("mcg0"), i_asm = (int)if_nametoindex("mcg2");
	int fds = open_fds(), users, n = 0;
	struct mcgroup_pool p;

	/* sorted by ifindex, the sources are joined first and share sockets
	 * with the rest: the minimum number of sockets */
	CHECK(i_ssm > 0 && i_asm > i_ssm);
	for (uint32_t i = 0; i < K_ASM; i++)
		m[n++] = (struct mcgroup_membership){i_asm, htonl(K_ASM_BASE + i), 0};
	for (uint32_t g = 0; g < K_SSM_GROUPS; g++)
		for (uint32_t s = 1; s <= K_SOURCES; s++)
			m[n++] = (struct mcgroup_membership){i_ssm, htonl(K_SSM_BASE + g),
							     htonl(0x0a000000 + s)};
	CHECK(mcgroup_init(&p) == 0);
	CHECK(p.per_socket == 20); /* a new namespace's default */
	CHECK(mcgroup_sync(&p, m, n) == 0);
	CHECK(p.stats.join_errors == 0);
	CHECK(mcgroup_held(&p) == (size_t)n);
	CHECK(mcgroup_sockets(&p) == ((size_t)n + 19) / 20);
	CHECK(igmp_groups("mcg2", K_ASM_BASE, K_ASM, &users) == K_ASM && users == K_ASM);
	CHECK(igmp_groups("mcg0", K_SSM_BASE, K_SSM_GROUPS, &users) == K_SSM_GROUPS);
	CHECK(users == K_SSM_GROUPS * K_SOURCES); /* each source on its own socket */
	CHECK(mcfilter_sources("mcg0") == K_SSM_GROUPS * K_SOURCES);

	CHECK(mcgroup_sync(&p, NULL, 0) == 0);
	CHECK(p.stats.leaves == (uint64_t)n);
	CHECK(mcgroup_sockets(&p) == 0 && open_fds() == fds);
	CHECK(igmp_groups("mcg2", K_ASM_BASE, K_ASM, &users) == 0);
	CHECK(igmp_groups("mcg0", K_SSM_BASE, K_SSM_GROUPS, &users) == 0);
	CHECK(mcfilter_sources("mcg0") == 0);
	mcgroup_exit(&p);
	return 0;
}

static void test_mcgroup_kernel_2000_groups(void **state)
{
	(void)state;
	in_netns(kernel_2000_groups);
}

static int write_sysctl(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(val, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* The sysctl lowered after init: ENOBUFS calibrates every socket. */
static int kernel_enobufs_calibrates(void)
{
	struct mcgroup_membership m[50];
	int ifi = (int)if_nametoindex("mcg0"), users;
	struct mcgroup_pool p;

	CHECK(ifi > 0);
	for (uint32_t i = 0; i < 50; i++)
		m[i] = (struct mcgroup_membership){ifi, htonl(K_ASM_BASE + i), 0};
	CHECK(mcgroup_init(&p) == 0 && p.per_socket == 20);
	CHECK(write_sysctl("/proc/sys/net/ipv4/igmp_max_memberships", "7") == 0);
	CHECK(mcgroup_sync(&p, m, 50) == 0);
	CHECK(p.stats.join_errors == 0 && mcgroup_held(&p) == 50);
	CHECK(mcgroup_sockets(&p) == 8); /* 7 x 7 + 1 */
	CHECK(igmp_groups("mcg0", K_ASM_BASE, 50, &users) == 50);
	mcgroup_exit(&p);
	CHECK(igmp_groups("mcg0", K_ASM_BASE, 50, &users) == 0);
	return 0;
}

static void test_mcgroup_kernel_enobufs_calibrates(void **state)
{
	(void)state;
	in_netns(kernel_enobufs_calibrates);
}

/*
 * An interface vanishes under an any-source and a source-specific join
 * that share a socket with a membership of another interface. Leaving them
 * is no error, and the socket is clean afterwards: when the interface
 * comes back with the same index, the same socket joins it again.
 */
static int kernel_vanished_interface(void)
{
	int i0 = (int)if_nametoindex("mcg0"), i2 = (int)if_nametoindex("mcg2");
	struct mcgroup_membership m[3] = {
	    {i0, htonl(0xe1000001), 0}, /* 225.0.0.1: joined before the source */
	    {i0, htonl(K_SSM_BASE + 1), htonl(0x0a000001)},
	    {i2, htonl(K_ASM_BASE + 2), 0},
	};
	char cmd[160];
	struct mcgroup_pool p;

	CHECK(i0 > 0 && i2 > 0);
	CHECK(mcgroup_init(&p) == 0);
	CHECK(mcgroup_sync(&p, m, 3) == 0 && mcgroup_held(&p) == 3);
	CHECK(mcgroup_sockets(&p) == 1);
	CHECK(system("ip link del mcg0") == 0);
	CHECK(mcgroup_sync(&p, m + 2, 1) == 0);
	CHECK(mcgroup_held(&p) == 1 && mcgroup_sockets(&p) == 1);
	snprintf(cmd, sizeof(cmd),
		 "ip link add mcg0 index %d type veth peer name mcg1 && ip link set mcg0 up", i0);
	CHECK(system(cmd) == 0);
	CHECK(mcgroup_sync(&p, m, 3) == 0);
	CHECK(p.stats.join_errors == 0 && mcgroup_held(&p) == 3);
	CHECK(mcgroup_sockets(&p) == 1);
	CHECK(mcfilter_sources("mcg0") == 1);
	mcgroup_exit(&p);
	return 0;
}

static void test_mcgroup_kernel_vanished_interface(void **state)
{
	(void)state;
	in_netns(kernel_vanished_interface);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_mcgroup_45_groups_fill_3_sockets),
	    T(test_mcgroup_sync_to_subset_leaves_only_the_extra_ones),
	    T(test_mcgroup_asm_and_ssm_of_one_group_use_different_sockets),
	    T(test_mcgroup_enobufs_before_capacity_moves_the_join),
	    T(test_mcgroup_enobufs_on_an_empty_socket_fails_the_join),
	    T(test_mcgroup_failed_join_is_counted_logged_once_and_retried),
	    T(test_mcgroup_failed_join_is_dropped_when_no_longer_wanted),
	    T(test_mcgroup_empty_sync_closes_every_socket),
	    T(test_mcgroup_socket_closes_when_its_last_membership_goes),
	    T(test_mcgroup_duplicates_in_want_are_harmless),
	    T(test_mcgroup_leave_of_vanished_interface_is_not_an_error),
	    T(test_mcgroup_open_failure_is_a_join_error),
	    T(test_mcgroup_exit_leaves_everything),
	    cmocka_unit_test(test_mcgroup_init_reads_igmp_max_memberships),
	    cmocka_unit_test(test_mcgroup_kernel_2000_groups),
	    cmocka_unit_test(test_mcgroup_kernel_enobufs_calibrates),
	    cmocka_unit_test(test_mcgroup_kernel_vanished_interface),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
