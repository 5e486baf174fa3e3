/* parse/internal.h — what parse/'s files share; not a public header. */
#ifndef OW_PARSE_INTERNAL_H
#define OW_PARSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

/* The code point of a three-byte UTF-8 sequence. */
static inline unsigned parse_cp3(const unsigned char *s)
{
    return (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
}

/* parse/'s word lists (words.c, from parse/vocab/words.tsv). */
#define PARSE_WORDS_MAX 256
struct parse_words {
    /* notice and organization words keyed by their first character's three
     * bytes, sorted, so that one pass over a text finds every word */
    uint8_t first[65536 / 8];       /* code points some word starts with */
    uint32_t key[PARSE_WORDS_MAX];
    const char *word[PARSE_WORDS_MAX];
    uint8_t len[PARSE_WORDS_MAX];
    uint8_t org[PARSE_WORDS_MAX];   /* 1: an organization word, 0: a notice word */
    size_t n;
    const char *chrome[PARSE_WORDS_MAX];   /* headings that open a page's chrome */
    size_t nchrome;
    /* class/id tokens, sorted (strcmp), with what each says (PARSE_CLASS_*) */
    const char *cls[PARSE_WORDS_MAX];
    uint8_t clswhat[PARSE_WORDS_MAX];
    size_t ncls;
};
enum { PARSE_CLASS_CHROME = 1, PARSE_CLASS_FRAME = 2, PARSE_CLASS_MAIN = 4, PARSE_CLASS_LIST = 8 };
/* What a lower-case class/id token says (PARSE_CLASS_* bits), 0: nothing. */
unsigned parse_class_token(const struct parse_words *w, const char *tok);
/* The built-in lists, read on first use (once, whichever thread asks); NULL
 * with d filled (OW_DATA naming the line) when they do not read. */
const struct parse_words *parse_words(struct ow_diag *d);
/* Reads a text in the words.tsv format into w, its words copied into
 * store[0..cap); OW_DATA naming path and line for an unknown label, a
 * malformed row, a notice or org word that does not start with a
 * three-byte character, a class token that is not lower-case ASCII letters
 * and digits, or too many words.  For tests. */
ow_err parse_words_read(const char *text, size_t len, const char *path, struct parse_words *w,
                        char *store, size_t cap, struct ow_diag *d);

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
