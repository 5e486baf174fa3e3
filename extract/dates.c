/* extract/dates.c — dates: every date token of the text, year inference for
 * year-less dates, ranges, and the fields built from them: notice.published,
 * incident.attack_period / exposure_period / discovered, and the timeline.
 *
 * Normalized text already has Gregorian years and ASCII digits, so a date is
 * one of: 2011年5月14日, 2021/11/02 (or . -), 2011年5月(下旬), 2011年,
 * 5月14日, 5月下旬, 同日.  A year-less date takes the year of the nearest
 * preceding dated token (else the next one); when a past-event field would
 * end up later than the notice, its inferred year steps back one. */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

static int num(const char *s, PCRE2_SIZE a, PCRE2_SIZE b)
{
    int v = 0;
    for (PCRE2_SIZE i = a; i < b && i - a < 6; i++)
        if (s[i] >= '0' && s[i] <= '9')
            v = v * 10 + (s[i] - '0');
    return v;
}

static int grp(PCRE2_SIZE *ov, int g)
{
    return ov[2 * g] != PCRE2_UNSET;
}

static int xun_day(const char *s, PCRE2_SIZE a, PCRE2_SIZE b)
{
    if (a == PCRE2_UNSET || b <= a)
        return 1;
    if (!strncmp(s + a, "中旬", b - a))
        return 11;
    if (!strncmp(s + a, "下旬", b - a) || !strncmp(s + a, "末", b - a))
        return 21;
    if (!strncmp(s + a, "頃", b - a) || !strncmp(s + a, "ごろ", b - a))
        return 15;
    return 1;
}

static int valid_ymd(int y, int m, int d)
{
    return (y == 0 || (y >= 1900 && y <= 2100)) && (m == 0 || (m >= 1 && m <= 12)) &&
           (d == 0 || (d >= 1 && d <= 31));
}

struct dscan {
    size_t cap;
    ow_err err;
};

/* ---- the date forms ------------------------------------------------------ */

/* How many years (本年 0, 昨年 1, 一昨年 2) or months (今月 0, 先月 1) a
 * relative date's word counts back from the notice's date. */
static int years_back(const char *w, size_t n)
{
    static const struct { const char *w; int back; } years[] = {
        {"本年", 0}, {"今年", 0}, {"昨年", 1}, {"前年", 1}, {"去年", 1}, {"一昨年", 2}};
    for (size_t k = 0; k < sizeof years / sizeof years[0]; k++)
        if (n == strlen(years[k].w) && !memcmp(w, years[k].w, n))
            return years[k].back;
    return 0;
}

static int months_back(const char *w, size_t n)
{
    return !(n == 6 && !memcmp(w, "今月", 6));
}

/* One written form of a date: its pattern (groups numbered from 1 within
 * the row), which group holds the year, month, day, 旬 and the relative
 * word (0: none), and what kind of date it makes (struct dtok).  The rows
 * are tried in order, as alternatives of one pattern (BI_DATE): a new
 * form is a new row. */
struct date_form {
    const char *pat;
    unsigned char y, m, d, xun, word;
    unsigned char prec;             /* 3 day, 2 month, 1 year; a row whose day group
                                       did not take part is a month */
    unsigned char explicit_year, same, rel;
    int (*back)(const char *w, size_t n);   /* rel: how far back the word counts */
};

#define XUN "(上旬|初旬|中旬|下旬|末|頃|ごろ)"
static const struct date_form forms[] = {
    /* 2011年5月14日, 令和3年(2021年)4月13日 once the era is read */
    {"(?<![0-9.])([0-9]{4})\\s?年\\s?(?:\\(\\s?[0-9]{4}\\s?年\\s?\\)\\s?)?([0-9]{1,2})\\s?月\\s?([0-9]{1,2})\\s?日",
     .y = 1, .m = 2, .d = 3, .prec = 3, .explicit_year = 1},
    /* 2021/11/02, 2021.11.02, 2021-11-02 */
    {"(?<![0-9.\\-/])([0-9]{4})([/.\\-])([0-9]{1,2})\\2([0-9]{1,2})(?![0-9])",
     .y = 1, .m = 3, .d = 4, .prec = 3, .explicit_year = 1},
    /* 2011年5月, 2011年5月下旬 */
    {"(?<![0-9.])([0-9]{4})\\s?年\\s?([0-9]{1,2})\\s?月" XUN "?",
     .y = 1, .m = 2, .xun = 3, .prec = 2, .explicit_year = 1},
    /* 2024年4-6月分: the first month of a range that writes 月 once */
    {"(?<![0-9.])([0-9]{4})\\s?年\\s?([0-9]{1,2})(?=\\s?(?:~|-)\\s?[0-9]{1,2}\\s?月(?!\\s?[0-9]))",
     .y = 1, .m = 2, .prec = 2, .explicit_year = 1},
    /* 2010年 (not 2024年度) */
    {"(?<![0-9.])([0-9]{4})\\s?年(?!度|[0-9]|\\s[0-9])", .y = 1, .prec = 1, .explicit_year = 1},
    /* 27年6月1日~28年9月30日, 2009年4月~15年2月: a year in two digits
     * (a full date, or a month closing a range), read after a year named
     * in full (date_hit) */
    {"(?<![0-9.])([0-9]{2})\\s?年\\s?([0-9]{1,2})\\s?月\\s?([0-9]{1,2})\\s?日",
     .y = 1, .m = 2, .d = 3, .prec = 3, .explicit_year = 1},
    {"(?<=から|より|~)\\s?([0-9]{2})\\s?年\\s?([0-9]{1,2})\\s?月(?!\\s?[0-9])" XUN "?",
     .y = 1, .m = 2, .xun = 3, .prec = 2, .explicit_year = 1},
    /* (同年)5月18日 */
    {"(?<![0-9./])(?:同年)?([0-9]{1,2})\\s?月\\s?([0-9]{1,2})\\s?日", .m = 1, .d = 2, .prec = 3},
    /* 3/15に, 2/24(月): a month and day in a blog's or a timeline's
     * shorthand, only where a particle or a weekday says it is a date and
     * no 約 or の says it is a share (約1/3に, ファイルの1/3に; a page
     * number 2/5 has no particle) */
    {"(?<![0-9./\\-]|約|の)(1[0-2]|0?[1-9])/(3[01]|[12][0-9]|0?[1-9])(?![0-9/])"
     "(?=\\s?(?:\\((?:月|火|水|木|金|土|日)(?:曜日?)?\\)|に|頃|ごろ|から|~|まで|、))",
     .m = 1, .d = 2, .prec = 3},
    /* 5月下旬 */
    {"(?<![0-9./])([0-9]{1,2})\\s?月\\s?" XUN, .m = 1, .xun = 2, .prec = 2},
    /* 同日 */
    {"同日", .prec = 3, .same = 1},
    /* 翌28日: the 28th of the previous date's month */
    {"翌\\s?([0-9]{1,2})\\s?日", .d = 1, .prec = 3, .same = 2},
    /* 翌日, 翌朝: the day after */
    {"翌(?:日|朝)", .prec = 3, .same = 3},
    /* 10月 closing a range (2009年8月から10月, …から同年10月): a bare
     * month only there, where it cannot be 3月期 or 12か月 */
    {"(?<=から|より|~|[0-9]-|から同年|~同年)\\s?([0-9]{1,2})\\s?月(?![0-9]|\\s?[0-9]{1,2}\\s?日|期|度|以降)", .m = 1, .prec = 2},
    /* 同月15日: the previous date's month */
    {"同月\\s?([0-9]{1,2})\\s?日", .d = 1, .prec = 3, .same = 4},
    /* a bare day: 北浜市は20日、… / 北浜市が13日に発表 / …とみられると
     * 2日、発表 / 9日午後3時ごろ、… / 、17日に指摘で; the latest month
     * named, or the one before */
    {"(?<![0-9])([0-9]{1,2})(?<=^[0-9]|[はがもとを。、\\s][0-9]|^[0-9][0-9]|[はがもとを。、\\s][0-9][0-9])\\s?日"
     "(?=\\s?(?:、|,|に|\\((?:月|火|水|木|金|土|日)|の(?:月|火|水|木|金|土|日)曜|午前|午後|朝|昼|夜|夕方|未明|深夜|正午|ごろ|頃"
     "|[0-9]{1,2}\\s?時|から|まで|~))",
     .d = 1, .prec = 3, .same = 5},
    /* 本年1月, 昨年10月22日, 今年8月下旬: a year counted from the notice's */
    {"(本年|今年|昨年|前年|去年|一昨年)(?:の)?\\s?([0-9]{1,2})\\s?月(?:\\s?([0-9]{1,2})\\s?日|" XUN ")?",
     .word = 1, .m = 2, .d = 3, .xun = 4, .prec = 3, .rel = 1, .back = years_back},
    /* 今月19日, 先月8日, 先月(9月)25日: a month counted from the notice's */
    {"(今月|先月|前月)\\s?(?:\\([0-9]{1,2}月\\))?\\s?([0-9]{1,2})\\s?日",
     .word = 1, .d = 2, .prec = 3, .rel = 2, .back = months_back},
    /* きょう(6日), 本日(6日): the day of the article itself, as 6日 */
    {"(?:きょう|今日|本日)\\s?\\(([0-9]{1,2})日\\)", .d = 1, .prec = 3, .same = 5},
};
#undef XUN
#define NFORMS (sizeof forms / sizeof forms[0])

