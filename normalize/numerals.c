/* normalize/numerals.c — kanji numerals that are numbers become ASCII digits.
 *
 * A token is a maximal run of ASCII digits, kanji digits (〇一二…九), small
 * units (十百千) and large units (万億兆), with '.' allowed between ASCII
 * digits.  A hand-written parser (faster than ICU's spellout parser and it
 * never stops half-way, see pitfalls.md) turns a well-formed token into a
 * value; the context decides whether the token is a number at all:
 *   - digits with units ("1万2千", "12万3456", "1.5万") always are;
 *   - kanji-only tokens are when they hold 万/億 and a digit ("一万二千"),
 *     when a `counter` of numerals.tsv follows ("三件", "五月", "二十六日"), or when a prefix
 *     such as 第/約/計/全/最大/~ precedes and no word continues after;
 *   - never after 数/何/幾 ("数千件"), never the `notnumber` words of
 *     normalize/vocab/numerals.tsv
 *     ("一時", "十分", "五月雨"), never a bare 〇, never a token that starts
 *     with a large unit ("万全", "万が一").
 * The whole converted token maps to the input offset of its first byte. */
#include "norm.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "../core/vocab.h"
#include "pass.h"

#define MAXVAL 10000000000000000LL   /* 1e16: larger values stay as written */

/* Kind of a numeral character. */
enum { K_NONE, K_ASCII, K_DIG, K_SMALL, K_BIG };

static int numeral(uint32_t c, long long *v)
{
    switch (c) {
    case 0x3007: *v = 0; return K_DIG;   /* 〇 */
    case 0x4e00: *v = 1; return K_DIG;   /* 一 */
    case 0x4e8c: *v = 2; return K_DIG;   /* 二 */
    case 0x4e09: *v = 3; return K_DIG;   /* 三 */
    case 0x56db: *v = 4; return K_DIG;   /* 四 */
    case 0x4e94: *v = 5; return K_DIG;   /* 五 */
    case 0x516d: *v = 6; return K_DIG;   /* 六 */
    case 0x4e03: *v = 7; return K_DIG;   /* 七 */
    case 0x516b: *v = 8; return K_DIG;   /* 八 */
    case 0x4e5d: *v = 9; return K_DIG;   /* 九 */
    case 0x5341: *v = 10; return K_SMALL;    /* 十 */
    case 0x767e: *v = 100; return K_SMALL;   /* 百 */
    case 0x5343: *v = 1000; return K_SMALL;  /* 千 */
    case 0x4e07: *v = 10000LL; return K_BIG;            /* 万 */
    case 0x5104: *v = 100000000LL; return K_BIG;        /* 億 */
    case 0x5146: *v = 1000000000000LL; return K_BIG;    /* 兆 */
    default:
        if (c >= '0' && c <= '9') { *v = c - '0'; return K_ASCII; }
        return K_NONE;
    }
}

struct tokinfo {
    int has_ascii, has_dig, has_small, has_big;
    int first;          /* kind of the first character */
    int first_zero;     /* starts with 〇 */
    int has_zero;       /* some 〇 */
    int max_run;        /* longest run of kanji digits */
    size_t nchars;
};

static int mul_ok(long long a, long long b, long long *r)
{
    if (__builtin_mul_overflow(a, b, r) || *r > MAXVAL || *r < 0)
        return 0;
    return 1;
}

/* Parses s[0..n) as one number; 1 and *out on success, 0 when the token is
 * not well-formed (then info is still filled as far as it got). */
