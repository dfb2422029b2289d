// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rule table: ids, lookups, duplicates, loops, replace, the hook,
 * pending rules and sync. Interface names are "lo" or names that cannot
 * exist, so nothing depends on the machine.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules.h"
#include "ruletext.h"

#define MAX_EVENTS 64

struct fixture {
	struct rules t;
	int n;
	enum rules_event ev[MAX_EVENTS];
	uint32_t id[MAX_EVENTS];
	bool in_table[MAX_EVENTS]; /* the rule was in the table at hook time */
	size_t size[MAX_EVENTS];   /* t.n at hook time */
};

static void record(void *arg, enum rules_event ev, const struct mcr_rule *r)
{
	struct fixture *f = arg;

	if (f->n >= MAX_EVENTS)
		return;
	f->ev[f->n] = ev;
	f->id[f->n] = r->id;
	f->in_table[f->n] = rules_find_id(&f->t, r->id) == r;
	f->size[f->n] = f->t.n;
	f->n++;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(rules_init(&f->t), 0);
	rules_set_hook(&f->t, record, f);
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

/* A rule from its text form, as mcr-nl would send it. */
static struct mcr_rule *mk(const char *text)
{
	struct mcr_text_err te = {0};
	struct mcr_rule *r = NULL;
	char buf[512], *argv[64];
	int argc;

	snprintf(buf, sizeof(buf), "%s", text);
	argc = mcr_split_line(buf, argv, 64);
	assert_true(argc > 0);
	if (mcr_ruletext_parse(argc, argv, &r, &te))
		fail_msg("%s: %s", text, te.msg);
	return r;
}

static struct mcr_rule *add_ok(struct rules *t, const char *text)
{
	struct mcr_rule *r = mk(text);

	assert_int_equal(rules_add(t, r, NULL), 0);
	return r;
}

/* Adds a rule that must be refused with @err and @msg; the table keeps
 * its size and generation. */
static void add_fails(struct rules *t, const char *text, int err, const char *msg)
{
	struct mcr_extack ext = {0};
	struct mcr_rule *r = mk(text);
	uint64_t gen = t->generation;
	size_t n = t->n;

	assert_int_equal(rules_add(t, r, &ext), err);
	assert_non_null(ext.msg);
	assert_string_equal(ext.msg, msg);
	assert_int_equal(t->n, n);
	assert_int_equal(t->generation, gen);
	mcr_rule_free(r);
}

static struct mcr_rule *find_text_key(const struct rules *t, const char *text)
{
	struct mcr_rule *r = mk(text), *found;
	struct mcr_rule_key k;

	mcr_rule_key(r, &k);
	found = rules_find_key(t, &k);
	mcr_rule_free(r);
	return found;
}

static void test_rules_add_assigns_ids_in_order_and_finds_them(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a, *b, *c;

	a = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1");
	b = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 port 5002 oif nosuch1");
	c = add_ok(&f->t, "iif nosuch0 src 10.0.0.1 group 239.1.1.1 port 5001 oif nosuch1");
	assert_int_equal(a->id, 1);
	assert_int_equal(b->id, 2);
	assert_int_equal(c->id, 3);
	assert_int_equal(f->t.n, 3);
	assert_ptr_equal(rules_find_id(&f->t, 2), b);
	assert_null(rules_find_id(&f->t, 4));
	assert_null(rules_find_id(&f->t, 0));
	assert_ptr_equal(find_text_key(&f->t, "iif nosuch0 group 239.1.1.1 port 5002 oif x"), b);
	assert_ptr_equal(
	    find_text_key(&f->t, "iif nosuch0 src 10.0.0.1 group 239.1.1.1 port 5001 oif x"), c);
	assert_null(find_text_key(&f->t, "iif nosuch0 group 239.1.1.1 oif x"));
	assert_ptr_equal(rules_next(&f->t, 0), a);
	assert_ptr_equal(rules_next(&f->t, 1), b);
	assert_ptr_equal(rules_next(&f->t, 2), c);
	assert_null(rules_next(&f->t, 3));
}

static void test_rules_ids_are_never_reused(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a, *b, *c;

	a = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	b = add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1");
	assert_int_equal(b->id, 2);
	rules_del(&f->t, b);
	c = add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1");
	assert_int_equal(c->id, 3);
	rules_del(&f->t, a);
	rules_del(&f->t, c);
	c = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	assert_int_equal(c->id, 4);
	assert_ptr_equal(rules_next(&f->t, 0), c);
	assert_null(rules_find_id(&f->t, 1));
}

static void test_rules_next_cursor_survives_deletion(void **state)
{
	struct fixture *f = *state;
	char text[96];
	uint32_t seen[8], after = 0;
	struct mcr_rule *r;
	int n = 0;

	for (int i = 1; i <= 5; i++) {
		snprintf(text, sizeof(text), "iif nosuch0 group 239.1.1.%d oif nosuch1", i);
		add_ok(&f->t, text);
	}
	while ((r = rules_next(&f->t, after)) && n < 8) {
		after = r->id;
		seen[n++] = r->id;
		if (r->id == 2) {
			rules_del(&f->t, r);
			rules_del(&f->t, rules_find_id(&f->t, 3));
		}
	}
	assert_int_equal(n, 4);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], 2);
	assert_int_equal(seen[2], 4);
	assert_int_equal(seen[3], 5);
}

