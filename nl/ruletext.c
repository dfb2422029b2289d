// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text grammar of rules (see ruletext.h), shared by mcr-nl and mcrd's
 * configuration loader so a saved rule set always reads back the same.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruletext.h"

bool mcr_matches(const char *word, const char *keyword)
{
	size_t len = strlen(word);

	return len > 0 && len <= strlen(keyword) && strncmp(word, keyword, len) == 0;
}

int mcr_match_table(const char *word, const char *const *table)
{
	int first = -1;

	for (int i = 0; table[i]; i++) {
		if (strcmp(word, table[i]) == 0)
			return i;
		if (first < 0 && mcr_matches(word, table[i]))
			first = i;
	}
	return first;
}

int mcr_parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

int mcr_parse_addr(const char *s, uint32_t *addr_be)
{
	struct in_addr in;

	/* inet_pton accepts only the four-part dotted quad, unlike inet_aton. */
	if (inet_pton(AF_INET, s, &in) != 1)
		return -EINVAL;
	*addr_be = in.s_addr;
	return 0;
}

int mcr_parse_port(const char *s, uint16_t *port)
{
	uint32_t v;

	if (mcr_parse_u32(s, &v) || v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int mcr_parse_ttl(const char *s, uint8_t *ttl)
{
	uint32_t v;

	if (mcr_parse_u32(s, &v) || v < 1 || v > 255)
		return -EINVAL;
	*ttl = (uint8_t)v;
	return 0;
}

static int fail(struct mcr_text_err *err, int word, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct mcr_text_err *err, int word, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->word = word;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The parser's cursor over argv. */
struct words {
	int argc, i;
	char **argv;
	struct mcr_text_err *err;
};

/* The value after keyword argv[i]; advances past both. */
static const char *value_of(struct words *w)
{
	const char *kw = w->argv[w->i];

	if (w->i + 1 >= w->argc) {
		fail(w->err, w->i, "\"%s\" needs a value", kw);
		return NULL;
	}
	w->i += 2;
	return w->argv[w->i - 1];
}

static int parse_ifname(struct words *w, char *dst)
{
	const char *v = value_of(w);

	if (!v)
		return -EINVAL;
	if (strlen(v) >= IFNAMSIZ || !mcr_ifname_valid(v))
		return fail(w->err, w->i - 1, "\"%s\" is not a valid interface name", v);
	snprintf(dst, IFNAMSIZ, "%s", v);
	return 0;
}

static int parse_group(struct words *w, uint32_t *group)
{
	const char *v = value_of(w);

	if (!v)
		return -EINVAL;
	if (mcr_parse_addr(v, group))
		return fail(w->err, w->i - 1, "\"%s\" is not an IPv4 address", v);
	if (!mcr_addr_is_multicast(*group))
		return fail(w->err, w->i - 1,
			    "\"%s\" is not a multicast group (224.0.0.0/4)", v);
	return 0;
}

static int parse_source(struct words *w, uint32_t *src)
{
	const char *v = value_of(w);

	if (!v)
		return -EINVAL;
	if (mcr_parse_addr(v, src))
		return fail(w->err, w->i - 1, "\"%s\" is not an IPv4 address", v);
	if (!mcr_addr_is_unicast(*src))
		return fail(w->err, w->i - 1, "\"%s\" is not a unicast source address", v);
	return 0;
}

static int parse_port_word(struct words *w, uint16_t *port)
{
	const char *v = value_of(w);

	if (!v)
		return -EINVAL;
	if (mcr_parse_port(v, port))
		return fail(w->err, w->i - 1, "\"%s\" is not a valid port (1-65535)", v);
	return 0;
}

static int parse_ttl_word(struct words *w, uint8_t *ttl)
{
	const char *v = value_of(w);

	if (!v)
		return -EINVAL;
	if (mcr_parse_ttl(v, ttl))
		return fail(w->err, w->i - 1, "\"%s\" is not a valid TTL (1-255)", v);
	return 0;
}

static int parse_out_src(struct words *w, struct mcr_output *o)
{
	static const char *const modes[] = { "ifaddr", "keep", NULL };
	const char *v = value_of(w);
	int m;

	if (!v)
		return -EINVAL;
	m = mcr_match_table(v, modes);
	if (m >= 0) {
		o->src_mode = m == 0 ? MCR_SRC_MODE_IFADDR : MCR_SRC_MODE_KEEP;
		o->src = 0;
		return 0;
	}
	if (mcr_parse_addr(v, &o->src) || !mcr_addr_is_unicast(o->src))
		return fail(w->err, w->i - 1,
			    "\"%s\" is not a source: use keep, ifaddr or a unicast address", v);
	o->src_mode = MCR_SRC_MODE_ADDR;
	return 0;
}

enum { IN_IIF, IN_SRC, IN_GROUP, IN_PORT, IN_OIF };
static const char *const input_words[] = { "iif", "src", "group", "port", "oif", NULL };
enum { OUT_OIF, OUT_GROUP, OUT_PORT, OUT_TTL, OUT_SRC };
static const char *const output_words[] = { "oif", "group", "port", "ttl", "src", NULL };

/* Each keyword once per input or output. */
static int once(struct words *w, unsigned int *seen, int kw)
{
	if (*seen & (1u << kw))
		return fail(w->err, w->i, "\"%s\" is given twice", w->argv[w->i]);
	*seen |= 1u << kw;
	return 0;
}

static int parse_output(struct words *w, struct mcr_output *o)
{
	unsigned int seen = 0;
	int kw, err = 0;

	o->src_mode = MCR_SRC_MODE_AUTO;
	err = parse_ifname(w, o->oif);
	while (!err && w->i < w->argc) {
		kw = mcr_match_table(w->argv[w->i], output_words);
		if (kw == OUT_OIF)
			return 0; /* the next output */
		if (kw < 0)
			return fail(w->err, w->i, "unknown keyword \"%s\" in an output",
				    w->argv[w->i]);
		if (once(w, &seen, kw))
			return -EINVAL;
		switch (kw) {
		case OUT_GROUP:
			err = parse_group(w, &o->group);
			break;
		case OUT_PORT:
			err = parse_port_word(w, &o->port);
			break;
		case OUT_TTL:
			err = parse_ttl_word(w, &o->ttl);
			break;
		case OUT_SRC:
			err = parse_out_src(w, o);
			break;
		}
	}
	return err;
}

/* Input keywords up to the first "oif"; fills r's input fields. */
static int parse_input(struct words *w, struct mcr_rule *r)
{
	unsigned int seen = 0;
	int kw, err = 0;

	while (!err && w->i < w->argc) {
		kw = mcr_match_table(w->argv[w->i], input_words);
		if (kw == IN_OIF)
			break;
		if (kw < 0)
			return fail(w->err, w->i, "unknown keyword \"%s\"", w->argv[w->i]);
		if (once(w, &seen, kw))
			return -EINVAL;
		switch (kw) {
		case IN_IIF:
			err = parse_ifname(w, r->iif);
			break;
		case IN_SRC:
			err = parse_source(w, &r->src);
			break;
		case IN_GROUP:
			err = parse_group(w, &r->group);
			break;
		case IN_PORT:
			err = parse_port_word(w, &r->port);
			break;
		}
	}
	if (err)
		return err;
	if (!(seen & (1u << IN_IIF)))
		return fail(w->err, -1, "the input interface is missing: \"iif IFNAME\"");
	if (!(seen & (1u << IN_GROUP)))
		return fail(w->err, -1, "the input group is missing: \"group GROUP\"");
	if (w->i >= w->argc)
		return fail(w->err, -1, "a rule needs at least one output: \"oif IFNAME\"");
	return 0;
}

static int count_oif(int argc, char **argv, int from)
{
	int n = 0;

	/* Values never match "oif": every value follows a keyword, so only
	 * words in keyword position are counted. */
	for (int i = from; i < argc; i++) {
		int kw = mcr_match_table(argv[i], output_words);

		if (kw == OUT_OIF)
			n++;
		if (kw >= 0)
			i++; /* skip the value */
	}
	return n;
}

int mcr_ruletext_parse(int argc, char **argv, struct mcr_rule **out,
		       struct mcr_text_err *err)
{
	struct mcr_rule in = { 0 }, *r;
	struct words w = { .argc = argc, .argv = argv, .err = err };
	struct mcr_extack ext = { 0 };
	unsigned int n, i = 0;
	int ret;

	ret = parse_input(&w, &in);
	if (ret)
		return ret;
	n = (unsigned int)count_oif(argc, argv, w.i);
	if (n > MCR_MAX_OUTPUTS)
		return fail(err, -1, "a rule has at most %d outputs, not %u",
			    MCR_MAX_OUTPUTS, n);
	r = mcr_rule_alloc(n);
	if (!r)
		return -ENOMEM;
	memcpy(r, &in, sizeof(in));
	r->n_outputs = n;
	while (w.i < argc && i < n) {
		ret = parse_output(&w, &r->out[i++]);
		if (ret)
			goto fail;
	}
	ret = mcr_rule_validate(r, &ext);
	if (ret) {
		fail(err, -1, "%s", ext.msg);
		ret = -EINVAL;
		goto fail;
	}
	*out = r;
	return 0;
fail:
	mcr_rule_free(r);
	return ret;
}

/* Appends like snprintf but keeps a running total. */
static void add(char *buf, size_t len, int *total, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, int *total, const char *fmt, ...)
{
	va_list ap;
	size_t off = (size_t)*total < len ? (size_t)*total : len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*total += n;
}

int mcr_ruletext_format(const struct mcr_rule *r, char *buf, size_t len)
{
	char a[16];
	int total = 0;

	if (len)
		buf[0] = '\0';
	add(buf, len, &total, "iif %s", r->iif);
	if (r->src)
		add(buf, len, &total, " src %s", mcr_ntop(r->src, a));
	add(buf, len, &total, " group %s", mcr_ntop(r->group, a));
	if (r->port)
		add(buf, len, &total, " port %u", r->port);
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		const struct mcr_output *o = &r->out[i];

		add(buf, len, &total, " oif %s", o->oif);
		if (o->group)
			add(buf, len, &total, " group %s", mcr_ntop(o->group, a));
		if (o->port)
			add(buf, len, &total, " port %u", o->port);
		if (o->ttl)
			add(buf, len, &total, " ttl %u", o->ttl);
		if (o->src_mode == MCR_SRC_MODE_KEEP)
			add(buf, len, &total, " src keep");
		else if (o->src_mode == MCR_SRC_MODE_IFADDR)
			add(buf, len, &total, " src ifaddr");
		else if (o->src_mode == MCR_SRC_MODE_ADDR)
			add(buf, len, &total, " src %s", mcr_ntop(o->src, a));
	}
	return total;
}

int mcr_split_line(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		bool quoted = false;

		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
			r++;
		if (*r == '\0' || *r == '#')
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = w;
		while (*r && (quoted || (*r != ' ' && *r != '\t' && *r != '\n' &&
					 *r != '\r' && *r != '#'))) {
			if (*r == '"') {
				quoted = !quoted;
				r++;
				continue;
			}
			if (*r == '\\' && r[1])
				r++;
			*w++ = *r++;
		}
		if (quoted)
			return -EINVAL;
		/* w never passes r, so terminating here cannot clobber input
		 * not yet read, except the separator we just stopped at. */
		if (*r == '#') {
			*w = '\0';
			return argc;
		}
		if (*r)
			r++;
		*w++ = '\0';
	}
}
