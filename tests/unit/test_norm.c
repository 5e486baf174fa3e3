/* tests/unit/test_norm.c — norm_text: the offset map, era edges, size and
 * malformed input.  The plain input → output cases live in
 * tests/normalize.test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "normalize/norm.h"
#include "normalize/pass.h"

static char *norm(const char *in)
{
    struct norm_text t;
    struct ow_diag d = {0};
    ow_err e = norm_text(in, strlen(in), &t, &d);
    assert_int_equal(e, OW_OK);
    char *s = strdup(t.s);
    assert_non_null(s);
    norm_text_free(&t);
    return s;
}

#define assert_norm(in, want)                  \
    do {                                       \
        char *got_ = norm(in);                 \
        assert_string_equal(got_, want);       \
        free(got_);                            \
    } while (0)

/* Every map property the header promises, on one text. */
static void check_map(const char *in, size_t inlen, const struct norm_text *t)
{
    assert_int_equal(t->map[t->len], inlen);
    assert_int_equal(t->s[t->len], '\0');
    for (size_t i = 0; i < t->len; i++) {
        assert_true(t->map[i] < inlen);
        assert_true(t->map[i] <= t->map[i + 1]);
        /* a map value is the start of an input character */
        assert_true(((unsigned char)in[t->map[i]] & 0xc0) != 0x80);
    }
}

static void test_map_properties(void **state)
{
    (void)state;
    const char *in = "①令和六年五月十日、１，２００名〜約4万件\n"
                     "H23.5.14に二〇二四年ｶｰﾄﾞ㈱か\xe3\x82\x99";
    struct norm_text t;
    assert_int_equal(norm_text(in, strlen(in), &t, NULL), OW_OK);
    check_map(in, strlen(in), &t);
    assert_string_equal(t.s, "(1)2024年5月10日、1200名~約40000件\n"
                             "2011年5月14日に2024年カード(株)が");
    norm_text_free(&t);
}

static void span_of(const char *in, const char *needle, const char *want_in)
{
    struct norm_text t;
    assert_int_equal(norm_text(in, strlen(in), &t, NULL), OW_OK);
    const char *p = strstr(t.s, needle);
    assert_non_null(p);
    size_t s = (size_t)(p - t.s), is, ie;
    norm_span_to_input(&t, s, s + strlen(needle), &is, &ie);
    assert_int_equal(ie - is, strlen(want_in));
    assert_memory_equal(in + is, want_in, strlen(want_in));
    norm_text_free(&t);
}

static void test_span(void **state)
{
    (void)state;
    span_of("①二百六十三件", "263件", "二百六十三件");
    span_of("①二百六十三件", "(1)", "①");
    span_of("①二百六十三件", "26", "二百六十三");       /* part of a token: the whole token */
    span_of("被害は平成23年5月に", "2011", "平成23");
    span_of("被害は平成23年5月に", "2011年", "平成23年");
    span_of("被害は平成23年5月に", "5月", "5月");
    span_of("期間はH23.5.14まで", "2011年5月14日", "H23.5.14");
    span_of("計１，８４２件", "1842件", "１，８４２件");
    span_of("ｶﾞｲﾄﾞ", "ガ", "ｶﾞ");                     /* an NFKC chunk of two */
    span_of("2019年〜2021年", "~", "〜");

    struct norm_text t;
    assert_int_equal(norm_text("abc", 3, &t, NULL), OW_OK);
    size_t is, ie;
    norm_span_to_input(&t, 1, 1, &is, &ie);      /* empty span */
    assert_int_equal(is, 1);
    assert_int_equal(ie, 1);
    norm_span_to_input(&t, 2, 99, &is, &ie);     /* clamped */
    assert_int_equal(is, 2);
    assert_int_equal(ie, 3);
    norm_text_free(&t);
}

