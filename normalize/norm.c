/* normalize/norm.c — the pass chain, the map buffer, and the character-level
 * passes: circled numbers, NFKC (ICU), and the folds (wave dash, dashes
 * between digits, digit-group commas).  Kanji numerals live in numerals.c,
 * era dates in era.c. */
#include "norm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "../core/util.h"
#include "pass.h"

/* ---- the map buffer ---------------------------------------------------- */

void nbuf_init(struct nbuf *b)
{
    b->s = NULL;
    b->map = NULL;
    b->len = b->cap = 0;
}

void nbuf_free(struct nbuf *b)
{
    free(b->s);
    free(b->map);
    b->s = NULL;
    b->map = NULL;
    b->len = b->cap = 0;
}

ow_err nbuf_grow(struct nbuf *b, size_t more)
{
    if (b->cap - b->len >= more)
        return OW_OK;
    if (more > SIZE_MAX / 8 - b->len)
        return OW_NOMEM;
    size_t cap = b->cap * 2;
    if (cap < b->len + more)
        cap = b->len + more;
    if (cap < 64)
        cap = 64;
    if (cap > SIZE_MAX / 2 / sizeof *b->map)
        return OW_NOMEM;
    char *s = realloc(b->s, cap + 1);
    if (!s)
        return OW_NOMEM;
    b->s = s;
    uint32_t *m = realloc(b->map, cap * sizeof *m);
    if (!m)
        return OW_NOMEM;
    b->map = m;
    b->cap = cap;
    return OW_OK;
}

ow_err nbuf_put(struct nbuf *b, const char *p, size_t n, uint32_t m)
{
    if (nbuf_grow(b, n))
        return OW_NOMEM;
    memcpy(b->s + b->len, p, n);
    for (size_t i = 0; i < n; i++)
        b->map[b->len + i] = m;
    b->len += n;
    b->s[b->len] = 0;
    return OW_OK;
}

ow_err nbuf_copy(struct nbuf *b, const struct ntext *t, size_t i, size_t n)
{
    if (nbuf_grow(b, n))
        return OW_NOMEM;
    memcpy(b->s + b->len, t->s + i, n);
    if (t->map) {
        memcpy(b->map + b->len, t->map + i, n * sizeof *b->map);
    } else {
        /* The identity, except that a character's continuation bytes map to
         * its first byte.  Runs always start on a character boundary. */
        uint32_t m = (uint32_t)i;
        for (size_t j = 0; j < n; j++) {
            if (((unsigned char)t->s[i + j] & 0xc0) != 0x80)
                m = (uint32_t)(i + j);
            b->map[b->len + j] = m;
        }
    }
    b->len += n;
    b->s[b->len] = 0;
    return OW_OK;
}

/* ---- circled numbers --------------------------------------------------- */

/* The number an enclosed list marker stands for, or -1.  These must go
 * before NFKC: NFKC turns ① into a bare "1" that merges with the digits
 * after it ("①263件" → "1263件"). */
static int circled_value(uint32_t c)
{
    if (c >= 0x2460 && c <= 0x2473) return (int)(c - 0x2460 + 1);  /* ①..⑳ */
    if (c >= 0x2474 && c <= 0x2487) return (int)(c - 0x2474 + 1);  /* ⑴..⒇ */
    if (c >= 0x2488 && c <= 0x249b) return (int)(c - 0x2488 + 1);  /* ⒈..⒛ */
    if (c == 0x24ea || c == 0x24ff) return 0;                       /* ⓪ ⓿ */
    if (c >= 0x24eb && c <= 0x24f4) return (int)(c - 0x24eb + 11); /* ⓫..⓴ */
    if (c >= 0x24f5 && c <= 0x24fe) return (int)(c - 0x24f5 + 1);  /* ⓵..⓾ */
    if (c >= 0x2776 && c <= 0x277f) return (int)(c - 0x2776 + 1);  /* ❶..❿ */
    if (c >= 0x2780 && c <= 0x2789) return (int)(c - 0x2780 + 1);  /* ➀..➉ */
    if (c >= 0x278a && c <= 0x2793) return (int)(c - 0x278a + 1);  /* ➊..➓ */
    if (c >= 0x3220 && c <= 0x3229) return (int)(c - 0x3220 + 1);  /* ㈠..㈩ */
    if (c >= 0x3251 && c <= 0x325f) return (int)(c - 0x3251 + 21); /* ㉑..㉟ */
    if (c >= 0x3280 && c <= 0x3289) return (int)(c - 0x3280 + 1);  /* ㊀..㊉ */
    if (c >= 0x32b1 && c <= 0x32bf) return (int)(c - 0x32b1 + 36); /* ㊱..㊿ */
    return -1;
}