static void test_rules_explicit_id_is_kept_and_never_handed_out(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *r = mk("iif nosuch0 group 239.1.1.1 oif nosuch1");

	r->id = 100;
	assert_int_equal(rules_add(&f->t, r, NULL), 0);
	assert_int_equal(r->id, 100);
	r = add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1");
	assert_int_equal(r->id, 101);
	r = mk("iif nosuch0 group 239.1.1.3 oif nosuch1");
	r->id = 100;
	assert_int_equal(rules_add(&f->t, r, NULL), -EEXIST);
	mcr_rule_free(r);
	assert_int_equal(f->t.n, 2);
}

static void test_rules_add_rejects_taken_input(void **state)
{
	struct fixture *f = *state;

	add_ok(&f->t, "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1");
	add_ok(&f->t, "iif nosuch0 src 10.0.0.1 group 239.1.1.1 oif nosuch1");
	add_fails(&f->t, "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch2 group 239.3.3.3",
		  -EEXIST, "input iif nosuch0 group 239.1.1.1 port 5001 is already used by rule 1");
	add_fails(&f->t, "iif nosuch0 src 10.0.0.1 group 239.1.1.1 oif nosuch2", -EEXIST,
		  "input iif nosuch0 src 10.0.0.1 group 239.1.1.1 is already used by rule 2");
	/* Another port or source is another input. */
	add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	add_ok(&f->t, "iif nosuch0 src 10.0.0.2 group 239.1.1.1 oif nosuch1");
	assert_int_equal(f->t.n, 4);
}

static void test_rules_add_rejects_self_loop(void **state)
{
	struct fixture *f = *state;
	struct mcr_extack ext = {0};
	struct mcr_rule *r = mk("iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1");

	/* mcr_rule_validate would refuse it too; the table must not rely on it. */
	snprintf(r->out[0].oif, IFNAMSIZ, "nosuch0");
	assert_int_equal(rules_add(&f->t, r, &ext), -ELOOP);
	assert_string_equal(
	    ext.msg,
	    "output 1 (oif nosuch0 group 239.1.1.1 port 5001) feeds this rule's own input");
	assert_int_equal(f->t.n, 0);
	mcr_rule_free(r);
}

static void test_rules_add_rejects_two_rule_loop(void **state)
{
	struct fixture *f = *state;

	add_ok(&f->t, "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1 group 239.2.2.2");
	/* Any port (0) includes 5001. */
	add_fails(&f->t, "iif nosuch1 group 239.2.2.2 oif nosuch2 oif nosuch0 group 239.1.1.1",
		  -ELOOP,
		  "output 2 (oif nosuch0 group 239.1.1.1) feeds rule 1, which feeds back into this "
		  "rule's input");
	assert_int_equal(f->n, 1);
}

static void test_rules_add_rejects_three_rule_loop(void **state)
{
	struct fixture *f = *state;

	add_ok(&f->t, "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1 group 239.2.2.2");
	add_ok(&f->t,
	       "iif nosuch1 group 239.2.2.2 port 5001 oif nosuch2 group 239.3.3.3 port 6000");
	add_fails(&f->t,
		  "iif nosuch2 group 239.3.3.3 port 6000 oif nosuch0 group 239.1.1.1 port 5001",
		  -ELOOP,
		  "output 1 (oif nosuch0 group 239.1.1.1 port 5001) feeds rule 1, which feeds back "
		  "into this rule's input");
	/* The same chain back to another port of the first input is no loop. */
	add_ok(&f->t,
	       "iif nosuch2 group 239.3.3.3 port 6000 oif nosuch0 group 239.1.1.1 port 5002");
	assert_int_equal(f->t.n, 3);
}

