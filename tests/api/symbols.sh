#!/bin/sh
# tests/api/symbols.sh LIB HEADER — the shared library exports exactly the
# functions the public header declares (OWABI_API), nothing internal.
lib=$1 header=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Declared: the name before "(" on every OWABI_API line.
sed -n 's/^OWABI_API[^(]*[ *]\(owabi_[a-z_]*\)(.*/\1/p' "$header" | sort > "$tmp/declared"
# Exported: defined dynamic symbols, less the linker's own.
nm -D --defined-only "$lib" | awk '{print $NF}' | grep -v -e '^_init$' -e '^_fini$' -e '^_edata$' \
    -e '^_end$' -e '^__bss_start$' | sort > "$tmp/exported"

[ "$(wc -l < "$tmp/declared")" -ge 7 ] && ok || bad "header declares $(wc -l < "$tmp/declared") functions"
if cmp -s "$tmp/declared" "$tmp/exported"; then ok; else
    bad "exports differ from the header:"; diff "$tmp/declared" "$tmp/exported" | sed 's/^/    /'
fi
# The internal names the issue names by prefix are all hidden.
if grep -q -e '^ex_' -e '^nbuf_' -e '^dec_' -e '^mail_' -e '^pipeline_' -e '^extract_' "$tmp/exported"; then
    bad "internal symbols exported"
else ok; fi
# The soname is versioned.
objdump -p "$lib" | grep -q 'SONAME *libowabi\.so\.0$' && ok || bad "SONAME is not libowabi.so.0"
printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
