/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Least privilege: once the sockets that need more are open, mcrd keeps
 * only CAP_NET_ADMIN and CAP_NET_RAW, optionally as another user.
 *
 * Capabilities belong to a thread, not to the process: the drop must
 * happen while the control thread is the only one, so that every worker
 * thread (and every io_uring helper thread a worker starts) inherits the
 * reduced set. priv_drop refuses to run otherwise.
 */
#ifndef MCRD_PRIVILEGE_H
#define MCRD_PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The capabilities mcrd keeps, as a mask of bits (1 << CAP_x). */
#define PRIV_KEEP ((UINT64_C(1) << 12) | (UINT64_C(1) << 13)) /* CAP_NET_ADMIN, CAP_NET_RAW */

/* Whom to become; name[0] == 0: stay who we are. */
struct priv_user {
	char name[64];
	uid_t uid;
	gid_t gid;
};

/* Looks @name up in the user database (before anything else is open).
 * -ENOENT when there is no such user, -ENAMETOOLONG past the buffer. */
int priv_user_lookup(struct priv_user *u, const char *name);

/* What priv_drop could not do, for the caller's warnings. */
struct priv_result {
	uint64_t missing;   /* bits of PRIV_KEEP the process never had */
	bool bounding_left; /* no CAP_SETPCAP: the bounding set is as it was */
};

/* Becomes @u (when it names a user) and shrinks every capability set to
 * PRIV_KEEP (bounding, permitted, effective) or nothing (inheritable,
 * ambient), then sets no_new_privs. The result is read back and checked.
 * On failure, a sentence in @err and -errno; the process may then be half
 * way, so the caller must stop. Capabilities the process did not have are
 * not gained (@r->missing). A process without CAP_SETPCAP (file
 * capabilities, say) cannot shrink its bounding set; it is left, which
 * no_new_privs makes harmless: no execve can gain from it. */
int priv_drop(const struct priv_user *u, struct priv_result *r, char *err, size_t errlen);

#endif
