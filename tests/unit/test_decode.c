/* Unit tests for decode/: charsets, declarations, verification, e-mail.
 * Every byte string is an invented phrase encoded with Python's codecs; the
 * expected UTF-8 is the phrase as written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"

/* 会員様の個人情報流出に関するお詫び (CP932) */
#define CP932_APOLOGY                                                                      \
    "\x89\xef\x88\xf5\x97l\x82\xcc\x8c\xc2\x90l\x8f\xee\x95\xf1\x97\xac\x8fo\x82\xc9\x8a\xd6" \
    "\x82\xb7\x82\xe9\x82\xa8\x98l\x82\xd1"
#define APOLOGY "会員様の個人情報流出に関するお詫び"
/* ①㈱髙～の件 C:\tmp (CP932: NEC and IBM extensions, 0x8160, 0x5C) */
#define CP932_EXT "\x87@\x87\x8a\xee\xe0\x81`\x82\xcc\x8c\x8f C:\x5ctmp"
/* 会員ｶｰﾄﾞ番号の漏えい (EUC-JP, half-width katakana via SS2) */
#define EUC_CARD \
    "\xb2\xf1\xb0\xf7\x8e\xb6\x8e\xb0\x8e\xc4\x8e\xde\xc8\xd6\xb9\xe6\xa4\xce\xcf\xb3\xa4\xa8\xa4\xa4"
/* お知らせ：会員情報の流出について (ISO-2022-JP) */
#define JIS_NOTICE "\x1b$B$*CN$i$;!'2q0w>pJs$NN.=P$K$D$$$F\x1b(B"
/* <p>不正アクセス</p> (UTF-16LE, UTF-16BE) */
#define U16LE_P "<\x00p\x00>\x00\x0dNck\xa2" "0\xaf" "0\xbb" "0\xb9" "0<\x00/\x00p\x00>\x00"
#define U16BE_P "\x00<\x00p\x00>N\x0dkc0\xa2" "0\xaf" "0\xbb" "0\xb9\x00<\x00/\x00p\x00>"

static struct decode_result run(const char *in, size_t len, const char *override,
                                const char *http, ow_err want)
{
    struct decode_hints h = {override, http, 0};
    struct decode_result r;
    struct ow_diag d = {0};
    ow_err e = decode_bytes(in, len, &h, &r, &d);
    if (e != want)
        fail_msg("decode_bytes returned %d (%s), wanted %d", e, d.msg, want);
    if (e != OW_OK) {
        assert_null(r.text);
        assert_true(d.msg[0] != '\0');
    } else {
        assert_non_null(r.text);
        assert_int_equal(strlen(r.text), r.len);   /* no NUL inside */
        assert_false(r.len >= 3 && memcmp(r.text, "\xef\xbb\xbf", 3) == 0);
    }
    return r;
}
#define RUN(lit, ov, http, want) run(lit, sizeof(lit) - 1, ov, http, want)

static void contains(const struct decode_result *r, const char *needle)
{
    if (!strstr(r->text, needle))
        fail_msg("\"%s\" not in \"%s\"", needle, r->text);
}

static void test_empty(void **state)
{
    (void)state;
    struct decode_result r = run("", 0, NULL, NULL, OW_EMPTY);
    decode_result_free(&r);
}

static void test_utf8_meta(void **state)
{
    (void)state;
    struct decode_result r = RUN("<html><head><meta charset=\"utf-8\"></head>"
                                 "<body>不正アクセスのお詫び</body></html>", NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "UTF-8");
    assert_int_equal(r.source, DECODE_SRC_META);
    assert_string_equal(r.declared, "utf-8");
    assert_int_equal(r.fallback, 0);
    assert_int_equal(r.invalid, 0);
    assert_int_equal(r.is_mail, 0);
    contains(&r, "<body>不正アクセスのお詫び</body>");
    decode_result_free(&r);
}

static void test_utf8_bom(void **state)
{
    (void)state;
    struct decode_result r = RUN("\xef\xbb\xbf不正アクセス", NULL, NULL, OW_OK);
    assert_string_equal(r.text, "不正アクセス");
    assert_string_equal(r.charset, "UTF-8");
    assert_int_equal(r.source, DECODE_SRC_BOM);
    decode_result_free(&r);
}

