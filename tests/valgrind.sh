#!/bin/sh
# Runs a program under valgrind memcheck so that any memory error or leak makes
# it fail: exit 99 from valgrind's side, with the report on stderr.
# Used by `make check-valgrind` as OWABI and as the runner of unit tests.
# Still-reachable blocks (library caches: ICU, libxml2, fontconfig) are not leaks.
exec valgrind --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    --suppressions="$(dirname "$0")/valgrind.supp" "$@"
