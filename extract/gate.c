/* extract/gate.c — a prefilter for vocabulary patterns.
 *
 * Most vocabulary patterns are alternations of Japanese words (弊社|当社|…,
 * 紛失|盗難|…).  PCRE2 cannot skip ahead on them: every word starts with a
 * byte 0xE3–0xE9, so the interpreter tries every alternative at every
 * character, and a notice runs a few hundred such scans.  Yet most patterns
 * cannot match most notices at all: a notice about a lost USB stick holds
 * no ランサムウェア.
 *
 * At compile time each pattern gets its gate: a set of literals one of
 * which every match must contain (read off the pattern: for each top-level
 * alternative its longest run of literal characters, or the gate of a group
 * it cannot do without).  A pattern where some alternative has no such
 * literal has no gate and always runs.  Per document, a bitmap of the
 * characters that occur is built once; a literal is possible when all its
 * characters occur, and a pattern whose literals are all impossible is not
 * run.  The test is one-sided: a possible pattern may still not match, an
 * impossible one never could. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#define GATE_MAX 96        /* literals per gate; more and the pattern runs ungated */
#define GATE_BYTES 48      /* bytes of one literal kept (a prefix is still required) */

struct litset {
    char v[GATE_MAX][GATE_BYTES + 1];
    size_t n;
    int ok;                /* 0: no literal is required */
};

/* Skips a character class [...] starting at *p == '['. */
static void skip_class(const char **p, const char *end)
{
    const char *q = *p + 1;
    if (q < end && *q == '^')
        q++;
    if (q < end && *q == ']')
        q++;
    while (q < end && *q != ']') {
        if (*q == '\\' && q + 1 < end)
            q++;
        else if (*q == '[' && q + 1 < end && q[1] == ':') {   /* [:alpha:] */
            const char *r = memchr(q + 2, ']', (size_t)(end - q - 2));
            if (r)
                q = r;
        }
        q++;
    }
    *p = q < end ? q + 1 : end;
}

/* Reads a quantifier after an atom; returns the least count it allows. */
static int quantifier(const char **p, const char *end)
{
    const char *q = *p;
    int min = 1;
    if (q < end && (*q == '?' || *q == '*')) {
        min = 0;
        q++;
    } else if (q < end && *q == '+') {
        q++;
    } else if (q < end && *q == '{' && q + 1 < end && q[1] >= '0' && q[1] <= '9') {
        min = 0;
        const char *r = q + 1;
        while (r < end && *r >= '0' && *r <= '9')
            min = min * 10 + (*r++ - '0');
        if (r < end && (*r == '}' || *r == ',')) {
            const char *close = memchr(r, '}', (size_t)(end - r));
            q = close ? close + 1 : end;
        } else {
            min = 1;                     /* a literal { */
        }
    }
    if (q < end && (*q == '?' || *q == '+') && q != *p)
        q++;                             /* lazy or possessive */
    *p = q;
    return min;
}

static int set_add(struct litset *s, const char *lit, size_t len)
{
    if (s->n >= GATE_MAX)
        return 0;
    if (len > GATE_BYTES) {
        len = GATE_BYTES;
        while (len > 0 && ((unsigned char)lit[len] & 0xc0) == 0x80)
            len--;                       /* whole characters only */
    }
    memcpy(s->v[s->n], lit, len);
    s->v[s->n][len] = 0;
    s->n++;
    return 1;
}

static int set_score(const struct litset *s)
{
    if (!s->ok || s->n == 0)
        return -1;
    size_t shortest = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) < shortest)
            shortest = strlen(s->v[i]);
    return (int)shortest * 4 - (int)s->n;
}

static void parse_alt(const char **p, const char *end, struct litset *out, int depth);

/* One alternative: a sequence of atoms up to '|' or ')'.  Its requirement
 * is the best of its literal runs and of the groups it cannot skip. */
