# fuzz/fuzz.mk — libFuzzer targets; included by the top Makefile after its
# source lists (it reads WARN, PKGCFLAGS, PKGLIBS, VERSION, LIB_SRC, VOCAB, B).
#
#   make fuzz-build            build every target into build-fuzz/
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_JOBS=1] [FUZZ_TARGETS='decode html']
#                              run each target FUZZ_SECONDS, seeded from
#                              fixtures/ and tests/; prints execs and coverage
#   make fuzz-regress          replay fuzz/regressions/ through their targets
#
# The library is compiled again with clang (coverage + ASan + UBSan), never
# reusing gcc's objects.  -Werror is dropped here: clang warns about things
# gcc does not, and that must not stop a fuzzing run (warnings still show).

FUZZ_B        ?= build-fuzz
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_JOBS     ?= 1
FUZZ_TARGETS  ?= decode html normalize extract parse_all discover
FUZZ_SAN      ?= -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   ?= -O1 -g -fno-omit-frame-pointer
FUZZ_ALL_CFLAGS = $(filter-out -Werror,$(WARN)) $(FUZZ_CFLAGS) $(FUZZ_SAN) $(PKGCFLAGS) \
                  -DOW_VERSION='"$(VERSION)"' -I.

FUZZ_LIB_SRC = $(filter-out $(B)/vocab.c,$(LIB_SRC))
FUZZ_LIB_OBJ = $(patsubst %.c,$(FUZZ_B)/%.o,$(FUZZ_LIB_SRC)) $(FUZZ_B)/vocab.o
FUZZ_BINS    = $(addprefix $(FUZZ_B)/fuzz_,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build fuzz-regress

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_B=$(FUZZ_B) sh fuzz/run.sh -t $(FUZZ_SECONDS) -j $(FUZZ_JOBS) $(FUZZ_TARGETS)

fuzz-regress: fuzz-build
	@FUZZ_B=$(FUZZ_B) sh fuzz/run.sh --replay $(FUZZ_TARGETS)

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_B)/libowabi.a
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libowabi.a $(PKGLIBS) -lm

$(FUZZ_B)/libowabi.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# fuzzer-no-link: coverage instrumentation in the library, libFuzzer's main
# only in the target binaries.
$(FUZZ_B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -MMD -MP -fsanitize=fuzzer-no-link -c -o $@ $<

-include $(FUZZ_LIB_OBJ:.o=.d)

$(FUZZ_B)/vocab.o: $(FUZZ_B)/vocab.c
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -c -o $@ $<

$(FUZZ_B)/vocab.c: $(VOCAB) tools/embed.py
	@mkdir -p $(FUZZ_B)
	python3 tools/embed.py $(VOCAB) > $@
