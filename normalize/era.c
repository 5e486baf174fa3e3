/* normalize/era.c — Japanese era years become Gregorian years.
 *
 * Runs after the numeral pass, so "令和五年" has already become "令和5年".
 * Two forms:
 *   - an era name, a year (digits or 元) and 年: "平成23年" → "2011年",
 *     "令和元年" → "2019年" (spaces between the parts are dropped);
 *   - the compact letter form: "H23.5.14", "H.23.5.14", "R05/03/01",
 *     "S64.1.7" → "2011年5月14日"; "R5年度" → "2023年度".  The letter must not
 *     follow an ASCII letter or digit ("SH23.5.1" is a code, not a date) or a
 *     URL character (/ . _ @ = ? & # %), the date must end at a non-digit,
 *     and month and day must be valid.
 * Either year may carry the other in parentheses: "令和5(2023)年" and
 * "2023(令和5)年" both become "2023年".
 * An era name with no year after it ("平成の時代") stays as it is.  ICU's
 * Japanese calendar would parse the long form, but not the compact one, and
 * year = base + N - 1 is all either needs.  The converted text maps to the
 * input offset of the era name (or letter). */
#include <stdio.h>
#include <string.h>

#include "pass.h"

static const struct {
    const char *name;
    char letter;
    int base;           /* Gregorian year of the era's first year */
} eras[] = {
    {"明治", 'M', 1868},
    {"大正", 'T', 1912},
    {"昭和", 'S', 1926},
    {"平成", 'H', 1989},
    {"令和", 'R', 2019},
};
#define NERAS (sizeof eras / sizeof *eras)

#define GAN "\xe5\x85\x83"   /* 元 */
#define NEN "\xe5\xb9\xb4"   /* 年 */

