#!/bin/sh
# tests/api/install.sh B — the library as a user gets it: `make install`
# into a temporary prefix, examples/parse.c built against the installed files
# with pkg-config (the README's command), run on a fixture; the man page
# covers every option each command's --help lists; `make uninstall` leaves
# nothing behind.  Not under the sanitizer or valgrind runs: a program built
# without ASan cannot load an ASan library.
B=${1:-build}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
if [ -n "${OW_SANITIZED:-}" ]; then
    echo "install: skipped under sanitizers/valgrind"
    printf '0 passed, 0 failed, 1 skipped\n'
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

if make -s install B="$B" PREFIX="$prefix" > "$tmp/install.log" 2>&1; then ok; else
    bad "make install"; sed 's/^/    /' "$tmp/install.log"; fi
for f in bin/owabi include/owabi.h lib/libowabi.a lib/libowabi.so lib/libowabi.so.0 \
         lib/pkgconfig/owabi.pc share/man/man1/owabi.1; do
    [ -e "$prefix/$f" ] && ok || bad "not installed: $f"
done
objdump -p "$prefix/lib/libowabi.so" | grep -q 'SONAME *libowabi\.so\.0$' && ok || bad "installed .so has no soname"

# The README's command, with nothing from the source tree on the include path.
flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs owabi)
case $flags in *"-I$prefix/include"*"-L$prefix/lib"*|*"-L$prefix/lib"*"-I$prefix/include"*) ok ;;
    *) bad "pkg-config flags: $flags" ;; esac
if cc -std=c11 -Wall -Wextra -Werror examples/parse.c $flags -o "$tmp/parse" 2> "$tmp/cc.log"; then ok; else
    bad "examples/parse.c does not build"; sed 's/^/    /' "$tmp/cc.log"; fi
# fixtures/expected.jsonl was written by hand from the fixture
LD_LIBRARY_PATH="$prefix/lib" "$tmp/parse" fixtures/cp932-sqli.html > "$tmp/rec.json" 2> "$tmp/err" && ok ||
    { bad "examples/parse exit $?"; cat "$tmp/err"; }
python3 - "$tmp/rec.json" <<'PY' && ok || bad "the example's record differs from fixtures/expected.jsonl"
import json, sys
rec = json.load(open(sys.argv[1]))
want = next(json.loads(l) for l in open("fixtures/expected.jsonl") if json.loads(l)["id"] == "cp932-sqli")
got = (rec["organization"]["name"], rec["notice"]["published"], rec["affected"]["total"], rec["source"]["path"])
exp = (want["organization"], want["published"], want["affected_total"], "fixtures/cp932-sqli.html")
if got != exp:
    print("   got", got, "want", exp)
    sys.exit(1)
PY
LD_LIBRARY_PATH="$prefix/lib" "$tmp/parse" /nonexistent > /dev/null 2>&1
[ $? -eq 1 ] && ok || bad "examples/parse on a missing file: not exit 1"

# The man page: the version, and every option of every command's --help.
grep -q "^\.TH OWABI 1 .*\"owabi $("$prefix/bin/owabi" --version | sed 's/^owabi //')\"" "$prefix/share/man/man1/owabi.1" &&
    ok || bad "man page version differs from owabi --version"
for cmd in parse ingest export; do
    for opt in $("$prefix/bin/owabi" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
        grep -q -- "$esc" "$prefix/share/man/man1/owabi.1" && ok || bad "man page lacks $cmd $opt"
    done
done

if make -s uninstall PREFIX="$prefix" > "$tmp/uninstall.log" 2>&1; then ok; else bad "make uninstall"; fi
left=$(find "$prefix" -type f -o -type l)
[ -z "$left" ] && ok || bad "left after uninstall: $left"
printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