static void test_utf8_undeclared(void **state)
{
    (void)state;
    struct decode_result r = RUN("流出件数は約三百件です。", NULL, NULL, OW_OK);
    assert_string_equal(r.text, "流出件数は約三百件です。");
    assert_string_equal(r.charset, "UTF-8");
    assert_int_equal(r.source, DECODE_SRC_DETECTOR);
    decode_result_free(&r);
    r = RUN("plain ascii only", NULL, NULL, OW_OK);
    assert_int_equal(r.source, DECODE_SRC_DEFAULT);
    assert_string_equal(r.charset, "UTF-8");
    decode_result_free(&r);
}

static void test_cp932_extensions(void **state)
{
    (void)state;
    struct decode_result r =
        RUN("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">"
            "<p>" CP932_EXT "</p>", NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "windows-31j");
    assert_int_equal(r.source, DECODE_SRC_META);
    assert_string_equal(r.declared, "Shift_JIS");
    assert_int_equal(r.invalid, 0);
    /* ① U+2460, ㈱ U+3231, 髙 U+9AD9, ～ U+FF5E, and a backslash (not ¥) */
    contains(&r, "<p>①㈱髙～の件 C:\\tmp</p>");
    decode_result_free(&r);
}

static void test_sjis_labels(void **state)
{
    (void)state;
    static const char *const labs[] = {"shift_jis", "sjis", "x-sjis", "ms_kanji", "windows-31j",
                                        "cp932", "csshiftjis", "shift-jis", "SHIFT_JIS"};
    for (size_t i = 0; i < sizeof labs / sizeof labs[0]; i++) {
        struct decode_result r = run(CP932_EXT, sizeof CP932_EXT - 1, labs[i], NULL, OW_OK);
        assert_string_equal(r.charset, "windows-31j");
        assert_string_equal(r.text, "①㈱髙～の件 C:\\tmp");
        decode_result_free(&r);
    }
}

static void test_cp932_detected(void **state)
{
    (void)state;
    struct decode_result r = RUN(CP932_APOLOGY "\n", NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "windows-31j");
    assert_int_equal(r.source, DECODE_SRC_DETECTOR);
    assert_string_equal(r.text, APOLOGY "\n");
    decode_result_free(&r);
}

static void test_eucjp_halfwidth(void **state)
{
    (void)state;
    /* upper-case, unquoted http-equiv, x- label */
    struct decode_result r =
        RUN("<META HTTP-EQUIV=Content-Type CONTENT=\"text/html; charset=x-euc-jp\">" EUC_CARD,
            NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "EUC-JP");
    assert_int_equal(r.source, DECODE_SRC_META);
    assert_int_equal(r.invalid, 0);
    contains(&r, ">会員ｶｰﾄﾞ番号の漏えい");
    decode_result_free(&r);
    r = RUN(EUC_CARD EUC_CARD "\n", NULL, NULL, OW_OK);   /* undeclared */
    assert_string_equal(r.charset, "EUC-JP");
    assert_string_equal(r.text, "会員ｶｰﾄﾞ番号の漏えい会員ｶｰﾄﾞ番号の漏えい\n");
    decode_result_free(&r);
}

static void test_iso2022jp(void **state)
{
    (void)state;
    struct decode_result r = RUN(JIS_NOTICE "\n", NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "ISO-2022-JP");
    assert_int_equal(r.source, DECODE_SRC_DETECTOR);
    assert_string_equal(r.text, "お知らせ：会員情報の流出について\n");
    decode_result_free(&r);
    /* declared UTF-8 (all 7-bit, so "valid") but the escapes say otherwise */
    r = RUN("<meta charset=utf-8>" JIS_NOTICE, NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "ISO-2022-JP");
    assert_int_equal(r.fallback, 1);
    contains(&r, ">お知らせ：会員情報の流出について");
    decode_result_free(&r);
    /* an unassigned JIS X 0208 pair (row 9) in the run: still ISO-2022-JP
     * (every other reading is the escapes as ASCII), the pair one U+FFFD,
     * whether nothing, UTF-8 or ISO-2022-JP itself was declared */
#define JIS_BAD "\x1b$B$*CN$i$;\x29\x21!'2q0w>pJs\x1b(B"
    const char *const declared[] = {NULL, "utf-8", "iso-2022-jp"};
    for (size_t i = 0; i < 3; i++) {
        r = RUN(JIS_BAD, NULL, declared[i], OW_OK);
        assert_string_equal(r.charset, "ISO-2022-JP");
        assert_true(r.invalid >= 1);
        contains(&r, "お知らせ");
        contains(&r, "：会員情報");
        decode_result_free(&r);
    }
}