static ow_err pass_circled(const struct ntext *in, struct nbuf *out, int *changed)
{
    struct lazy z = {in, out, 0, 0};
    const unsigned char *s = (const unsigned char *)in->s;
    size_t i = 0, k;
    while (i < in->len) {
        /* Every circled form is a 3-byte sequence led by E2 or E3. */
        if (s[i] != 0xe2 && s[i] != 0xe3) {
            i++;
            continue;
        }
        int v = circled_value(nt_cp(in->s, in->len, i, &k));
        if (v >= 0) {
            char tmp[8];
            int n = snprintf(tmp, sizeof tmp, "(%d)", v);
            if (lz_replace(&z, i, i + k, tmp, (size_t)n, nt_map(in, i)))
                return OW_NOMEM;
        }
        i += k;
    }
    return lz_finish(&z, changed);
}

/* ---- NFKC -------------------------------------------------------------- */

/* Scratch for the NFKC pass: UTF-16 copies of one window and of one
 * normalized chunk. */
struct u16buf {
    UChar *p;
    int32_t cap;
};

static ow_err u16_reserve(struct u16buf *u, size_t n)
{
    if (n <= (size_t)u->cap)
        return OW_OK;
    if (n > INT32_MAX / 2)
        return OW_TOOBIG;
    int32_t cap = (int32_t)n + (int32_t)n / 2 + 16;
    UChar *p = realloc(u->p, (size_t)cap * sizeof *p);
    if (!p)
        return OW_NOMEM;
    u->p = p;
    u->cap = cap;
    return OW_OK;
}

/* Walks the UTF-8 text forward over n16 UTF-16 units from *i8. */
static size_t skip_units(const struct ntext *in, size_t i8, int32_t n16)
{
    size_t k;
    while (n16 > 0) {
        uint32_t cp = nt_cp(in->s, in->len, i8, &k);
        n16 -= cp >= 0x10000 ? 2 : 1;
        i8 += k;
    }
    return i8;
}

/* NFKC, one chunk at a time so that the map survives: the text is cut at
 * normalization boundaries (a character NFKC never combines with what
 * precedes it), runs that pass ICU's quick check are copied byte for byte,
 * and each chunk that changes maps all its output to the chunk's start.
 * Work proceeds in windows of about WINDOW bytes, each ending at a boundary,
 * so the UTF-16 scratch stays small. */
#define WINDOW 65536

