// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sd_notify (notify.h) against a datagram socket of the test's own, by
 * path and by abstract name; and the user look-up of privilege.h (the drop
 * itself changes the process for good: tests/netns/privilege.sh checks it
 * on a running mcrd).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "notify.h"
#include "privilege.h"

struct listener {
	int fd;
	char name[108]; /* as NOTIFY_SOCKET names it */
	char dir[64];
};

static void listen_at(struct listener *l, bool abstract)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;

	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(l->fd >= 0);
	l->dir[0] = '\0';
	if (abstract) {
		snprintf(l->name, sizeof(l->name), "@mcr-test-notify-%d", (int)getpid());
		memcpy(sa.sun_path + 1, l->name + 1, strlen(l->name) - 1);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(l->name));
	} else {
		snprintf(l->dir, sizeof(l->dir), "/tmp/mcr-notify.XXXXXX");
		assert_non_null(mkdtemp(l->dir));
		snprintf(l->name, sizeof(l->name), "%s/sock", l->dir);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", l->name);
		len = sizeof(sa);
	}
	assert_int_equal(bind(l->fd, (struct sockaddr *)&sa, len), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", l->name, 1), 0);
}

static void listen_end(struct listener *l)
{
	close(l->fd);
	if (l->dir[0]) {
		unlink(l->name);
		rmdir(l->dir);
	}
	unsetenv("NOTIFY_SOCKET");
}

/* The next datagram, NUL-terminated, without blocking: notify sends are
 * synchronous on a local datagram socket. */
static const char *next_msg(struct listener *l)
{
	static char buf[1024];
	ssize_t n = recv(l->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n > 0);
	buf[n] = '\0';
	return buf;
}

static void check_protocol(bool abstract)
{
	struct listener l;
	struct notify n;
	const char *m;
	unsigned long long usec;

	listen_at(&l, abstract);
	assert_int_equal(notify_open(&n), 0);
	assert_true(n.fd >= 0);
	assert_int_equal(notify_ready(&n, "running: 2 rules"), 0);
	assert_string_equal(next_msg(&l), "READY=1\nSTATUS=running: 2 rules");
	assert_int_equal(notify_reloading(&n), 0);
	m = next_msg(&l);
	assert_int_equal(strncmp(m, "RELOADING=1\nMONOTONIC_USEC=", 27), 0);
	assert_int_equal(sscanf(m + 27, "%llu", &usec), 1);
	assert_true(usec > 0);
	assert_int_equal(notify_stopping(&n), 0);
	assert_string_equal(next_msg(&l), "STOPPING=1\nSTATUS=stopping");
	notify_close(&n);
	assert_int_equal(n.fd, -1);
	listen_end(&l);
}

static void test_notify_path_socket_gets_every_message(void **state)
{
	(void)state;
	check_protocol(false);
}

static void test_notify_abstract_name_gets_every_message(void **state)
{
	(void)state;
	check_protocol(true);
}

static void test_notify_without_socket_is_silent_success(void **state)
{
	struct notify n;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_open(&n), 0);
	assert_int_equal(n.fd, -1);
	assert_int_equal(notify_ready(&n, "x"), 0);
	assert_int_equal(notify_stopping(&n), 0);
	notify_close(&n);
}

static void test_notify_bad_names_are_refused(void **state)
{
	static const char *const bad[] = {"relative/sock", "@", "/", "x"};
	struct notify n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv("NOTIFY_SOCKET", bad[i], 1), 0);
		assert_int_equal(notify_open(&n), -EINVAL);
		assert_int_equal(n.fd, -1);
	}
	unsetenv("NOTIFY_SOCKET");
}

static void test_notify_missing_socket_is_an_error(void **state)
{
	struct notify n;

	(void)state;
	assert_int_equal(setenv("NOTIFY_SOCKET", "/nonexistent/mcr-notify", 1), 0);
	assert_int_equal(notify_open(&n), -ENOENT);
	assert_int_equal(n.fd, -1);
	unsetenv("NOTIFY_SOCKET");
}

static void test_priv_user_lookup(void **state)
{
	struct priv_user u;
	char longname[100];

	(void)state;
	assert_int_equal(priv_user_lookup(&u, "root"), 0);
	assert_string_equal(u.name, "root");
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 0);
	assert_int_equal(priv_user_lookup(&u, "mcr-no-such-user-here"), -ENOENT);
	assert_string_equal(u.name, "");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(priv_user_lookup(&u, longname), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_notify_path_socket_gets_every_message),
	    cmocka_unit_test(test_notify_abstract_name_gets_every_message),
	    cmocka_unit_test(test_notify_without_socket_is_silent_success),
	    cmocka_unit_test(test_notify_bad_names_are_refused),
	    cmocka_unit_test(test_notify_missing_socket_is_an_error),
	    cmocka_unit_test(test_priv_user_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