static int isalnum_ascii(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Reads an era year (1-2 digits or 元) at s[*i]; returns it or 0. */
static int era_year(const char *s, size_t n, size_t *i)
{
    size_t j = *i;
    if (n - j >= 3 && memcmp(s + j, GAN, 3) == 0) {
        *i = j + 3;
        return 1;
    }
    int y = 0, nd = 0;
    while (j < n && nt_isdigit((unsigned char)s[j])) {
        if (++nd > 2)
            return 0;
        y = y * 10 + (s[j] - '0');
        j++;
    }
    if (nd == 0 || y == 0)
        return 0;
    *i = j;
    return y;
}

static int small_num(const char *s, size_t n, size_t *i, int maxdigits)
{
    size_t j = *i;
    int v = 0, nd = 0;
    while (j < n && nt_isdigit((unsigned char)s[j])) {
        if (++nd > maxdigits)
            return -1;
        v = v * 10 + (s[j] - '0');
        j++;
    }
    if (nd == 0)
        return -1;
    *i = j;
    return v;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    int k = 0;
    while (i < n && s[i] == ' ' && k++ < 3)
        i++;
    return i;
}

/* "(2023)" at s[i]: a four-digit Gregorian year in parentheses; returns
 * the index after it, or i. */
static size_t paren_year(const char *s, size_t n, size_t i)
{
    if (n - i < 6 || s[i] != '(' || s[i + 5] != ')')
        return i;
    for (size_t k = i + 1; k < i + 5; k++)
        if (!nt_isdigit((unsigned char)s[k]))
            return i;
    return i + 6;
}

/* "平成 23": on a match writes the Gregorian year and sets *end after the
 * era's year. */
static int era_number(const char *s, size_t n, size_t i, int *year, size_t *end)
{
    for (size_t e = 0; e < NERAS; e++) {
        if (n - i < 6 || memcmp(s + i, eras[e].name, 6) != 0)
            continue;
        size_t j = skip_spaces(s, n, i + 6);
        int y = era_year(s, n, &j);
        if (!y)
            return 0;
        *year = eras[e].base + y - 1;
        *end = j;
        return 1;
    }
    return 0;
}

/* "平成 23 年", "令和5(2023)年": on a match writes the Gregorian year, sets
 * *end to the 年. */
static int long_form(const char *s, size_t n, size_t i, int *year, size_t *end)
{
    size_t j;
    if (!era_number(s, n, i, year, &j))
        return 0;
    j = skip_spaces(s, n, paren_year(s, n, j));
    if (n - j < 3 || memcmp(s + j, NEN, 3) != 0)
        return 0;
    *end = j;
    return 1;
}

/* "(令和5)年" at s[i], after a four-digit year: sets *end to the 年. */
static int paren_era(const char *s, size_t n, size_t i, size_t *end)
{
    int y;
    size_t j;
    if (i < 4 || s[i] != '(' || (i > 4 && nt_isdigit((unsigned char)s[i - 5])))
        return 0;
    for (size_t k = i - 4; k < i; k++)
        if (!nt_isdigit((unsigned char)s[k]))
            return 0;
    if (!era_number(s, n, i + 1, &y, &j) || j >= n || s[j] != ')')
        return 0;
    j = skip_spaces(s, n, j + 1);
    if (n - j < 3 || memcmp(s + j, NEN, 3) != 0)
        return 0;
    *end = j;
    return 1;
}

/* "H23.5.14" at s[i]: on a match fills y/m/d (d = 0 for "H23年", where
 * *end is left at the 年) and *end. */
static int compact_form(const char *s, size_t n, size_t i, int *y, int *m, int *d,
                        size_t *end)
{
    char L = (char)(s[i] & ~0x20);
    int base = 0;
    for (size_t e = 0; e < NERAS; e++)
        if (eras[e].letter == L)
            base = eras[e].base;
    /* After a letter or digit it is a code ("SH23.5.1"); after / . _ @ = ?
     * & # % it is part of a URL, a file name or an address. */
    if (!base || (i > 0 && (isalnum_ascii((unsigned char)s[i - 1]) ||
                            strchr("/._@=?&#%", s[i - 1]))))
        return 0;
    size_t j = i + 1;
    if (j < n && s[j] == '.')
        j++;
    int ey = era_year(s, n, &j);
    if (!ey)
        return 0;
    *y = base + ey - 1;
    if (n - j >= 3 && memcmp(s + j, NEN, 3) == 0) {
        *m = *d = 0;
        *end = j;
        return 1;
    }
    if (j >= n || (s[j] != '.' && s[j] != '/'))
        return 0;
    char sep = s[j++];
    int mm = small_num(s, n, &j, 2);
    if (mm < 1 || mm > 12 || j >= n || s[j] != sep)
        return 0;
    j++;
    int dd = small_num(s, n, &j, 2);
    if (dd < 1 || dd > 31)
        return 0;
    if (j < n && nt_isdigit((unsigned char)s[j]))
        return 0;
    if (j + 1 < n && s[j] == sep && nt_isdigit((unsigned char)s[j + 1]))
        return 0;   /* H1.2.3.4: a version number, not a date */
    *m = mm;
    *d = dd;
    *end = j;
    return 1;
}

ow_err norm_pass_era(const struct ntext *in, struct nbuf *out, int *changed)
{
    struct lazy z = {in, out, 0, 0};
    const char *s = in->s;
    size_t n = in->len, i = 0, k;
    char tmp[40];
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        int y, m, d, len = -1;
        size_t end = 0;
        uint32_t c = 0;
        if (b >= 0xe4 && b <= 0xe6)
            c = nt_cp(s, n, i, &k);
        /* 明 大 昭 平 令: the first characters of the era names */
        if ((c == 0x660e || c == 0x5927 || c == 0x662d || c == 0x5e73 || c == 0x4ee4) &&
            long_form(s, n, i, &y, &end)) {
            len = snprintf(tmp, sizeof tmp, "%d", y);
        } else if (b == '(' && paren_era(s, n, i, &end)) {
            len = 0;     /* 2023(令和5)年: the Gregorian year stays */
        } else if (b < 0x80 && compact_form(s, n, i, &y, &m, &d, &end)) {
            if (d)
                len = snprintf(tmp, sizeof tmp, "%d年%d月%d日", y, m, d);
            else
                len = snprintf(tmp, sizeof tmp, "%d", y);
        }
        if (len >= 0) {
            if (lz_replace(&z, i, end, tmp, (size_t)len, nt_map(in, i)))
                return OW_NOMEM;
            i = end;
            continue;
        }
        if (b < 0x80)
            k = 1;
        else
            nt_cp(s, n, i, &k);
        i += k;
    }
    return lz_finish(&z, changed);
}
