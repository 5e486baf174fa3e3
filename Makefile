# owabi — one short Makefile, explicit source lists, pkg-config for every library.
#
#   make              build ./owabi
#   make check        every offline test (unit, cases, fixtures, CLI, schema,
#                     sanitizers, corpus score when ../shared exists)
#   make check-asan   the test suite against an ASan+UBSan build
#   make check-tsan   threads sharing one engine, under ThreadSanitizer
#   make check-valgrind  the test suite under valgrind memcheck
#   make eval         the score table on ../shared/corpus (skips when absent)
#   make deps         install the Debian packages the build and tests need
#   make fuzz         libFuzzer targets, FUZZ_SECONDS each (fuzz/README.md)
#   make bench        throughput, ratios to xmllint and readability, RSS

VERSION  = 0.1.0
PREFIX  ?= /usr/local
CC      ?= cc
PKGS     = icu-uc icu-i18n libxml-2.0 libpcre2-8 jansson uchardet sqlite3 libcrypto zlib
# Opened with dlopen on first use (pdf/pdf.c, fetch/libcurl.c): headers at
# build time, no link, so that a run over local HTML does not load them.
DLPKGS   = poppler-glib libcurl
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
PKGCFLAGS := $(shell pkg-config --cflags $(PKGS) $(DLPKGS) 2>/dev/null)
PKGLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -ldl
soname = $(shell objdump -p $$(pkg-config --variable=libdir $(1) 2>/dev/null)/$(2) 2>/dev/null | sed -n 's/^ *SONAME *//p')
POPPLER_SONAME := $(call soname,poppler-glib,libpoppler-glib.so)
CURL_SONAME    := $(call soname,libcurl,libcurl.so)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKGCFLAGS) -DOW_VERSION='"$(VERSION)"' \
             $(if $(POPPLER_SONAME),-DOW_POPPLER_SONAME='"$(POPPLER_SONAME)"') \
             $(if $(CURL_SONAME),-DOW_CURL_SONAME='"$(CURL_SONAME)"') -I.
B       ?= build

CORE_SRC      = core/err.c core/buf.c core/util.c
DECODE_SRC    = decode/decode.c decode/mail.c
PARSE_SRC     = parse/parse.c parse/tree.c parse/choose.c parse/emit.c parse/blocks.c parse/guard.c parse/plain.c parse/words.c
NORMALIZE_SRC = normalize/norm.c normalize/numerals.c normalize/era.c
EXTRACT_SRC   = extract/extract.c extract/rules.c extract/text.c extract/tags.c extract/dates.c extract/counts.c extract/org.c extract/kind.c extract/gate.c \
                extract/literal.c
FETCH_SRC     = fetch/fetch.c fetch/addr.c fetch/libcurl.c fetch/url.c
PDF_SRC       = pdf/pdf.c
STORE_SRC     = store/store.c store/archive.c
INGEST_SRC    = ingest/ingest.c ingest/sched.c ingest/answer.c ingest/outfile.c ingest/pool.c ingest/reextract.c ingest/robots.c ingest/discover.c
SCHEMA_SRC    = schema/record.c
API_SRC       = lib/pipeline.c lib/owabi.c
# The tool only: never linked into the library.
CLI_SRC       = cli/main.c cli/args.c cli/summary.c cli/html.c cli/report.c cli/archive.c cli/warc.c cli/ingest.c

LIB_SRC = $(CORE_SRC) $(DECODE_SRC) $(PARSE_SRC) $(NORMALIZE_SRC) $(EXTRACT_SRC) \
          $(FETCH_SRC) $(SCHEMA_SRC) $(B)/vocab.c $(STORE_SRC) $(INGEST_SRC) $(PDF_SRC) $(API_SRC)
LIB_OBJ = $(patsubst %.c,$(B)/%.o,$(patsubst $(B)/%,%,$(LIB_SRC)))
CLI_OBJ = $(patsubst %.c,$(B)/%.o,$(CLI_SRC))