static void test_era_edges(void **state)
{
    (void)state;
    assert_norm("昭和64年1月7日", "1989年1月7日");
    assert_norm("平成元年1月8日", "1989年1月8日");
    assert_norm("令和元年", "2019年");
    assert_norm("平成31年4月30日、令和元年5月1日", "2019年4月30日、2019年5月1日");
    assert_norm("平成32年3月まで", "2020年3月まで");     /* written before the era changed */
    assert_norm("令和元年度", "2019年度");
    assert_norm("平成１２３年", "平成123年");           /* three digits: not an era year */
    assert_norm("平成0年", "平成0年");
    assert_norm("R元.5.1", "2019年5月1日");
    assert_norm("R5.3.1.2", "R5.3.1.2");               /* a version number */
    assert_norm("R5.3", "R5.3");
    assert_norm("X-R5/3/1", "X-2023年3月1日");
    assert_norm("平成", "平成");
    assert_norm("令和", "令和");
}

static void test_newlines_and_space(void **state)
{
    (void)state;
    assert_norm("一行目\n二〇二四年\n\n三行目　終わり\n", "一行目\n2024年\n\n三行目 終わり\n");
    assert_norm("", "");
}

static void test_combining_across_window(void **state)
{
    (void)state;
    /* NFKC works in windows of 64 KiB cut at normalization boundaries: a
     * combining mark just past a window edge must still join its base. */
    for (size_t edge = 65534; edge <= 65537; edge++) {
        size_t n = edge + 2;
        char *in = malloc(n + 1);
        assert_non_null(in);
        memset(in, 'e', edge);
        memcpy(in + edge, "\xcc\x81", 2);      /* U+0301 COMBINING ACUTE */
        in[n] = 0;
        struct norm_text t;
        assert_int_equal(norm_text(in, n, &t, NULL), OW_OK);
        check_map(in, n, &t);
        assert_int_equal(t.len, edge - 1 + 2);  /* 'e'×(edge-1) + é (2 bytes) */
        assert_memory_equal(t.s + edge - 1, "\xc3\xa9", 2);
        assert_int_equal(t.map[edge - 1], edge - 1);
        free(in);
        norm_text_free(&t);
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *bad[] = {
        "abc\xff", "\xe3\x81", "\xc0\xaf", "\xed\xa0\x80", "ok\x80ok", "\xf4\x90\x80\x80",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct norm_text t;
        struct ow_diag d = {0};
        assert_int_equal(norm_text(bad[i], strlen(bad[i]), &t, &d), OW_DECODE);
        assert_null(t.s);
        assert_null(t.map);
        assert_true(d.msg[0] != '\0');
        norm_text_free(&t);     /* safe on a failed result */
    }
}

/* numerals.tsv: its labels, and what the loader refuses */
static void test_numerals_file(void **state)
{
    (void)state;
    struct norm_numerals l;
    struct ow_diag d = {0};
    const char ok[] = "# a comment\ncounter\t件\ncounter\tか月\nnotnumber\t一時\n";
    assert_int_equal(norm_numerals_read(ok, strlen(ok), "t.tsv", &l, &d), OW_OK);
    assert_int_equal(l.ncounter, 2);
    assert_int_equal(l.nnotnumber, 1);
    assert_string_equal(l.counter[1], "か月");
    const char bad[] = "counter\t件\ncountr\t名\n";
    assert_int_equal(norm_numerals_read(bad, strlen(bad), "t.tsv", &l, &d), OW_DATA);
    assert_non_null(strstr(d.msg, "t.tsv:2: unknown label \"countr\""));
    const char notab[] = "counter 件\n";
    assert_int_equal(norm_numerals_read(notab, strlen(notab), "t.tsv", &l, &d), OW_DATA);
}

static void test_kanji_number(void **state)
{
    (void)state;
    long long v = -1;
    assert_true(norm_kanji_number("二百六十三", strlen("二百六十三"), &v));
    assert_int_equal(v, 263);
    assert_true(norm_kanji_number("一万二千三百四十五", strlen("一万二千三百四十五"), &v));
    assert_int_equal(v, 12345);
    assert_true(norm_kanji_number("二〇二四", strlen("二〇二四"), &v));
    assert_int_equal(v, 2024);
    assert_true(norm_kanji_number("1.5万", strlen("1.5万"), &v));
    assert_int_equal(v, 15000);
    assert_true(norm_kanji_number("3億5千万", strlen("3億5千万"), &v));
    assert_int_equal(v, 350000000);
    assert_true(norm_kanji_number("十", strlen("十"), &v));
    assert_int_equal(v, 10);
    assert_false(norm_kanji_number("二六十", strlen("二六十"), &v));
    assert_false(norm_kanji_number("万", strlen("万"), &v));
    assert_false(norm_kanji_number("1万12345", strlen("1万12345"), &v));
    assert_false(norm_kanji_number("百千", strlen("百千"), &v));
    assert_false(norm_kanji_number("万億", strlen("万億"), &v));
    assert_false(norm_kanji_number("1.25", 4, &v));
    assert_false(norm_kanji_number("1.23456万", strlen("1.23456万"), &v));
    assert_false(norm_kanji_number("二百件", strlen("二百件"), &v));
    assert_false(norm_kanji_number("", 0, &v));
    assert_false(norm_kanji_number(NULL, 0, &v));
    assert_false(norm_kanji_number("99999999999999999", 17, &v));
}

static void test_20mb(void **state)
{
    (void)state;
    const char *unit = "①不正アクセスにより二百六十三件、約1,842名分の情報（令和元年５月〜"
                       "H23.5.14）が流出した可能性があります。一部の方には一時的に\n";
    size_t ul = strlen(unit), want = (getenv("OW_VALGRIND") ? 1u : 20u) << 20, reps = want / ul + 1;
    char *in = malloc(reps * ul + 1);
    assert_non_null(in);
    for (size_t i = 0; i < reps; i++)
        memcpy(in + i * ul, unit, ul);
    size_t n = reps * ul;
    in[n] = 0;

    struct norm_text t;
    assert_int_equal(norm_text(in, n, &t, NULL), OW_OK);

    const char *out_unit = "(1)不正アクセスにより263件、約1842名分の情報(2019年5月~"
                           "2011年5月14日)が流出した可能性があります。一部の方には一時的に\n";
    size_t ol = strlen(out_unit);
    assert_int_equal(t.len, reps * ol);
    assert_memory_equal(t.s, out_unit, ol);
    assert_memory_equal(t.s + (reps - 1) * ol, out_unit, ol);
    assert_int_equal(t.map[t.len], n);
    for (size_t i = 0; i < t.len; i++)
        if (t.map[i] > t.map[i + 1])
            fail_msg("map decreases at %zu", i);
    norm_text_free(&t);
    free(in);
}

/* Inputs built to find quadratic corners: one huge token, one huge
 * combining sequence, endless commas and era-like prefixes. */
static void test_pathological(void **state)
{
    (void)state;
    static const char *units[] = {
        "一", "\xcc\x81", "1,", "1,234", "H1.", "平成", "1万", "①", "〜", "二十", "9",
    };
    size_t want = 2u << 20;
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        size_t ul = strlen(units[u]), reps = want / ul;
        char *in = malloc(reps * ul + 2);
        assert_non_null(in);
        in[0] = 'a';
        for (size_t i = 0; i < reps; i++)
            memcpy(in + 1 + i * ul, units[u], ul);
        size_t n = 1 + reps * ul;
        in[n] = 0;
        struct norm_text t;
        assert_int_equal(norm_text(in, n, &t, NULL), OW_OK);
        check_map(in, n, &t);
        free(in);
        norm_text_free(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_properties),
        cmocka_unit_test(test_span),
        cmocka_unit_test(test_era_edges),
        cmocka_unit_test(test_newlines_and_space),
        cmocka_unit_test(test_combining_across_window),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_kanji_number),
        cmocka_unit_test(test_numerals_file),
        cmocka_unit_test(test_pathological),
        cmocka_unit_test(test_20mb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