static ow_err pass_nfkc(const struct ntext *in, struct nbuf *out, int *changed,
                        struct ow_diag *d)
{
    struct lazy z = {in, out, 0, 0};
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nf = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st))
        return ow_diagf_foreign(d, OW_DECODE, OW_FOREIGN_ICU, (int)st,
                                "ICU NFKC data unavailable: %s", u_errorName(st));
    struct u16buf win = {0}, nrm = {0};
    ow_err e = OW_OK;
    size_t pos = 0, k;

    while (pos < in->len) {
        size_t end = pos + WINDOW;
        if (end >= in->len) {
            end = in->len;
        } else {
            while (end > pos && ((unsigned char)in->s[end] & 0xc0) == 0x80)
                end--;
            if (end == pos)
                end = pos + 1;
            while (end < in->len) {
                uint32_t cp = nt_cp(in->s, in->len, end, &k);
                if (unorm2_hasBoundaryBefore(nf, (UChar32)cp))
                    break;
                end += k;
            }
        }
        if ((e = u16_reserve(&win, end - pos + 1)))
            goto done;
        int32_t n16 = 0;
        st = U_ZERO_ERROR;
        u_strFromUTF8(win.p, win.cap, &n16, in->s + pos, (int32_t)(end - pos), &st);
        if (U_FAILURE(st)) {
            e = ow_diagf(d, OW_DECODE, "invalid UTF-8 near byte %zu", pos);
            goto done;
        }
        int32_t i16 = 0;
        size_t i8 = pos;
        while (i16 < n16) {
            st = U_ZERO_ERROR;
            int32_t yes = unorm2_spanQuickCheckYes(nf, win.p + i16, n16 - i16, &st);
            if (U_FAILURE(st)) {
                e = ow_diagf_foreign(d, OW_DECODE, OW_FOREIGN_ICU, (int)st,
                                     "ICU quick check: %s", u_errorName(st));
                goto done;
            }
            i8 = skip_units(in, i8, yes);
            i16 += yes;
            if (i16 >= n16)
                break;
            /* The chunk: from this boundary to the next one. */
            int32_t r = i16;
            UChar32 c;
            U16_NEXT(win.p, r, n16, c);
            while (r < n16) {
                int32_t q = r;
                U16_NEXT(win.p, q, n16, c);
                if (unorm2_hasBoundaryBefore(nf, c))
                    break;
                r = q;
            }
            size_t r8 = skip_units(in, i8, r - i16);
            int32_t need = 0;
            for (;;) {
                st = U_ZERO_ERROR;
                need = unorm2_normalize(nf, win.p + i16, r - i16, nrm.p, nrm.cap, &st);
                if (st == U_BUFFER_OVERFLOW_ERROR) {
                    if ((e = u16_reserve(&nrm, (size_t)need + 1)))
                        goto done;
                    continue;
                }
                break;
            }
            if (U_FAILURE(st)) {
                e = ow_diagf_foreign(d, OW_DECODE, OW_FOREIGN_ICU, (int)st,
                                     "ICU NFKC: %s", u_errorName(st));
                goto done;
            }
            if (need != r - i16 || memcmp(nrm.p, win.p + i16, (size_t)need * sizeof(UChar))) {
                /* Changed: the chunk's output all maps to its start.  UTF-8
                 * takes at most 3 bytes per UTF-16 unit. */
                size_t room = (size_t)need * 3 + 1;
                if (room > INT32_MAX) {
                    e = ow_diagf(d, OW_TOOBIG, "a combining sequence of %zu bytes", r8 - i8);
                    goto done;
                }
                if ((e = lz_flush(&z, i8)) || (e = nbuf_grow(out, room)))
                    goto done;
                int32_t n8 = 0;
                st = U_ZERO_ERROR;
                u_strToUTF8(out->s + out->len, (int32_t)room, &n8, nrm.p, need, &st);
                if (U_FAILURE(st)) {
                    e = ow_diagf_foreign(d, OW_DECODE, OW_FOREIGN_ICU, (int)st,
                                         "ICU UTF-16 to UTF-8: %s", u_errorName(st));
                    goto done;
                }
                uint32_t m = nt_map(in, i8);
                for (int32_t j = 0; j < n8; j++)
                    out->map[out->len + (size_t)j] = m;
                out->len += (size_t)n8;
                out->s[out->len] = 0;
                z.done = r8;
            }
            i8 = r8;
            i16 = r;
        }
        pos = end;
    }
    e = lz_finish(&z, changed);
done:
    free(win.p);
    free(nrm.p);
    return e;
}

/* ---- folds ------------------------------------------------------------- */

static int is_wave(uint32_t c)
{
    /* 〜 WAVE DASH, ～ FULLWIDTH TILDE (NFKC already made it '~'), ∼ TILDE
     * OPERATOR, ∾ INVERTED LAZY S, 〰 WAVY DASH, ⁓ SWUNG DASH. */
    return c == 0x301c || c == 0xff5e || c == 0x223c || c == 0x223e ||
           c == 0x3030 || c == 0x2053;
}

static int is_dash(uint32_t c)
{
    /* ‐ ‑ ‒ – — ― ⁃ − and the small/full-width hyphen-minus.  Not ー (long
     * vowel mark), which is part of katakana words. */
    return (c >= 0x2010 && c <= 0x2015) || c == 0x2043 || c == 0x2212 ||
           c == 0xfe58 || c == 0xfe63 || c == 0xff0d;
}

/* Wave dashes become '~', dashes between digits '-', and digit-group commas
 * disappear: "1,234,567" → "1234567" but "1,2,3" and "2024,123" stay. */
static ow_err pass_fold(const struct ntext *in, struct nbuf *out, int *changed)
{
    struct lazy z = {in, out, 0, 0};
    const char *s = in->s;
    size_t n = in->len, i = 0, k;
    int grp = 0;     /* digits since the number began or the last group comma */
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (nt_isdigit(c)) {
                grp++;
            } else if (c == ',' && grp >= 1 && grp <= 3 && i + 3 < n &&
                       nt_isdigit((unsigned char)s[i + 1]) &&
                       nt_isdigit((unsigned char)s[i + 2]) &&
                       nt_isdigit((unsigned char)s[i + 3]) &&
                       (i + 4 >= n || !nt_isdigit((unsigned char)s[i + 4]))) {
                if (lz_replace(&z, i, i + 1, "", 0, 0))
                    return OW_NOMEM;
                grp = 0;
            } else {
                grp = 0;
            }
            i++;
            continue;
        }
        grp = 0;
        uint32_t cp = nt_cp(s, n, i, &k);
        if (is_wave(cp)) {
            if (lz_replace(&z, i, i + k, "~", 1, nt_map(in, i)))
                return OW_NOMEM;
        } else if (is_dash(cp) && i > 0 && nt_isdigit((unsigned char)s[i - 1]) &&
                   i + k < n && nt_isdigit((unsigned char)s[i + k])) {
            if (lz_replace(&z, i, i + k, "-", 1, nt_map(in, i)))
                return OW_NOMEM;
        }
        i += k;
    }
    return lz_finish(&z, changed);
}