static int parse(const char *s, size_t n, long long *out, struct tokinfo *ti)
{
    memset(ti, 0, sizeof *ti);
    long long total = 0, section = 0;
    long long cur = 0, den = 1;   /* pending digit group cur/den */
    int have = 0, cur_kind = 0, run = 0, int_digits = 0;
    long long last_small = 10000, last_big = 0;
    size_t i = 0, k;
    while (i < n) {
        uint32_t c = nt_cp(s, n, i, &k);
        long long v;
        int kind = numeral(c, &v);
        if (ti->nchars == 0)
            ti->first = kind;
        ti->nchars++;
        if (kind == K_ASCII) {
            if (have)
                return 0;
            ti->has_ascii = 1;
            int dots = 0, frac = 0;
            cur = 0;
            den = 1;
            int_digits = 0;
            while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) {
                if (s[i] == '.') {
                    if (++dots > 1)
                        return 0;
                } else {
                    if (dots) {
                        if (++frac > 6)
                            return 0;
                        den *= 10;
                    } else if (++int_digits > 16) {
                        return 0;
                    }
                    cur = cur * 10 + (s[i] - '0');
                }
                i++;
            }
            have = 1;
            cur_kind = K_ASCII;
            continue;
        }
        i += k;
        if (kind == K_DIG) {
            ti->has_dig = 1;
            if (v == 0) {
                ti->has_zero = 1;
                if (ti->nchars == 1)
                    ti->first_zero = 1;
            }
            if (have && cur_kind != K_DIG)
                return 0;
            if (have) {
                if (!mul_ok(cur, 10, &cur))
                    return 0;
                cur += v;
                run++;
            } else {
                cur = v;
                den = 1;
                run = 1;
                have = 1;
                cur_kind = K_DIG;
            }
            if (run > ti->max_run)
                ti->max_run = run;
        } else if (kind == K_SMALL) {
            ti->has_small = 1;
            if (v >= last_small)
                return 0;
            long long m = 1, add;
            if (have) {
                if (cur_kind == K_DIG && run > 1)
                    return 0;       /* 二三百: not a form numbers take */
                if (cur_kind == K_ASCII && int_digits > 1)
                    return 0;       /* 12千 */
                if (cur == 0)
                    return 0;
                m = cur;
            }
            if (!mul_ok(m, v, &add) || add % den)
                return 0;
            section += add / den;
            den = 1;
            have = 0;
            last_small = v;
        } else if (kind == K_BIG) {
            ti->has_big = 1;
            if (last_big && v >= last_big)
                return 0;
            if (have && cur_kind == K_DIG && run > 1)
                return 0;
            if (have && last_small < 10000 && cur >= last_small * den)
                return 0;
            long long num, add;
            /* (section + cur/den) * v, exactly */
            if (!mul_ok(section, den, &num))
                return 0;
            num += have ? cur : 0;
            if (num == 0)
                return 0;   /* 万 with nothing before it */
            if (last_big && num >= 10000 * den)
                return 0;
            if (!mul_ok(num, v, &add) || add % den)
                return 0;
            total += add / den;
            if (total > MAXVAL)
                return 0;
            section = 0;
            den = 1;
            have = 0;
            last_small = 10000;
            last_big = v;
        } else {
            return 0;
        }
    }
    if (ti->nchars == 0)
        return 0;
    if (have) {
        if (den != 1)
            return 0;       /* a bare decimal: not ours to rewrite */
        if (last_small < 10000 && cur >= last_small)
            return 0;       /* 十12 */
        if (cur_kind == K_DIG && run > 1 && (ti->has_small || ti->has_big))
            return 0;       /* 百二三 */
        section += cur;
    }
    if (last_big && section >= 10000)
        return 0;           /* 1万12345 */
    total += section;
    if (total > MAXVAL)
        return 0;
    *out = total;
    return 1;
}

int norm_kanji_number(const char *s, size_t n, long long *out)
{
    struct tokinfo ti;
    long long v;
    if (!s || !parse(s, n, &v, &ti))
        return 0;
    if (out)
        *out = v;
    return 1;
}

/* The counters and the words that are no numbers, from
 * normalize/vocab/numerals.tsv (embedded at build time), read once by
 * whichever thread asks first and only read after. */
#define NUMERALS_PATH "normalize/vocab/numerals.tsv"

static struct norm_numerals lists;
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;
static struct ow_diag lists_diag;   /* code OW_OK once loaded */

ow_err norm_numerals_read(const char *text, size_t len, const char *path, struct norm_numerals *l,
                          struct ow_diag *d)
{
    size_t used = 0;
    struct ow_row row = {0};
    int rc;
    l->ncounter = l->nnotnumber = 0;
    for (const char *p = text, *end = text + len; (rc = ow_tsv_row(&p, end, path, &row, d)) != 0;) {
        if (rc < 0)
            return OW_DATA;
        const char *line = row.label;
        size_t ll = row.llen, wl = row.wlen;
        int lineno = row.lineno;
        int counter = ll == 7 && !memcmp(line, "counter", 7);
        if (!counter && !(ll == 9 && !memcmp(line, "notnumber", 9)))
            return ow_diagf(d, OW_DATA, "%s:%d: unknown label \"%.*s\" (counter or notnumber)", path,
                            lineno, (int)(ll < 40 ? ll : 40), line);
        size_t *n = counter ? &l->ncounter : &l->nnotnumber;
        if (*n >= NORM_NUMERALS_MAX || used + wl + 1 > sizeof l->pool)
            return ow_diagf(d, OW_DATA, "%s:%d: too many words", path, lineno);
        char *w = l->pool + used;
        memcpy(w, row.word, wl);
        w[wl] = '\0';
        used += wl + 1;
        (counter ? l->counter : l->notnumber)[(*n)++] = w;
    }
    return OW_OK;
}

static void load_lists(void)
{
    for (const struct ow_vocab_file *f = ow_vocab; f->name; f++)
        if (!strcmp(f->path, NUMERALS_PATH)) {
            if (norm_numerals_read(f->text, f->len, f->path, &lists, &lists_diag) == OW_OK)
                lists_diag.code = OW_OK;
            return;
        }
    ow_diagf(&lists_diag, OW_DATA, "the numeral word lists (%s) are not built in", NUMERALS_PATH);
}

