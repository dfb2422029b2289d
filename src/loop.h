/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event loop of mcrd's control thread: epoll over file descriptors
 * (sockets, the signalfd) and one-shot timers, each timer a timerfd.
 * Callbacks run one at a time on the loop's thread.
 */
#ifndef MCRD_LOOP_H
#define MCRD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*loop_fd_cb)(void *arg, uint32_t events);
typedef void (*loop_timer_cb)(void *arg);

/* A registered file descriptor; owned by the caller, which must keep it
 * alive until loop_watch_del. */
struct loop_watch {
	int fd;
	loop_fd_cb cb;
	void *arg;
};

struct loop {
	int epfd;
	bool stop;
};

/* A one-shot timer. A timer that was never set up with loop_timer_init
 * (zeroed, or fd -1) ignores arm and disarm: code that uses timers also
 * runs without a loop (unit tests, the fuzzer), which fire them by hand. */
struct loop_timer {
	struct loop *loop;
	struct loop_watch w;
	loop_timer_cb cb;
	void *arg;
	bool armed;
};

int loop_init(struct loop *l);
void loop_exit(struct loop *l);

/* Watches @fd for EPOLLIN (level-triggered). Returns 0 or -errno. */
int loop_watch_add(struct loop *l, struct loop_watch *w, int fd, loop_fd_cb cb, void *arg);
void loop_watch_del(struct loop *l, struct loop_watch *w);

int loop_timer_init(struct loop *l, struct loop_timer *t, loop_timer_cb cb, void *arg);
void loop_timer_exit(struct loop_timer *t);
/* Fires once after @ms milliseconds (0: as soon as the loop runs again),
 * replacing any earlier arming. */
void loop_timer_arm(struct loop_timer *t, unsigned int ms);
void loop_timer_disarm(struct loop_timer *t);

/* Runs callbacks until loop_stop; returns 0, or -errno when epoll fails. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t loop_now_ms(void);

#endif
