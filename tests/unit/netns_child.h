/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real-kernel unit tests in a network namespace of their own: the test
 * body runs in a forked child that unshared its network namespace and ran
 * a set-up command (veth pairs: this kernel may lack the dummy driver).
 * The child checks with CHECK and answers with its exit status, so cmocka's
 * asserts stay in the parent and nothing leaks into the host's namespace,
 * even when the child crashes. Include after <cmocka.h>.
 */
#ifndef MCR_TEST_NETNS_CHILD_H
#define MCR_TEST_NETNS_CHILD_H

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_SKIP 77
#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			return 1;                                                             \
		}                                                                             \
	} while (0)

/* Runs @fn in a child in a new network namespace after @setup (a shell
 * command); skips when not root or when the namespace cannot be made. */
static inline void in_netns_with(const char *setup, int (*fn)(void))
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		if (unshare(CLONE_NEWNET) || system(setup))
			_exit(CHILD_SKIP);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_SKIP)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

#endif
