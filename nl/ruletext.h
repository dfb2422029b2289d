/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text grammar of rules, shared by mcr-nl (command line and -batch) and
 * mcrd (configuration files are mcr-nl batch files):
 *
 *   RULE   := iif IFNAME [ src ADDR ] group GROUP [ port PORT ] OUTPUT...
 *   OUTPUT := oif IFNAME [ group GROUP ] [ port PORT ] [ ttl TTL ]
 *             [ src { keep | ifaddr | ADDR } ]
 *
 * Keywords may be abbreviated to any prefix; when a prefix fits several
 * keywords, the first in the grammar wins (as in iproute2).
 */
#ifndef MCR_NL_RULETEXT_H
#define MCR_NL_RULETEXT_H

#include <stddef.h>
#include <stdint.h>

#include "rule.h"

/* A syntax error: a sentence and the index in argv of the word it is about
 * (-1 when it is about the end of the line). */
struct mcr_text_err {
	int word;
	char msg[160];
};

/* True when @word is a non-empty prefix of @keyword (iproute2's matches()). */
bool mcr_matches(const char *word, const char *keyword);

/* Index of the first keyword in the NULL-terminated @table that @word is a
 * prefix of; an exact match wins over an earlier prefix match; -1 if none. */
int mcr_match_table(const char *word, const char *const *table);

/* Parses an address in dotted-quad form into network order. */
int mcr_parse_addr(const char *s, uint32_t *addr_be);
/* 1..65535 */
int mcr_parse_port(const char *s, uint16_t *port);
/* 1..255 */
int mcr_parse_ttl(const char *s, uint8_t *ttl);
/* Decimal u32 without sign, overflow or trailing garbage. */
int mcr_parse_u32(const char *s, uint32_t *v);

/*
 * Parses argv (the words after "rule add") into a new rule. Every error
 * names the word: 'Error: "300" is not a valid port (1-65535)' style
 * sentences, without the "Error: " prefix. Calls mcr_rule_validate, so a
 * rule this returns is well-formed on its own. Returns 0 and *out, -EINVAL
 * with err, or -ENOMEM.
 */
int mcr_ruletext_parse(int argc, char **argv, struct mcr_rule **out,
		       struct mcr_text_err *err);

/*
 * Writes the rule as the words that mcr_ruletext_parse reads back into an
 * equal rule ("iif eth0 group 239.1.1.1 port 5001 oif eth1 ..."), omitting
 * defaults. Returns the length as snprintf does.
 */
int mcr_ruletext_format(const struct mcr_rule *r, char *buf, size_t len);

/*
 * Splits a batch line in place into words: blanks separate words, "#"
 * starts a comment, double quotes group words, a backslash escapes the
 * next character. Returns the number of words (0 for blank or comment
 * lines), or -E2BIG when there are more than @max, or -EINVAL for an
 * unterminated quote.
 */
int mcr_split_line(char *line, char **argv, int max);

#endif
