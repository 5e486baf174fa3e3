/* extract/org.c — the publishing organization and its representative.
 *
 * Every legal-form mention (株式会社みなと珈琲, 北星電機株式会社, (株)さくら屋本舗)
 * and every public body written at the start of a line (北浜市 財務部) is a
 * candidate.  A mention scores for looking like a signature: at the start of
 * its own short line, within three lines of a lone date, next to a
 * representative's title; it loses when a vendor word stands before it
 * (決済代行会社「…」).  A news article's subject (「…株式会社Xは9月14日、…と
 * 発表した」) and a source line (出典:…) score too.  The best-scoring name,
 * with a small bonus for repeated mentions, wins. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *k)
{
    unsigned char c = (unsigned char)s[i];
    size_t len = ow_utf8_seqlen((const unsigned char *)s + i, n - i);
    *k = len ? len : 1;
    if (!len || c < 0x80)
        return c;
    uint32_t v = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
    for (size_t j = 1; j < len; j++)
        v = (v << 6) | ((unsigned char)s[i + j] & 0x3f);
    return v;
}

static size_t prev_start(const char *s, size_t i)
{
    return ex_char_start(s, i - 1, 0);
}

static int is_han(uint32_t c)
{
    return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
           (c >= 0xf900 && c <= 0xfaff) || c == 0x3005 || c == 0x3006;
}
static int is_hira(uint32_t c) { return c >= 0x3041 && c <= 0x309f; }
static int is_kata(uint32_t c) { return (c >= 0x30a1 && c <= 0x30ff) || c == 0x30fc; }
static int is_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/* name characters that are not hiragana */
static int is_solid(uint32_t c)
{
    return is_han(c) || is_kata(c) || is_alnum(c) || c == '&';
}

/* A particle right after a solid character ends a name read after its
 * legal form: 株式会社にしき堂は → にしき堂 (but みなと珈琲 keeps its と). */
static int is_particle(uint32_t c)
{
    static const uint32_t p[] = {0x306f /* は */, 0x304c /* が */, 0x3092 /* を */,
                                 0x306b /* に */, 0x3078 /* へ */, 0x3068 /* と */,
                                 0x306e /* の */, 0x3082 /* も */, 0x3067 /* で */,
                                 0x3084 /* や */, 0x3088 /* よ */, 0x304b /* か */};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (c == p[i])
            return 1;
    return 0;
}

struct cand {
    char name[128];
    size_t s, e;          /* the mention */
    size_t line;
    int score;
    int norep;            /* a news subject: titles nearby are other people's */
};

struct cands {
    struct cand *v;
    size_t n, cap;
};

/* A notice names its publisher a few times; a page with more legal-form
 * mentions than this is a list, and the rest are ignored. */
#define MAX_CANDS 512

static ow_err add(struct cands *cs, const char *canon, const char *s, size_t a, size_t b,
                  int form_first, size_t ms, size_t me, size_t line, int score)
{
    if (cs->n >= MAX_CANDS)
        return OW_OK;
    if (cs->n == cs->cap) {
        size_t nc = cs->cap ? cs->cap * 2 : 16;
        struct cand *v = realloc(cs->v, nc * sizeof *v);
        if (!v)
            return OW_NOMEM;
        cs->v = v;
        cs->cap = nc;
    }
    struct cand *cd = &cs->v[cs->n];
    size_t cl = strlen(canon), nl = b - a;
    if (cl + nl >= sizeof cd->name)
        return OW_OK;
    if (form_first) {
        memcpy(cd->name, canon, cl);
        memcpy(cd->name + cl, s + a, nl);
    } else {
        memcpy(cd->name, s + a, nl);
        memcpy(cd->name + nl, canon, cl);
    }
    cd->name[cl + nl] = 0;
    /* no spaces in a name (NFKC already folded U+3000 into ' ') */
    char *w = cd->name;
    for (char *r = cd->name; *r; r++)
        if (*r != ' ' && *r != '\t')
            *w++ = *r;
    *w = 0;
    cd->s = ms;
    cd->e = me;
    cd->line = line;
    cd->score = score;
    cd->norep = 0;
    cs->n++;
    return OW_OK;
}

static size_t nearest_lone(const struct ctx *c, size_t li)
{
    size_t lo = 0, hi = c->nlone;          /* lone_lines is sorted */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->lone_lines[mid] < li)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t best = SIZE_MAX;
    if (lo < c->nlone)
        best = c->lone_lines[lo] - li;
    if (lo > 0 && li - c->lone_lines[lo - 1] < best)
        best = li - c->lone_lines[lo - 1];
    return best;
}