ow_err ex_date_pattern(struct ow_buf *b)
{
    /* a branch reset group: every row numbers its groups from 1; the
     * MARK names the row that matched */
    if (ow_buf_adds(b, "(?|"))
        return OW_NOMEM;
    for (size_t i = 0; i < NFORMS; i++) {
        char mark[24];
        snprintf(mark, sizeof mark, "%s(*MARK:%zu)", i ? "|" : "", i);
        if (ow_buf_adds(b, mark) || ow_buf_adds(b, forms[i].pat))
            return OW_NOMEM;
    }
    return ow_buf_adds(b, ")") ? OW_NOMEM : OW_OK;
}

static int date_hit(struct ctx *c, PCRE2_SIZE *ov, void *arg)
{
    struct dscan *ds = arg;
    struct dtok t;
    memset(&t, 0, sizeof t);
    t.s = ov[0];
    t.e = ov[1];
    const char *s = c->s;
    PCRE2_SPTR mk = pcre2_get_mark(c->md);
    size_t row = mk ? (size_t)strtoul((const char *)mk, NULL, 10) : NFORMS;
    if (row >= NFORMS)
        return 0;
    const struct date_form *f = &forms[row];
#define G(g) ov[2 * (g)], ov[2 * (g) + 1]
    if (f->y)
        t.y = num(s, G(f->y));
    if (f->m)
        t.m = num(s, G(f->m));
    t.prec = f->prec;
    if (f->d && grp(ov, f->d))
        t.d = num(s, G(f->d));
    else if (f->d && f->xun)
        t.prec = 2;                /* 今年8月下旬: no day, a month */
    if (t.prec == 2 && f->xun)
        t.sortday = xun_day(s, G(f->xun));
    if (f->word)
        t.back = f->back(s + ov[2 * f->word], ov[2 * f->word + 1] - ov[2 * f->word]);
#undef G
    t.explicit_year = f->explicit_year;
    if (t.explicit_year && t.y < 100) {
        /* …2009年4月~15年2月, 平成22年…27年6月~28年9月, 2021年…25年…21年:
         * the two digits of a western or an era year, whichever comes
         * nearest the year named before it (at or after it on a tie); an
         * era year is never written with a leading zero (1969年4月から
         * 06年6月: 2006, however far) */
        static const int base[] = {1900, 2000, 1925, 1988, 2018};
        int last = 0, best = 0;
        size_t nbase = s[ov[2 * f->y]] == '0' ? 2 : sizeof base / sizeof base[0];
        for (size_t i = c->ndates; i-- > 0 && !last;)
            if (c->dates[i].explicit_year)
                last = c->dates[i].y;
        for (size_t i = 0; i < nbase; i++) {
            int y = base[i] + t.y, dy = abs(y - last), db = abs(best - last);
            if (last && (dy <= 30 || nbase == 2) && (!best || dy < db || (dy == db && y > best)))
                best = y;
        }
        if (!best)
            return 0;
        t.y = best;
    }
    t.same = f->same;
    t.rel = f->rel;
    if (!valid_ymd(t.y, t.m, t.d) || (t.explicit_year && t.y == 0))
        return 0;
    if (t.prec == 3)
        t.sortday = t.d;
    if (c->ndates == ds->cap) {
        size_t cap = ds->cap ? ds->cap * 2 : 64;
        struct dtok *v = realloc(c->dates, cap * sizeof *v);
        if (!v) {
            ds->err = OW_NOMEM;
            return 1;
        }
        c->dates = v;
        ds->cap = cap;
    }
    c->dates[c->ndates++] = t;
    return 0;
}

static long key(const struct dtok *t)
{
    return (long)t->y * 10000 + (long)t->m * 100 + (t->prec >= 2 ? t->sortday : 0);
}

int ex_tok_is_lone(struct ctx *c, const struct dtok *t)
{
    size_t li = ex_line_of(c, t->s);
    PCRE2_SIZE *ov;
    if (t->s - c->lines[li].s > 80 || c->lines[li].e - t->e > 80)
        return 0;
    return ex_bi_match(c, BI_LONEPRE, c->lines[li].s, t->s, PCRE2_ANCHORED, &ov) &&
           ex_bi_match(c, BI_LONESUF, t->e, c->lines[li].e, PCRE2_ANCHORED, &ov) &&
           ov[1] == c->lines[li].e;
}

static int announced(struct ctx *c, const struct dtok *t);
static int head_dateline(struct ctx *c, const struct dtok *t);
static int dates_page(struct ctx *c, const struct dtok *t);
static int timeline_row(struct ctx *c, size_t li);
static int resolve_one(struct ctx *c, size_t i);

/* What a table or list labels a date as (date_label). */
enum { DL_PUB = 1, DL_UPD = 2, DL_EVENT = 4, DL_DISC = 8, DL_ANN = 16 };

static void infer_years(struct ctx *c)
{
    int last = 0;
    const struct dtok *lastday = NULL;
    for (size_t i = 0; i < c->ndates; i++) {
        struct dtok *t = &c->dates[i];
        int back = 0;
        if (t->rel) {
            /* resolved again in resolve_relative once the notice's date is
             * known; a dateline above lends its date now, so that the
             * dates after it (翌日, 27日) follow this one */
            if (resolve_one(c, i) && t->prec == 3 && t->y)
                lastday = t;
            continue;
        } else if (t->same) {
            if (lastday) {
                static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
                int d = t->same == 2 || t->same == 4 || t->same == 5 ? t->d
                                                                      : lastday->d + (t->same == 3);
                t->y = lastday->y;
                t->m = lastday->m;
                /* 3月2日の記事で「28日」: February; but in a narrative
                 * (5月19日に作成…26日に連絡) a later day is later that month */
                if (t->same == 5 && d > lastday->d &&
                    (ex_tok_is_lone(c, lastday) || head_dateline(c, lastday) || announced(c, lastday))) {
                    if (--t->m < 1)
                        t->m = 12, t->y--;
                    /* a guess (18日 may be tomorrow's plan): the days
                     * after it still count from the article's date */
                    back = 1;
                }
                if (t->same == 2 && d < lastday->d)
                    t->m++;                       /* 1月30日 … 翌2日 */
                else if (t->same == 3 && t->m >= 1 && t->m <= 12 && d > mdays[t->m - 1])
                    t->m++, d = 1;
                if (t->m > 12)
                    t->m = 1, t->y++;
                if (t->m >= 1 && t->m <= 12 && d > mdays[t->m - 1])
                    t->m = 0;                      /* 6月31日: not a date */
                t->d = t->sortday = d;
                t->explicit_year = lastday->explicit_year;
                t->behind = lastday->behind && t->y == lastday->y;
            } else {
                t->m = 0;                          /* nothing to refer to */
            }
        } else if (t->explicit_year) {
            last = t->y;
        } else {
            t->y = last;
            /* timeline rows run forward: 2024年12月28日 … 1月5日 is January
             * of the next year */
            if (last && lastday && lastday->y == last && t->m && t->m < lastday->m) {
                if (ex_tok_is_lone(c, t) && ex_tok_is_lone(c, lastday))
                    t->y = ++last;
                else
                    t->behind = 1;    /* prose: settled once the notice's date is known */
            }
        }
        if (t->prec == 3 && t->m && !back)
            lastday = t;
    }
    /* Nothing dated before: take the year of a date line below (a
     * signature); a full date in the prose after it says nothing of it.
     * A bare day with nothing before it (北浜商事は9日、…と発表した) counts
     * back from an article's date line below it: that month, or the one
     * before when the day is later. */
    const struct dtok *below = NULL;
    int next = 0;
    for (size_t i = c->ndates; i-- > 0;) {
        struct dtok *t = &c->dates[i];
        size_t ls = c->lines[ex_line_of(c, t->s)].s;
        while (ls < t->s && (c->s[ls] == ' ' || c->s[ls] == '\t'))
            ls++;
        /* (2011/12/12 北浜ニュース), (北浜ニュース - 2011/12/12 ): an
         * article's credit line dates it */
        size_t le = c->lines[ex_line_of(c, t->s)].e;
        while (le > t->e && (c->s[le - 1] == ' ' || c->s[le - 1] == '\t'))
            le--;
        int credit = t->explicit_year && t->prec == 3 && c->s[ls] == '(' &&
                     (t->s == ls + 1 || (le - ls <= 80 && c->s[le - 1] == ')' &&
                                         !memchr(c->s + ls + 1, '(', le - ls - 1)));
        /* …|北浜新聞(2021年12月1日) closing a line, 北浜新聞 2022/7/8 19:10
         * opening one: a paper's name right before the date */
        if (!credit && t->explicit_year && t->prec == 3 && le - t->e <= 60 &&
            !memmem(c->s + t->e, le - t->e, "。", 3))
            credit = ex_label_match(c, "periods", "paper", ex_back(c, ls, t->s, 40), t->s, 0, NULL);
        if (t->explicit_year && t->prec == 3 && ex_tok_is_lone(c, t)) {
            next = t->y;
            below = t;
        } else if (credit) {
            next = t->y;
            below = t;
        } else if (t->same == 5 && !t->m && below) {
            t->y = below->y;
            t->m = below->m;
            if (t->d > below->d && --t->m < 1)
                t->m = 12, t->y--;
            t->sortday = t->d;
        } else if (t->y == 0 && !t->rel && !t->explicit_year) {
            t->y = next;
        }
    }
}

