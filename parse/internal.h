/* parse/internal.h — what parse/'s files share; not a public header. */
#ifndef OW_PARSE_INTERNAL_H
#define OW_PARSE_INTERNAL_H

#include <stddef.h>

#include "parse.h"

/* libxml2 2.9.14's HTML parser has quadratic paths (unmatched end tags,
 * many attributes, repeated html/head/body tags).  *copy is src rewritten
 * without those constructs when src would cost it too much, else NULL
 * (the caller frees it).  OW_NOMEM. */
ow_err parse_guard_input(const char *src, size_t len, char **copy, size_t *clen);

/* Drops the controls and bidi formatting characters of b (ow_utf8_control). */
void parse_drop_controls(struct ow_buf *b);
/* Blank for the purpose of keeping a block: only spaces, U+3000, U+00A0,
 * zero-width spaces and BOMs. */
int parse_blank(const char *s, size_t n);

#endif