static void test_rules_source_specific_input_breaks_loop(void **state)
{
	struct fixture *f = *state;
	struct mcr_extack ext = {0};
	struct mcr_rule *b, *r;

	add_ok(&f->t,
	       "iif nosuch0 src 10.0.0.1 group 239.1.1.1 oif nosuch1 group 239.2.2.2 src keep");
	/* It comes back from 10.0.0.2, which rule 1 does not take. */
	b = add_ok(&f->t, "iif nosuch1 group 239.2.2.2 oif nosuch0 group 239.1.1.1 src 10.0.0.2");
	assert_int_equal(f->t.n, 2);
	/* Keeping any source, or the interface address, could match it. */
	r = mk("iif nosuch1 group 239.2.2.2 oif nosuch0 group 239.1.1.1 src keep");
	assert_int_equal(rules_replace(&f->t, b, r, &ext), -ELOOP);
	assert_string_equal(ext.msg, "output 1 (oif nosuch0 group 239.1.1.1) feeds rule 1, which "
				     "feeds back into this rule's input");
	mcr_rule_free(r);
	r = mk("iif nosuch1 group 239.2.2.2 oif nosuch0 group 239.1.1.1");
	assert_int_equal(rules_replace(&f->t, b, r, NULL), -ELOOP);
	mcr_rule_free(r);
	r = mk("iif nosuch1 group 239.2.2.2 oif nosuch0 group 239.1.1.1 src 10.0.0.1");
	assert_int_equal(rules_replace(&f->t, b, r, NULL), -ELOOP);
	mcr_rule_free(r);
	assert_ptr_equal(rules_find_id(&f->t, 2), b);
}

static void test_rules_replace_keeps_id_and_counters(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a, *r;

	a = add_ok(&f->t,
		   "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1 oif nosuch2 group 239.3.3.3");
	add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1");
	a->stats = (struct mcr_counters){.packets = 10, .bytes = 1000};
	a->out[0].stats = (struct mcr_counters){.packets = 4, .bytes = 400};
	a->out[1].stats = (struct mcr_counters){.packets = 6, .bytes = 600};
	f->n = 0;
	/* Output nosuch2 keeps its destination (a new TTL does not matter). */
	r = mk(
	    "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch2 group 239.3.3.3 ttl 9 oif nosuch3");
	assert_int_equal(rules_replace(&f->t, a, r, NULL), 0);
	assert_int_equal(r->id, 1);
	assert_ptr_equal(rules_find_id(&f->t, 1), r);
	assert_int_equal(r->stats.packets, 10);
	assert_int_equal(r->stats.bytes, 1000);
	assert_int_equal(r->out[0].stats.packets, 6);
	assert_int_equal(r->out[0].stats.bytes, 600);
	assert_int_equal(r->out[1].stats.packets, 0);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->ev[0], RULES_REPLACED);
	assert_int_equal(f->id[0], 1);
	assert_true(f->in_table[0]);

	/* A new input key, still free: the rule moves in the index. */
	a = r;
	r = mk("iif nosuch0 group 239.1.1.9 oif nosuch1");
	assert_int_equal(rules_replace(&f->t, a, r, NULL), 0);
	assert_int_equal(r->id, 1);
	assert_null(find_text_key(&f->t, "iif nosuch0 group 239.1.1.1 port 5001 oif x"));
	assert_ptr_equal(find_text_key(&f->t, "iif nosuch0 group 239.1.1.9 oif x"), r);
	assert_int_equal(r->stats.packets, 10);
	assert_int_equal(f->t.n, 2);
}

static void test_rules_replace_ignores_the_rule_it_replaces_for_loops(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a, *r;

	a = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1 group 239.2.2.2");
	add_ok(&f->t, "iif nosuch1 group 239.2.2.2 oif nosuch2 group 239.3.3.3");
	/* With the old rule 1 still there, this would be a loop 1 -> 2 -> new. */
	r = mk("iif nosuch2 group 239.3.3.3 oif nosuch0 group 239.1.1.1");
	assert_int_equal(rules_replace(&f->t, a, r, NULL), 0);
	assert_int_equal(r->id, 1);
	assert_ptr_equal(rules_next(&f->t, 0), r);
	/* But a loop with the remaining rules is still found. */
	add_fails(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1 group 239.2.2.2", -ELOOP,
		  "output 1 (oif nosuch1 group 239.2.2.2) feeds rule 2, which feeds back into this "
		  "rule's input");
}

