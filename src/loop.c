// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The event loop (loop.h). Every watch carries its own callback in the
 * epoll data, so the loop needs no table of descriptors.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

#define LOOP_EVENTS 32

int loop_init(struct loop *l)
{
	l->stop = false;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -errno : 0;
}

void loop_exit(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

int loop_watch_add(struct loop *l, struct loop_watch *w, int fd, loop_fd_cb cb, void *arg)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};

	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

void loop_watch_del(struct loop *l, struct loop_watch *w)
{
	if (w->fd >= 0)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

static void timer_fired(void *arg, uint32_t events)
{
	struct loop_timer *t = arg;
	uint64_t n;

	(void)events;
	/* Reading resets the expiration count; a short read means nothing
	 * expired (a disarm raced with the wakeup). */
	if (read(t->w.fd, &n, sizeof(n)) != sizeof(n))
		return;
	t->armed = false;
	t->cb(t->arg);
}

int loop_timer_init(struct loop *l, struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	int fd, ret;

	memset(t, 0, sizeof(*t));
	t->w.fd = -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	t->loop = l;
	t->cb = cb;
	t->arg = arg;
	ret = loop_watch_add(l, &t->w, fd, timer_fired, t);
	if (ret) {
		close(fd);
		t->w.fd = -1;
		t->loop = NULL;
	}
	return ret;
}

void loop_timer_exit(struct loop_timer *t)
{
	if (!t->loop || t->w.fd < 0)
		return;
	loop_watch_del(t->loop, &t->w);
	close(t->w.fd);
	t->w.fd = -1;
	t->loop = NULL;
}

static void timer_set(struct loop_timer *t, unsigned int ms, bool arm)
{
	struct itimerspec its = {0};

	if (!t->loop || t->w.fd < 0)
		return;
	if (arm) {
		/* All zero would disarm: "now" is one microsecond away. */
		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = ms ? (long)(ms % 1000) * 1000000L : 1000L;
	}
	if (timerfd_settime(t->w.fd, 0, &its, NULL) < 0)
		log_err("timerfd_settime: %s", strerror(errno));
	t->armed = arm;
}

void loop_timer_arm(struct loop_timer *t, unsigned int ms)
{
	timer_set(t, ms, true);
}

void loop_timer_disarm(struct loop_timer *t)
{
	timer_set(t, 0, false);
}

int loop_run(struct loop *l)
{
	struct epoll_event ev[LOOP_EVENTS];

	while (!l->stop) {
		int n = epoll_wait(l->epfd, ev, LOOP_EVENTS, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !l->stop; i++) {
			struct loop_watch *w = ev[i].data.ptr;

			w->cb(w->arg, ev[i].events);
		}
	}
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