static int rep_near(struct ctx *c, size_t from, size_t li, struct span *title, struct span *name)
{
    PCRE2_SIZE *ov;
    for (size_t l = li; l < c->nlines && l <= li + 2; l++) {
        size_t a = l == li ? from : c->lines[l].s;
        if (ex_bi_match(c, BI_REP, a, ex_upto(c, a, c->lines[l].e, 200), 0, &ov)) {
            if (title) {
                *title = (struct span){ov[2], ov[3]};
                *name = (struct span){ov[4], ov[5]};
            }
            return 1;
        }
    }
    return 0;
}

/* Scores one mention whose name spans [ns, ne) of line li. */
static int score_mention(struct ctx *c, size_t ns, size_t ne, size_t li)
{
    size_t ls = c->lines[li].s, le = c->lines[li].e;
    int sc = 1;
    size_t a = ls, b = ns;
    ex_trim(c->s, &a, &b);
    int at_start = a == b;
    if (!at_start && b - a >= 1) {
        size_t k, p = prev_start(c->s, b);
        uint32_t pc = cp_at(c->s, c->n, p, &k);
        at_start = pc == 0x3011 /* 】 */ || pc == ':' || pc == 0xff1a;
    }
    if (at_start)
        sc += 3;
    size_t ra = ne, rb = le;
    ex_trim(c->s, &ra, &rb);
    if (at_start && rb - ra <= 60 && !memmem(c->s + ra, rb - ra, "。", 3))
        sc += 2;
    if (nearest_lone(c, li) <= 3)
        sc += 4;
    if (rep_near(c, ne, li, NULL, NULL))
        sc += 3;
    if (li == 0)
        sc += 2;
    size_t wa = ex_char_start(c->s, ns > ls + 36 ? ns - 36 : ls, ls);
    if (ex_label_match(c, "org", "vendor", wa, ns, 0, NULL))
        sc -= 8;
    if (ex_label_match(c, "org", "source", wa, ns, 0, NULL))
        sc += 4;
    if (ex_label_match(c, "org", "reference", ns, ne, 0, NULL))
        sc -= 6;
    /* 株式会社X(京都市)は …発表した */
    size_t p = ne;
    if (p < le && c->s[p] == '(') {
        const char *q = memchr(c->s + p, ')', le - p < 40 ? le - p : 40);
        if (q)
            p = (size_t)(q - c->s) + 1;
    }
    if (p + 3 <= le && !memcmp(c->s + p, "は", 3)) {
        size_t si = ex_sent_of(c, ns);
        if (ex_label_match(c, "org", "report", p, ex_upto(c, p, c->sents[si].e, EX_WINDOW), 0,
                           NULL))
            sc += 5;
    }
    /* 発表したのは、…「有限会社X」です */
    size_t si0 = ex_sent_of(c, ns);
    struct span w;
    if (ex_label_match(c, "org", "report", ex_back(c, c->sents[si0].s, ns, 120), ns, 0, &w) &&
        w.e + 6 <= ns && !memcmp(c->s + w.e, "したのは", 12))
        sc += 5;
    if (ns >= c->body_e)
        sc -= 2;
    return sc;
}