static void test_utf16(void **state)
{
    (void)state;
    struct decode_result r = RUN("\xff\xfe" U16LE_P, NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "UTF-16LE");
    assert_int_equal(r.source, DECODE_SRC_BOM);
    assert_string_equal(r.text, "<p>不正アクセス</p>");
    decode_result_free(&r);
    r = RUN(U16BE_P, NULL, NULL, OW_OK);   /* no BOM: found by its zero bytes */
    assert_string_equal(r.charset, "UTF-16BE");
    assert_int_equal(r.source, DECODE_SRC_DETECTOR);
    assert_string_equal(r.text, "<p>不正アクセス</p>");
    decode_result_free(&r);
}

static void test_lying_meta(void **state)
{
    (void)state;
    struct decode_result r = RUN("<html><head><meta charset=\"utf-8\"><title>" CP932_APOLOGY
                                 "</title></head></html>", NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "windows-31j");
    assert_int_equal(r.source, DECODE_SRC_DETECTOR);
    assert_int_equal(r.fallback, 1);
    assert_string_equal(r.declared, "utf-8");
    assert_int_equal(r.invalid, 0);
    contains(&r, "<title>" APOLOGY "</title>");
    decode_result_free(&r);
}

static void test_utf8_stray_byte_kept(void **state)
{
    (void)state;
    /* one bad byte in a UTF-8 page is damage, not a wrong declaration, even
     * though these bytes happen to read as clean (mojibake) CP932 */
    struct decode_result r = RUN("<meta charset=\"utf-8\"><p>不正アクセスのお詫び\xb1</p>",
                                 NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "UTF-8");
    assert_int_equal(r.source, DECODE_SRC_META);
    assert_int_equal(r.fallback, 0);
    assert_int_equal(r.invalid, 1);
    contains(&r, "<p>不正アクセスのお詫び\xef\xbf\xbd</p>");
    decode_result_free(&r);
    r = RUN("お知らせ\xb1です", NULL, NULL, OW_OK);   /* nothing declared */
    assert_string_equal(r.charset, "UTF-8");
    assert_string_equal(r.text, "お知らせ\xef\xbf\xbdです");
    assert_int_equal(r.invalid, 1);
    decode_result_free(&r);
}

static void test_utf8_a_few_stray_bytes(void **state)
{
    (void)state;
    /* Nothing declared, six stray 0xA6 bytes (half-width ｦ in Shift_JIS, a
     * lone continuation byte in UTF-8) among twenty characters: nearly all
     * of the bytes are UTF-8, so UTF-8 with six replacements, not the
     * windows-31j mojibake that makes fewer errors. */
    struct decode_result r = RUN("<html><body><h1>不正\xa6アクセス\xa6に関する\xa6お詫び\xa6</h1>"
                                 "<p>株式会社\xa6テスト\xa6</p></body></html>", NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "UTF-8");
    assert_int_equal(r.invalid, 6);
    assert_string_equal(r.text, "<html><body><h1>不正\xef\xbf\xbdアクセス\xef\xbf\xbdに関する"
                                "\xef\xbf\xbdお詫び\xef\xbf\xbd</h1><p>株式会社\xef\xbf\xbdテスト"
                                "\xef\xbf\xbd</p></body></html>");
    decode_result_free(&r);
}