/* 昨年10月22日, 今月15日: counted back from the notice's date, or from the
 * nearest full date before it that dates the page (a dateline); unknown
 * (y 0) when there is neither.  Returns 1 when the date is known. */
static int resolve_one(struct ctx *c, size_t i)
{
    struct dtok *t = &c->dates[i];
    /* a date in the account (2010年1月分の伝票) says nothing of 今年 */
    int ry = c->pub_y, rm = c->pub_m, rd = c->pub_d;
    for (size_t j = i; !ry && j-- > 0;)
        if (c->dates[j].explicit_year && c->dates[j].prec == 3 && !c->dates[j].rel &&
            (ex_tok_is_lone(c, &c->dates[j]) || head_dateline(c, &c->dates[j]))) {
            ry = c->dates[j].y;
            rm = c->dates[j].m;
            rd = c->dates[j].d;
        }
    t->y = 0;
    if (!ry)
        return 0;
    if (t->rel == 1) {
        t->y = ry - t->back;
    } else {
        int m = rm - t->back;
        t->y = ry;
        if (m < 1)
            m += 12, t->y--;
        t->m = m;
    }
    if (t->prec == 3)
        t->sortday = t->d;
    /* 今月21日 in an article of the 1st: the reference is not the
     * article's date after all; nothing is known */
    if ((t->y == ry && t->m == rm && t->prec == 3 && t->d > rd) || (t->y == ry && t->m > rm))
        t->y = 0;
    return t->y != 0;
}

static void resolve_relative(struct ctx *c)
{
    for (size_t i = 0; i < c->ndates; i++) {
        struct dtok *t = &c->dates[i];
        /* 令和5年12月28日、注意喚起があり…1月16日に判明 in a notice of
         * February 2024: the next January, when that is not after it */
        if (t->behind && c->pub_y == t->y + 1 &&
            (t->m < c->pub_m || (t->m == c->pub_m && (t->prec < 3 || t->d <= c->pub_d))))
            t->y++;
        if (!t->rel)
            continue;
        resolve_one(c, i);
        /* ranges hold copies of their ends */
        for (size_t k = 0; k < c->nranges; k++) {
            struct drange *r = &c->ranges[k];
            if (r->a.s == t->s)
                r->a = *t;
            if (r->b.s == t->s) {
                r->b.y = t->y, r->b.m = t->m, r->b.sortday = t->sortday;
                if (!r->b.explicit_year && r->a.y && r->b.m && r->b.m < r->a.m && r->b.y == r->a.y)
                    r->b.y++;
            }
        }
    }
}

static ow_err add_range(struct ctx *c, size_t *cap, const struct dtok *a, const struct dtok *b,
                        size_t ia, size_t e)
{
    if (c->nranges == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        struct drange *v = realloc(c->ranges, nc * sizeof *v);
        if (!v)
            return OW_NOMEM;
        c->ranges = v;
        *cap = nc;
    }
    struct drange *r = &c->ranges[c->nranges++];
    r->a = *a;
    r->b = *b;
    r->s = a->s;
    r->e = e;
    r->ia = ia;
    if (!r->b.explicit_year && r->b.y && r->a.y) {
        r->b.y = r->a.y + (r->b.m && r->b.m < r->a.m ? 1 : 0);
    } else if (!r->a.explicit_year && r->b.explicit_year) {
        r->a.y = r->b.y - (r->a.m > r->b.m ? 1 : 0);
    }
    return OW_OK;
}

static ow_err find_ranges(struct ctx *c)
{
    size_t cap = 0;
    PCRE2_SIZE *ov;
    for (size_t i = 0; i < c->ndates; i++) {
        struct dtok *a = &c->dates[i];
        if (a->prec >= 2 && !a->m)
            continue;                       /* 同日 with nothing before it */
        size_t li = ex_line_of(c, a->s), le = ex_upto(c, a->e, c->lines[li].e, 120);
        if (i + 1 < c->ndates) {
            struct dtok *b = &c->dates[i + 1];
            if (b->s < le && b->s >= a->e && b->s - a->e <= 80 && (b->prec < 2 || b->m) &&
                ex_bi_match(c, BI_GAP, a->e, b->s, PCRE2_ANCHORED, &ov) && ov[1] == b->s) {
                if (add_range(c, &cap, a, b, i, b->e))
                    return OW_NOMEM;
                a->in_range = b->in_range = 1;
                i++;
                continue;
            }
        }
        if (a->prec == 3 && ex_bi_match(c, BI_DAYEND, a->e, le, PCRE2_ANCHORED, &ov)) {
            struct dtok b = *a;
            b.d = b.sortday = num(c->s, ov[2], ov[3]);
            b.s = ov[2];
            b.e = ov[1];
            if (b.d >= a->d && b.d <= 31) {
                if (add_range(c, &cap, a, &b, i, ov[1]))
                    return OW_NOMEM;
                a->in_range = 1;
                continue;
            }
        }
        if (a->prec == 3 && ex_bi_match(c, BI_TIMERANGE, a->e, le, PCRE2_ANCHORED, &ov)) {
            if (add_range(c, &cap, a, a, i, ov[1]))
                return OW_NOMEM;
            a->in_range = 1;
            a->oneday = 1;
            continue;
        }
        /* 2016年4月以降に申し込んだ方, 6月19日午後5時頃から、…侵入: a
         * window whose end is not told (an end with no year: null) */
        if (a->y && a->prec >= 2 && ex_label_match(c, "periods", "openfrom", a->e, le, PCRE2_ANCHORED, NULL)) {
            struct dtok b = *a;
            b.y = b.m = b.d = 0;
            b.s = b.e = a->e;
            if (add_range(c, &cap, a, &b, i, a->e))
                return OW_NOMEM;
            a->in_range = 1;
            continue;
        }
    }
    return OW_OK;
}

ow_err ex_dates_scan(struct ctx *c)
{
    struct dscan ds = {0, OW_OK};
    PCRE2_SIZE *ov;
    size_t pos = 0;
    while (pos < c->n && ex_bi_match(c, BI_DATE, pos, c->n, 0, &ov)) {
        size_t me = ov[1];
        if (date_hit(c, ov, &ds))
            break;
        pos = me > ov[0] ? me : ov[0] + 1;
    }
    if (ds.err)
        return ds.err;
    infer_years(c);
    if (find_ranges(c))
        return OW_NOMEM;
    size_t cap = 0;
    for (size_t i = 0; i < c->ndates; i++) {
        const struct dtok *t = &c->dates[i];
        if (t->prec != 3 || !t->explicit_year || t->in_range || t->same || !ex_tok_is_lone(c, t))
            continue;
        size_t li = ex_line_of(c, t->s);
        if (c->nlone && c->lone_lines[c->nlone - 1] == li)
            continue;
        if (c->nlone == cap) {
            size_t nc = cap ? cap * 2 : 16;
            size_t *v = realloc(c->lone_lines, nc * sizeof *v);
            if (!v)
                return OW_NOMEM;
            c->lone_lines = v;
            cap = nc;
        }
        c->lone_lines[c->nlone++] = li;
    }
    return OW_OK;
}

/* ---- published ---------------------------------------------------------- */

/* The DL_ flags of the label text [a, b), 0 when it is not all label. */
static int label_in(struct ctx *c, size_t a, size_t b)
{
    ex_trim(c->s, &a, &b);
    /* a label is short and ends its text: (1) 発生日・発覚日:, a table's
     * 発表日時 | */
    while (b > a && (c->s[b - 1] == ':' || c->s[b - 1] == ' ' || c->s[b - 1] == '|'))
        b--;
    /* a line run together: …以下のとおりです。(1)侵入の日時 */
    for (const char *q; a < b && (q = memmem(c->s + a, b - a, "。", 3));)
        a = (size_t)(q - c->s) + 3;
    if (a >= b || b - a > 72 ||
        (b - a >= 3 && !memcmp(c->s + b - 3, "」", 3)))
        return 0;
    static const struct { const char *label; int flag; } labels[] = {
        {"labelpub", DL_PUB}, {"labelupd", DL_UPD}, {"labelevent", DL_EVENT}, {"labeldisc", DL_DISC},
        {"labelann", DL_ANN}};
    int f = 0;
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++)
        if (ex_label_match(c, "periods", labels[k].label, a, b, 0, NULL))
            f |= labels[k].flag;
    /* the last label must end the text: a title line that mentions 発生
     * is not the label of the date under it */
    if (f && !(ex_label_match(c, "periods", "labelend", a, b, 0, NULL)))
        return 0;
    return f;
}

