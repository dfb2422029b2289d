// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Configuration files: what they accept, and the exact "name:line: ..."
 * sentence of every way they can be wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "ruletext.h"

struct fixture {
	struct rules t;
	char err[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(rules_init(&f->t), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rules_exit(&f->t);
	free(f);
	return 0;
}

static int load(struct fixture *f, const char *text)
{
	return config_load_string("t.conf", text, &f->t, f->err, sizeof(f->err));
}

/* Loading @text fails with @ret and exactly @msg, leaving the table empty. */
static void load_fails(struct fixture *f, const char *text, int ret, const char *msg)
{
	assert_int_equal(load(f, text), ret);
	assert_string_equal(f->err, msg);
	assert_int_equal(f->t.n, 0);
}

static const char *rule_text(const struct mcr_rule *r)
{
	static char buf[512];

	mcr_ruletext_format(r, buf, sizeof(buf));
	return buf;
}

static void test_config_reads_rules_around_comments_and_blank_lines(void **state)
{
	struct fixture *f = *state;
	const char *text =
	    "# mcrd configuration\n"
	    "\n"
	    "   \t\n"
	    "rule add iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1 # camera\n"
	    "  # indented comment\n"
	    "rule add iif nosuch0 src 10.0.0.1 group 239.1.1.2 oif nosuch1 group 239.2.2.2 "
	    "port 6000 ttl 8 src keep oif nosuch2\r\n"
	    "rule add iif \"nosuch3\" group 239.1.1.3 oif nosuch1"; /* no final newline */

	assert_int_equal(load(f, text), 0);
	assert_string_equal(f->err, "");
	assert_int_equal(f->t.n, 3);
	assert_string_equal(rule_text(f->t.by_id[0]),
			    "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1");
	assert_string_equal(rule_text(f->t.by_id[1]),
			    "iif nosuch0 src 10.0.0.1 group 239.1.1.2 oif nosuch1 group 239.2.2.2 "
			    "port 6000 ttl 8 src keep oif nosuch2");
	assert_string_equal(f->t.by_id[2]->iif, "nosuch3");
	/* Ids and the pending flag belong to the live table. */
	for (size_t i = 0; i < f->t.n; i++) {
		assert_int_equal(f->t.by_id[i]->id, 0);
		assert_int_equal(f->t.by_id[i]->flags, 0);
	}
	assert_int_equal(f->t.n_pending, 0);
}

static void test_config_accepts_empty_text(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, ""), 0);
	assert_int_equal(load(f, "\n\n# nothing\n"), 0);
	assert_int_equal(f->t.n, 0);
}

static void test_config_accepts_abbreviated_keywords(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "r a i nosuch0 g 239.1.1.1 p 5001 o nosuch1 g 239.2.2.2\n"
				 "ru rep iif nosuch0 g 239.1.1.2 oif nosuch1 t 3\n"),
			 0);
	assert_int_equal(f->t.n, 2);
	assert_string_equal(rule_text(f->t.by_id[0]),
			    "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1 group 239.2.2.2");
	assert_string_equal(rule_text(f->t.by_id[1]),
			    "iif nosuch0 group 239.1.1.2 oif nosuch1 ttl 3");
}

static void test_config_replace_line_overrides_earlier_rule(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f,
			      "rule add iif nosuch0 group 239.1.1.1 oif nosuch1\n"
			      "rule add iif nosuch0 group 239.1.1.2 oif nosuch1\n"
			      "rule replace iif nosuch0 group 239.1.1.1 oif nosuch2 oif nosuch3\n"),
			 0);
	assert_int_equal(f->t.n, 2);
	assert_string_equal(rule_text(f->t.by_id[0]), "iif nosuch0 group 239.1.1.2 oif nosuch1");
	assert_string_equal(rule_text(f->t.by_id[1]),
			    "iif nosuch0 group 239.1.1.1 oif nosuch2 oif nosuch3");
}

static void test_config_add_after_replace_names_the_replacing_line(void **state)
{
	struct fixture *f = *state;

	load_fails(
	    f,
	    "rule add iif nosuch0 group 239.1.1.1 oif nosuch1\n"
	    "rule replace iif nosuch0 group 239.1.1.1 oif nosuch2\n"
	    "rule add iif nosuch0 group 239.1.1.1 oif nosuch3\n",
	    -EEXIST,
	    "t.conf:3: input iif nosuch0 group 239.1.1.1 is already used by the rule on line 2");
}