static void test_http_beats_meta(void **state)
{
    (void)state;
    struct decode_result r =
        RUN("<meta charset=\"euc-jp\">" CP932_APOLOGY, NULL, "shift_jis", OW_OK);
    assert_string_equal(r.charset, "windows-31j");
    assert_int_equal(r.source, DECODE_SRC_HTTP);
    assert_string_equal(r.declared, "shift_jis");
    assert_int_equal(r.fallback, 0);
    contains(&r, APOLOGY);
    decode_result_free(&r);
}

static void test_unknown_declared_label(void **state)
{
    (void)state;
    struct decode_result r = RUN(CP932_APOLOGY, NULL, "x-no-such-charset", OW_OK);
    assert_string_equal(r.charset, "windows-31j");
    assert_int_equal(r.source, DECODE_SRC_DETECTOR);
    assert_int_equal(r.fallback, 1);
    assert_string_equal(r.declared, "x-no-such-charset");
    decode_result_free(&r);
}

static void test_meta_in_comment_ignored(void **state)
{
    (void)state;
    struct decode_result r = RUN("<!-- <meta charset=\"euc-jp\"> -->\n<meta charset='sjis'>"
                                 CP932_APOLOGY, NULL, NULL, OW_OK);
    assert_string_equal(r.declared, "sjis");
    assert_int_equal(r.source, DECODE_SRC_META);
    contains(&r, APOLOGY);
    decode_result_free(&r);
}

static void test_override(void **state)
{
    (void)state;
    struct decode_result r = RUN("<meta charset=\"Shift_JIS\">" EUC_CARD, "EUC-JP", NULL, OW_OK);
    assert_string_equal(r.charset, "EUC-JP");
    assert_int_equal(r.source, DECODE_SRC_OVERRIDE);
    contains(&r, "会員ｶｰﾄﾞ番号の漏えい");
    decode_result_free(&r);
    r = RUN("abc", "no-such-charset-xyz", NULL, OW_CHARSET);
    decode_result_free(&r);
    r = RUN("abc", "", NULL, OW_CHARSET);
    decode_result_free(&r);
}

static void test_invalid_counted(void **state)
{
    (void)state;
    /* a lone 0xFF and a truncated 3-byte sequence: two substitutions */
    struct decode_result r = RUN("a\xff" "b\xe3\x81" "c", "utf-8", NULL, OW_OK);
    assert_string_equal(r.text, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
    assert_int_equal(r.invalid, 2);
    decode_result_free(&r);
}

static void test_nul_bytes(void **state)
{
    (void)state;
    struct decode_result r = RUN("abc\0def", NULL, NULL, OW_OK);
    assert_int_equal(r.len, 9);
    assert_string_equal(r.text, "abc\xef\xbf\xbd" "def");
    assert_int_equal(r.invalid, 1);
    decode_result_free(&r);
}

/* share_input: a page that is valid UTF-8 read as UTF-8 is read in place;
 * any other page is still a copy, and the text is the same either way. */
static void test_share_input(void **state)
{
    (void)state;
    static const char utf8[] = "<p>流出件数は約三百件です。</p>", bom[] = "\xef\xbb\xbf<p>不正アクセス</p>",
                      bad[] = "<p>流出件数は約三百件\xffです。</p>", sjis[] = CP932_APOLOGY "\n";
    struct decode_hints h = {NULL, NULL, 1};
    struct decode_result r;
    struct ow_diag d = {0};
    assert_int_equal(decode_bytes(utf8, sizeof utf8 - 1, &h, &r, &d), OW_OK);
    assert_ptr_equal(r.text, utf8);
    assert_null(r.own);
    assert_int_equal(r.len, sizeof utf8 - 1);
    decode_result_free(&r);
    assert_int_equal(decode_bytes(bom, sizeof bom - 1, &h, &r, &d), OW_OK);
    assert_ptr_equal(r.text, bom + 3);
    assert_int_equal(r.len, sizeof bom - 4);
    decode_result_free(&r);
    /* a substitution or another charset: a text of its own */
    assert_int_equal(decode_bytes(bad, sizeof bad - 1, &h, &r, &d), OW_OK);
    assert_ptr_equal(r.text, r.own);
    assert_string_equal(r.text, "<p>流出件数は約三百件\xef\xbf\xbdです。</p>");
    decode_result_free(&r);
    assert_int_equal(decode_bytes(sjis, sizeof sjis - 1, &h, &r, &d), OW_OK);
    assert_ptr_equal(r.text, r.own);
    assert_string_equal(r.text, APOLOGY "\n");
    decode_result_free(&r);
    /* without it, even a UTF-8 page is copied */
    h.share_input = 0;
    assert_int_equal(decode_bytes(utf8, sizeof utf8 - 1, &h, &r, &d), OW_OK);
    assert_true(r.text != utf8 && r.text == r.own);
    assert_string_equal(r.text, utf8);
    decode_result_free(&r);
}

static void test_binary(void **state)
{
    (void)state;
    struct decode_result r = RUN("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", NULL, NULL, OW_BINARY);
    r = RUN("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", NULL, NULL, OW_BINARY);
    char junk[600];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i % 7 == 0 ? 0x01 : i % 5 == 0 ? 0x00 : 'x' + (int)(i % 3));
    r = run(junk, sizeof junk, NULL, NULL, OW_BINARY);
    (void)r;
}