static void test_rules_replace_to_taken_key_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct mcr_extack ext = {0};
	struct mcr_rule *b, *r;
	uint64_t gen;

	add_ok(&f->t, "iif nosuch0 group 239.1.1.1 port 5001 oif nosuch1");
	b = add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1");
	gen = f->t.generation;
	f->n = 0;
	r = mk("iif nosuch0 group 239.1.1.1 port 5001 oif nosuch2");
	assert_int_equal(rules_replace(&f->t, b, r, &ext), -EEXIST);
	assert_string_equal(
	    ext.msg, "input iif nosuch0 group 239.1.1.1 port 5001 is already used by rule 1");
	mcr_rule_free(r);
	assert_ptr_equal(rules_find_id(&f->t, 2), b);
	assert_ptr_equal(find_text_key(&f->t, "iif nosuch0 group 239.1.1.2 oif x"), b);
	assert_int_equal(f->t.n, 2);
	assert_int_equal(f->t.generation, gen);
	assert_int_equal(f->n, 0);
}

static void test_rules_del_reports_before_freeing(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a, *b;

	a = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	b = add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1");
	f->n = 0;
	rules_del(&f->t, a);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->ev[0], RULES_DELETED);
	assert_int_equal(f->id[0], 1); /* read from the rule: not freed yet */
	assert_false(f->in_table[0]);
	assert_int_equal(f->size[0], 1);
	assert_null(find_text_key(&f->t, "iif nosuch0 group 239.1.1.1 oif x"));
	assert_ptr_equal(rules_next(&f->t, 0), b);
}

static void test_rules_hook_sees_every_change_in_order(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a, *b;

	a = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	b = add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1");
	assert_int_equal(
	    rules_replace(&f->t, a, mk("iif nosuch0 group 239.1.1.1 oif nosuch2"), NULL), 0);
	rules_del(&f->t, b);
	add_fails(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch3", -EEXIST,
		  "input iif nosuch0 group 239.1.1.1 is already used by rule 1");
	assert_int_equal(f->n, 4);
	assert_int_equal(f->ev[0], RULES_ADDED);
	assert_int_equal(f->id[0], 1);
	assert_true(f->in_table[0]);
	assert_int_equal(f->size[0], 1);
	assert_int_equal(f->ev[1], RULES_ADDED);
	assert_int_equal(f->id[1], 2);
	assert_int_equal(f->size[1], 2);
	assert_int_equal(f->ev[2], RULES_REPLACED);
	assert_int_equal(f->id[2], 1);
	assert_true(f->in_table[2]);
	assert_int_equal(f->ev[3], RULES_DELETED);
	assert_int_equal(f->id[3], 2);
	assert_false(f->in_table[3]);
}

static void test_rules_generation_bumps_on_changes_only(void **state)
{
	struct fixture *f = *state;
	uint64_t gen = f->t.generation;
	struct mcr_rule *a, *r;

	a = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	assert_int_equal(f->t.generation, gen + 1);
	add_fails(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch2", -EEXIST,
		  "input iif nosuch0 group 239.1.1.1 is already used by rule 1");
	assert_int_equal(f->t.generation, gen + 1);
	r = mk("iif nosuch0 group 239.1.1.1 oif nosuch2");
	assert_int_equal(rules_replace(&f->t, a, r, NULL), 0);
	assert_int_equal(f->t.generation, gen + 2);
	rules_del(&f->t, r);
	assert_int_equal(f->t.generation, gen + 3);
}

/* Adds @text; returns the error and keeps the extack sentence in @msg. */
static int add_text(struct fixture *f, const char *text, char *msg, size_t len)
{
	struct mcr_extack ext = {0};
	struct mcr_rule *r = mk(text);
	int ret = rules_add(&f->t, r, &ext);

	if (ret)
		mcr_rule_free(r);
	snprintf(msg, len, "%s", ext.msg ? ext.msg : "");
	return ret;
}

