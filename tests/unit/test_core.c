/* Unit tests for core/: the capped buffer, SHA-256, UTF-8 checks, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/util.h"

static void buf_append_and_take(void **state)
{
    (void)state;
    struct ow_buf b;
    ow_buf_init(&b, 0);
    assert_int_equal(ow_buf_adds(&b, "お詫び"), OW_OK);
    assert_int_equal(ow_buf_printf(&b, " %d件", 263), OW_OK);
    size_t len;
    char *s = ow_buf_take(&b, &len);
    assert_string_equal(s, "お詫び 263件");
    assert_int_equal(len, strlen("お詫び 263件"));
    assert_null(b.data);
    free(s);
}

static void buf_cap_refuses_and_keeps(void **state)
{
    (void)state;
    struct ow_buf b;
    ow_buf_init(&b, 5);
    assert_int_equal(ow_buf_adds(&b, "abcd"), OW_OK);
    assert_int_equal(ow_buf_adds(&b, "ef"), OW_TOOBIG);
    assert_int_equal(b.len, 4);
    assert_string_equal(b.data, "abcd");
    assert_int_equal(ow_buf_addc(&b, 'e'), OW_OK);
    assert_int_equal(ow_buf_printf(&b, "%s", "x"), OW_TOOBIG);
    ow_buf_free(&b);
}

static void buf_take_empty_gives_string(void **state)
{
    (void)state;
    struct ow_buf b;
    ow_buf_init(&b, 0);
    char *s = ow_buf_take(&b, NULL);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

static void sha256_known_vectors(void **state)
{
    (void)state;
    char hex[65];
    ow_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ow_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";   /* 56 bytes: padding spills */
    ow_sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void utf8_validity(void **state)
{
    (void)state;
    assert_true(ow_utf8_valid("不正アクセス", strlen("不正アクセス")));
    assert_false(ow_utf8_valid("\xc0\xaf", 2));            /* overlong '/' */
    assert_false(ow_utf8_valid("\xed\xa0\x80", 3));        /* surrogate */
    assert_false(ow_utf8_valid("\xe3\x81", 2));            /* truncated */
    assert_false(ow_utf8_valid("\xf4\x90\x80\x80", 4));    /* past U+10FFFF */
    assert_int_equal(ow_utf8_seqlen((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
    assert_false(ow_utf8_valid("\xe0\x80\xaf", 3));        /* overlong three-byte '/' */
    assert_false(ow_utf8_valid("\xe3\x41\x81", 3));        /* not a continuation byte */
    assert_false(ow_utf8_valid("0123456789abcdef\xff", 17)); /* a bad byte after ASCII words */
    assert_false(ow_utf8_valid("0123456\xe3\x81", 9));     /* truncated across the word */
    assert_true(ow_utf8_valid("\xef\xbf\xbd\xe0\xa0\x80\xed\x9f\xbf", 9)); /* U+FFFD U+0800 U+D7FF */
}

static void errors_have_names_and_messages(void **state)
{
    (void)state;
    assert_string_equal(ow_errname(OW_TOOBIG), "TOOBIG");
    assert_string_equal(ow_strerror(OW_EMPTY), "input is empty");
    assert_int_equal(OW_DECODE, 4);   /* numbers are append-only */
    assert_string_equal(ow_errname(OW_NOLIB), "NOLIB");
    struct ow_diag d;
    /* the code and a library's own code travel with the message... */
    assert_int_equal(ow_diagf_foreign(&d, OW_STORE, OW_FOREIGN_SQLITE, 26, "x: %s", "file is not a database"),
                     OW_STORE);
    assert_string_equal(d.msg, "x: file is not a database");
    assert_int_equal(d.code, OW_STORE);
    assert_int_equal(d.foreign, OW_FOREIGN_SQLITE);
    assert_int_equal(d.foreign_code, 26);
    /* ...and a later ow_diagf leaves no stale foreign code behind */
    assert_int_equal(ow_diagf(&d, OW_HTTP, "HTTP %d", 404), OW_HTTP);
    assert_string_equal(d.msg, "HTTP 404");
    assert_int_equal(d.code, OW_HTTP);
    assert_int_equal(d.foreign, OW_FOREIGN_NONE);
    assert_int_equal(d.foreign_code, 0);
    assert_int_equal(ow_diagf(NULL, OW_IO, "ignored"), OW_IO);
    assert_int_equal(ow_diagf_foreign(NULL, OW_IO, OW_FOREIGN_ICU, 1, "ignored"), OW_IO);
}

static void controls_are_found_and_shown(void **state)
{
    (void)state;
    /* each: bytes, then its length as a control (0: not one) */
    static const struct {
        const char *s;
        size_t len;
        unsigned cp;
    } cases[] = {
        {"\x1b[31m", 1, 0x1b},        {"\t", 1, 0x09},        {"\x7f", 1, 0x7f},
        {"\xc2\x80", 2, 0x80},        {"\xc2\x9b", 2, 0x9b},  {"\xc2\x9d", 2, 0x9d},
        {"\xc2\x9f", 2, 0x9f},        {"\xc2\xa0", 0, 0},     /* NBSP is text */
        {"\xd8\x9c", 2, 0x61c},       {"\xe2\x80\x8e", 3, 0x200e},
        {"\xe2\x80\x8f", 3, 0x200f}, {"\xe2\x80\xaa", 3, 0x202a},
        {"\xe2\x80\xae", 3, 0x202e}, {"\xe2\x80\xaf", 0, 0},     /* U+202F NNBSP */
        {"\xe2\x80\x8b", 0, 0},      /* U+200B ZWSP */
        {"\xe2\x81\xa6", 3, 0x2066}, {"\xe2\x81\xa9", 3, 0x2069},
        {"\xe2\x81\xaa", 0, 0},      {"お", 0, 0},           {"A", 0, 0},
        {"\xc2", 0, 0},                /* cut short */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned cp = 0;
        size_t n = ow_utf8_control((const unsigned char *)cases[i].s, strlen(cases[i].s), &cp);
        assert_int_equal(n, cases[i].len);
        if (n)
            assert_int_equal(cp, cases[i].cp);
    }
    struct ow_buf b;
    ow_buf_init(&b, 0);
    assert_int_equal(ow_visible(&b, "a\tb\xe2\x80\xaeお詫び\xc2\x9b" "31m\x1b]0;x\x07\n", "\t\n"), OW_OK);
    assert_string_equal(b.data, "a\tb<U+202E>お詫び<U+009B>31m<U+001B>]0;x<U+0007>\n");
    ow_buf_free(&b);
    assert_int_equal(ow_visible(&b, "\t", ""), OW_OK);
    assert_string_equal(b.data, "<U+0009>");
    ow_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_append_and_take),
        cmocka_unit_test(buf_cap_refuses_and_keeps),
        cmocka_unit_test(buf_take_empty_gives_string),
        cmocka_unit_test(sha256_known_vectors),
        cmocka_unit_test(utf8_validity),
        cmocka_unit_test(errors_have_names_and_messages),
        cmocka_unit_test(controls_are_found_and_shown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