static void test_mail_iso2022jp(void **state)
{
    (void)state;
    struct decode_result r = RUN(
        "Return-Path: <info@yamada-shoten.example>\r\n"
        "Date: Mon, 1 Jul 2024 09:00:00 +0900\r\n"
        "From: =?ISO-2022-JP?B?GyRCOzNFRD4mRTkbKEI=?= <info@yamada-shoten.example>\r\n"
        "Subject: =?ISO-2022-JP?B?GyRCIVo9RU1XIVsbKEI=?=\r\n"
        " =?ISO-2022-JP?B?GyRCOFw1Uj5wSnNOLj1QGyhC?=\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=\"ISO-2022-JP\"\r\n"
        "Content-Transfer-Encoding: 7bit\r\n"
        "\r\n"
        "\x1b$BJ@<R$N8\x5c" "5RL>Jm$,N.=P$7$^$7$\x3f!#\x1b(B\r\n",
        NULL, NULL, OW_OK);
    assert_int_equal(r.is_mail, 1);
    assert_string_equal(r.text, "Subject: 【重要】顧客情報流出\n"
                                "From: 山田商店 <info@yamada-shoten.example>\n"
                                "Date: Mon, 1 Jul 2024 09:00:00 +0900\n"
                                "\n"
                                "弊社の顧客名簿が流出しました。\n");
    assert_string_equal(r.charset, "ISO-2022-JP");
    assert_int_equal(r.source, DECODE_SRC_MAIL);
    assert_string_equal(r.declared, "ISO-2022-JP");
    assert_int_equal(r.invalid, 0);
    decode_result_free(&r);
}

static void test_mail_multipart_base64(void **state)
{
    (void)state;
    struct decode_result r = RUN(
        "From: shop@example.jp\n"
        "Subject: =?utf-8?Q?=E3=83=91=E3=82=B9=E3=83=AF=E3=83=BC=E3=83=89_?= =?utf-8?B?5ZCN57C/?=\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/alternative;\n"
        "\tboundary=\"==b1==\"\n"
        "\n"
        "preamble\n"
        "--==b1==\n"
        "Content-Type: text/html; charset=utf-8\n"
        "\n"
        "<p>html part</p>\n"
        "--==b1==\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        "5pys5paH44Gn44GZ44CCDQrkuozooYznm67jgIINCg==\n"
        "--==b1==--\n",
        NULL, NULL, OW_OK);
    assert_int_equal(r.is_mail, 1);
    /* no Date header: no Date line; "_" in Q is a space that precedes
     * whitespace between words, which itself is dropped */
    assert_string_equal(r.text, "Subject: パスワード 名簿\n"
                                "From: shop@example.jp\n"
                                "\n"
                                "本文です。\n二行目。\n");
    assert_int_equal(r.body_off, strlen("Subject: パスワード 名簿\nFrom: shop@example.jp\n\n"));
    assert_int_equal(r.body_html, 0);   /* the text/plain part, though the html one comes first */
    assert_string_equal(r.charset, "UTF-8");
    assert_int_equal(r.source, DECODE_SRC_MAIL);
    decode_result_free(&r);
}

