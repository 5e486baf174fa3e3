/* extract/counts.c — affected counts: a number with a counter (件, 名, 人,
 * 枚 … from counts.tsv) inside the notice body, with its qualifier (約 →
 * approx, 最大 → max, 以上 → min), minus what counts.tsv excludes (staff who
 * acted, spam mails, login attempts, membership totals) and, in an update
 * notice, the figures a sentence says an earlier report gave. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* A notice states a handful of counts; past this many the page is not one. */
#define MAX_COUNTS 256

static int exclude(struct ctx *c, size_t ws, size_t ns, size_t ue, size_t le)
{
    PCRE2_SIZE *ov;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "counts", "exclude"); ru;
         ru = ex_rules_next(c->r, ru, "counts", "exclude")) {
        if (!ru->re && !ru->re2)
            continue;
        if (ru->re && !ex_rule_match(c, ru, ws, ns, 0, &ov))
            continue;
        if (ru->re2 && !ex_match(c, ru->re2, ru->id, ue, le, PCRE2_ANCHORED, &ov))
            continue;
        return 1;
    }
    return 0;
}

static enum ex_qualifier qualifier(struct ctx *c, size_t ws, size_t ns, size_t ue, size_t le)
{
    static const struct {
        const char *label;
        enum ex_qualifier q;
    } names[] = {{"approx", EX_APPROX}, {"max", EX_MAX}, {"min", EX_MIN}};
    PCRE2_SIZE *ov;
    for (size_t k = 0; k < 3; k++)
        for (const struct rule *ru = ex_rules_next(c->r, NULL, "qualifiers", names[k].label); ru;
             ru = ex_rules_next(c->r, ru, "qualifiers", names[k].label)) {
            int before = !strcmp(ru->arg, "before");
            if (before ? ex_rule_match(c, ru, ws, ns, 0, &ov)
                       : ex_rule_match(c, ru, ue, le, PCRE2_ANCHORED, &ov))
                return names[k].q;
        }
    return EX_EXACT;
}

static void subject(struct ctx *c, size_t a, size_t b, char *out, size_t cap)
{
    PCRE2_SIZE *ov;
    out[0] = 0;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "counts", "subject"); ru;
         ru = ex_rules_next(c->r, ru, "counts", "subject"))
        if (ex_rule_match(c, ru, a, b, 0, &ov)) {
            size_t n = strlen(ru->arg);
            if (n >= cap)
                n = cap - 1;
            memcpy(out, ru->arg, n);
            out[n] = 0;
            return;
        }
}

static int cmp_count(const void *a, const void *b)
{
    long long x = ((const struct ex_count *)a)->count, y = ((const struct ex_count *)b)->count;
    return x < y ? 1 : x > y ? -1 : 0;
}

ow_err ex_counts(struct ctx *c, struct extract_result *res)
{
    struct ex_count *v = NULL;
    size_t n = 0, cap = 0;
    long long *gone = NULL;           /* superseded values */
    size_t ngone = 0, gcap = 0;
    PCRE2_SIZE *ov;
    size_t pos = c->body_s;

    while (pos < c->body_e && ex_bi_match(c, BI_COUNT, pos, c->body_e, 0, &ov)) {
        size_t ms = ov[0], me = ov[1];
        size_t ns = ov[2], ne = ov[3], us = ov[4], ue = ov[5];
        pos = me > ms ? me : ms + 1;
        if (!ex_in_body(c, ms))
            continue;
        long long val = 0;
        for (size_t i = ns; i < ne; i++)
            val = val * 10 + (c->s[i] - '0');
        if (val <= 0)
            continue;
        size_t li = ex_line_of(c, ms), ls = c->lines[li].s, le = c->lines[li].e;
        size_t ws = ex_char_start(c->s, ns > ls + 45 ? ns - 45 : ls, ls);
        le = ex_upto(c, ue, le, EX_WINDOW);
        if (exclude(c, ws, ns, ue, le))
            continue;
        size_t si = ex_sent_of(c, ms);
        size_t sa = ex_back(c, c->sents[si].s, ms, EX_WINDOW);
        if (res->is_update &&
            ex_label_match(c, "incident", "supersede", sa, ex_upto(c, me, c->sents[si].e, EX_WINDOW),
                           0, NULL)) {
            if (ngone == gcap) {
                size_t nc = gcap ? gcap * 2 : 8;
                long long *g = realloc(gone, nc * sizeof *g);
                if (!g)
                    goto nomem;
                gone = g;
                gcap = nc;
            }
            gone[ngone++] = val;
            continue;
        }
        if (n >= MAX_COUNTS)
            break;
        int dup = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i].count == val)
                dup = 1;
        if (dup)
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct ex_count *nv = realloc(v, nc * sizeof *nv);
            if (!nv)
                goto nomem;
            v = nv;
            cap = nc;
        }
        struct ex_count *ct = &v[n++];
        memset(ct, 0, sizeof *ct);
        ct->count = val;
        /* the canonical unit: 名様分 → 名 */
        for (const struct rule *ru = ex_rules_next(c->r, NULL, "counts", "unit"); ru;
             ru = ex_rules_next(c->r, ru, "counts", "unit"))
            if (strlen(ru->arg) == ue - us && !memcmp(ru->arg, c->s + us, ue - us)) {
                const char *u = ru->arg2[0] ? ru->arg2 : ru->arg;
                size_t ul = strlen(u) < sizeof ct->unit ? strlen(u) : sizeof ct->unit - 1;
                memcpy(ct->unit, u, ul);
                ct->unit[ul] = 0;
                break;
            }
        ct->qualifier = qualifier(c, ws, ns, ue, le);
        subject(c, ex_back(c, ls, ms, 60), ex_upto(c, me, le, 30), ct->subject,
                sizeof ct->subject);
        ct->ev.start = ms;
        ct->ev.end = me;
    }
    /* Drop what an earlier report said, wherever else it is repeated. */
    for (size_t g = 0; g < ngone; g++)
        for (size_t i = 0; i < n;)
            if (v[i].count == gone[g]) {
                memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof *v);
                n--;
            } else {
                i++;
            }
    free(gone);
    if (n)
        qsort(v, n, sizeof *v, cmp_count);
    res->counts = v;
    res->ncounts = n;
    if (n) {
        res->total = v[0].count;
        res->total_ev = v[0].ev;
    }
    return OW_OK;
nomem:
    free(gone);
    free(v);
    return OW_NOMEM;
}
