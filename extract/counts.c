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

static int exclude(struct ctx *c, const char *label, size_t ws, size_t ns, size_t ue, size_t le)
{
    PCRE2_SIZE *ov;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "counts", label); ru;
         ru = ex_rules_next(c->r, ru, "counts", label)) {
        if (!ru->text && !ru->text2)
            continue;
        if (ru->text && !ex_rule_match(c, ru, ws, ns, 0, &ov))
            continue;
        if (ru->text2 && !ex_match(c, ru->id2, ue, le, PCRE2_ANCHORED, &ov))
            continue;
        return 1;
    }
    return 0;
}

/* A count in 枚 counts people only when the things counted are one per
 * person: cards, postcards, forms (counts.tsv per_person).  Sheets of a
 * list, documents, copies and discs say nothing of how many people are on
 * them (一覧表4枚, 書類など12枚, MO1枚). */
static int sheets(struct ctx *c, size_t ws, size_t ns, size_t us, size_t ue, size_t le)
{
    return ue - us == 3 && !memcmp(c->s + us, "枚", 3) && !exclude(c, "per_person", ws, ns, ue, le);
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

/* Does a supersede cue ("第1報では…とお知らせしておりました") state the
 * number at [ms, me)?  Its reach is its own clause, or its parenthesis when
 * it stands in one: "第1報では最大8200名としておりましたが、流出した会員様は
 * 9874名と確定" keeps 9874, "3021名です(第1報では約2500名…)" keeps 3021. */
static int superseded(struct ctx *c, size_t ms, size_t me)
{
    size_t si = ex_sent_of(c, ms);
    size_t sa = ex_back(c, c->sents[si].s, ms, EX_WINDOW);
    size_t sb = ex_upto(c, me, c->sents[si].e, EX_WINDOW);
    PCRE2_SIZE *ov;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "incident", "supersede"); ru;
         ru = ex_rules_next(c->r, ru, "incident", "supersede")) {
        size_t pos = sa;
        while (pos < sb && ex_rule_match(c, ru, pos, sb, 0, &ov)) {
            size_t cs = ov[0], ce = ov[1];
            pos = ce > cs ? ce : cs + 1;
            while (pos < sb && ((unsigned char)c->s[pos] & 0xc0) == 0x80)
                pos++;
            /* an open parenthesis before the cue: the scope is that parenthesis */
            size_t open = SIZE_MAX;
            int depth = 0;
            for (size_t p = cs; p > sa; p--) {
                char ch = c->s[p - 1];
                if (ch == ')')
                    depth++;
                else if (ch == '(' && depth-- == 0) {
                    open = p - 1;
                    break;
                }
            }
            struct span sc;
            if (open != SIZE_MAX) {
                const char *q = memchr(c->s + ce, ')', sb - ce);
                sc.s = open;
                sc.e = q ? (size_t)(q - c->s) : sb;
            } else {
                ex_clause(c, cs, ce, &sc);
                /* a parenthesis after the cue's clause start is not its own */
                const char *q = memchr(c->s + sc.s, '(', cs - sc.s);
                if (q && memchr(q, ')', cs - (size_t)(q - c->s)))
                    sc.s = cs;
            }
            if (ms >= sc.s && me <= sc.e) {
                /* the number must not sit in a parenthesis of its own inside the scope */
                if (open == SIZE_MAX) {
                    const char *q = NULL;
                    for (size_t p = ms; p > sc.s; p--)
                        if (c->s[p - 1] == '(' || c->s[p - 1] == ')') {
                            q = c->s + p - 1;
                            break;
                        }
                    if (q && *q == '(')
                        continue;
                }
                return 1;
            }
        }
    }
    return 0;
}

/* Is `exact` `approx` written with fewer figures: approx has at least three
 * trailing zeros, or two in four figures or more, and they are exact's digits
 * rounded (1,044,175 → 104万, 2,718 → 約2,700, 96,338 → 約10万)? */
static int rounds_to(long long exact, long long approx)
{
    long long unit = 1;
    while (approx % (unit * 10) == 0 && unit < 1000000000000LL)
        unit *= 10;
    if (unit < 100 || (unit == 100 && approx < 1000))
        return 0;
    if (exact < unit)          /* 96,338 → およそ10万: one figure, rounded up */
        return approx == unit && exact * 10 >= unit * 9;
    long long down = exact / unit * unit;
    return approx == down || approx == down + unit;
}

/* A heading says a list under it is of affected people or records. */
static int context_says(struct ctx *c, size_t a, size_t b)
{
    return ex_label_match(c, "counts", "context", a, b, 0, NULL) ||
           ex_label_match(c, "negations", "leak", a, b, 0, NULL);
}

/* Does the text around a count say it is one of affected people or records
 * (counts.tsv context): its sentence, or for an item of a list or table
 * (a line without 。), a heading over it? */
static int in_context(struct ctx *c, size_t pos)
{
    size_t si = ex_sent_of(c, pos);
    if ((c->sflag[si] & (SF_LEAK | SF_CUE)) ||
        ex_label_match(c, "counts", "context", ex_back(c, c->sents[si].s, pos, EX_WINDOW),
                       ex_upto(c, pos, c->sents[si].e, EX_WINDOW), 0, NULL))
        return 1;
    /* prose says it in its own sentence; a list item asks its heading */
    size_t li = ex_line_of(c, pos);
    return !memmem(c->s + c->lines[li].s, c->lines[li].e - c->lines[li].s, "。", 3) &&
           ex_heading_says(c, li, 12, 0, context_says);
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
        /* a background sentence about another incident (incident.tsv other) */
        if (!ex_in_body(c, ms) || (c->sflag[ex_sent_of(c, ms)] & SF_OTHER))
            continue;
        long long val = 0;
        for (size_t i = ns; i < ne; i++)
            val = val * 10 + (c->s[i] - '0');
        if (val <= 0)
            continue;
        size_t li = ex_line_of(c, ms), ls = c->lines[li].s, le = c->lines[li].e;
        size_t ws = ex_char_start(c->s, ns > ls + 45 ? ns - 45 : ls, ls);
        le = ex_upto(c, ue, le, EX_WINDOW);
        if (exclude(c, "exclude", ws, ns, ue, le) || sheets(c, ws, ns, us, ue, le) ||
            !in_context(c, ms))
            continue;
        /* The people a misdirected mail went to are not the people whose
         * data it carried; the figure is dropped wherever it recurs, like a
         * superseded one. */
        if ((res->is_update && !exclude(c, "current", ws, ns, ue, le) && superseded(c, ms, me)) ||
            exclude(c, "recipient", ws, ns, ue, le)) {
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
    /* 104万件 beside 1,044,175件 is the same figure rounded: keep the exact. */
    for (size_t i = 0; i < n;) {
        int same = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && v[j].count % 1000 != 0 && rounds_to(v[j].count, v[i].count))
                same = 1;
        if (same) {
            memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof *v);
            n--;
        } else {
            i++;
        }
    }
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