static ow_err forms(struct ctx *c, struct cands *cs)
{
    PCRE2_SIZE *ov;
    size_t pos = 0;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_ORGFORM, pos, c->n, 0, &ov)) {
        size_t fs = ov[0], fe = ov[1], k;
        pos = fe > fs ? fe : fs + 1;
        char canon[64];
        size_t fl = fe - fs < sizeof canon ? fe - fs : sizeof canon - 1;
        memcpy(canon, c->s + fs, fl);
        canon[fl] = 0;
        for (const struct rule *ru = ex_rules_next(c->r, NULL, "org", "abbr"); ru;
             ru = ex_rules_next(c->r, ru, "org", "abbr"))
            if (!strcmp(ru->arg, canon))
                snprintf(canon, sizeof canon, "%s", ru->arg2);
        size_t li = ex_line_of(c, fs), ls = c->lines[li].s, le = c->lines[li].e;
        uint32_t pc = fs > ls ? cp_at(c->s, c->n, prev_start(c->s, fs), &k) : 0;
        size_t a, b;
        int form_first;
        if (pc && (is_solid(pc) || pc == 0x30fb)) {
            /* 北星電機株式会社: the name is the solid run before the form */
            a = fs;
            int nch = 0;
            while (a > ls && nch < 30) {
                size_t p = prev_start(c->s, a);
                uint32_t q = cp_at(c->s, c->n, p, &k);
                /* H&F BELX NET株式会社: Latin words split by single spaces */
                if (q == ' ' && p > ls && a < fs && (is_alnum((unsigned char)c->s[a]) || c->s[a] == '&') &&
                    (is_alnum((unsigned char)c->s[p - 1]) || c->s[p - 1] == '&')) {
                    a = p;
                    continue;
                }
                if (!(is_solid(q) || q == 0x30fb))
                    break;
                a = p;
                nch++;
            }
            /* ことり電子(株): a name may begin with hiragana when it starts its
             * line (or follows a delimiter) and has no particle after a solid
             * character — 当社は北星電機株式会社 stays 北星電機. */
            size_t x = a;
            nch = 0;
            while (x > ls && nch < 30) {
                size_t p = prev_start(c->s, x);
                uint32_t q = cp_at(c->s, c->n, p, &k);
                if (!(is_solid(q) || is_hira(q) || q == 0x30fb))
                    break;
                x = p;
                nch++;
            }
            if (x < a) {
                size_t tx = ls, ta = x;
                ex_trim(c->s, &tx, &ta);
                uint32_t before = x > ls ? cp_at(c->s, c->n, prev_start(c->s, x), &k) : 0;
                int delim = tx == ta || before == ' ' || before == 0x300c /* 「 */ ||
                            before == '(' || before == ':' || before == '|' ||
                            before == 0x3011 /* 】 */ || before == 0x3001 /* 、 */;
                uint32_t prev = 0;
                for (size_t p = x; p < fs && delim; p += k) {
                    uint32_t q = cp_at(c->s, c->n, p, &k);
                    if (is_particle(q) && prev && is_solid(prev))
                        delim = 0;
                    prev = q;
                }
                if (delim)
                    a = x;
            }
            b = fs;
            form_first = 0;
        } else {
            /* 株式会社みなと珈琲 (or 株式会社 東玉): the name follows */
            a = b = fe;
            if (a < le && c->s[a] == ' ' && a + 1 < le) {
                uint32_t q = cp_at(c->s, c->n, a + 1, &k);
                if (is_solid(q) || is_hira(q))
                    a = b = a + 1;
            }
            int nch = 0;
            uint32_t prev = 0;
            while (b < le && nch < 30) {
                uint32_t q = cp_at(c->s, c->n, b, &k);
                if (!(is_solid(q) || is_hira(q) || q == 0x30fb))
                    break;
                if (is_particle(q) && prev && is_solid(prev))
                    break;
                prev = q;
                b += k;
                nch++;
            }
            form_first = 1;
            /* 医療法人みどり会 みどり病院 closing a signature line: the
             * hospital the corporation runs is the publisher as written */
            size_t ta = b, tb = le;
            ex_trim(c->s, &ta, &tb);
            size_t xa = ls, xb = fs;
            ex_trim(c->s, &xa, &xb);
            if (ta > b && tb - ta <= 45 && xa == xb) {
                size_t q = ta;
                int solid = 1;
                uint32_t prevu = 0;
                while (q < tb && solid) {
                    uint32_t u = cp_at(c->s, c->n, q, &k);
                    solid = is_solid(u) || is_hira(u) || u == 0x30fb || u == 0x30fc;
                    if (is_particle(u) && prevu && is_solid(prevu))
                        solid = 0;
                    prevu = u;
                    q += k;
                }
                /* only a medical institution that speaks as 当院: a school
                 * under 学校法人 is published by the corporation */
                static const char *const med[] = {"病院", "医院", "クリニック", "診療所"};
                int ismed = 0;
                for (size_t i = 0; i < sizeof med / sizeof med[0] && !ismed; i++) {
                    size_t ml = strlen(med[i]);
                    ismed = tb - ta > ml && !memcmp(c->s + tb - ml, med[i], ml);
                }
                if (solid && ismed &&
                    (memmem(c->s, c->n, "当院", 6) || memmem(c->s, c->n, "弊院", 6) ||
                     memmem(c->s, c->n, "本院", 6)))
                    b = tb;
            }
        }
        if (b <= a)
            continue;
        /* (株式会社X提供): the name of a supplier */
        int supplier = 0;
        if (form_first && b - a > 6 && !memcmp(c->s + b - 6, "提供", 6)) {
            b -= 6;
            supplier = 1;
        }
        int sc = score_mention(c, form_first ? fs : a, form_first ? b : fe, li) - 8 * supplier;
        if (add(cs, canon, c->s, a, b, form_first, form_first ? fs : a, form_first ? b : fe, li,
                sc))
            return OW_NOMEM;
    }
    /* 市立みなと病院 / ひかり歯科医院 on a line of its own: a signature with
     * no legal form.  A legal-form name wins a tie. */
    pos = 0;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_NAMED, pos, c->n, 0, &ov)) {
        size_t ns = ov[2], ne = ov[3];
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        size_t li = ex_line_of(c, ns);
        size_t ra = ne, rb = c->lines[li].e;
        ex_trim(c->s, &ra, &rb);
        /* the name, or the name and a short department/title after it; a
         * news subject (東京みなと大学は…と発表) is judged by score_mention */
        size_t pe = ne;          /* みなと病院(北浜市)は…と発表 */
        if (pe < rb && c->s[pe] == '(') {
            const char *q = memchr(c->s + pe, ')', rb - pe);
            if (q)
                pe = (size_t)(q - c->s) + 1;
        }
        int subject = pe + 3 <= rb && !memcmp(c->s + pe, "は", 3);
        size_t hs = c->lines[li].s, he = ns;
        ex_trim(c->s, &hs, &he);
        int header = he > hs && !memcmp(c->s + hs, "【", 3);   /* 【…】name title */
        /* a subject is a plain name: not 新潟県内にある…大学, 今後当社 */
        if (subject && (memmem(c->s + ns, ne - ns, "にある", 9) || memmem(c->s + ns, ne - ns, "で", 3) ||
                        memmem(c->s + ns, ne - ns, "する", 6) || memmem(c->s + ns, ne - ns, "当社", 6) ||
                        memmem(c->s + ns, ne - ns, "弊社", 6) || memmem(c->s + ns, ne - ns, "会社", 6)))
            continue;
        if ((rb - ra > 45 && !subject && !header) || memmem(c->s + ns, ne - ns, "窓口", 6) ||
            memmem(c->s + ns, ne - ns, "コール", 9) || memmem(c->s + ns, ne - ns, "相談", 6) ||
            memmem(c->s + ns, ne - ns, "合わせ", 9) || memmem(c->s + ns, ne - ns, "受付", 6) ||
            memmem(c->s + ns, ne - ns, "合せ", 6))
            continue;
        int sc = score_mention(c, ns, ne, li) - 1;
        if (add(cs, "", c->s, ns, ne, 1, ns, ne, li, sc))
            return OW_NOMEM;
    }
    /* 日本赤十字社(以下「当社」): the publisher defines its own short name.
     * Every match holds "(以下"; the pattern's leading name class retries up
     * to 24 characters at every position, so look for the literal first. */
    pos = memmem(c->s, c->n, "(以下", strlen("(以下")) ? 0 : c->n;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_HEREAFTER, pos, c->n, 0, &ov)) {
        size_t ns = ov[2], ne = ov[3], k;
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        if (!ex_in_body(c, ns))
            continue;
        /* 弊社が運営するこけし会(以下…): the name starts after the last
         * particle or verb ending that follows another character */
        uint32_t prev = 0;
        for (size_t p = ns; p < ne; p += k) {
            uint32_t q = cp_at(c->s, c->n, p, &k);
            if (prev && ((is_particle(q) && is_solid(prev)) ||
                         ((q == 0x308b /* る */ || q == 0x305f /* た */) && is_hira(prev))))
                ns = p + k;
            prev = q;
        }
        if (ne - ns < 6)
            continue;
        int boosted = 0;
        for (size_t i = 0; i < cs->n; i++)
            if (cs->v[i].e == ne) {
                cs->v[i].score += 6;
                boosted = 1;
            }
        if (boosted)
            continue;
        size_t li = ex_line_of(c, ns);
        int sc = score_mention(c, ns, ne, li) + 6;
        if (add(cs, "", c->s, ns, ne, 1, ns, ne, li, sc))
            return OW_NOMEM;
    }
    pos = 0;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_PUBLIC, pos, c->n, 0, &ov)) {
        size_t ns = ov[2], ne = ov[3];
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        size_t li = ex_line_of(c, ns);
        int sc = score_mention(c, ns, ne, li);
        if (add(cs, "", c->s, ns, ne, 1, ns, ne, li, sc))
            return OW_NOMEM;
    }
    /* アオバ商事(横浜市)は20日、…と発表した: a news article names the
     * publisher with no legal form.  Only a sentence that reports an
     * announcement counts, and a mention already read above wins. */
    pos = 0;
    size_t nbefore = cs->n;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_SUBJECT, pos, c->n, 0, &ov)) {
        size_t ns = ov[2], ne = ov[3];
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        if (ns >= ne)
            continue;
        int overlap = 0;
        for (size_t i = 0; i < nbefore && !overlap; i++)
            overlap = cs->v[i].s < ne && cs->v[i].e > ns;
        if (overlap)
            continue;
        /* the police or a ministry quoted in the article is not the publisher */
        static const char *const other[] = {"警察", "県警", "府警", "道警", "警視庁", "署", "省", "庁"};
        int skip = 0;
        for (size_t i = 0; i < sizeof other / sizeof other[0] && !skip; i++) {
            size_t ol = strlen(other[i]);
            skip = ne - ns >= ol && !memcmp(c->s + ne - ol, other[i], ol);
        }
        /* 大学は…と発表: a bare institution word is a back-reference */
        struct span w;
        if (skip || (ex_label_match(c, "org", "suffix", ns, ne, PCRE2_ANCHORED, &w) && w.e == ne))
            continue;
        size_t si = ex_sent_of(c, ns);
        if (!ex_label_match(c, "org", "report", ov[1],
                            ex_upto(c, ov[1], c->sents[si].e, EX_WINDOW), 0, NULL))
            continue;
        size_t li = ex_line_of(c, ns);
        /* score_mention adds 5 for "…は … 発表" but not for 「…」社が */
        int sc = score_mention(c, ns, ne, li) - 1;
        if (memcmp(c->s + ov[1] - 3, "は", 3))
            sc += 5;
        if (add(cs, "", c->s, ns, ne, 1, ns, ne, li, sc))
            return OW_NOMEM;
        cs->v[cs->n - 1].norep = 1;
    }
    return OW_OK;
}