/* A message whose only text part is HTML: the body stays HTML, and says so. */
static void test_mail_html_only(void **state)
{
    (void)state;
    struct decode_result r = RUN("Subject: =?utf-8?B?44GK6Kmr44Gz?=\r\n"
                                 "From: info@example.jp\r\n"
                                 "MIME-Version: 1.0\r\n"
                                 "Content-Type: text/html; charset=utf-8\r\n"
                                 "\r\n"
                                 "<html><body><p>\xe6\x9c\xac\xe6\x96\x87</p></body></html>\r\n",
                                 NULL, NULL, OW_OK);
    assert_int_equal(r.is_mail, 1);
    assert_int_equal(r.body_html, 1);
    assert_string_equal(r.text, "Subject: お詫び\nFrom: info@example.jp\n\n<html><body><p>本文</p></body></html>\n");
    assert_int_equal(r.body_off, strlen("Subject: お詫び\nFrom: info@example.jp\n\n"));
    decode_result_free(&r);
}

static void test_mail_qp_cp932(void **state)
{
    (void)state;
    /* quoted-printable CP932 labelled Shift_JIS, with a soft line break */
    struct decode_result r = RUN(
        "Subject: test\n"
        "Date: Tue, 2 Jul 2024 10:00:00 +0900\n"
        "Content-Type: text/plain; charset=Shift_JIS\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        "=87@=8C=DA=8Bq=\n=8F=EE=95=F1\n",
        NULL, NULL, OW_OK);
    assert_string_equal(r.text, "Subject: test\nDate: Tue, 2 Jul 2024 10:00:00 +0900\n\n①顧客情報\n");
    assert_string_equal(r.charset, "windows-31j");
    decode_result_free(&r);
}

static void test_not_mail(void **state)
{
    (void)state;
    /* one header-like line is a plain-text notice, not a message */
    struct decode_result r = RUN("Subject: お詫び\n\n本文\n", NULL, NULL, OW_OK);
    assert_int_equal(r.is_mail, 0);
    assert_string_equal(r.text, "Subject: お詫び\n\n本文\n");
    decode_result_free(&r);
    r = RUN("Hello world\nFrom: a\nDate: b\n\n", NULL, NULL, OW_OK);
    assert_int_equal(r.is_mail, 0);
    decode_result_free(&r);
}

static void test_large_linear(void **state)
{
    (void)state;
    const size_t reps = 120000;   /* about 4 MB of CP932 */
    const char unit[] = CP932_APOLOGY "\n";
    size_t ul = sizeof unit - 1, n = ul * reps;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * ul, unit, ul);
    struct decode_result r = run(big, n, NULL, NULL, OW_OK);
    assert_string_equal(r.charset, "windows-31j");
    assert_int_equal(r.invalid, 0);
    assert_int_equal(r.len, (sizeof APOLOGY - 1 + 1) * reps);
    decode_result_free(&r);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_utf8_meta),
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_utf8_undeclared),
        cmocka_unit_test(test_cp932_extensions),
        cmocka_unit_test(test_sjis_labels),
        cmocka_unit_test(test_cp932_detected),
        cmocka_unit_test(test_eucjp_halfwidth),
        cmocka_unit_test(test_iso2022jp),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_lying_meta),
        cmocka_unit_test(test_utf8_stray_byte_kept),
        cmocka_unit_test(test_http_beats_meta),
        cmocka_unit_test(test_unknown_declared_label),
        cmocka_unit_test(test_meta_in_comment_ignored),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_invalid_counted),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_share_input),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_mail_iso2022jp),
        cmocka_unit_test(test_mail_multipart_base64),
        cmocka_unit_test(test_mail_html_only),
        cmocka_unit_test(test_mail_qp_cp932),
        cmocka_unit_test(test_not_mail),
        cmocka_unit_test(test_utf8_a_few_stray_bytes),
        cmocka_unit_test(test_large_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