/* ---- the chain --------------------------------------------------------- */

ow_err norm_text(const char *in, size_t len, struct norm_text *o, struct ow_diag *d)
{
    o->s = NULL;
    o->map = NULL;
    o->len = 0;
    if (len >= UINT32_MAX)
        return ow_diagf(d, OW_TOOBIG, "text of %zu bytes is too large to normalize", len);
    for (size_t i = 0; i < len;) {
        size_t k = ow_utf8_seqlen((const unsigned char *)in + i, len - i);
        if (!k)
            return ow_diagf(d, OW_DECODE, "invalid UTF-8 at byte %zu", i);
        i += k;
    }

    /* The chain: cur is the latest text; own holds it unless it is still
     * the caller's input.  A pass that changes nothing costs no copy. */
    struct nbuf own, next;
    struct ntext cur = {in, NULL, len};
    ow_err e = OW_OK;
    nbuf_init(&own);
    for (int p = 0; p < 5; p++) {
        int changed = 0;
        nbuf_init(&next);
        switch (p) {
        case 0: e = pass_circled(&cur, &next, &changed); break;
        case 1: e = pass_nfkc(&cur, &next, &changed, d); break;
        case 2: e = pass_fold(&cur, &next, &changed); break;
        case 3: e = norm_pass_numerals(&cur, &next, &changed); break;
        case 4: e = norm_pass_era(&cur, &next, &changed); break;
        }
        if (e) {
            nbuf_free(&next);
            nbuf_free(&own);
            if (e == OW_DATA)
                return ow_diagf(d, e, "the numeral word lists (normalize/vocab/numerals.tsv) do not load");
            return e == OW_NOMEM ? ow_diagf(d, e, "out of memory while normalizing") : e;
        }
        if (changed) {
            nbuf_free(&own);
            own = next;
            cur = (struct ntext){own.s, own.map, own.len};
        } else {
            nbuf_free(&next);
        }
    }

    /* Hand over the text and the map, with map[len] = input length; the
     * working map becomes the public one (no copy: it is the largest block). */
    uint32_t *map = cur.map ? realloc(own.map, (cur.len + 1) * sizeof *map)
                            : malloc((cur.len + 1) * sizeof *map);
    if (map && cur.map)
        own.map = NULL;
    char *text = own.s;
    if (!text)
        text = malloc(len + 1);
    if (!map || !text) {
        free(map);
        if (text != own.s)
            free(text);
        nbuf_free(&own);
        return ow_diagf(d, OW_NOMEM, "out of memory while normalizing");
    }
    if (!own.s) {
        memcpy(text, in, len);
        text[len] = 0;
    }
    if (!cur.map) {
        uint32_t m = 0;   /* unchanged text: the identity, by character */
        for (size_t i = 0; i < cur.len; i++) {
            if (((unsigned char)cur.s[i] & 0xc0) != 0x80)
                m = (uint32_t)i;
            map[i] = m;
        }
    }
    map[cur.len] = (uint32_t)len;
    free(own.map);
    o->s = text;
    o->len = cur.len;
    o->map = map;
    return OW_OK;
}

void norm_text_free(struct norm_text *t)
{
    if (!t)
        return;
    free(t->s);
    free(t->map);
    t->s = NULL;
    t->map = NULL;
    t->len = 0;
}

void norm_span_to_input(const struct norm_text *t, size_t start, size_t end,
                        size_t *in_start, size_t *in_end)
{
    if (end > t->len)
        end = t->len;
    if (start > end)
        start = end;
    *in_start = t->map[start];
    if (end == start) {
        *in_end = *in_start;
        return;
    }
    /* The last byte came from the character (or token) at input offset v;
     * that character ends where the first later byte with a larger map
     * value begins.  The map is non-decreasing, so binary search. */
    size_t v = t->map[end - 1];
    size_t lo = end, hi = t->len;   /* map[hi] = input length > v */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->map[mid] > v)
            hi = mid;
        else
            lo = mid + 1;
    }
    *in_end = t->map[lo];
}