/* The label a date carries in a table or a list (periods.tsv label*): the
 * text before it on its line when that is all label ("(1) 発生日・発覚日
 * 令和6年7月10日"), or, for a date on a line of its own, the short line
 * above it ("1 判明日時" / "令和4年11月20日 午前11時30分頃"). */
static int date_label(struct ctx *c, const struct dtok *t)
{
    size_t li = ex_line_of(c, t->s);
    size_t a = c->lines[li].s, b = t->s;
    ex_trim(c->s, &a, &b);
    /* (発生日:平成28年10月12日 午後9時頃) inside a sentence: the label
     * opens the parenthesis */
    for (size_t p = b; p > a && b - p < 40; p--)
        if (c->s[p - 1] == '(')
            return label_in(c, p, b);
        else if (c->s[p - 1] == ')')
            break;
    if (b > a)
        return label_in(c, a, b);
    if (!ex_tok_is_lone(c, t))
        return 0;
    for (size_t pl = li; pl-- > 0 && li - pl <= 2;) {
        size_t pa = c->lines[pl].s, pb = c->lines[pl].e;
        ex_trim(c->s, &pa, &pb);
        if (pa == pb)
            continue;
        size_t d = ex_date_at(c, pa);
        if (d < c->ndates && c->dates[d].s < pb)
            return 0;                       /* the line above is a date of its own */
        return label_in(c, pa, pb);
    }
    return 0;
}

/* Is line li one row of a timeline: a date line with another date line
 * within four lines of it, past the page's head (where a notice's date and
 * an updated date stand together)? */
/* Is line li among the first three lines with text (the head: a title, a
 * date, a name)?  It stops at the third, so asking costs nothing per date. */
static int in_head(const struct ctx *c, size_t li)
{
    size_t nonblank = 0;
    if (li < c->head_line)
        return 0;
    for (size_t l = c->head_line; l < li && nonblank < 3; l++)
        nonblank += c->lines[l].e > c->lines[l].s;
    return nonblank < 3;
}

static int timeline_row(struct ctx *c, size_t li)
{
    size_t lo = li >= 8 ? li - 8 : 0, hi = li + 8 < c->nlines ? li + 8 : c->nlines - 1;
    size_t near = 0, rows = 0, last = SIZE_MAX;
    for (size_t i = ex_date_at(c, c->lines[lo].s); i < c->ndates && c->dates[i].s < c->lines[hi].e; i++) {
        size_t l = ex_line_of(c, c->dates[i].s);
        if (l == li || l == last || !ex_tok_is_lone(c, &c->dates[i]))
            continue;
        last = l;
        rows++;
        near += (l > li ? l - li : li - l) <= 4;
    }
    /* two more date lines close by make a timeline anywhere; one makes it
     * past the head, where a notice's date and its updated date stand */
    return rows >= 2 || (!in_head(c, li) && near >= 1);
}

/* Is the date that of an announcement the text reports ("…株式会社にしき堂
 * は9月14日、…と発表した": right after は or が, or opening the sentence)? */
static int announced(struct ctx *c, const struct dtok *t)
{
    size_t si = ex_sent_of(c, t->s), ss = c->sents[si].s;
    if (c->sflag[si] & SF_OTHER)
        return 0;
    /* …は、10月25日よりメールで連絡し、謝罪した: a day something starts
     * from is no day of an announcement */
    if (ex_label_match(c, "periods", "boundary", t->e, ex_upto(c, t->e, c->sents[si].e, 20),
                       PCRE2_ANCHORED, NULL))
        return 0;
    /* an article's …と2024年11月6日に発表しました, 北浜市が13日に発表した
     * ところによると、…不正アクセスを受け (a notice's own …に公表いたしま
     * した tells of an earlier one) */
    if (ex_third_party(c) &&
        ex_label_match(c, "periods", "announcedon", t->e, ex_upto(c, t->e, c->sents[si].e, 40),
                       PCRE2_ANCHORED, NULL))
        return 1;
    /* …は、2022年6月14日に発生した漏えいについて、7月1日に公表: the day
     * of the event, not of the announcement */
    if (ex_label_match(c, "periods", "attackday", t->e, ex_upto(c, t->e, c->sents[si].e, 24),
                       PCRE2_ANCHORED, NULL))
        return 0;
    size_t p = t->s;
    while (p > ss && (c->s[p - 1] == ' ' || c->s[p - 1] == '\t'))
        p--;
    /* …三京堂(以下、同社)が、2023年2月20日に、…を公表しました */
    if (p >= ss + 3 && !memcmp(c->s + p - 3, "、", 3))
        p -= 3;
    /* 2024年11月15日午前7時、北浜県は…を発表しました: the date opens it */
    size_t a = ss, b = p;
    ex_trim(c->s, &a, &b);
    if (a == b) {
        /* a date may run past its sentence (2011年 at a line's end, 5月14日
         * on the next): look from where the sentence still is */
        size_t se = c->sents[si].e, x = t->e < se ? t->e : se, end = ex_upto(c, x, se, 60);
        const char *comma = memmem(c->s + x, end - x, "、", 3);
        const char *topic = comma ? memmem(comma, (size_t)(c->s + c->sents[si].e - comma), "は", 3) : NULL;
        if (!topic && comma)
            topic = memmem(comma, (size_t)(c->s + c->sents[si].e - comma), "が", 3);
        /* 2024年7月4日、北浜県教育委員会から…発表がありました */
        const char *from = comma ? memmem(comma, (size_t)(c->s + c->sents[si].e - comma), "から", 6) : NULL;
        if (from && (!topic || from < topic))
            topic = from;
        return topic && ex_label_match(c, "org", "report", (size_t)(topic - c->s),
                                       ex_upto(c, (size_t)(topic - c->s), c->sents[si].e, EX_WINDOW), 0, NULL);
    }
    if (p < ss + 3 || (memcmp(c->s + p - 3, "は", 3) != 0 && memcmp(c->s + p - 3, "が", 3) != 0))
        return 0;
    /* …は2023年12月22日、(a long account)…ことを確認したと発表した: the
     * report may close a sentence longer than the window */
    size_t se = c->sents[si].e;
    return ex_label_match(c, "org", "report", ex_back(c, ss, t->s, EX_WINDOW),
                          ex_upto(c, t->e, se, EX_WINDOW), 0, NULL) ||
           ex_label_match(c, "org", "report", ex_back(c, t->e, se, 24), se, 0, NULL);
}

/* Does the date date the page rather than an event: a date line in its
 * head, or the date of a title line (2019年5月17日 …の誤送付について)? */
static int dates_page(struct ctx *c, const struct dtok *t)
{
    if (head_dateline(c, t))
        return 1;
    size_t li = ex_line_of(c, t->s);
    if (in_head(c, li) && ex_tok_is_lone(c, t) && !timeline_row(c, li))
        return 1;
    size_t a = c->lines[li].s, b = c->lines[li].e;
    return b - a <= 300 && !memmem(c->s + a, b - a, "。", 3) && !memmem(c->s + a, b - a, "、", 3) &&
           ex_label_match(c, "periods", "titleend", a, b, 0, NULL);
}

/* A full date opening one of the page's first three lines, with only a
 * few words after it (2020年5月6日 お知らせ, 2019.9.20 サポート豆知識). */
static int head_dateline(struct ctx *c, const struct dtok *t)
{
    if (!t->explicit_year || t->prec != 3)
        return 0;
    size_t li = ex_line_of(c, t->s);
    if (!in_head(c, li))
        return 0;
    size_t a = c->lines[li].s, b = t->s, ra = t->e, rb = c->lines[li].e;
    ex_trim(c->s, &a, &b);
    ex_trim(c->s, &ra, &rb);
    /* date 2025-12-25 北浜市は…: a copy's dateline, its label in Latin
     * letters, before the story's first sentence */
    int latin = b - a <= 8;
    for (size_t p = a; p < b && latin; p++)
        latin = (c->s[p] >= 'a' && c->s[p] <= 'z') || (c->s[p] >= 'A' && c->s[p] <= 'Z') || c->s[p] == ':';
    if (a != b && latin)
        return 1;
    /* 情報推進課 2007年5月16日: a unit's name before a date that ends the line */
    if (a != b)
        return ra == rb && ex_nchars(c->s, a, b) <= 20 && !memmem(c->s + a, b - a, "。", 3) &&
               !memmem(c->s + a, b - a, "、", 3);
    if (rb - ra <= 72 && !memmem(c->s + ra, rb - ra, "。", 3) && !memmem(c->s + ra, rb - ra, "、", 3))
        return 1;
    /* a PDF's text flattened into one line: a date that opens the text and
     * is set off by a space (2026 年 9 月 25 日 各 位 会 社 名:…), not the
     * opening of a sentence (2026年9月25日に、…) */
    size_t first = 0;
    while (first < c->nlines && c->lines[first].e == c->lines[first].s)
        first++;
    return li == first && t->e < c->n && c->s[t->e] == ' ' && ra < rb &&
           !ex_label_match(c, "periods", "boundary", t->e, ex_upto(c, t->e, rb, 12), PCRE2_ANCHORED, NULL) &&
           memcmp(c->s + ra, "に", 3) != 0 && memcmp(c->s + ra, "の", 3) != 0;
}

