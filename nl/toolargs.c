// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line helpers of the traffic tools (toolargs.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include "stream.h"
#include "toolargs.h"

const char *tool_opt_name(const struct tool_args *t, int val)
{
	static char buf[32];

	for (const struct option *l = t->opts; l->name; l++) {
		if (l->val == val) {
			snprintf(buf, sizeof(buf), "--%s", l->name);
			return buf;
		}
	}
	snprintf(buf, sizeof(buf), "-%c", val);
	return buf;
}

void tool_usage_error(const struct tool_args *t, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", t->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try --help)\n", stderr);
	exit(1);
}

void tool_bad_value(const struct tool_args *t, int opt, const char *val, const char *why)
{
	tool_usage_error(t, "%s '%s': %s", tool_opt_name(t, opt), val, why);
}

uint64_t tool_arg_uint(const struct tool_args *t, int opt, const char *s, uint64_t min,
		       uint64_t max)
{
	char why[64];
	uint64_t v;

	if (mcr_parse_count(s, &v) || v < min || v > max) {
		snprintf(why, sizeof(why), "expected an integer %llu..%llu",
			 (unsigned long long)min, (unsigned long long)max);
		tool_bad_value(t, opt, s, why);
	}
	return v;
}

uint32_t tool_arg_addr(const struct tool_args *t, int opt, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		tool_bad_value(t, opt, s, "expected an IPv4 address");
	return a.s_addr;
}

double tool_arg_seconds(const struct tool_args *t, int opt, const char *s)
{
	double d;

	if (mcr_parse_seconds(s, &d) || d > 1e9)
		tool_bad_value(t, opt, s, "expected seconds, e.g. 2 or 500ms");
	return d;
}