static void test_config_rejects_unknown_keyword(void **state)
{
	load_fails(*state, "\nrule add iif nosuch0 group 239.1.1.1 colour red oif nosuch1\n",
		   -EINVAL, "t.conf:2: unknown keyword \"colour\"");
}

static void test_config_rejects_bad_port(void **state)
{
	load_fails(*state,
		   "rule add iif nosuch0 group 239.1.1.1 oif nosuch1\n"
		   "rule add iif nosuch0 group 239.1.1.2 port 300000 oif nosuch1\n",
		   -EINVAL, "t.conf:2: \"300000\" is not a valid port (1-65535)");
}

static void test_config_rejects_missing_group(void **state)
{
	load_fails(*state, "rule add iif nosuch0 oif nosuch1\n", -EINVAL,
		   "t.conf:1: the input group is missing: \"group GROUP\"");
}

static void test_config_rejects_other_commands(void **state)
{
	static const char *const lines[] = {
	    "stats show\n",
	    "rule delete iif nosuch0 group 239.1.1.1\n",
	    "rule append iif nosuch0 group 239.1.1.1 oif nosuch1\n",
	    "rule\n",
	    "route add iif nosuch0 group 239.1.1.1 oif nosuch1\n",
	    "monitor\n",
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		load_fails(f, lines[i], -EINVAL,
			   "t.conf:1: only \"rule add\" and \"rule replace\" belong in a "
			   "configuration file");
}

static void test_config_rejects_duplicate_input(void **state)
{
	struct fixture *f = *state;
	char text[512] = "";

	strcat(text, "\n\nrule add iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1\n");
	for (int i = 4; i < 12; i++)
		strcat(text, "# filler\n");
	strcat(text, "rule add iif nosuch0 group 239.1.1.1 port 5001 oif nosuch2\n");
	load_fails(f, text, -EEXIST,
		   "t.conf:12: input iif nosuch0 group 239.1.1.1 port 5001 is already used by the "
		   "rule on line 3");
}

static void test_config_rejects_loop(void **state)
{
	load_fails(*state,
		   "rule add iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1 group 239.2.2.2\n"
		   "# the way back\n"
		   "rule add iif nosuch1 group 239.2.2.2 oif nosuch0 group 239.1.1.1 port 5001\n",
		   -ELOOP,
		   "t.conf:3: output 1 (oif nosuch0 group 239.1.1.1 port 5001) feeds the rule on "
		   "line 1, which feeds back into this rule's input");
}

static void test_config_replace_is_checked_without_the_rule_it_replaces(void **state)
{
	struct fixture *f = *state;

	/* Line 3 would close a loop with line 1, which line 2 replaced. */
	assert_int_equal(load(f,
			      "rule add iif nosuch0 group 239.1.1.1 oif nosuch1 group 239.2.2.2\n"
			      "rule replace iif nosuch0 group 239.1.1.1 oif nosuch2\n"
			      "rule add iif nosuch1 group 239.2.2.2 oif nosuch0 group 239.1.1.1\n"),
			 0);
	assert_int_equal(f->t.n, 2);
	rules_flush(&f->t);
	load_fails(f,
		   "rule add iif nosuch0 group 239.1.1.1 oif nosuch1 group 239.2.2.2\n"
		   "rule add iif nosuch1 group 239.2.2.2 oif nosuch2\n"
		   "rule replace iif nosuch1 group 239.2.2.2 oif nosuch0 group 239.1.1.1\n",
		   -ELOOP,
		   "t.conf:3: output 1 (oif nosuch0 group 239.1.1.1) feeds the rule on line 1, "
		   "which feeds back into this rule's input");
}

static void test_config_rejects_unterminated_quote(void **state)
{
	load_fails(*state, "rule add iif \"nosuch0 group 239.1.1.1 oif nosuch1\n", -EINVAL,
		   "t.conf:1: unterminated quote");
}

static void test_config_rejects_overlong_line(void **state)
{
	struct fixture *f = *state;
	char *text = malloc(2 * 4096 + 64);

	assert_non_null(text);
	/* 4096 bytes is the limit, comments included. */
	memset(text, ' ', 4096);
	text[0] = '#';
	strcpy(text + 4096, "\nrule add iif nosuch0 group 239.1.1.1 oif nosuch1\n");
	assert_int_equal(load(f, text), 0);
	assert_int_equal(f->t.n, 1);
	rules_flush(&f->t);
	memset(text + 4096, ' ', 1);
	text[4097] = '\n';
	text[4098] = '\0';
	load_fails(f, text, -EINVAL, "t.conf:1: the line is longer than 4096 bytes");
	free(text);
}

static void test_config_error_leaves_table_empty(void **state)
{
	struct fixture *f = *state;

	load_fails(f,
		   "rule add iif nosuch0 group 239.1.1.1 oif nosuch1\n"
		   "rule add iif nosuch0 group 239.1.1.2 oif nosuch1\n"
		   "rule add iif nosuch0 group 10.0.0.1 oif nosuch1\n",
		   -EINVAL, "t.conf:3: \"10.0.0.1\" is not a multicast group (224.0.0.0/4)");
	assert_null(rules_next(&f->t, 0));
	/* The table can be loaded again. */
	assert_int_equal(load(f, "rule add iif nosuch0 group 239.1.1.1 oif nosuch1\n"), 0);
	assert_int_equal(f->t.n, 1);
}

static void test_config_truncates_error_to_buffer(void **state)
{
	struct fixture *f = *state;
	char small[12];

	memset(small, 'x', sizeof(small));
	assert_int_equal(config_load_string("t.conf", "stats\n", &f->t, small, sizeof(small)),
			 -EINVAL);
	assert_string_equal(small, "t.conf:1: o");
	assert_int_equal(config_load_string("t.conf", "stats\n", &f->t, NULL, 0), -EINVAL);
}

static void write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void test_config_load_reads_a_file(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/mcr-config-XXXXXX", path[64], msg[160];
	const char text[] = "rule add iif nosuch0 group 239.1.1.1 oif nosuch1\n"
			    "rule add iif nosuch0 group 239.1.1.2 oif nosuch1\n";
	const char bad[] = "rule add iif nosuch0 group 239.1.1.1 oif nosuch1\nrule\0add\n";

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mcrd.conf", dir);
	write_file(path, text, sizeof(text) - 1);
	assert_int_equal(config_load(path, &f->t, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->t.n, 2);
	rules_flush(&f->t);

	write_file(path, bad, sizeof(bad) - 1);
	assert_int_equal(config_load(path, &f->t, f->err, sizeof(f->err)), -EINVAL);
	snprintf(msg, sizeof(msg), "%s:2: the line contains a NUL byte", path);
	assert_string_equal(f->err, msg);
	assert_int_equal(f->t.n, 0);

	assert_int_equal(config_load(dir, &f->t, f->err, sizeof(f->err)), -EISDIR);
	snprintf(msg, sizeof(msg), "%s: Is a directory", dir);
	assert_string_equal(f->err, msg);
	unlink(path);
	rmdir(dir);
	assert_int_equal(config_load(path, &f->t, f->err, sizeof(f->err)), -ENOENT);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", path);
	assert_string_equal(f->err, msg);
}

static void test_config_then_sync_gives_the_live_table_ids(void **state)
{
	struct fixture *f = *state;
	struct rules live;

	assert_int_equal(rules_init(&live), 0);
	assert_int_equal(load(f, "rule add iif lo group 239.1.1.1 oif lo group 239.2.2.2\n"
				 "rule add iif nosuch0 group 239.1.1.2 oif lo\n"),
			 0);
	assert_int_equal(rules_sync(&live, &f->t), 0);
	assert_int_equal(f->t.n, 0);
	assert_int_equal(live.n, 2);
	assert_int_equal(live.by_id[0]->id, 1);
	assert_int_equal(live.by_id[1]->id, 2);
	assert_false(live.by_id[0]->flags & MCR_RULE_FLAGS_PENDING);
	assert_true(live.by_id[1]->flags & MCR_RULE_FLAGS_PENDING);
	assert_int_equal(live.n_pending, 1);
	rules_exit(&live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_config_reads_rules_around_comments_and_blank_lines),
	    T(test_config_accepts_empty_text),
	    T(test_config_accepts_abbreviated_keywords),
	    T(test_config_replace_line_overrides_earlier_rule),
	    T(test_config_add_after_replace_names_the_replacing_line),
	    T(test_config_rejects_unknown_keyword),
	    T(test_config_rejects_bad_port),
	    T(test_config_rejects_missing_group),
	    T(test_config_rejects_other_commands),
	    T(test_config_rejects_duplicate_input),
	    T(test_config_rejects_loop),
	    T(test_config_replace_is_checked_without_the_rule_it_replaces),
	    T(test_config_rejects_unterminated_quote),
	    T(test_config_rejects_overlong_line),
	    T(test_config_error_leaves_table_empty),
	    T(test_config_truncates_error_to_buffer),
	    T(test_config_load_reads_a_file),
	    T(test_config_then_sync_gives_the_live_table_ids),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
