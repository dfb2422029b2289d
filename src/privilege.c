// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Least privilege (privilege.h), straight on the system calls: capget and
 * capset (glibc has no wrapper, and the two sets we touch do not need
 * libcap), prctl for the bounding and ambient sets.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privilege.h"

/* The bounding set has at most this many bits; PR_CAPBSET_READ answers
 * EINVAL past the kernel's last capability. */
#define CAP_BITS 64

_Static_assert(PRIV_KEEP == ((UINT64_C(1) << CAP_NET_ADMIN) | (UINT64_C(1) << CAP_NET_RAW)),
	       "PRIV_KEEP names CAP_NET_ADMIN and CAP_NET_RAW");

struct caps {
	uint64_t eff, prm, inh;
};

int priv_user_lookup(struct priv_user *u, const char *name)
{
	struct passwd *pw;

	memset(u, 0, sizeof(*u));
	if (strlen(name) >= sizeof(u->name))
		return -ENAMETOOLONG;
	errno = 0;
	pw = getpwnam(name);
	if (!pw)
		return errno ? -errno : -ENOENT;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

static int caps_get(struct caps *c)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	c->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	c->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

static int caps_set(const struct caps *c)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {
	    {(uint32_t)c->eff, (uint32_t)c->prm, (uint32_t)c->inh},
	    {(uint32_t)(c->eff >> 32), (uint32_t)(c->prm >> 32), (uint32_t)(c->inh >> 32)},
	};

	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* The bounding set as a mask; only the capabilities this kernel knows. */
static int bounding_get(uint64_t *set)
{
	*set = 0;
	for (int c = 0; c < CAP_BITS; c++) {
		int r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);

		if (r < 0)
			return errno == EINVAL ? 0 : -errno;
		if (r)
			*set |= UINT64_C(1) << c;
	}
	return 0;
}

/* Drops what is in the bounding set and not in @keep: each drop needs
 * CAP_SETPCAP, so a set that is already small enough asks for nothing. */
static int bounding_shrink(uint64_t keep)
{
	uint64_t set;
	int ret = bounding_get(&set);

	for (int c = 0; !ret && c < CAP_BITS; c++)
		if ((set & ~keep) & (UINT64_C(1) << c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0))
			ret = -errno;
	return ret;
}

/* Threads: of /proc/self/status; 0 when /proc cannot tell. */
static unsigned int threads(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %u", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int fail(int ret, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "dropping privileges: %s: %s", what, strerror(-ret));
	return ret;
}

/* setgroups, setgid, setuid, all three ids each, with KEEPCAPS so that
 * the permitted set survives the change of uid (the effective set does
 * not: caps_set restores it). */
static int become(const struct priv_user *u, char *err, size_t errlen)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return fail(-errno, err, errlen, "PR_SET_KEEPCAPS");
	if (initgroups(u->name, u->gid))
		return fail(-errno, err, errlen, "initgroups");
	if (setresgid(u->gid, u->gid, u->gid))
		return fail(-errno, err, errlen, "setresgid");
	if (setresuid(u->uid, u->uid, u->uid))
		return fail(-errno, err, errlen, "setresuid");
	return 0;
}

/* Everything as priv_drop promised, read back from the kernel. */
static int verify(uint64_t keep, bool bounding_left, char *err, size_t errlen)
{
	struct caps c;
	uint64_t bnd;
	int ret = caps_get(&c);

	if (!ret)
		ret = bounding_get(&bnd);
	if (ret)
		return fail(ret, err, errlen, "reading the sets back");
	if (c.eff != keep || c.prm != keep || c.inh || (!bounding_left && bnd & ~PRIV_KEEP) ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) > 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_ADMIN, 0, 0) > 0) {
		snprintf(err, errlen,
			 "dropping privileges: the kernel kept more (effective %#llx, "
			 "permitted %#llx, inheritable %#llx, bounding %#llx)",
			 (unsigned long long)c.eff, (unsigned long long)c.prm,
			 (unsigned long long)c.inh, (unsigned long long)bnd);
		return -EPERM;
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		snprintf(err, errlen, "dropping privileges: no_new_privs is not set");
		return -EPERM;
	}
	return 0;
}

int priv_drop(const struct priv_user *u, struct priv_result *r, char *err, size_t errlen)
{
	struct caps c;
	uint64_t keep;
	int ret;

	memset(r, 0, sizeof(*r));
	if (threads() > 1) {
		snprintf(err, errlen,
			 "dropping privileges: %u threads run already; only this one would lose "
			 "its capabilities",
			 threads());
		return -EBUSY;
	}
	ret = caps_get(&c);
	if (ret)
		return fail(ret, err, errlen, "capget");
	keep = c.prm & PRIV_KEEP;
	r->missing = PRIV_KEEP & ~keep;
	/* before the uid change, while CAP_SETPCAP is still effective; the
	 * bounding set limits what can be gained, not what is held, so
	 * CAP_SETUID and CAP_SETGID still work for become() */
	ret = bounding_shrink(PRIV_KEEP);
	if (ret == -EPERM && !(c.eff & (UINT64_C(1) << CAP_SETPCAP)))
		r->bounding_left = true;
	else if (ret)
		return fail(ret, err, errlen, "bounding set");
	/* EINVAL: a kernel without ambient capabilities (before 4.3) */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return fail(-errno, err, errlen, "ambient set");
	if (u->name[0] && (ret = become(u, err, errlen)))
		return ret;
	c = (struct caps){.eff = keep, .prm = keep, .inh = 0};
	ret = caps_set(&c);
	if (ret)
		return fail(ret, err, errlen, "capset");
	if (u->name[0] && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
		return fail(-errno, err, errlen, "PR_SET_KEEPCAPS");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(-errno, err, errlen, "PR_SET_NO_NEW_PRIVS");
	return verify(keep, r->bounding_left, err, errlen);
}