/* An article that never gives the year of its lead (北浜商事は9月9日、…と
 * 発表した) may date events earlier in the same year (5月2日に…が判明):
 * an announcement comes after the events it tells, within half a year of
 * the latest, so the lead takes that year.  A lead in an earlier month
 * (January, after December's events), a gap of more than six months or a
 * bare day (9日) leaves the year unknown: labels do not guess it.  A lead
 * that took the year of a date above it yet falls months before the latest
 * event told is in the year after (a deadline a few weeks on does not move
 * it). */
static long day_no(const struct dtok *t)
{
    return t->y * 372L + t->m * 31L + t->d;  /* orders days; a gap in days, near enough */
}

static void lead_year(struct ctx *c)
{
    const struct dtok *last = NULL;
    for (size_t i = 0; i < c->ndates + c->nranges; i++) {
        const struct dtok *t = i < c->ndates ? &c->dates[i] : &c->ranges[i - c->ndates].b;
        /* in the body: a reader's comment below the story dates nothing of
         * it, and the page's dateline is no event */
        if (t->explicit_year && !t->rel && t->prec >= 2 && t->m && !(i < c->ndates && t->in_range) &&
            ex_in_body(c, t->s) && !head_dateline(c, t) && (!last || key(t) > key(last)))
            last = t;
    }
    if (!last || last->prec != 3)
        return;
    const struct dtok *lead = NULL;
    for (size_t i = 0; i < c->ndates; i++) {
        struct dtok *t = &c->dates[i];
        int lent = t->y && !t->explicit_year && !t->rel && !t->in_range && t->prec == 3 && !t->same &&
                   t->m;            /* a day whose year a date above lent it */
        /* 6月7日 under a title's 2021年12月, in a story of 2021年12月8日 */
        if (lent && day_no(last) - day_no(t) > 92 && announced(c, t)) {
            t->y = last->y + (t->m < last->m || (t->m == last->m && t->d < last->d));
            continue;
        }
        /* a year that stands years after every event the story dates (a
         * site's date of today over an old article) is no year of the lead */
        if (lent && t->y >= last->y + 2 && announced(c, t)) {
            t->y = 0;
            continue;
        }
        if (t->y || t->rel || t->in_range || t->prec != 3 || t->same || !t->m ||
            t->m < last->m || t->m > last->m + 6 || (t->m == last->m && t->d < last->d) ||
            !announced(c, t))
            continue;
        t->y = last->y;
        t->sortday = t->d;
        lead = t;
    }
    /* the story's other year-less days up to the lead's month are that
     * year's too (北浜物産は10月24日、…と発表した。同社によると、6月19日、…) */
    for (size_t i = 0; lead && i < c->ndates; i++) {
        struct dtok *t = &c->dates[i];
        if (!t->y && !t->rel && !t->same && t->m && t->prec >= 2 && t->m <= lead->m)
            t->y = lead->y;
    }
}

/* Does a title end with the date (…に関するお詫びとお知らせ 2026年2月3日),
 * or with it in brackets (…について(2024.7.20))? */
static int dated_title(struct ctx *c, const struct dtok *t, size_t li)
{
    size_t a = t->s, e = t->e, b = c->lines[li].e;
    PCRE2_SIZE *ov;
    if (b - e > 80)
        return 0;
    if (a > c->lines[li].s && c->s[a - 1] == '(') {
        const char *q = memchr(c->s + e, ')', b - e);
        if (!q)
            return 0;
        size_t x = (size_t)(q - c->s) + 1, y = b;
        ex_trim(c->s, &x, &y);
        if (x != y)
            return 0;
        a--;
        b = (size_t)(q - c->s);
    }
    return ex_bi_match(c, BI_LONESUF, e, b, PCRE2_ANCHORED, &ov) && ov[1] == b &&
           ex_label_match(c, "periods", "titleline", ex_back(c, c->lines[li].s, a, 300), a, 0, NULL);
}

ow_err ex_published(struct ctx *c, struct extract_result *res)
{
    int best = 2;
    const struct dtok *pick = NULL;
    /* A third party's article is dated by its own dateline: the notice's
     * date is the one it says was announced.  A page that is no notice
     * (a warning retelling the news) is dated by its own date. */
    int third = ex_third_party(c) && res->is_incident;
    if (third)
        lead_year(c);
    for (size_t i = 0; i < c->ndates; i++) {
        const struct dtok *t = &c->dates[i];
        if (t->prec < 2 || t->in_range || (t->same && t->same != 5) || t->rel || !t->y || !t->m)
            continue;
        int sc = 0;
        int news = announced(c, t);
        if (!t->explicit_year && !news)
            continue;
        int label = date_label(c, t);
        if (label & (DL_EVENT | DL_DISC))
            continue;                       /* 発生日時 / 判明日: a row of the account */
        if (ex_label_match(c, "periods", "issueof", t->e, ex_upto(c, t->e, c->n, 20), PCRE2_ANCHORED, NULL) ||
            ex_label_match(c, "periods", "eventtime", t->e, ex_upto(c, t->e, c->n, 30), PCRE2_ANCHORED, NULL))
            continue;
        size_t li = ex_line_of(c, t->s);
        int lone = (ex_tok_is_lone(c, t) || (label & (DL_PUB | DL_UPD))) && !timeline_row(c, li);
        /* 令和4年1月 under a signature: the notice's month, when nothing
         * gives its day */
        /* 2025年12月、北浜市は…を公表し: a month that opens an article's
         * sentence (not 教諭が2012年4月、…紛失していたと発表) */
        size_t sa = c->sents[ex_sent_of(c, t->s)].s, sb = t->s;
        ex_trim(c->s, &sa, &sb);
        if (t->prec == 2 && !(lone && !third) && !(news && sa == sb))
            continue;
        if (t->prec == 2)
            sc -= 1;
        if (third && !news && !(label & DL_ANN))
            continue;                       /* an article's dateline; its 発表日 is the notice's */
        int head = head_dateline(c, t);
        if (lone) {
            sc += 3;
        } else if (head) {
            sc += 3;     /* "2020年5月6日 お知らせ": the first lines date the page */
        } else if (dated_title(c, t, li)) {
            sc += 3;
        }
        /* 発表日 is the notice's date; 更新日 only when there is no other */
        if (label & DL_PUB)
            sc += 4;
        else if (label & DL_UPD)
            sc += 3;
        else if (ex_label_match(c, "periods", "published", ex_back(c, c->lines[li].s, t->s, 40),
                                t->s, 0, NULL))
            sc += 2;
        /* (令和7年3月5日発表): the notice dates itself */
        if (ex_label_match(c, "periods", "pubafter", t->e, ex_upto(c, t->e, c->lines[li].e, 40),
                           PCRE2_ANCHORED, NULL))
            sc += 4;
        /* next to the signature: a date line of its own, or on the org's
         * line when that is a signature (2023年1月11日 株式会社X), not a
         * sentence that tells what happened that day */
        if (c->org_line != SIZE_MAX &&
            (li > c->org_line ? li - c->org_line : c->org_line - li) <= 3) {
            size_t la = c->lines[li].s, lb = c->lines[li].e;
            int sig = li == c->org_line && lb - la <= 300 && !memmem(c->s + la, lb - la, "。", 3) &&
                      !memmem(c->s + la, lb - la, "、", 3);
            sc += lone || sig ? 4 : 1;
        }
        if (news)
            sc += 6;
        /* (第9報:2024年2月27日更新): an update dates itself by its number */
        if (res->is_update && ex_label_match(c, "incident", "update", ex_back(c, c->lines[li].s, t->s, 30),
                                             t->s, 0, NULL))
            sc += 9;
        /* (a first report's own head, 2022年6月20日 …について(第1報), is
         * no report of another date) */
        size_t si = ex_sent_of(c, t->s);
        if (!(head && !res->is_update) &&
            ex_label_match(c, "periods", "notpub", ex_back(c, c->sents[si].s, t->s, EX_WINDOW),
                           ex_upto(c, t->e, c->sents[si].e, EX_WINDOW), 0, NULL))
            sc -= 4;
        if (sc > best) {
            best = sc;
            pick = t;
        }
    }
    if (pick) {
        c->pub_y = pick->y;
        c->pub_m = pick->m;
        c->pub_d = pick->d;
        ex_date_iso(pick->y, pick->m, pick->d, pick->prec, &res->published);
        res->published_ev.start = pick->s;
        res->published_ev.end = pick->e;
    }
    resolve_relative(c);
    return OW_OK;
}

/* ---- periods and discovery ---------------------------------------------- */

/* A past event cannot be later than the notice.  A year-less date that
 * lands more than a month after it belongs to the year before (a notice of
 * 12 January tells of 28 December); one that lands just after it, or a
 * 昨年/今月 date after it, is no past event (a plan, a misread row): 0, and
 * the caller drops it. */
