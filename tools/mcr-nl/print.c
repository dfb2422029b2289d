// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The print layer of mcr-nl (print.h). The JSON writer keeps, per open
 * level, how many values it holds: that decides the comma, and in pretty
 * mode the newline and indentation, before the next value and the close.
 */
#include <stdarg.h>

#include "print.h"

void pr_init(struct printer *p, FILE *out, bool json, bool pretty)
{
	p->out = out;
	p->json = json;
	p->pretty = json && pretty;
	p->depth = 0;
	p->count[0] = 0;
}

static bool wants(const struct printer *p, enum pr_mode m)
{
	return m == PR_ANY || (m == PR_JSON) == p->json;
}

static void indent(struct printer *p, int depth)
{
	fputc('\n', p->out);
	for (int i = 0; i < depth; i++)
		fputs("    ", p->out);
}

void pr_json_escape(FILE *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				fprintf(out, "\\u00%c%c", hex[*c >> 4], hex[*c & 15]);
			else
				fputc(*c, out);
		}
	}
	fputc('"', out);
}

void pr_json_name(char *key, size_t size, const char *name)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; name[i] && i < size - 1; i++)
		key[i] = name[i] == '-' ? '_' : name[i];
	key[i] = '\0';
}

/* Comma, newline and indentation before a value, then its key. */
static void json_key(struct printer *p, const char *key)
{
	if (p->count[p->depth]++)
		fputc(',', p->out);
	if (p->pretty && p->depth > 0)
		indent(p, p->depth);
	if (key && p->depth > 0) {
		pr_json_escape(p->out, key);
		fputs(p->pretty ? ": " : ":", p->out);
	}
}

static void json_open(struct printer *p, const char *key, char c)
{
	if (!p->json)
		return;
	json_key(p, key);
	fputc(c, p->out);
	if (p->depth + 1 < PR_DEPTH_MAX)
		p->depth++;
	p->count[p->depth] = 0;
}

static void json_close(struct printer *p, char c)
{
	if (!p->json || p->depth == 0)
		return;
	if (p->pretty && p->count[p->depth])
		indent(p, p->depth - 1);
	p->depth--;
	fputc(c, p->out);
}

void pr_open_object(struct printer *p, const char *key)
{
	json_open(p, key, '{');
}

void pr_close_object(struct printer *p)
{
	json_close(p, '}');
}

void pr_open_array(struct printer *p, const char *key)
{
	json_open(p, key, '[');
}

void pr_close_array(struct printer *p)
{
	json_close(p, ']');
}

void pr_end(struct printer *p)
{
	if (p->json && p->count[0]) {
		fputc('\n', p->out);
		p->count[0] = 0;
	}
	fflush(p->out);
}

void pr_string(struct printer *p, enum pr_mode m, const char *key, const char *fmt,
	       const char *value)
{
	if (!wants(p, m))
		return;
	if (p->json) {
		json_key(p, key);
		pr_json_escape(p->out, value);
	} else {
		fprintf(p->out, fmt, value);
	}
}

void pr_uint(struct printer *p, enum pr_mode m, const char *key, const char *fmt,
	     unsigned int value)
{
	if (!wants(p, m))
		return;
	if (p->json) {
		json_key(p, key);
		fprintf(p->out, "%u", value);
	} else {
		fprintf(p->out, fmt, value);
	}
}

void pr_u64(struct printer *p, enum pr_mode m, const char *key, const char *fmt,
	    unsigned long long value)
{
	if (!wants(p, m))
		return;
	if (p->json) {
		json_key(p, key);
		fprintf(p->out, "%llu", value);
	} else {
		fprintf(p->out, fmt, value);
	}
}

void pr_bool(struct printer *p, enum pr_mode m, const char *key, const char *fmt, bool value)
{
	if (!wants(p, m))
		return;
	if (p->json) {
		json_key(p, key);
		fputs(value ? "true" : "false", p->out);
	} else if (value) {
		fputs(fmt, p->out);
	}
}

void pr_null(struct printer *p, enum pr_mode m, const char *key, const char *fmt)
{
	if (!wants(p, m))
		return;
	if (p->json) {
		json_key(p, key);
		fputs("null", p->out);
	} else {
		fputs(fmt, p->out);
	}
}

void pr_text(struct printer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}
