#!/bin/sh
# ./owabi under valgrind memcheck, for `make check-valgrind` (see tests/valgrind.sh).
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/valgrind.sh" "$here/../owabi" "$@"