static void test_rules_kernel_path_refuses_one_group_from_two_inputs(void **state)
{
	struct fixture *f = *state;
	char msg[512];

	assert_int_equal(add_text(f, "iif x0 group 239.1.1.1 oif y0", msg, sizeof(msg)), 0);
	assert_int_equal(add_text(f, "iif x1 group 239.1.1.1 oif y1", msg, sizeof(msg)), -EEXIST);
	assert_non_null(strstr(msg, "collides with rule 1 from x0"));
	assert_non_null(strstr(msg, "one input interface per (source, group)"));
	/* a source of one's own each, or an output that rewrites: no entry to share */
	assert_int_equal(add_text(f, "iif x1 src 10.0.0.1 group 239.1.1.1 oif y1", msg, sizeof(msg)),
			 -EEXIST);
	assert_int_equal(add_text(f, "iif x2 group 239.1.1.1 oif y1 ttl 9", msg, sizeof(msg)), 0);
	assert_int_equal(add_text(f, "iif x3 src 10.0.0.2 group 239.2.2.2 oif y1", msg, sizeof(msg)),
			 0);
	assert_int_equal(add_text(f, "iif x4 src 10.0.0.3 group 239.2.2.2 oif y1", msg, sizeof(msg)),
			 0);
	/* the same source of a group from two inputs is the same entry */
	assert_int_equal(add_text(f, "iif x5 src 10.0.0.3 group 239.2.2.2 oif y2", msg, sizeof(msg)),
			 -EEXIST);
}

static void test_rules_kernel_path_refuses_a_33rd_vif(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *first;
	char text[128], msg[512];

	/* rule i: input k<i>, output k<i+1>: 31 rules need 32 interfaces */
	for (int i = 0; i < 31; i++) {
		snprintf(text, sizeof(text), "iif k%d group 239.3.0.%d oif k%d", i, i + 1, i + 1);
		assert_int_equal(add_text(f, text, msg, sizeof(msg)), 0);
	}
	assert_int_equal(f->t.n_kvif, 32);
	assert_int_equal(add_text(f, "iif k99 group 239.3.1.1 oif k0", msg, sizeof(msg)), -ENOSPC);
	assert_non_null(strstr(msg, "32 interfaces (VIFs)"));
	assert_non_null(strstr(msg, "would need 33"));
	/* interfaces already in use cost nothing; a worker output needs no VIF */
	assert_int_equal(add_text(f, "iif k5 group 239.3.1.2 oif k9", msg, sizeof(msg)), 0);
	assert_int_equal(add_text(f, "iif k99 group 239.3.1.3 oif k0 ttl 4", msg, sizeof(msg)), 0);
	/* deleting the only user of k0 (rule 1) frees its VIF */
	first = rules_find_id(&f->t, 1);
	rules_del(&f->t, first);
	assert_int_equal(f->t.n_kvif, 31);
	assert_int_equal(add_text(f, "iif k98 group 239.3.1.4 oif k1", msg, sizeof(msg)), 0);
	assert_int_equal(f->t.n_kvif, 32);
	rules_flush(&f->t);
	assert_int_equal(f->t.n_kvif, 0);
}

static void test_rules_port_rule_shadows_any_port_rule(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *any, *src_any;
	char msg[256];

	assert_int_equal(add_text(f, "iif x0 group 239.1.1.1 oif y0", msg, sizeof(msg)), 0);
	assert_int_equal(add_text(f, "iif x0 src 10.0.0.1 group 239.1.1.1 oif y1 ttl 3", msg,
				  sizeof(msg)),
			 0);
	any = rules_find_id(&f->t, 1);
	src_any = rules_find_id(&f->t, 2);
	assert_false(rules_port_shadowed(&f->t, any));
	assert_int_equal(add_text(f, "iif x0 group 239.1.1.1 port 5001 oif y2 ttl 3", msg,
				  sizeof(msg)),
			 0);
	assert_true(rules_port_shadowed(&f->t, any));
	/* the source-specific rule takes its source's packets first, any port */
	assert_false(rules_port_shadowed(&f->t, src_any));
	assert_int_equal(add_text(f, "iif x0 src 10.0.0.1 group 239.1.1.1 port 5002 oif y2 ttl 3",
				  msg, sizeof(msg)),
			 0);
	assert_true(rules_port_shadowed(&f->t, src_any));
}

