/* literal.c — vocabulary patterns that are only words, matched without PCRE2.
 *
 * Half the vocabulary lines are alternations of fixed words (弊社|当社|当院…),
 * now and then with an optional character or group (漏え?い, (?:お)?問い合わせ).
 * PCRE2 tries every alternative at every character, interpreted or JIT: its
 * start-of-match filter is the first byte, and nearly all Japanese
 * characters begin with one of a few bytes.  Such a pattern is expanded here
 * once into its words, and a match looks each position up by its first
 * character.
 *
 * The answer is the one pcre2_match gives: the leftmost position, and there
 * the word backtracking reaches first.  Expanding in backtracking order
 * keeps that order: alternatives left to right, a greedy "?" with its atom
 * before without it, earlier atoms varying slowest.  Anything else (classes,
 * anchors, other quantifiers, groups that capture, look-arounds, options) is
 * left to PCRE2. */

#include "internal.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LIT_MAXWORDS 1024   /* a pattern expanding to more is left to PCRE2 */
#define LIT_MAXLEN 255      /* bytes in one word */
#define LIT_BLOOM 4096      /* bits of the first-character filter */

struct word {
    size_t at;              /* in the arena while expanding, then in literal.text */
    unsigned len;
    uint32_t key;           /* its first character's bytes, packed */
    unsigned order;         /* position in backtracking order */
};

struct literal {
    struct word *w;         /* sorted by key, then order */
    size_t n;
    char *text;             /* the words' bytes */
    unsigned char bloom[LIT_BLOOM / 8];
};

/* While a pattern is expanded every word lives in one arena; lists of words
 * are offsets into it. */
struct parser {
    const char *p, *end;
    int depth;
    struct ow_buf arena;
};

struct words {
    struct word *v;
    size_t n, cap;
};

static void words_free(struct words *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Adds the word a followed by b, each given by its offset in the arena or,
 * for a, its bytes in the pattern (pat != NULL). */
static int words_add(struct parser *ps, struct words *l, const char *pat, size_t a, size_t an,
                     size_t b, size_t bn)
{
    if (l->n >= LIT_MAXWORDS || an + bn > LIT_MAXLEN ||
        ow_array_grow((void **)&l->v, &l->cap, l->n, sizeof *l->v))
        return -1;
    char w[LIT_MAXLEN];   /* the arena may move as it grows */
    memcpy(w, pat ? pat : ps->arena.data + a, an);
    if (bn)
        memcpy(w + an, ps->arena.data + b, bn);
    size_t at = ps->arena.len;
    if (ow_buf_append(&ps->arena, w, an + bn))
        return -1;
    l->v[l->n].at = at;
    l->v[l->n].len = (unsigned)(an + bn);
    l->n++;
    return 0;
}

/* out = every x in a followed by every y in b, x varying slowest. */
static int product(struct parser *ps, const struct words *a, const struct words *b,
                   struct words *out)
{
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (words_add(ps, out, NULL, a->v[i].at, a->v[i].len, b->v[j].at, b->v[j].len))
                return -1;
    return 0;
}

static int alternation(struct parser *ps, struct words *out);

/* One atom: a run of characters, an escaped punctuation character or a
 * (?:…) group; then an optional greedy "?". */
static int atom(struct parser *ps, struct words *out)
{
    const unsigned char *p = (const unsigned char *)ps->p;
    if (*p == '(') {
        if (ps->end - ps->p < 3 || p[1] != '?' || p[2] != ':' || ps->depth >= 8)
            return -1;
        ps->p += 3;
        ps->depth++;
        if (alternation(ps, out) || ps->p >= ps->end || *ps->p != ')')
            return -1;
        ps->depth--;
        ps->p++;
    } else if (*p == '\\') {
        /* \( \. \- …: the character itself; \s \d \p… are classes */
        if (ps->end - ps->p < 2 || p[1] >= 0x80 || (p[1] >= '0' && p[1] <= '9') ||
            ((p[1] | 0x20) >= 'a' && (p[1] | 0x20) <= 'z'))
            return -1;
        if (words_add(ps, out, ps->p + 1, 0, 1, 0, 0))
            return -1;
        ps->p += 2;
    } else {
        /* a run of plain characters, less a last one that a "?" follows */
        const char *s = ps->p, *last = s;
        while (ps->p < ps->end) {
            const unsigned char *q = (const unsigned char *)ps->p;
            if (strchr(".[]{}^$*+?|()\\", *q) || *q < 0x20)
                break;
            size_t k = *q < 0x80 ? 1 : ow_utf8_seqlen_multi(q, (size_t)(ps->end - ps->p));
            if (k == 0)
                return -1;
            last = ps->p;
            ps->p += k;
        }
        if (ps->p == s)
            return -1;
        if (ps->p < ps->end && *ps->p == '?' && last > s)
            ps->p = last;
        if (words_add(ps, out, s, 0, (size_t)(ps->p - s), 0, 0))
            return -1;
    }
    if (ps->p < ps->end && *ps->p == '?') {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '?' || *ps->p == '+'))
            return -1;  /* lazy or possessive: another order */
        if (words_add(ps, out, "", 0, 0, 0, 0))
            return -1;
    }
    if (ps->p < ps->end && strchr("*+{", *ps->p))
        return -1;
    return 0;
}

