// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Logging (log.h). A journal stream is recognised the way systemd documents
 * it: JOURNAL_STREAM names the device and inode of the stream, and it only
 * counts when that is what stderr still is (a child whose stderr was
 * redirected inherits the variable but not the stream).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "log.h"

static struct {
	bool syslog;
	bool journal;
	int level;
} log_cfg = {.level = LOG_INFO};

static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(2, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init(bool use_syslog, int level)
{
	log_cfg.syslog = use_syslog;
	log_cfg.level = level;
	log_cfg.journal = !use_syslog && stderr_is_journal();
	if (use_syslog)
		openlog("mcrd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_exit(void)
{
	if (log_cfg.syslog)
		closelog();
	log_cfg.syslog = false;
}

void log_set_level(int level)
{
	log_cfg.level = level;
}

bool log_enabled(int prio)
{
	return prio <= log_cfg.level;
}

/* clang-format off */
static const char *const prefix[] = {
	[LOG_EMERG] = "error: ",
	[LOG_ALERT] = "error: ",
	[LOG_CRIT] = "error: ",
	[LOG_ERR] = "error: ",
	[LOG_WARNING] = "warning: ",
	[LOG_NOTICE] = "",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
	[LOG_TRACE] = "trace: ",
};
/* clang-format on */

void log_msg(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!log_enabled(prio) || prio < 0 || prio > LOG_TRACE)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_cfg.syslog)
		syslog(prio > LOG_DEBUG ? LOG_DEBUG : prio, "%s", line);
	else if (log_cfg.journal)
		fprintf(stderr, "<%d>%s\n", prio > LOG_DEBUG ? LOG_DEBUG : prio, line);
	else
		fprintf(stderr, "mcrd: %s%s\n", prefix[prio], line);
}