static void test_rules_pending_when_an_interface_is_missing(void **state)
{
	struct fixture *f = *state;
	struct mcr_extack ext = {0};
	struct mcr_rule *a, *b, *c;

	a = mk("iif nosuch0 group 239.1.1.1 oif lo");
	assert_int_equal(rules_add(&f->t, a, &ext), 0);
	assert_true(a->flags & MCR_RULE_FLAGS_PENDING);
	assert_string_equal(
	    ext.msg, "interface nosuch0 does not exist yet; the rule is pending until it appears");
	memset(&ext, 0, sizeof(ext));
	/* ttl 5: a worker output, or it would collide with a in the kernel */
	b = mk("iif lo group 239.1.1.1 oif lo group 239.2.2.2 oif nosuch9 ttl 5");
	assert_int_equal(rules_add(&f->t, b, &ext), 0);
	assert_true(b->flags & MCR_RULE_FLAGS_PENDING);
	assert_string_equal(
	    ext.msg, "interface nosuch9 does not exist yet; the rule is pending until it appears");
	memset(&ext, 0, sizeof(ext));
	c = mk("iif lo group 239.1.1.2 oif lo group 239.2.2.3");
	assert_int_equal(rules_add(&f->t, c, &ext), 0);
	assert_false(c->flags & MCR_RULE_FLAGS_PENDING);
	assert_null(ext.msg);
	assert_int_equal(f->t.n_pending, 2);
	rules_del(&f->t, a);
	assert_int_equal(f->t.n_pending, 1);
	/* Replacing fixes the flag and the count both ways. */
	assert_int_equal(
	    rules_replace(&f->t, b, mk("iif lo group 239.1.1.1 oif lo group 239.2.2.2"), NULL), 0);
	assert_int_equal(f->t.n_pending, 0);
	assert_int_equal(rules_replace(&f->t, c, mk("iif lo group 239.1.1.2 oif nosuch1"), NULL),
			 0);
	assert_int_equal(f->t.n_pending, 1);
}

static void test_rules_refresh_pending_reports_changed_rules(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *lo, *missing;

	lo = add_ok(&f->t, "iif lo group 239.1.1.1 oif lo group 239.2.2.2");
	missing = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif lo");
	assert_int_equal(f->t.n_pending, 1);
	/* As if lo had been missing when the rule was added. */
	lo->flags |= MCR_RULE_FLAGS_PENDING;
	f->t.n_pending++;
	f->n = 0;
	rules_refresh_pending(&f->t);
	assert_false(lo->flags & MCR_RULE_FLAGS_PENDING);
	assert_true(missing->flags & MCR_RULE_FLAGS_PENDING);
	assert_int_equal(f->t.n_pending, 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->ev[0], RULES_REPLACED);
	assert_int_equal(f->id[0], lo->id);
	rules_refresh_pending(&f->t);
	assert_int_equal(f->n, 1);
}

static void test_rules_stage_keeps_ids_and_ignores_interfaces(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a = mk("iif nosuch0 group 239.1.1.1 oif nosuch1");
	struct mcr_rule *b = mk("iif nosuch0 group 239.1.1.2 oif nosuch1");

	assert_int_equal(rules_stage(&f->t, a, NULL), 0);
	assert_int_equal(rules_stage(&f->t, b, NULL), 0);
	assert_int_equal(a->id, 0);
	assert_int_equal(b->id, 0);
	assert_int_equal(a->flags, 0);
	assert_int_equal(f->t.n_pending, 0);
	assert_ptr_equal(f->t.by_id[0], a);
	assert_ptr_equal(f->t.by_id[1], b);
	rules_del(&f->t, b);
	assert_int_equal(f->t.n, 1);
	assert_ptr_equal(f->t.by_id[0], a);
}

static void test_rules_flush_deletes_everything(void **state)
{
	struct fixture *f = *state;

	add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1");
	f->n = 0;
	rules_flush(&f->t);
	assert_int_equal(f->t.n, 0);
	assert_int_equal(f->t.n_pending, 0);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->ev[0], RULES_DELETED);
	assert_int_equal(f->ev[1], RULES_DELETED);
	assert_null(find_text_key(&f->t, "iif nosuch0 group 239.1.1.1 oif x"));
	assert_int_equal(add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1")->id, 3);
}

static void stage_ok(struct rules *t, const char *text)
{
	assert_int_equal(rules_stage(t, mk(text), NULL), 0);
}