/* A sequence of atoms up to "|", ")" or the end. */
static int sequence(struct parser *ps, struct words *out)
{
    if (words_add(ps, out, "", 0, 0, 0, 0))
        return -1;
    while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')') {
        struct words a = {0}, next = {0};
        int rc = atom(ps, &a) || product(ps, out, &a, &next) ? -1 : 0;
        words_free(&a);
        words_free(out);
        *out = next;
        if (rc)
            return -1;
    }
    return 0;
}

static int alternation(struct parser *ps, struct words *out)
{
    for (;;) {
        struct words seq = {0};
        int rc = sequence(ps, &seq);
        if (rc == 0 && ow_array_grow((void **)&out->v, &out->cap, out->n + seq.n, sizeof *out->v))
            rc = -1;
        if (rc == 0 && out->n + seq.n > LIT_MAXWORDS)
            rc = -1;
        if (rc == 0) {
            memcpy(out->v + out->n, seq.v, seq.n * sizeof *seq.v);
            out->n += seq.n;
        }
        words_free(&seq);
        if (rc)
            return -1;
        if (ps->p >= ps->end || *ps->p != '|')
            return 0;
        ps->p++;
    }
}

/* The first character of s, its bytes packed into a key. */
static uint32_t first_key(const unsigned char *s, size_t n)
{
    size_t k = ow_utf8_leadlen(s[0]);
    uint32_t key = 0;
    for (size_t i = 0; i < k && i < n; i++)
        key = key << 8 | s[i];
    return key;
}

static unsigned bloom_bit(uint32_t key)
{
    return (key * 2654435761u) >> (32 - 12);
}

static int by_key(const void *a, const void *b)
{
    const struct word *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Could pat be words?  A cheap look that turns most patterns away before
 * the parser expands anything. */
static int maybe_words(const char *pat, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)pat[i];
        if (ch == '\\') {
            i++;
            if (i >= len || (ch = (unsigned char)pat[i]) >= 0x80 || (ch >= '0' && ch <= '9') ||
                ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z'))
                return 0;
        } else if (ch == '(') {
            if (i + 2 >= len || pat[i + 1] != '?' || pat[i + 2] != ':')
                return 0;
            i += 2;
        } else if (ch < 0x20 || strchr(".[]{}^$*+", ch)) {
            return 0;
        }
    }
    return 1;
}

struct literal *ex_literal_compile(const char *pat, size_t len)
{
    if (len == 0 || !maybe_words(pat, len))
        return NULL;
    struct parser ps = {pat, pat + len, 0, {0}};
    struct words w = {0};
    struct literal *l = NULL;
    ow_buf_init(&ps.arena, 0);
    if (alternation(&ps, &w) || ps.p != ps.end || w.n == 0)
        goto out;
    size_t total = 0;
    for (size_t i = 0; i < w.n; i++) {
        if (w.v[i].len == 0)   /* a pattern that can match nothing */
            goto out;
        total += w.v[i].len;
    }
    l = calloc(1, sizeof *l);
    if (!l || !(l->text = malloc(total ? total : 1))) {
        free(l);
        l = NULL;
        goto out;
    }
    size_t at = 0;
    for (size_t i = 0; i < w.n; i++) {
        memcpy(l->text + at, ps.arena.data + w.v[i].at, w.v[i].len);
        w.v[i].at = at;
        at += w.v[i].len;
        w.v[i].order = (unsigned)i;
        w.v[i].key = first_key((const unsigned char *)l->text + w.v[i].at, w.v[i].len);
        unsigned bit = bloom_bit(w.v[i].key);
        l->bloom[bit >> 3] |= (unsigned char)(1u << (bit & 7));
    }
    qsort(w.v, w.n, sizeof *w.v, by_key);
    l->w = w.v;
    l->n = w.n;
    w.v = NULL;
out:
    words_free(&w);
    ow_buf_free(&ps.arena);
    return l;
}

void ex_literal_free(struct literal *l)
{
    if (!l)
        return;
    free(l->text);
    free(l->w);
    free(l);
}

int ex_literal_match(const struct literal *l, const char *s, size_t from, size_t to, int anchored,
                     size_t *ms, size_t *me)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t p = from; p < to; p++) {
        if ((u[p] & 0xc0) == 0x80)
            continue;
        uint32_t key = first_key(u + p, to - p);
        unsigned bit = bloom_bit(key);
        if (l->bloom[bit >> 3] & (1u << (bit & 7))) {
            size_t lo = 0, hi = l->n;   /* the first word with this key */
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (l->w[mid].key < key)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t i = lo; i < l->n && l->w[i].key == key; i++)
                if (l->w[i].len <= to - p && !memcmp(u + p, l->text + l->w[i].at, l->w[i].len)) {
                    *ms = p;
                    *me = p + l->w[i].len;
                    return 1;
                }
        }
        if (anchored)
            break;
    }
    return 0;
}