static void parse_seq(const char **p, const char *end, struct litset *best, int depth)
{
    char run[GATE_BYTES * 2 + 8];
    size_t rl = 0;
    int bestsc = -1;
    best->n = 0;
    best->ok = 0;
    struct litset *g = malloc(sizeof *g);
    if (!g) {
        /* without memory the pattern simply runs ungated */
        while (*p < end && **p != '|' && **p != ')')
            (*p)++;
        return;
    }
#define CLOSE_RUN()                                                      \
    do {                                                                 \
        if (rl >= 3 && (int)rl * 4 - 1 > bestsc) {                       \
            best->n = 0;                                                 \
            best->ok = set_add(best, run, rl);                           \
            bestsc = (int)rl * 4 - 1;                                    \
        }                                                                \
        rl = 0;                                                          \
    } while (0)
    while (*p < end && **p != '|' && **p != ')') {
        const char *q = *p;
        char lit[4];
        size_t ll = 0;
        int group = 0;
        if (*q == '(') {
            q++;
            int look = 0;
            if (q < end && *q == '?') {
                if (q + 1 < end && (q[1] == ':' || q[1] == '|' || q[1] == '>')) {
                    q += 2;
                } else if (q + 1 < end && (q[1] == '=' || q[1] == '!')) {
                    q += 2;
                    look = 1;
                } else if (q + 2 < end && q[1] == '<' && (q[2] == '=' || q[2] == '!')) {
                    q += 3;
                    look = 1;
                } else {
                    /* named groups, options, recursion: no gate here */
                    free(g);
                    best->ok = 0;
                    *p = end;
                    return;
                }
            }
            parse_alt(&q, end, g, depth + 1);
            if (q < end && *q == ')')
                q++;
            group = !look;
            if (look)
                g->ok = 0;               /* a lookaround consumes nothing */
        } else if (*q == '[') {
            skip_class(&q, end);
        } else if (*q == '\\' && q + 1 < end) {
            unsigned char e = (unsigned char)q[1];
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
                q += 2;
                if ((e == 'p' || e == 'P') && q < end && *q == '{') {
                    const char *r = memchr(q, '}', (size_t)(end - q));
                    q = r ? r + 1 : end;
                }
                if (e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z' || e == 'G') {
                    *p = q;              /* zero-width */
                    continue;
                }
            } else {
                lit[0] = (char)e;
                ll = 1;
                q += 2;
            }
        } else if (*q == '^' || *q == '$') {
            *p = q + 1;
            continue;
        } else if (*q == '.') {
            q++;
        } else {
            ll = ow_utf8_leadlen((unsigned char)*q);
            if (q + ll > end)
                ll = (size_t)(end - q);
            memcpy(lit, q, ll);
            q += ll;
        }
        const char *atom_end = q;
        int min = quantifier(&q, end);
        int quantified = q != atom_end;
        *p = q;
        if (ll && min >= 1) {
            if (rl + ll <= GATE_BYTES * 2) {
                memcpy(run + rl, lit, ll);
                rl += ll;
            }
            if (quantified)
                CLOSE_RUN();             /* a+ or a{2,}: the run ends with it */
        } else {
            CLOSE_RUN();
        }
        if (group && min >= 1) {
            int sc = set_score(g);
            if (sc > bestsc) {
                *best = *g;
                bestsc = sc;
            }
        }
    }
    CLOSE_RUN();
#undef CLOSE_RUN
    free(g);
}

/* Alternatives up to ')' or the end: the union of their requirements. */
static void parse_alt(const char **p, const char *end, struct litset *out, int depth)
{
    out->n = 0;
    out->ok = depth < 8;
    struct litset *s = malloc(sizeof *s);
    if (!s) {
        out->ok = 0;
        return;
    }
    for (;;) {
        parse_seq(p, end, s, depth);
        if (!s->ok)
            out->ok = 0;
        for (size_t i = 0; out->ok && i < s->n; i++)
            if (!set_add(out, s->v[i], strlen(s->v[i])))
                out->ok = 0;
        if (*p < end && **p == '|') {
            (*p)++;
            continue;
        }
        break;
    }
    free(s);
}

ow_err ex_gate_compile(struct rule *ru)
{
    ru->gate = NULL;
    ru->ngate = 0;
    if (!ru->text || !ru->src)
        return OW_OK;
    struct litset *s = malloc(sizeof *s);
    if (!s)
        return OW_NOMEM;
    const char *p = ru->src, *end = ru->src + strlen(ru->src);
    parse_alt(&p, end, s, 0);
    if (s->ok && p == end && s->n > 0) {
        size_t total = 0;
        for (size_t i = 0; i < s->n; i++)
            total += strlen(s->v[i]) + 1;
        ru->gate = malloc(total);
        if (!ru->gate) {
            free(s);
            return OW_NOMEM;
        }
        char *w = ru->gate;
        for (size_t i = 0; i < s->n; i++) {
            size_t l = strlen(s->v[i]) + 1;
            memcpy(w, s->v[i], l);
            w += l;
        }
        ru->ngate = s->n;
    }
    free(s);
    return OW_OK;
}

/* The document's characters, folded into GATE_BITS bits. */
#define GATE_BITS (1u << 16)

static uint32_t fold(const unsigned char *s, size_t k)
{
    uint32_t v = k == 1 ? s[0] : k == 2 ? ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu)
               : k == 3 ? ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu)
                        : ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
                              (s[3] & 0x3fu);
    return v & (GATE_BITS - 1);
}

ow_err ex_gate_scan(struct ctx *c)
{
    c->chars = calloc(GATE_BITS / 8, 1);
    c->gated = calloc(c->r->n + BI_NBUILTIN, 1);
    if (!c->chars || !c->gated)
        return OW_NOMEM;
    const unsigned char *s = (const unsigned char *)c->s;
    for (size_t i = 0; i < c->n;) {
        size_t k = ow_utf8_seqlen(s + i, c->n - i);
        if (k == 0)
            k = 1;
        uint32_t v = fold(s + i, k);
        c->chars[v >> 3] |= (unsigned char)(1u << (v & 7));
        i += k;
    }
    return OW_OK;
}

int ex_gate_open(struct ctx *c, const struct rule *ru)
{
    unsigned char *g = &c->gated[ru->id];
    if (*g)
        return *g == 1;
    int open = ru->ngate == 0;
    const char *lit = ru->gate;
    for (size_t i = 0; i < ru->ngate && !open; i++) {
        size_t len = strlen(lit);
        int all = 1;
        for (size_t j = 0; j < len && all;) {
            size_t k = ow_utf8_leadlen((unsigned char)lit[j]);
            if (j + k > len)
                k = len - j;
            uint32_t v = fold((const unsigned char *)lit + j, k);
            all = (c->chars[v >> 3] >> (v & 7)) & 1;
            j += k;
        }
        open = all;
        lit += len + 1;
    }
    *g = open ? 1 : 2;
    return open;
}