static void test_rules_sync_touches_only_what_changed(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a, *b, *r;
	struct rules next;
	uint64_t gen;

	a = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	b = add_ok(&f->t, "iif nosuch0 group 239.1.1.2 oif nosuch1 oif nosuch2");
	add_ok(&f->t, "iif nosuch0 group 239.1.1.3 oif nosuch1");
	a->stats = (struct mcr_counters){.packets = 1, .bytes = 100};
	b->stats = (struct mcr_counters){.packets = 2, .bytes = 200};
	b->out[1].stats = (struct mcr_counters){.packets = 3, .bytes = 300};
	assert_int_equal(rules_init(&next), 0);
	stage_ok(&next, "iif nosuch0 group 239.1.1.4 oif nosuch1");
	stage_ok(&next, "iif nosuch0 group 239.1.1.2 oif nosuch2 oif nosuch3");
	stage_ok(&next, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	gen = f->t.generation;
	f->n = 0;
	assert_int_equal(rules_sync(&f->t, &next), 0);

	assert_int_equal(next.n, 0);
	assert_int_equal(f->t.n, 3);
	assert_ptr_equal(rules_find_id(&f->t, 1), a);
	assert_int_equal(a->stats.packets, 1);
	r = rules_find_id(&f->t, 2);
	assert_ptr_not_equal(r, NULL);
	assert_string_equal(r->out[0].oif, "nosuch2");
	assert_int_equal(r->stats.bytes, 200);
	assert_int_equal(r->out[0].stats.packets, 3);
	assert_int_equal(r->out[1].stats.packets, 0);
	assert_null(rules_find_id(&f->t, 3));
	r = rules_find_id(&f->t, 4);
	assert_ptr_not_equal(r, NULL);
	assert_ptr_equal(find_text_key(&f->t, "iif nosuch0 group 239.1.1.4 oif x"), r);
	assert_int_equal(f->t.n_pending, 3);
	assert_int_equal(f->t.generation, gen + 3);

	assert_int_equal(f->n, 3);
	assert_int_equal(f->ev[0], RULES_DELETED);
	assert_int_equal(f->id[0], 3);
	assert_false(f->in_table[0]);
	assert_int_equal(f->ev[1], RULES_REPLACED);
	assert_int_equal(f->id[1], 2);
	assert_true(f->in_table[1]);
	assert_int_equal(f->ev[2], RULES_ADDED);
	assert_int_equal(f->id[2], 4);
	assert_true(f->in_table[2]);
	rules_exit(&next);
}

static void test_rules_sync_of_equal_table_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct mcr_rule *a;
	struct rules next;
	uint64_t gen;

	a = add_ok(&f->t, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	assert_int_equal(rules_init(&next), 0);
	stage_ok(&next, "iif nosuch0 group 239.1.1.1 oif nosuch1");
	gen = f->t.generation;
	f->n = 0;
	assert_int_equal(rules_sync(&f->t, &next), 0);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->t.generation, gen);
	assert_ptr_equal(rules_find_id(&f->t, 1), a);
	assert_int_equal(next.n, 0);
	/* An empty table empties the live one. */
	assert_int_equal(rules_sync(&f->t, &next), 0);
	assert_int_equal(f->t.n, 0);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->ev[0], RULES_DELETED);
	rules_exit(&next);
}

static struct mcr_rule *numbered(uint32_t in_group, uint32_t out_group, const char *oif)
{
	struct mcr_rule *r = mcr_rule_alloc(1);

	assert_non_null(r);
	snprintf(r->iif, IFNAMSIZ, "nosuch0");
	r->group = htonl(0xef000000u | in_group);
	r->port = 5001;
	snprintf(r->out[0].oif, IFNAMSIZ, "%s", oif);
	r->out[0].group = htonl(0xef000000u | out_group);
	return r;
}

#define MANY 10000

static void test_rules_ten_thousand_rules_add_and_sync(void **state)
{
	struct fixture *f = *state;
	struct rules next;
	struct mcr_rule *r;

	rules_set_hook(&f->t, NULL, NULL);
	for (uint32_t i = 0; i < MANY; i++)
		assert_int_equal(rules_add(&f->t, numbered(i, i, "nosuch1"), NULL), 0);
	assert_int_equal(f->t.n, MANY);
	assert_int_equal(f->t.n_pending, MANY);
	f->t.by_id[0]->stats.packets = 7;
	/* Keep the first half, change a quarter, drop a quarter, add as many. */
	assert_int_equal(rules_init(&next), 0);
	for (uint32_t i = 0; i < MANY / 2; i++)
		assert_int_equal(rules_stage(&next, numbered(i, i, "nosuch1"), NULL), 0);
	for (uint32_t i = MANY / 2; i < MANY * 3 / 4; i++)
		assert_int_equal(rules_stage(&next, numbered(i, i, "nosuch2"), NULL), 0);
	for (uint32_t i = MANY; i < MANY * 5 / 4; i++)
		assert_int_equal(rules_stage(&next, numbered(i, i, "nosuch1"), NULL), 0);
	assert_int_equal(rules_sync(&f->t, &next), 0);
	assert_int_equal(f->t.n, MANY);
	assert_int_equal(f->t.n_pending, MANY);
	assert_int_equal(rules_find_id(&f->t, 1)->stats.packets, 7);
	r = rules_find_id(&f->t, MANY / 2 + 1);
	assert_string_equal(r->out[0].oif, "nosuch2");
	assert_null(rules_find_id(&f->t, MANY));
	assert_int_equal(rules_next(&f->t, MANY * 3 / 4)->id, MANY + 1);
	assert_int_equal(f->t.by_id[MANY - 1]->id, MANY + MANY / 4);
	rules_exit(&next);
	rules_flush(&f->t);
	assert_int_equal(f->t.n, 0);
}

