/* normalize/pass.h — internal to the normalize stage: the text-with-map
 * buffer every pass writes, and the passes themselves.
 *
 * Normalization is a short chain of passes (circled numbers, NFKC, folds,
 * kanji numerals, era dates).  Each pass reads a text and its map and writes
 * a new text and map; an output byte takes the map value of the input
 * character or token it came from, so after the last pass every byte still
 * points into the caller's original input.  Maps are 32-bit inside the
 * stage (norm_text refuses inputs of 4 GiB or more) to halve the memory of
 * the intermediate copies; only the final map is widened to size_t. */
#ifndef OW_NORM_PASS_H
#define OW_NORM_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

struct nbuf {
    char *s;          /* NUL-terminated when not NULL */
    uint32_t *map;    /* one entry per byte of s */
    size_t len;
    size_t cap;
};

/* A pass input: map NULL means the identity (the original input). */
struct ntext {
    const char *s;
    const uint32_t *map;
    size_t len;
};

static inline uint32_t nt_map(const struct ntext *t, size_t i)
{
    return t->map ? t->map[i] : (uint32_t)i;
}

/* An empty buffer; memory comes with the first append. */
void nbuf_init(struct nbuf *b);
void nbuf_free(struct nbuf *b);
ow_err nbuf_grow(struct nbuf *b, size_t more);
/* Appends n bytes, all mapped to m. */
ow_err nbuf_put(struct nbuf *b, const char *p, size_t n, uint32_t m);
/* Appends t->s[i..i+n) keeping each byte's own map entry. */
ow_err nbuf_copy(struct nbuf *b, const struct ntext *t, size_t i, size_t n);

/* A pass that changes little writes little: it copies nothing until its
 * first change, then copies the unchanged stretches in one piece each.  A
 * pass that changed nothing leaves out empty and the chain keeps its input. */
struct lazy {
    const struct ntext *in;
    struct nbuf *out;
    size_t done;      /* in->s[0..done) is accounted for in out */
    int changed;
};

static inline ow_err lz_flush(struct lazy *z, size_t upto)
{
    if (!z->changed) {
        z->changed = 1;
        if (nbuf_grow(z->out, z->in->len + z->in->len / 8 + 64))
            return OW_NOMEM;
    }
    ow_err e = nbuf_copy(z->out, z->in, z->done, upto - z->done);
    z->done = upto;
    return e;
}

/* Replaces in->s[a..b) (a >= done) by p[0..n), every byte mapped to m. */
static inline ow_err lz_replace(struct lazy *z, size_t a, size_t b, const char *p,
                                size_t n, uint32_t m)
{
    if (lz_flush(z, a) || nbuf_put(z->out, p, n, m))
        return OW_NOMEM;
    z->done = b;
    return OW_OK;
}

/* Copies the rest of a changed text; *changed says whether out is used. */
static inline ow_err lz_finish(struct lazy *z, int *changed)
{
    *changed = z->changed;
    return z->changed ? lz_flush(z, z->in->len) : OW_OK;
}

/* Decodes the (valid) UTF-8 character at s[i..n); sets *k to its length.
 * Defensive: a malformed byte decodes as itself with length 1. */
static inline uint32_t nt_cp(const char *s, size_t n, size_t i, size_t *k)
{
    const unsigned char *p = (const unsigned char *)s + i;
    size_t left = n - i;
    unsigned c = p[0];
    if (c < 0x80 || left < 2) { *k = 1; return c; }
    if (c < 0xe0) { *k = 2; return (c & 0x1f) << 6 | (p[1] & 0x3f); }
    if (c < 0xf0 || left < 4) {
        if (left < 3) { *k = 1; return c; }
        *k = 3;
        return (c & 0x0f) << 12 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f);
    }
    *k = 4;
    return (c & 0x07) << 18 | (p[1] & 0x3f) << 12 | (p[2] & 0x3f) << 6 | (p[3] & 0x3f);
}

/* The code point that ends just before s[i] (0 at the start). */
static inline uint32_t nt_prev_cp(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xc0) == 0x80)
        j--;
    size_t k;
    return nt_cp(s, i, j, &k);
}

static inline int nt_isdigit(uint32_t c) { return c >= '0' && c <= '9'; }

/* numerals.c: kanji numerals that are numbers become ASCII digits. */
ow_err norm_pass_numerals(const struct ntext *in, struct nbuf *out, int *changed);
/* numerals.tsv read: the counters and the words that are no numbers. */
#define NORM_NUMERALS_MAX 128
struct norm_numerals {
    const char *counter[NORM_NUMERALS_MAX], *notnumber[NORM_NUMERALS_MAX];
    size_t ncounter, nnotnumber;
    char pool[2048];
};
/* Reads a numerals.tsv text into *l (the pass reads the build's own on
 * first use): OW_DATA naming the line for an unknown label, a malformed
 * line or too many words. */
ow_err norm_numerals_read(const char *text, size_t len, const char *path, struct norm_numerals *l,
                          struct ow_diag *d);
/* era.c: era years (平成23年, H23.5.14) become Gregorian. */
ow_err norm_pass_era(const struct ntext *in, struct nbuf *out, int *changed);

#endif
