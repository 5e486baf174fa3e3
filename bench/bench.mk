# bench/bench.mk — `make bench`; included by the top Makefile after its
# variables (it reads WARN, PKGCFLAGS, PKGLIBS).
#
#   make bench [BENCH_REPEAT=3]
#
# Builds owabi optimised and without sanitizers into build-bench/ (a
# sub-make of the top Makefile with B=build-bench), plus bench/stages.c (the
# per-stage timer), generates the corpus in bench/out/ and prints the table
# (bench/run.sh).  Kept out of `make check`.

BENCH_B      ?= build-bench
BENCH_CFLAGS ?= -O2
BENCH_REPEAT ?= 3

.PHONY: bench bench-build

bench-build:
	$(MAKE) B=$(BENCH_B) CFLAGS='$(BENCH_CFLAGS)' $(BENCH_B)/owabi $(BENCH_B)/libowabi.a
	$(CC) $(WARN) $(BENCH_CFLAGS) $(PKGCFLAGS) -I. -o $(BENCH_B)/stages bench/stages.c \
		$(BENCH_B)/libowabi.a $(PKGLIBS) -lm

bench: bench-build
	@BENCH_REPEAT=$(BENCH_REPEAT) sh bench/run.sh $(BENCH_B)/owabi
