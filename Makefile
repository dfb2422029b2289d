# mcr: multicast forwarder. Plain make; every program lands in build/.
#
#   make            build mcrd, mcr-nl, the tools and the libnl example
#   make check      deps, unit tests (plain and ASan+UBSan), fuzz smoke,
#                   spec drift check, namespace tests (root)
#   make demo       namespace demo (root)
#   make bench      benchmarks (root)
#   make soak       mcrd under load, churn and flaps (SOAK_SECONDS, default 300; root)
#   make mcrd-asan  mcrd with ASan+LSan+UBSan in build/asan (the soak of make check)
#   make fuzz       long libFuzzer runs (FUZZ_SECONDS, default 600)
#   make install    PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc
#                   SYSTEMDUNITDIR=$(PREFIX)/lib/systemd/system

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
CC ?= gcc
PKG_CONFIG ?= pkg-config
BUILD ?= build
WERROR ?= -Werror
OPT ?= -O2 -g
SAN ?=

PKGS := libmnl liburing
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
NL3_CFLAGS = $(shell $(PKG_CONFIG) --cflags libnl-3.0 libnl-genl-3.0 2>/dev/null)
NL3_LIBS = $(shell $(PKG_CONFIG) --libs libnl-3.0 libnl-genl-3.0 2>/dev/null)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

CPPFLAGS += -Iinclude -Inl -Isrc -D_GNU_SOURCE -DMCR_VERSION='"$(VERSION)"'
CFLAGS := -std=gnu11 $(OPT) -Wall -Wextra $(WERROR) -fno-strict-aliasing \
	-MMD -MP $(SAN) $(CFLAGS)
LDFLAGS += $(SAN)
LDLIBS = $(PKG_LIBS) -lpthread

NL_SRC := $(wildcard nl/*.c)
SRC_ALL := $(wildcard src/*.c)
SRC_LIB := $(filter-out src/main.c,$(SRC_ALL))
MCRNL_SRC := $(wildcard tools/mcr-nl/*.c)
MCRNL_LIB := $(filter-out tools/mcr-nl/main.c,$(MCRNL_SRC))
TOOL_DIRS := $(filter-out tools/mcr-nl,$(patsubst %/,%,$(dir $(wildcard tools/*/main.c))))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

PROGS := $(BUILD)/mcrd $(BUILD)/mcr-nl $(BUILD)/mcr-libnl-example \
	$(patsubst tools/%,$(BUILD)/%,$(TOOL_DIRS))

.PHONY: all check check-unit check-asan check-nl check-fuzz check-netns \
	demo bench soak mcrd-asan fuzz install clean deps gen format FORCE
all: $(PROGS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/docs/examples/%.o: docs/examples/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(NL3_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CMOCKA_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libmcrnl.a: $(call obj,$(NL_SRC))
	$(AR) rcs $@ $^
$(BUILD)/libmcrd.a: $(call obj,$(SRC_LIB))
	$(AR) rcs $@ $^
$(BUILD)/libmcrcli.a: $(call obj,$(MCRNL_LIB))
	$(AR) rcs $@ $^

$(BUILD)/mcrd: $(call obj,src/main.c) $(BUILD)/libmcrd.a $(BUILD)/libmcrnl.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mcr-nl: $(call obj,tools/mcr-nl/main.c) $(BUILD)/libmcrcli.a $(BUILD)/libmcrnl.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mcr-libnl-example: $(call obj,docs/examples/libnl-client.c)
	$(CC) $(LDFLAGS) -o $@ $^ $(NL3_LIBS)

define tool_rule
$(BUILD)/$(notdir $(1)): $(call obj,$(wildcard $(1)/*.c)) $(BUILD)/libmcrnl.a
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS) -lm
endef
$(foreach t,$(TOOL_DIRS),$(eval $(call tool_rule,$(t))))

$(BUILD)/tests/%: $(call obj,tests/unit/%.c) $(BUILD)/libmcrd.a $(BUILD)/libmcrcli.a $(BUILD)/libmcrnl.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

# ---- tests ---------------------------------------------------------------

check: deps
	$(MAKE) all
	$(MAKE) check-nl
	$(MAKE) check-unit
	$(MAKE) check-asan
	$(MAKE) check-fuzz
	$(MAKE) check-netns

check-unit: $(UNIT_BIN)
	@tests/unit/run.sh $(UNIT_BIN)

# The same unit tests once more under AddressSanitizer + UBSan.
ASAN_MAKE = $(MAKE) BUILD=build/asan OPT="-O1 -g" \
	SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
check-asan:
	$(ASAN_MAKE) check-unit

# mcrd itself under ASan (LeakSanitizer included) + UBSan, for
# tests/netns/soak_asan.sh; mcr-nl beside it for a manual run.
mcrd-asan:
	$(ASAN_MAKE) build/asan/mcrd build/asan/mcr-nl

check-nl:
	python3 nl/gen.py check nl/mcr.yaml include/mcr/mcr_genl.h docs/protocol.md

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 30
build/fuzz/%: tests/fuzz/%.c $(NL_SRC) $(SRC_LIB) $(wildcard nl/*.h src/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) -std=gnu11 -O1 -g \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(NL_SRC) $(SRC_LIB) $(PKG_LIBS) -lpthread

check-fuzz: $(FUZZ_TARGETS)
	@tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

fuzz: $(FUZZ_TARGETS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check-netns: all mcrd-asan
	@tests/netns/run.sh

demo: all
	@tests/demo.sh

bench: all
	@tests/perf/run.sh

SOAK_SECONDS ?= 300
soak: all
	@SOAK_SECONDS=$(SOAK_SECONDS) bash tests/perf/soak.sh

# ---- maintenance ---------------------------------------------------------

gen:
	python3 nl/gen.py header nl/mcr.yaml include/mcr/mcr_genl.h
	python3 nl/gen.py doc nl/mcr.yaml docs/protocol.md

deps:
	@scripts/deps.sh

format:
	clang-format -i $(wildcard src/*.[ch] nl/*.[ch] tools/*/*.[ch] tests/unit/*.c docs/examples/*.c)

# The unit names the installed paths; it needs no systemd to be built or
# installed (a system without systemd just never reads it).
$(BUILD)/mcrd.service: dist/mcrd.service.in FORCE
	@mkdir -p $(dir $@)
	sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< >$@.tmp
	mv $@.tmp $@

FORCE:

install: all $(BUILD)/mcrd.service
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/include/mcr $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/doc/mcr/examples $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 $(BUILD)/mcrd $(DESTDIR)$(PREFIX)/sbin/mcrd
	install -m 0755 $(BUILD)/mcr-nl $(DESTDIR)$(PREFIX)/bin/mcr-nl
	for t in $(TOOL_DIRS); do \
		install -m 0755 $(BUILD)/$$(basename $$t) $(DESTDIR)$(PREFIX)/bin/; done
	install -m 0644 include/mcr/mcr_genl.h $(DESTDIR)$(PREFIX)/include/mcr/
	install -m 0644 docs/mcrd.8 docs/mcr-nl.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 nl/mcr.yaml docs/protocol.md $(DESTDIR)$(PREFIX)/share/doc/mcr/
	install -m 0644 docs/examples/libnl-client.c docs/examples/mcrd.conf \
		$(DESTDIR)$(PREFIX)/share/doc/mcr/examples/
	install -m 0644 $(BUILD)/mcrd.service $(DESTDIR)$(SYSTEMDUNITDIR)/mcrd.service

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
