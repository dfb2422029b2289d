/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging of mcrd: stderr by default (with "<N>" priority prefixes that the
 * journal understands when stderr is a journal stream), or syslog.
 *
 * The sink and the level are process-wide, like syslog itself: they are the
 * one piece of state outside struct mcrd, and they work before log_init
 * (stderr, LOG_INFO), so library code and tests can log without setup.
 */
#ifndef MCRD_LOG_H
#define MCRD_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* One step more verbose than LOG_DEBUG: per-message traces (-vv). */
#define LOG_TRACE (LOG_DEBUG + 1)

/* Chooses the sink and the most verbose priority that is still printed. */
void log_init(bool use_syslog, int level);
void log_exit(void);
void log_set_level(int level);
bool log_enabled(int prio);

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_trace(...) log_msg(LOG_TRACE, __VA_ARGS__)

#endif
