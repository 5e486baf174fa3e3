#!/bin/sh
# tests/browser/shots.sh OWABI OUT — `make screenshots`: the pages of
# make_pages.sh, photographed by shots.js into OUT (not committed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$2/pages"
sh "$here/make_pages.sh" "$1" "$(cd "$2" && pwd)/pages"
node "$here/shots.js" "$2/pages" "$2"