static int cap_year(const struct ctx *c, struct dtok *t)
{
    if (!c->pub_y || t->explicit_year || !t->y)
        return 1;
    long pk = (long)c->pub_y * 10000 + c->pub_m * 100 + c->pub_d;
    if (key(t) <= pk)
        return 1;
    long days = (long)(t->y - c->pub_y) * 372 + (long)(t->m - c->pub_m) * 31 +
                ((t->prec >= 2 ? t->sortday : 1) - c->pub_d);
    if (t->rel || days <= 31)
        return 0;
    t->y--;
    return 1;
}

/* Can the range be a past period (cap_year on both ends)?  One end that
 * cannot be right (a holiday running on past the notice) says the range
 * is something else: 0. */
static int cap_range(const struct ctx *c, struct drange *r)
{
    return cap_year(c, &r->a) && cap_year(c, &r->b);
}

/* Is [s, e) set in parentheses, an aside to its sentence (前当務日(8月11日
 * から12日)に出場した…)?  Spaces may stand inside them; the ')' comes
 * within 40 bytes.  *paren, when not NULL, spans '(' to past ')'. */
static int aside(struct ctx *c, size_t s, size_t e, struct span *paren)
{
    size_t p = s;
    while (p > 0 && c->s[p - 1] == ' ')
        p--;
    if (p == 0 || c->s[p - 1] != '(')
        return 0;
    const char *q = memchr(c->s + e, ')', ex_upto(c, e, c->n, 40) - e);
    if (q && paren)
        *paren = (struct span){p - 1, (size_t)(q - c->s) + 1};
    return q != NULL;
}

/* A range in brackets that dates the records it stands with: 約10年分
 * (2000年4月から2010年3月)の手術台帳, 申込書綴り(平成20年4月から平成25年3月
 * までの3冊).  Their window is the exposure (periods.tsv records before the
 * bracket, expafter after it). */
static int records_aside(struct ctx *c, const struct drange *r)
{
    struct span pa;
    if (!aside(c, r->s, r->e, &pa))
        return 0;
    return ex_label_match(c, "periods", "records", ex_back(c, 0, pa.s, 40), pa.s, 0, NULL) ||
           ex_label_match(c, "periods", "expafter", pa.e, ex_upto(c, pa.e, c->n, 60), PCRE2_ANCHORED, NULL);
}

/* Is the date that of a document or an announcement rather than of an
 * event (2019年8月13日付の伝票, 6月7日に公表, 令和3年7月公表) — or set in
 * parentheses, an aside to the sentence it stands in? */
static int bound(struct ctx *c, const struct dtok *t)
{
    if (ex_label_match(c, "periods", "bound", t->e, ex_upto(c, t->e, c->n, 40), PCRE2_ANCHORED, NULL))
        return 1;
    if (date_label(c, t) & (DL_PUB | DL_UPD))
        return 1;
    return aside(c, t->s, t->e, NULL);
}

/* A single date that says who the people are, not when anything happened
 * (periods.tsv expafter: 12月21日に手続きをした4180人, 4月5日(水)に入院された
 * 患者様); *who ends after them.  A comma after に (12日に、検診を受けた患者様
 * の…を誤送付) gives the date to the sentence's event instead. */
static int people_after(struct ctx *c, size_t from, size_t to, struct span *who)
{
    return ex_label_match(c, "periods", "expafter", from, to, PCRE2_ANCHORED, who) &&
           !memmem(c->s + from, who->e - from, "に、", 6);
}

/* The first non-blank line among the two after li, or SIZE_MAX. */
static size_t next_line(const struct ctx *c, size_t li)
{
    for (size_t nl = li + 1; nl < c->nlines && nl <= li + 2; nl++) {
        size_t xa = c->lines[nl].s, xb = c->lines[nl].e;
        ex_trim(c->s, &xa, &xb);
        if (xa < xb)
            return nl;
    }
    return SIZE_MAX;
}

static void set_period(struct ex_period *p, const struct drange *r)
{
    p->present = 1;
    ex_date_iso(r->a.y, r->a.m, r->a.d, r->a.prec, &p->start);
    ex_date_iso(r->b.y, r->b.m, r->b.d, r->b.prec, &p->end);
    p->ev.start = r->s;
    p->ev.end = r->e;
}

/* A period of one day: the day of a theft, a misdelivery, an attack. */
static void set_day(struct ex_period *p, const struct dtok *t)
{
    struct drange r;
    r.a = r.b = *t;
    r.s = t->s;
    r.e = t->e;
    set_period(p, &r);
}

/* Is the rest of the range's line (outside the range) short: a table cell or
 * a line under a heading, whose context is the neighbouring lines? */
static int lone_range(struct ctx *c, const struct drange *r, size_t li)
{
    size_t other = (r->s - c->lines[li].s) + (c->lines[li].e - r->e);
    return other <= 30;
}

enum { RK_NONE, RK_EXPOSURE, RK_ATTACK };

static int kind_in(struct ctx *c, size_t a, size_t b, const struct drange *r)
{
    a = ex_back(c, a, r->s, EX_WINDOW);
    b = ex_upto(c, r->e, b, EX_WINDOW);
    /* Two ranges in one sentence ("2009年8月から10月にご参加のお客様の情報
     * が、2012年2月3日から7月5日まで閲覧可能な状態"): what follows a range,
     * up to the next date, speaks for it first. */
    size_t near = ex_upto(c, r->e, b, 240);
    size_t nd = ex_date_at(c, r->e);
    if (nd < c->ndates && c->dates[nd].s < near)
        near = c->dates[nd].s;
    /* …分の伝票 / …に登録した顧客: the window of the records or people */
    if (near > r->e && ex_label_match(c, "periods", "expafter", r->e, near, PCRE2_ANCHORED, NULL))
        return RK_EXPOSURE;
    if (near > r->e) {
        if (ex_label_match(c, "periods", "exposure", r->e, near, 0, NULL))
            return RK_EXPOSURE;
        /* "…から…までの期間に、…不正アクセスが行われていた": a bare 期間に
         * yields to an attack verb. */
        if (ex_label_match(c, "periods", "attackact", r->e, near, 0, NULL))
            return RK_ATTACK;
        if (ex_label_match(c, "periods", "expweak", r->e, near, 0, NULL))
            return RK_EXPOSURE;
        if (ex_label_match(c, "periods", "attack", r->e, near, 0, NULL))
            return RK_ATTACK;
    }
    if (ex_label_match(c, "periods", "exposure", a, b, 0, NULL) ||
        ex_label_match(c, "periods", "expweak", a, b, 0, NULL))
        return RK_EXPOSURE;
    if (ex_label_match(c, "periods", "attack", a, b, 0, NULL))
        return RK_ATTACK;
    return RK_NONE;
}

/* What a range is the period of: its own sentence decides; a range that is
 * nearly alone on its line (a table cell, a line under a heading) asks its
 * heading line first, then the line after it. */
static int range_kind(struct ctx *c, const struct drange *r)
{
    size_t li = ex_line_of(c, r->s);
    size_t si = ex_sent_of(c, r->s);
    size_t a = c->sents[si].s, b = c->sents[ex_sent_of(c, r->e ? r->e - 1 : 0)].e;
    int k = kind_in(c, a, b, r);
    if (k != RK_NONE || !lone_range(c, r, li))
        return k;
    if (li > 0 && (k = kind_in(c, c->lines[li - 1].s, c->lines[li].e, r)) != RK_NONE)
        return k;
    if (li + 1 < c->nlines)
        k = kind_in(c, c->lines[li].s, c->lines[li + 1].e, r);
    return k;
}

/* Does the sentence end with a terminator (。 ! ? ) 」), not break off? */
static int ends_sentence(const struct ctx *c, struct span sp)
{
    size_t a = sp.s, b = sp.e;
    ex_trim(c->s, &a, &b);
    if (b == a)
        return 1;
    char last = c->s[b - 1];
    if (last == '!' || last == '?' || last == ')' || last == ':')
        return 1;
    return b - a >= 3 && (!memcmp(c->s + b - 3, "。", 3) || !memcmp(c->s + b - 3, "」", 3));
}

/* How precisely a range is known: the precision of both ends, 0 for an
 * end whose year is unknown. */
static int precision(const struct drange *r)
{
    return (r->a.y ? r->a.prec : 0) + (r->b.y ? r->b.prec : 0);
}

/* Is t the notice's own date (ex_published chose it)?  The span is set
 * only then: a date at the text's first byte is no notice date otherwise. */
static int is_published(const struct ctx *c, const struct extract_result *res, const struct dtok *t)
{
    return c->pub_y && t->s == res->published_ev.start;
}

/* Is t, in a sentence ending at se, a day that is not when anything was
 * learned: the day of the attack itself, or the day a story came out
 * (…ことが21日、学校への取材で分かった)? */
static int not_learned(struct ctx *c, const struct dtok *t, size_t se)
{
    return t->prec == 3 &&
           (ex_label_match(c, "periods", "attackday", t->e, ex_upto(c, t->e, se, EX_WINDOW), PCRE2_ANCHORED,
                           NULL) ||
            ex_label_match(c, "periods", "eventrel", t->e, ex_upto(c, t->e, se, 60), PCRE2_ANCHORED, NULL) ||
            ex_label_match(c, "periods", "newsday", t->e, ex_upto(c, t->e, se, 60), PCRE2_ANCHORED, NULL));
}