ow_err ex_org(struct ctx *c, struct extract_result *res)
{
    struct cands cs = {0};
    if (forms(c, &cs)) {
        free(cs.v);
        return OW_NOMEM;
    }
    /* a name in the caller's title counts like one on the first line */
    if (c->title)
        for (size_t i = 0; i < cs.n; i++)
            if (strstr(c->title, cs.v[i].name) && cs.v[i].line != 0)
                cs.v[i].score += 1;
    const struct cand *best = NULL;
    int bestsc = 2;
    for (size_t i = 0; i < cs.n; i++) {
        int top = cs.v[i].score, count = 0;
        const struct cand *topc = &cs.v[i];
        for (size_t j = 0; j < cs.n; j++)
            if (!strcmp(cs.v[j].name, cs.v[i].name)) {
                count++;
                if (cs.v[j].score > top) {
                    top = cs.v[j].score;
                    topc = &cs.v[j];
                }
            }
        if (topc != &cs.v[i])
            continue;
        int sc = top + (count > 3 ? 3 : count) - 1;
        if (sc > bestsc) {
            bestsc = sc;
            best = topc;
        }
    }
    ow_err e = OW_OK;
    if (best) {
        res->org = ex_strndup(best->name, strlen(best->name));
        if (!res->org) {
            e = OW_NOMEM;
            goto out;
        }
        res->org_ev.start = best->s;
        res->org_ev.end = best->e;
        c->org_line = best->line;
        struct span t, n;
        if (!best->norep && rep_near(c, best->e, best->line, &t, &n)) {
            res->rep_title = ex_strndup(c->s + t.s, t.e - t.s);
            res->rep_name = ex_strndup(c->s + n.s, n.e - n.s);
            if (!res->rep_title || !res->rep_name) {
                e = OW_NOMEM;
                goto out;
            }
            char *w = res->rep_name;
            for (char *r = res->rep_name; *r; r++)
                if (*r != ' ' && *r != '\t')
                    *w++ = *r;
            *w = 0;
            res->rep_ev.start = t.s;
            res->rep_ev.end = n.e;
        }
    }
out:
    free(cs.v);
    return e;
}