VOCAB = $(sort $(wildcard extract/vocab/*.tsv ingest/vocab/*.tsv parse/vocab/*.tsv normalize/vocab/*.tsv))

UNIT_TESTS = $(sort $(basename $(notdir $(wildcard tests/unit/test_*.c))))
UNIT_BINS  = $(addprefix $(B)/tests/,$(UNIT_TESTS))

.PHONY: all check check-plain check-asan check-tsan check-valgrind eval deps clean install uninstall screenshots

all: owabi

owabi: $(B)/owabi
	cp $(B)/owabi $@

$(B)/owabi: $(CLI_OBJ) $(B)/libowabi.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKGLIBS) -lm

$(B)/libowabi.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# The shared library: position-independent objects of its own, every
# symbol hidden but the owabi_ API of include/owabi.h.
PIC_OBJ = $(patsubst $(B)/%,$(B)/pic/%,$(LIB_OBJ))
# Every symbol resolved at link time; off for clang's sanitizer builds, whose
# runtime comes with the executable.
SO_LDFLAGS = -Wl,--no-undefined

$(B)/libowabi.so: $(PIC_OBJ)
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libowabi.so.0 $(SO_LDFLAGS) -o $@.0 $^ $(PKGLIBS) -lm
	ln -sf libowabi.so.0 $@

$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -fPIC -fvisibility=hidden -c -o $@ $<

$(B)/pic/vocab.o: $(B)/vocab.c
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

# -MMD -MP: each object's header dependencies, as the compiler saw them.
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/vocab.o: $(B)/vocab.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Vocabulary tables are data: embedded as C strings at build time.
$(B)/vocab.c: $(VOCAB) tools/embed.py
	@mkdir -p $(B)
	python3 tools/embed.py $(VOCAB) > $@

# test_pdf draws its PDFs with cairo
$(B)/tests/%: tests/unit/%.c $(B)/libowabi.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libowabi.a $(PKGLIBS) $(if $(filter test_pdf,$*),$(shell pkg-config --libs cairo)) -lcmocka -lm

# Built as another program would be: the public header alone, the shared library.
$(B)/tests/test_api: tests/api/test_api.c include/owabi.h $(B)/libowabi.so
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -DOW_VERSION='"$(VERSION)"' -Iinclude -o $@ $< \
		-L$(B) -Wl,-rpath,$(CURDIR)/$(B) -lowabi $(shell pkg-config --libs jansson) -lcmocka -pthread

$(B)/tests/casetest: tests/casetest.c $(B)/libowabi.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libowabi.a $(PKGLIBS) -lm

# The whole suite, then the same suite against the sanitizer builds.
check: check-plain check-asan check-tsan

check-plain: owabi $(UNIT_BINS) $(B)/tests/test_api $(B)/tests/casetest
	@B=$(B) OWABI=./owabi sh tests/run-all.sh

check-asan:
	$(MAKE) B=build-asan CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		build-asan/owabi $(addprefix build-asan/tests/,$(UNIT_TESTS) test_api) build-asan/tests/casetest
	@B=build-asan OWABI=build-asan/owabi OW_SANITIZED=1 \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		sh tests/run-all.sh

# Threads sharing one engine (tests/api), under ThreadSanitizer (clang).
check-tsan:
	$(MAKE) B=build-tsan CC=clang CFLAGS='-O1 -g -fsanitize=thread' SO_LDFLAGS= build-tsan/tests/test_api
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/tests/test_api

# The suite again with every owabi run and unit test under valgrind memcheck:
# any error or definite/indirect leak fails.  PCRE2 runs without JIT there,
# since run-time generated code is opaque to memcheck.
check-valgrind: owabi $(UNIT_BINS) $(B)/tests/test_api $(B)/tests/casetest
	@B=$(B) OWABI=$(CURDIR)/tests/valgrind-owabi.sh OW_VALGRIND=1 OW_SANITIZED=1 OWABI_NO_JIT=1 \
		sh tests/run-all.sh

eval: owabi
	@sh tests/eval.sh

# PNGs of the evidence view of the seed and of a report over the fixtures,
# at 1280x800 and 390x844, in build/screenshots/ (for people to look at).
screenshots: owabi
	@sh tests/browser/shots.sh ./owabi $(B)/screenshots

deps:
	@sh tools/deps.sh

# The tool, the library (static, and shared with its soname), the header,
# pkg-config's owabi.pc and the man page; uninstall removes exactly these.
INSTALLED = bin/owabi include/owabi.h lib/libowabi.a lib/libowabi.so.$(VERSION) \
            lib/libowabi.so.0 lib/libowabi.so lib/pkgconfig/owabi.pc share/man/man1/owabi.1

install: owabi $(B)/libowabi.so
	install -d $(addprefix $(DESTDIR)$(PREFIX)/,bin include lib/pkgconfig share/man/man1)
	install -m 755 owabi $(DESTDIR)$(PREFIX)/bin/owabi
	install -m 644 include/owabi.h $(DESTDIR)$(PREFIX)/include/owabi.h
	install -m 644 $(B)/libowabi.a $(DESTDIR)$(PREFIX)/lib/libowabi.a
	install -m 755 $(B)/libowabi.so.0 $(DESTDIR)$(PREFIX)/lib/libowabi.so.$(VERSION)
	ln -sf libowabi.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libowabi.so.0
	ln -sf libowabi.so.0 $(DESTDIR)$(PREFIX)/lib/libowabi.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@LIBS@|$(PKGLIBS) -lm|' \
		owabi.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/owabi.pc
	install -m 644 doc/owabi.1 $(DESTDIR)$(PREFIX)/share/man/man1/owabi.1

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALLED))

clean:
	rm -rf build build-asan build-tsan build-fuzz build-bench owabi

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(PIC_OBJ:.o=.d)

# Fuzzing (make fuzz, fuzz-build, fuzz-regress) and the benchmark (make bench)
# live beside their code; they read the source lists above.
include fuzz/fuzz.mk bench/bench.mk
