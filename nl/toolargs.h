/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command-line helpers of the test traffic tools (mcr-gen, mcr-sink): one
 * wording for every refused argument, "PROG: --opt 'value': why (try
 * --help)" on stderr and exit status 1, so scripts and people see the same
 * thing from both tools.
 */
#ifndef MCR_NL_TOOLARGS_H
#define MCR_NL_TOOLARGS_H

#include <getopt.h>
#include <stdint.h>

struct tool_args {
	const char *prog;	    /* "mcr-gen" */
	const struct option *opts; /* the getopt_long table, for option names */
};

/* "--name" of the option whose getopt value is @val, or "-c". The string
 * lives until the next call. */
const char *tool_opt_name(const struct tool_args *t, int val);

void tool_usage_error(const struct tool_args *t, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
void tool_bad_value(const struct tool_args *t, int opt, const char *val, const char *why)
    __attribute__((noreturn));

/* @s as an integer min..max (k, M, G suffixes: mcr_parse_count), an IPv4
 * address, or a duration in seconds (mcr_parse_seconds, at most 1e9);
 * anything else ends the program through tool_bad_value. */
uint64_t tool_arg_uint(const struct tool_args *t, int opt, const char *s, uint64_t min,
		       uint64_t max);
uint32_t tool_arg_addr(const struct tool_args *t, int opt, const char *s);
double tool_arg_seconds(const struct tool_args *t, int opt, const char *s);

#endif