static void test_rules_long_chain_closing_loop_is_found(void **state)
{
	struct fixture *f = *state;
	struct mcr_extack ext = {0};
	struct mcr_rule *r;

	rules_set_hook(&f->t, NULL, NULL);
	/* Rule i feeds rule i + 1 on the same interface. */
	for (uint32_t i = 0; i < MANY; i++)
		assert_int_equal(rules_add(&f->t, numbered(i, i + 1, "nosuch0"), NULL), 0);
	r = numbered(MANY, 0, "nosuch0");
	assert_int_equal(rules_add(&f->t, r, &ext), -ELOOP);
	assert_string_equal(ext.msg, "output 1 (oif nosuch0 group 239.0.0.0 port 5001) feeds rule "
				     "1, which feeds back into this rule's input");
	mcr_rule_free(r);
	r = numbered(MANY, MANY + 1, "nosuch0");
	assert_int_equal(rules_add(&f->t, r, NULL), 0);
	assert_int_equal(f->t.n, MANY + 1);
}

/* Two rules per layer, each feeding both rules of the next layer: 2^64
 * paths, 128 rules. A search that visits a rule twice never ends. */
static void test_rules_loop_search_visits_each_rule_once(void **state)
{
	struct fixture *f = *state;
	struct mcr_extack ext = {0};
	struct mcr_rule *r;

	rules_set_hook(&f->t, NULL, NULL);
	for (uint32_t layer = 64; layer-- > 0;) {
		for (uint32_t k = 0; k < 2; k++) {
			r = numbered(2 * layer + k, 2 * layer + 2, "nosuch0");
			r = realloc(r, mcr_rule_size(2));
			assert_non_null(r);
			r->n_outputs = 2;
			r->out[1] = r->out[0];
			r->out[1].group = htonl(0xef000000u | (2 * layer + 3));
			assert_int_equal(rules_add(&f->t, r, NULL), 0);
		}
	}
	r = numbered(1000, 0, "nosuch0");
	assert_int_equal(rules_add(&f->t, r, NULL), 0);
	r = numbered(128, 1000, "nosuch0");
	assert_int_equal(rules_add(&f->t, r, &ext), -ELOOP);
	assert_string_equal(ext.msg, "output 1 (oif nosuch0 group 239.0.3.232 port 5001) feeds "
				     "rule 129, which feeds back into this rule's input");
	mcr_rule_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_rules_add_assigns_ids_in_order_and_finds_them),
	    T(test_rules_ids_are_never_reused),
	    T(test_rules_next_cursor_survives_deletion),
	    T(test_rules_explicit_id_is_kept_and_never_handed_out),
	    T(test_rules_add_rejects_taken_input),
	    T(test_rules_add_rejects_self_loop),
	    T(test_rules_add_rejects_two_rule_loop),
	    T(test_rules_add_rejects_three_rule_loop),
	    T(test_rules_source_specific_input_breaks_loop),
	    T(test_rules_replace_keeps_id_and_counters),
	    T(test_rules_replace_ignores_the_rule_it_replaces_for_loops),
	    T(test_rules_replace_to_taken_key_changes_nothing),
	    T(test_rules_del_reports_before_freeing),
	    T(test_rules_hook_sees_every_change_in_order),
	    T(test_rules_generation_bumps_on_changes_only),
	    T(test_rules_kernel_path_refuses_one_group_from_two_inputs),
	    T(test_rules_kernel_path_refuses_a_33rd_vif),
	    T(test_rules_port_rule_shadows_any_port_rule),
	    T(test_rules_pending_when_an_interface_is_missing),
	    T(test_rules_refresh_pending_reports_changed_rules),
	    T(test_rules_stage_keeps_ids_and_ignores_interfaces),
	    T(test_rules_flush_deletes_everything),
	    T(test_rules_sync_touches_only_what_changed),
	    T(test_rules_sync_of_equal_table_changes_nothing),
	    T(test_rules_ten_thousand_rules_add_and_sync),
	    T(test_rules_long_chain_closing_loop_is_found),
	    T(test_rules_loop_search_visits_each_rule_once),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
