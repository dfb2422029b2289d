// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sd_notify protocol (notify.h): newline-separated VAR=value lines in
 * one datagram to the socket NOTIFY_SOCKET names.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"

#define NOTIFY_MSG_MAX 512

/* $NOTIFY_SOCKET as an address: a path, or '@' for the abstract name
 * space (a leading NUL byte). */
static int address(const char *name, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if ((name[0] != '/' && name[0] != '@') || n < 2 || n >= sizeof(sa->sun_path))
		return -EINVAL;
	memcpy(sa->sun_path, name, n);
	if (name[0] == '@')
		sa->sun_path[0] = '\0';
	/* an abstract name is exactly its bytes; a path has its NUL */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'));
	return 0;
}

int notify_open(struct notify *n)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	int ret;

	n->fd = -1;
	if (!name || !name[0])
		return 0;
	ret = address(name, &sa, &len);
	if (ret)
		return ret;
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		return -errno;
	if (connect(n->fd, (struct sockaddr *)&sa, len)) {
		ret = -errno;
		notify_close(n);
		return ret;
	}
	return 0;
}

void notify_close(struct notify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

static int send_text(struct notify *n, const char *text)
{
	ssize_t len = (ssize_t)strlen(text);

	if (n->fd < 0)
		return 0;
	/* MSG_NOSIGNAL: a manager that went away must not stop mcrd */
	if (send(n->fd, text, (size_t)len, MSG_NOSIGNAL) != len)
		return -errno;
	return 0;
}

int notify_ready(struct notify *n, const char *status)
{
	char msg[NOTIFY_MSG_MAX];

	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", status);
	return send_text(n, msg);
}

int notify_reloading(struct notify *n)
{
	char msg[NOTIFY_MSG_MAX];
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
		 (unsigned long long)ts.tv_sec * 1000000ull +
		     (unsigned long long)ts.tv_nsec / 1000u);
	return send_text(n, msg);
}

int notify_stopping(struct notify *n)
{
	return send_text(n, "STOPPING=1\nSTATUS=stopping");
}