static size_t counter_at(const char *s, size_t n, size_t i)
{
    for (size_t j = 0; j < lists.ncounter; j++)
        if (ow_starts_with(s + i, n - i, lists.counter[j]))
            return strlen(lists.counter[j]);
    return 0;
}

static int is_wordchar(uint32_t c)
{
    return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
           c == 0x3005 || (c >= 0x30a0 && c <= 0x30ff);
}

/* Should the kanji-only token s[ts..te) become digits? */
static int is_number_here(const char *s, size_t n, size_t ts, size_t te,
                          const struct tokinfo *ti)
{
    uint32_t prev = nt_prev_cp(s, ts);
    size_t k;
    uint32_t next = te < n ? nt_cp(s, n, te, &k) : 0;

    if (prev == 0x6570 || prev == 0x4f55 || prev == 0x5e7e)   /* 数 何 幾 */
        return 0;
    if (next == 0x6570)     /* 十数件, 百数十 */
        return 0;
    if (ti->first == K_BIG || ti->first == K_NONE)
        return 0;
    if (ti->nchars == 1 && ti->has_zero)
        return 0;           /* 〇 alone is a placeholder mark as often as zero */
    if (ti->max_run > 1) {
        /* Positional: 二〇二四.  Two digits without 〇 are a range (二三日 =
         * "two or three days"); a leading 〇 is a placeholder (〇〇様). */
        if (ti->first_zero || (ti->nchars < 3 && !ti->has_zero))
            return 0;
    }
    for (size_t j = 0; j < lists.nnotnumber; j++) {
        if (!ow_starts_with(s + ts, n - ts, lists.notnumber[j]))
            continue;
        const char *w = lists.notnumber[j];
        size_t wl = strlen(w);
        if (!strcmp(w, "十分") || !strcmp(w, "一分")) {
            if (prev == 0x6642)   /* 三時十分: minutes after all */
                continue;
        } else if (!strcmp(w, "一時") && ow_starts_with(s + ts + wl, n - (ts + wl), "間")) {
            continue;             /* 一時間 = one hour */
        }
        return 0;
    }
    if (ti->has_big && ti->has_dig)
        return 1;
    size_t cl = counter_at(s, n, te);
    if (cl) {
        if (ow_starts_with(s + te, n - te, "次") && prev != 0x7b2c)   /* 二次被害 */
            return 0;
        return 1;
    }
    /* 第三に, 約三百の, 計五 — but not 第三者 or 全一致. */
    int prefixed = prev == 0x7b2c || prev == 0x7d04 || prev == 0x8a08 ||   /* 第 約 計 */
                   prev == 0x5168 || prev == 0x7dcf || prev == 0x5ef6 ||   /* 全 総 延 */
                   prev == '~' ||
                   (prev == 0x5927 && ts >= 6 && nt_prev_cp(s, ts - 3) == 0x6700);  /* 最大 */
    if (prefixed && !is_wordchar(next))
        return 1;
    /* 二~三件: the first number of a range. */
    if (next == '~' && te + 1 < n) {
        long long v;
        int kind = numeral(nt_cp(s, n, te + 1, &k), &v);
        if (kind == K_DIG || kind == K_SMALL)
            return 1;
    }
    return 0;
}

ow_err norm_pass_numerals(const struct ntext *in, struct nbuf *out, int *changed)
{
    pthread_once(&lists_once, load_lists);
    if (lists_diag.code != OW_OK)
        return lists_diag.code;
    struct lazy z = {in, out, 0, 0};
    const char *s = in->s;
    size_t n = in->len, i = 0, k;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        long long v;
        int kind;
        if (b < 0x80) {
            kind = nt_isdigit(b) ? K_ASCII : K_NONE;
            k = 1;
        } else {
            kind = numeral(nt_cp(s, n, i, &k), &v);
        }
        if (kind == K_NONE) {
            i += k;
            continue;
        }
        /* Gather the token. */
        size_t ts = i, j = i;
        int kanji = 0;
        while (j < n) {
            uint32_t d = nt_cp(s, n, j, &k);
            int kd = numeral(d, &v);
            if (kd != K_NONE) {
                kanji |= kd != K_ASCII;
                j += k;
            } else if (d == '.' && j > ts && nt_isdigit((unsigned char)s[j - 1]) &&
                       j + 1 < n && nt_isdigit((unsigned char)s[j + 1])) {
                j++;
            } else {
                break;
            }
        }
        struct tokinfo ti;
        int conv = 0;
        if (kanji && parse(s + ts, j - ts, &v, &ti)) {
            if (ti.has_ascii)
                conv = !ti.has_dig && (ti.has_small || ti.has_big);
            else
                conv = is_number_here(s, n, ts, j, &ti);
        }
        if (conv) {
            char tmp[24];
            int m = snprintf(tmp, sizeof tmp, "%lld", v);
            if (lz_replace(&z, ts, j, tmp, (size_t)m, nt_map(in, ts)))
                return OW_NOMEM;
        }
        i = j;
    }
    return lz_finish(&z, changed);
}
