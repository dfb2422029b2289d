/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One print layer for text and JSON, in the manner of iproute2's
 * json_print: every field is printed by one call that carries both its JSON
 * key and its text format, so the two outputs cannot drift apart. In text
 * mode the key is ignored and the format is printed with the value; in
 * JSON mode the format is ignored and "key": value is written with proper
 * string escaping, commas and (with pretty) indentation.
 */
#ifndef MCR_NL_PRINT_H
#define MCR_NL_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum pr_mode {
	PR_ANY,	 /* both outputs */
	PR_TEXT, /* text only */
	PR_JSON, /* JSON only */
};

#define PR_DEPTH_MAX 16

struct printer {
	FILE *out;
	bool json;
	bool pretty;
	int depth;
	/* per open level: values written so far */
	unsigned int count[PR_DEPTH_MAX];
};

/* Starts printing to @out. */
void pr_init(struct printer *p, FILE *out, bool json, bool pretty);

/* Objects and arrays (nothing in text mode). @key is the member name when
 * the enclosing level is an object, NULL inside an array or at the top. */
void pr_open_object(struct printer *p, const char *key);
void pr_close_object(struct printer *p);
void pr_open_array(struct printer *p, const char *key);
void pr_close_array(struct printer *p);

/* Ends one top-level JSON value with a newline and flushes. */
void pr_end(struct printer *p);

/* Fields. @fmt holds one conversion for the value: %s for strings, %u for
 * pr_uint, %llu for pr_u64. */
void pr_string(struct printer *p, enum pr_mode m, const char *key, const char *fmt,
	       const char *value);
void pr_uint(struct printer *p, enum pr_mode m, const char *key, const char *fmt,
	     unsigned int value);
void pr_u64(struct printer *p, enum pr_mode m, const char *key, const char *fmt,
	    unsigned long long value);
/* Text: @fmt (no conversion) only when @value is true. JSON: true/false. */
void pr_bool(struct printer *p, enum pr_mode m, const char *key, const char *fmt, bool value);
/* Text: @fmt (no conversion). JSON: null. */
void pr_null(struct printer *p, enum pr_mode m, const char *key, const char *fmt);

/* Text only, printf-style (separators, newlines, indentation). */
void pr_text(struct printer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A spec name as a JSON key: "dumps-interrupted" -> "dumps_interrupted",
 * cut to @size - 1 bytes. */
void pr_json_name(char *key, size_t size, const char *name);

/* Writes @s as a JSON string literal: quotes, backslashes and control
 * characters escaped, other bytes (UTF-8) passed through. */
void pr_json_escape(FILE *out, const char *s);

#endif