ow_err ex_periods(struct ctx *c, struct extract_result *res)
{
    const struct drange *att = NULL, *att_open = NULL, *exp = NULL;
    const struct drange *atts[8];
    size_t natts = 0;
    /* a notice states a few periods; the first 256 ranges are plenty */
    for (size_t i = 0; i < c->nranges && i < 256; i++) {
        const struct drange *r = &c->ranges[i];
        /* an aside, but not the span of the records it names: 「個人台帳」
         * (2024年4-6月分) */
        if (!ex_in_body(c, r->s) || ex_negated(c, r->s))
            continue;
        int k;
        if (records_aside(c, r))
            k = RK_EXPOSURE;
        else if (aside(c, r->s, r->e, NULL) && !(r->e + 4 <= c->n && !memcmp(c->s + r->e, "分)", 4)))
            continue;
        else
            k = range_kind(c, r);
        /* the first of each kind, unless a later one says it more
         * precisely (a summary's 2010年から今年2月, then 2010年6月1日~…) */
        if (k == RK_EXPOSURE) {
            if (!exp || precision(r) > precision(exp))
                exp = r;
        } else if (k == RK_ATTACK) {
            if (!att || precision(r) > precision(att))
                att = r;
            if (natts < sizeof atts / sizeof *atts)
                atts[natts++] = r;
        }
    }
    if (exp) {
        struct drange r = *exp;
        if (cap_range(c, &r))
            set_period(&res->exposure_period, &r);
    }
    /* a window with no end (…頃から、…侵入) yields to a day the text names */
    if (att && !att->b.y)
        att_open = att, att = NULL;
    if (!att) {
        /* A date a table or list labels as the day it happened (発生日時) */
        for (size_t i = 0; i < c->ndates && !res->attack_period.present; i++) {
            struct dtok t = c->dates[i];
            if (t.prec != 3 || (t.in_range && !t.oneday) || !t.y || !ex_in_body(c, t.s) ||
                !(date_label(c, &c->dates[i]) & DL_EVENT) || !cap_year(c, &t))
                continue;
            set_day(&res->attack_period, &t);
        }
        /* A single day the attack itself took place: "11月3日(水)朝に何者か
         * による不正アクセスが行われ" (periods.tsv attackday); a day before
         * a month (2022年10月に受けた攻撃, then the day it began); last, a
         * day an attack was found the same day it happened (attackseen:
         * 11月4日、…不正アクセスが行われたことを確認). */
        for (size_t k = 0; k < 3 * c->ndates && !res->attack_period.present; k++) {
            size_t i = k % c->ndates, pass = k / c->ndates;
            struct dtok t = c->dates[i];
            if (t.prec != (pass == 1 ? 2 : 3) || (t.in_range && !t.oneday) || !t.y ||
                !ex_in_body(c, t.s) || ex_negated(c, t.s) || !ex_mention_ok(c, t.s))
                continue;
            size_t si = ex_sent_of(c, t.s);
            size_t se = ex_upto(c, t.e, c->sents[si].e, EX_WINDOW);
            struct span cue, who;
            int day = ex_label_match(c, "periods", pass == 2 ? "attackseen" : "attackday", t.e, se,
                                     PCRE2_ANCHORED, &cue);
            /* …患者様の…を紛失する事案が発生: the event comes after the people */
            if ((day && people_after(c, t.e, se, &who) && who.e < cue.e) || (!day && pass == 2))
                continue;
            if (!day &&
                !(ex_label_match(c, "periods", "attackbefore", ex_back(c, c->sents[si].s, t.s, 40),
                                 t.s, 0, NULL) &&
                  ex_label_match(c, "periods", "cleftend", t.e, ex_upto(c, t.e, c->sents[si].e, 30),
                                 PCRE2_ANCHORED, NULL))) {
                /* a timeline row: the date alone, the attack on the line below */
                size_t nl = next_line(c, ex_line_of(c, t.s));
                if (nl == SIZE_MAX || !ex_tok_is_lone(c, &c->dates[i]))
                    continue;
                size_t ns = c->lines[nl].s;
                if (!ex_label_match(c, "periods", "attackday", ns,
                                    ex_upto(c, ns, c->sents[ex_sent_of(c, ns)].e, EX_WINDOW),
                                    PCRE2_ANCHORED, NULL))
                    continue;
            }
            if (bound(c, &c->dates[i]) || announced(c, &c->dates[i]) || dates_page(c, &c->dates[i]) ||
                !cap_year(c, &t))
                continue;
            set_day(&res->attack_period, &t);
            break;
        }
    }
    if (!att && !res->attack_period.present)
        att = att_open;
    if (att) {
        struct drange r = *att;
        /* 7月2日~4日にあったほか、6月25日~27日にも: the attack spans every
         * window the text gives as precisely */
        for (size_t i = 0; i < natts && r.b.y; i++) {
            struct drange x = *atts[i];
            if (precision(&x) != precision(&r) || !cap_range(c, &x))
                continue;
            if (key(&x.a) < key(&r.a))
                r.a = x.a;
            if (key(&x.b) > key(&r.b))
                r.b = x.b;
        }
        if (cap_range(c, &r))
            set_period(&res->attack_period, &r);
    }
    if (!att && !res->attack_period.present) {
        /* No attacker (a mail sent to the wrong people, a bag lost): the day
         * of the event is the attack period. */
        int noattacker = 0;
        for (size_t i = 0; i < res->nmethods; i++)
            if (!strcmp(res->methods[i].value, "misdelivery") ||
                !strcmp(res->methods[i].value, "loss_or_theft") ||
                !strcmp(res->methods[i].value, "insider"))
                noattacker = 1;
        /* pass 0: the event is in the date's sentence; pass 1: a timeline row */
        for (size_t k = 0; noattacker && k < 2 * c->ndates && !res->attack_period.present; k++) {
            size_t i = k % c->ndates, pass = k / c->ndates;
            struct dtok t = c->dates[i];
            /* a month only where its sentence tells the event (教諭が2012年
             * 4月、…を紛失していた), not as a timeline row */
            if (t.prec < 2 || (t.prec == 2 && pass == 1) || (t.in_range && !t.oneday) || !t.y ||
                !ex_in_body(c, t.s))
                continue;
            size_t si = ex_sent_of(c, t.s);
            if (ex_negated(c, t.s) || announced(c, &c->dates[i]) || dates_page(c, &c->dates[i]) ||
                head_dateline(c, &c->dates[i]))
                continue;
            size_t ee = ex_upto(c, t.e, c->sents[si].e, EX_WINDOW);
            /* 9日、紛失に気付いた: the day it was noticed, not the day lost */
            struct span ev;
            int here = ex_label_match(c, "periods", "event", t.e, ee, 0, &ev) &&
                       !ex_label_match(c, "periods", "noteventpre", ex_back(c, t.e, ev.s, 36), ev.s,
                                       0, NULL) &&
                       !ex_label_match(c, "periods", "noteventpost", ev.e, ex_upto(c, ev.e, ee, 12),
                                       PCRE2_ANCHORED, NULL);
            if (here && !ex_label_match(c, "periods", "eventrel", t.e, ex_upto(c, t.e, ee, 60),
                                        PCRE2_ANCHORED, NULL)) {
                /* …紛失したことが判明 (this day), not …置き忘れ、翌28日に気付き;
                 * but 6月13日に発送した通知書が…判明: the mailing's day */
                size_t we = ex_upto(c, ev.e, ee, 120), nd = ex_date_at(c, ev.e);
                if (nd < c->ndates && c->dates[nd].s < we)
                    we = c->dates[nd].s;
                here = !ex_label_match(c, "periods", "discovered", ev.e, we, 0, NULL);
            }
            if (pass == 0 && !here)
                continue;
            /* 12月21日と27日に手続きをした4180人: the people's days, no event */
            size_t xe = t.e;
            if (ex_label_match(c, "periods", "andday", t.e, ex_upto(c, t.e, ee, 40), PCRE2_ANCHORED, &ev))
                xe = ev.e;
            if (people_after(c, xe, ee, &ev) || bound(c, &c->dates[i]))
                continue;
            /* the notice's own date (更新日:…, the dateline of the sentence
             * that announces) is no event */
            if (c->pub_y && t.y == c->pub_y && t.m == c->pub_m && t.d == c->pub_d &&
                (pass == 1 || si == ex_sent_of(c, res->published_ev.start)))
                continue;
            if (pass == 1) {
                /* a timeline row: the date (and a time) heads a short line,
                 * the event is on the line below */
                size_t li = ex_line_of(c, t.s), nl = next_line(c, li);
                size_t ra = t.e, rb = c->lines[li].e;
                PCRE2_SIZE *ov;
                ex_trim(c->s, &ra, &rb);
                if (nl == SIZE_MAX || rb - ra > 40 ||
                    memmem(c->s + ra, rb - ra, "。", 3) ||
                    !ex_bi_match(c, BI_LONEPRE, c->lines[li].s, t.s, PCRE2_ANCHORED, &ov))
                    continue;
                size_t ns = c->lines[nl].s;
                /* the row's line, not its first sentence: 「…という。」 may
                 * close a parenthesis mid-line */
                if (!ex_label_match(c, "periods", "event", ns,
                                    ex_upto(c, ns, c->lines[nl].e, EX_WINDOW), 0, NULL))
                    continue;
            }
            if (bound(c, &c->dates[i]) || !cap_year(c, &t))
                continue;
            set_day(&res->attack_period, &t);
        }
    }

    /* A file left open: the window opens the day it went up (periods.tsv
     * openday, 2025年3月25日に掲載されたファイル); when it closed is told
     * apart, if at all. */
    int misconf = 0;
    for (size_t i = 0; i < res->nmethods; i++)
        misconf |= !strcmp(res->methods[i].value, "misconfiguration");
    for (size_t i = 0; misconf && i < c->ndates && !res->attack_period.present; i++) {
        struct dtok t = c->dates[i];
        if (t.prec < 2 || t.in_range || !t.y || !ex_mention_ok(c, t.s) ||
            announced(c, &c->dates[i]) || dates_page(c, &c->dates[i]) ||
            !ex_label_match(c, "periods", "openday", t.e,
                            ex_upto(c, t.e, c->sents[ex_sent_of(c, t.s)].e, 200), PCRE2_ANCHORED, NULL) ||
            !cap_year(c, &t))
            continue;
        struct drange r;
        memset(&r, 0, sizeof r);
        r.a = t;
        r.s = t.s;
        r.e = t.e;
        set_period(&res->attack_period, &r);
    }

    /* Discovery: the earliest date of a sentence that says the organization
     * learned of it; a timeline row (a date alone on its line) lends its date
     * to the next line, and a cue sentence without a date borrows the last
     * date of the sentence before it on the same line. */
    const struct dtok *best = NULL;
    struct dtok bt;
    memset(&bt, 0, sizeof bt);
    for (size_t si = 0; si < c->nsents; si++) {
        size_t ss = c->sents[si].s, se = c->sents[si].e;
        if (!ex_in_body(c, ss) || (c->sflag[si] & SF_NEG))
            continue;
        struct span w;
        if (!ex_label_match(c, "periods", "discovered", ss, se, 0, &w))
            continue;
        se = ex_upto(c, ss, se, EX_WINDOW);
        /* the date nearest before the cue (…置き忘れ、翌28日に紛失に気付き), else
         * the first one after it */
        const struct dtok *cand = NULL;
        for (size_t i = ex_date_at(c, ss); i < c->ndates; i++) {
            const struct dtok *t = &c->dates[i];
            if (t->s >= se || (cand && t->s >= w.s))
                break;
            if (not_learned(c, t, se))
                continue;
            if ((!t->in_range || t->oneday) && t->prec >= 2 && t->y && t->m && !bound(c, t) &&
                !is_published(c, res, t) &&
                (t->oneday ||
                 !ex_label_match(c, "periods", "boundary", t->e, ex_upto(c, t->e, se, 40), PCRE2_ANCHORED, NULL)))
                cand = t;
        }
        size_t li = c->sline[si];
        if (!cand && li > 0 && ss == c->lines[li].s) {
            /* timeline row: the previous line is a date on its own */
            for (size_t i = ex_date_at(c, c->lines[li - 1].s); i < c->ndates; i++) {
                const struct dtok *t = &c->dates[i];
                if (t->s >= c->lines[li - 1].e)
                    break;
                if (t->prec >= 2 && t->y && t->m && !t->in_range && ex_tok_is_lone(c, t) &&
                    !is_published(c, res, t) && !head_dateline(c, t)) {
                    cand = t;
                    break;
                }
            }
        }
        /* the sentence before, on the same line or on a line that breaks off
         * mid-sentence (<br>-broken text) */
        if (!cand && si > 0 &&
            (c->sline[si - 1] == li ||
             (c->sline[si - 1] + 1 == li && !ends_sentence(c, c->sents[si - 1])))) {
            for (size_t i = ex_date_at(c, c->sents[si - 1].s); i < c->ndates; i++) {
                const struct dtok *t = &c->dates[i];
                if (t->s >= c->sents[si - 1].e)
                    break;
                /* …7月1日に…誤って送付。…連絡で判明した: the day of the
                 * event before is not the day it was learned of */
                if (t->prec >= 2 && t->y && t->m && !t->in_range && !bound(c, t) &&
                    !is_published(c, res, t) && !head_dateline(c, t) &&
                    !not_learned(c, t, c->sents[si - 1].e) &&
                    !ex_label_match(c, "periods", "event", t->e, c->sents[si - 1].e, 0, NULL) &&
                    !ex_label_match(c, "periods", "boundary", t->e,
                                    ex_upto(c, t->e, c->sents[si - 1].e, 40), PCRE2_ANCHORED, NULL)) {
                    cand = t;
                    break;
                }
            }
        }
        if (!cand)
            continue;
        struct dtok t = *cand;
        if (!cap_year(c, &t))
            continue;
        if (!best || key(&t) < key(&bt)) {
            best = cand;
            bt = t;
        }
    }
    /* a date a table or list labels as the day it was learned of: it
     * outranks what the prose seems to say */
    int labelled = 0;
    for (size_t i = 0; i < c->ndates; i++) {
        const struct dtok *t = &c->dates[i];
        if (t->prec < 2 || !t->y || !t->m || (t->in_range && !t->oneday) || (t->same && t->same != 5) ||
            !ex_in_body(c, t->s) || !(date_label(c, t) & DL_DISC))
            continue;
        struct dtok x = *t;
        if (cap_year(c, &x) && (!labelled || key(&x) < key(&bt))) {
            labelled = 1;
            best = t;
            bt = x;
        }
    }
    if (best) {
        ex_date_iso(bt.y, bt.m, bt.d, bt.prec, &res->discovered);
        res->discovered_ev.start = best->s;
        res->discovered_ev.end = best->e;
    }
    return OW_OK;
}

