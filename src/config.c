// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Configuration files (config.h). While a file is read, each rule's id is
 * the number of the line that defined it, which is how an error names the
 * line of an earlier rule; the ids are cleared before the table is handed
 * over, since only the live table assigns ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ruletext.h"

#define CONFIG_LINE_MAX 4096
#define CONFIG_FILE_MAX (64u << 20)
/* Words need a separator each, so a line holds at most this many. */
#define CONFIG_WORDS (CONFIG_LINE_MAX / 2 + 1)

/* The objects and rule verbs of mcr-nl, so that abbreviations resolve
 * exactly as they do on its command line. */
enum { OBJ_RULE, OBJ_STATS, OBJ_DAEMON, OBJ_MONITOR };
static const char *const objects[] = {"rule", "stats", "daemon", "monitor", NULL};

/* clang-format off */
enum {
	VERB_ADD, VERB_APPEND, VERB_CHANGE, VERB_DELETE, VERB_FLUSH, VERB_GET,
	VERB_HELP, VERB_LIST, VERB_REPLACE, VERB_SAVE, VERB_SHOW,
};
static const char *const rule_verbs[] = {
	"add", "append", "change", "delete", "flush", "get",
	"help", "list", "replace", "save", "show", NULL,
};
/* clang-format on */

struct loader {
	const char *name;
	struct rules *out;
	char *err;
	size_t errlen;
	unsigned int line;
	char **argv;
};

static int fail(struct loader *l, int ret, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "NAME:LINE: sentence" and returns @ret. */
static int fail(struct loader *l, int ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!l->err || !l->errlen)
		return ret;
	n = snprintf(l->err, l->errlen, "%s:%u: ", l->name, l->line);
	if (n >= 0 && (size_t)n < l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static int loop_error(struct loader *l, const struct mcr_rule *r, const struct mcr_rule *via,
		      unsigned int out)
{
	char o[80];

	rules_output_text(r, out, o, sizeof(o));
	if (via == r)
		return fail(l, -ELOOP, "%s feeds this rule's own input", o);
	return fail(l, -ELOOP,
		    "%s feeds the rule on line %u, which feeds back into this rule's input", o,
		    via->id);
}

/* Puts @r in the table, over the rule with its input when @replace. */
static int place(struct loader *l, struct mcr_rule *r, bool replace)
{
	const struct mcr_rule *via;
	struct mcr_rule *old;
	struct mcr_rule_key k;
	unsigned int out;
	char text[80];
	int ret;

	mcr_rule_key(r, &k);
	old = rules_find_key(l->out, &k);
	if (old && !replace) {
		rules_key_text(r, text, sizeof(text));
		return fail(l, -EEXIST, "input %s is already used by the rule on line %u", text,
			    old->id);
	}
	ret = rules_find_loop(l->out, r, old, &via, &out);
	if (ret < 0)
		return fail(l, ret, "out of memory");
	if (ret)
		return loop_error(l, r, via, out);
	if (old)
		rules_del(l->out, old);
	r->id = l->line;
	r->flags = 0;
	ret = rules_stage(l->out, r, NULL);
	return ret ? fail(l, ret, "out of memory") : 0;
}

static int load_line(struct loader *l, char *line)
{
	struct mcr_text_err te = {.word = -1};
	struct mcr_rule *r;
	int argc, verb, ret;

	argc = mcr_split_line(line, l->argv, CONFIG_WORDS);
	if (argc == -EINVAL)
		return fail(l, -EINVAL, "unterminated quote");
	if (argc < 0)
		return fail(l, -EINVAL, "too many words");
	if (argc == 0)
		return 0;
	verb = argc > 1 ? mcr_match_table(l->argv[1], rule_verbs) : -1;
	if (mcr_match_table(l->argv[0], objects) != OBJ_RULE ||
	    (verb != VERB_ADD && verb != VERB_REPLACE))
		return fail(
		    l, -EINVAL,
		    "only \"rule add\" and \"rule replace\" belong in a configuration file");
	/* The parser's sentences name the word they are about. */
	ret = mcr_ruletext_parse(argc - 2, l->argv + 2, &r, &te);
	if (ret == -ENOMEM)
		return fail(l, ret, "out of memory");
	if (ret)
		return fail(l, ret, "%s", te.msg);
	ret = place(l, r, verb == VERB_REPLACE);
	if (ret)
		mcr_rule_free(r);
	return ret;
}

static int load_lines(struct loader *l, const char *text, char *line)
{
	const char *p = text;
	int ret = 0;

	while (!ret && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		l->line++;
		if (len > CONFIG_LINE_MAX)
			return fail(l, -EINVAL, "the line is longer than %d bytes",
				    CONFIG_LINE_MAX);
		memcpy(line, p, len);
		line[len] = '\0';
		ret = load_line(l, line);
		p += len + (eol ? 1 : 0);
	}
	return ret;
}

int config_load_string(const char *name, const char *text, struct rules *out, char *err,
		       size_t errlen)
{
	struct loader l = {.name = name, .out = out, .err = err, .errlen = errlen};
	char *line;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (out->n) {
		if (err && errlen)
			snprintf(err, errlen, "%s: the table to load into is not empty", name);
		return -EINVAL;
	}
	line = malloc(CONFIG_LINE_MAX + 1);
	l.argv = malloc(CONFIG_WORDS * sizeof(*l.argv));
	if (line && l.argv)
		ret = load_lines(&l, text, line);
	else
		ret = fail(&l, -ENOMEM, "out of memory");
	free(line);
	free(l.argv);
	if (ret) {
		rules_flush(out);
		return ret;
	}
	for (size_t i = 0; i < out->n; i++)
		out->by_id[i]->id = 0;
	return 0;
}

/* The whole file, NUL-terminated, in *text; -errno on failure. */
static int read_file(const char *path, char **text, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t got;

		if (n + 1 >= cap) {
			char *b =
			    cap >= CONFIG_FILE_MAX ? NULL : realloc(buf, cap ? 2 * cap : 8192);

			if (!b) {
				ret = cap >= CONFIG_FILE_MAX ? -EFBIG : -ENOMEM;
				break;
			}
			buf = b;
			cap = cap ? 2 * cap : 8192;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			ret = got < 0 ? -errno : 0;
			break;
		}
		n += (size_t)got;
	}
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

static unsigned int line_of(const char *text, const char *at)
{
	unsigned int line = 1;

	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

int config_load(const char *path, struct rules *out, char *err, size_t errlen)
{
	const char *nul;
	char *text = NULL;
	size_t len = 0;
	int ret;

	ret = read_file(path, &text, &len);
	if (ret) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	nul = memchr(text, '\0', len);
	if (nul) {
		if (err && errlen)
			snprintf(err, errlen, "%s:%u: the line contains a NUL byte", path,
				 line_of(text, nul));
		ret = -EINVAL;
	} else {
		ret = config_load_string(path, text, out, err, errlen);
	}
	free(text);
	return ret;
}
