#!/bin/sh
# Installs the Debian packages owabi's build and tests need, when missing.
# Safe to run again: it does nothing when everything is there.
set -e
PKGS="gcc make pkg-config python3 libicu-dev libxml2-dev libsqlite3-dev zlib1g-dev
libcurl4-openssl-dev libssl-dev libpcre2-dev libjansson-dev libuchardet-dev libcmocka-dev
python3-jsonschema libxml2-utils libpoppler-glib-dev python3-cairo fonts-noto-cjk qpdf
valgrind clang chromium python3-html5lib"
# make check-tsan: Debian ships clang's sanitizer runtimes apart from clang
# (libclang-rt-14-dev for bookworm's clang 14).
if command -v clang >/dev/null 2>&1; then
    PKGS="$PKGS libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
else
    PKGS="$PKGS libclang-rt-14-dev"
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "owabi: installing Debian packages:$missing" >&2
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q >&2
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $missing >&2
fi
# The browser tests drive Debian's chromium with playwright-core from the npm
# registry, at the version package-lock.json pins (it downloads no browser).
browser=$(dirname "$0")/../tests/browser
if [ ! -d "$browser/node_modules/playwright-core" ]; then
    echo "owabi: installing playwright-core for the browser tests (npm ci)" >&2
    (cd "$browser" && npm ci --no-audit --no-fund >&2)
fi