/* ---- timeline ----------------------------------------------------------- */



ow_err ex_timeline(struct ctx *c, struct extract_result *res)
{
    size_t cap = 0;
    PCRE2_SIZE *ov;
    for (size_t i = 0; i < c->ndates && res->ntimeline < 64; i++) {
        const struct dtok *t = &c->dates[i];
        if (t->prec < 2 || !t->y || !ex_in_body(c, t->s))
            continue;
        size_t li = ex_line_of(c, t->s);
        if (!ex_bi_match(c, BI_LONEPRE, c->lines[li].s, t->s, PCRE2_ANCHORED, &ov))
            continue;
        /* the event: the rest of the line, or the next line for a lone date */
        if (t->same)
            continue;
        size_t from = t->e;
        if (t->in_range) {
            size_t lo = 0, hi = c->nranges;      /* ranges are in text order */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (c->ranges[mid].s < t->s)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo == c->nranges || c->ranges[lo].s != t->s)
                continue;                        /* the end of a range */
            from = c->ranges[lo].e;
        }
        size_t a = from, b = ex_upto(c, from, c->lines[li].e, EX_WINDOW);
        if (ex_bi_match(c, BI_LONESUF, from, b, PCRE2_ANCHORED, &ov) && ov[1] == b) {
            struct ex_date td;
            ex_date_iso(t->y, t->m, t->d, t->prec, &td);
            if (li + 1 >= c->nlines || !strcmp(res->published.iso, td.iso))
                continue;     /* the notice's own date line */
            a = c->lines[li + 1].s;
            b = ex_upto(c, a, c->lines[li + 1].e, EX_WINDOW);
        } else {
            if (a < b && c->s[a] == '(') {       /* a weekday: (水) */
                const char *q = memchr(c->s + a, ')', b - a < 16 ? b - a : 16);
                if (q)
                    a = (size_t)(q - c->s) + 1;
            }
            for (;;) {
                if (a < b && (c->s[a] == ' ' || c->s[a] == ':' || c->s[a] == ')'))
                    a++;
                else if (a + 3 <= b && !memcmp(c->s + a, "、", 3))
                    a += 3;
                else
                    break;
            }
        }
        ex_trim(c->s, &a, &b);
        if (a >= b)
            continue;
        if (res->ntimeline == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct ex_event *v = realloc(res->timeline, nc * sizeof *v);
            if (!v)
                return OW_NOMEM;
            res->timeline = v;
            cap = nc;
        }
        struct ex_event *ev = &res->timeline[res->ntimeline];
        memset(ev, 0, sizeof *ev);
        ex_date_iso(t->y, t->m, t->d, t->prec, &ev->date);
        ev->text = ex_strndup(c->s + a, b - a);
        if (!ev->text)
            return OW_NOMEM;
        ev->ev.start = t->s;
        ev->ev.end = b;
        res->ntimeline++;
        if (from != t->e)
            while (i + 1 < c->ndates && c->dates[i + 1].s < from)
                i++;
    }
    return OW_OK;
}
