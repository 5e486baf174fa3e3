/* tests/api/test_api.c — libowabi as another program would use it: only
 * include/owabi.h, linked against libowabi.so.  The record is read back with
 * jansson here, as any consumer of the JSON text might.  The notices are
 * invented; the expected values are read off them by hand. */
#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "owabi.h"

static const char notice[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
    "<title>不正アクセスによる個人情報漏えいに関するお詫び</title></head><body>"
    "<nav><a href=\"/\">ホーム</a> | <a href=\"/shop\">商品一覧</a></nav>"
    "<main><h1>不正アクセスによる個人情報漏えいに関するお詫び</h1>"
    "<p>2026年3月2日</p><p>株式会社しろくま雑貨店</p>"
    "<p>このたび、当社が運営する通販サイトが第三者による不正アクセスを受け、"
    "お客様のクレジットカード情報1,234件が漏えいした可能性があることが判明いたしました。</p>"
    "<p>お客様には多大なるご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。</p>"
    "</main></body></html>";

/* Shift_JIS bytes of "株式会社こぐま書房" and a line about a misdelivery,
 * as plain text with no declaration of its own. */
static const char sjis_text[] =
    "\x8a\x94\x8e\xae\x89\xef\x8e\xd0\x82\xb1\x82\xae\x82\xdc\x8f\x91\x96\x5b\n"
    "\x8c\xeb\x91\x97\x90\x4d\x82\xc9\x8a\xd6\x82\xb7\x82\xe9\x82\xa8\x98\x6c\x82\xd1\n";

static owabi_engine *eng;

static int setup(void **state)
{
    /* Under valgrind (make check-valgrind) JIT code would show up as false
     * reports; the library itself never reads the environment. */
    owabi_config cfg = {getenv("OWABI_NO_JIT") ? OWABI_NO_JIT : 0};
    return owabi_engine_new(&cfg, &eng, NULL) == OWABI_OK ? 0 : -1;
}

static int teardown(void **state)
{
    owabi_engine_free(eng);
    return 0;
}

static json_t *parse_ok(const void *bytes, size_t n, const owabi_source *src, unsigned flags)
{
    char *json = NULL;
    size_t len = 0;
    owabi_error err;
    assert_int_equal(owabi_parse(eng, bytes, n, src, flags, &json, &len, &err), OWABI_OK);
    assert_int_equal(err.code, OWABI_OK);
    assert_non_null(json);
    assert_int_equal(len, strlen(json));
    json_error_t je;
    json_t *rec = json_loads(json, 0, &je);
    owabi_free(json);
    assert_non_null(rec);
    return rec;
}

static const char *str_at(json_t *rec, const char *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(rec, obj), key));
}

static void version_and_codes(void **state)
{
    assert_string_equal(owabi_version(), OW_VERSION);
    assert_string_equal(owabi_errname(OWABI_NOMEM), "NOMEM");
    assert_string_equal(owabi_errstr(OWABI_EMPTY), "input is empty");
    assert_string_equal(owabi_errname(OWABI_DATA), "DATA");
    assert_string_equal(owabi_errname(9999), "UNKNOWN");
    assert_string_equal(owabi_errstr(-1), "unknown error");
}

static void parses_a_notice(void **state)
{
    owabi_source src = {.id = "shirokuma", .url = "https://shop.example.jp/news/0302.html",
                        .content_type = "text/html; charset=UTF-8", .http_status = 200};
    json_t *rec = parse_ok(notice, sizeof notice - 1, &src, 0);
    assert_true(json_is_true(json_object_get(rec, "is_incident")));
    assert_string_equal(str_at(rec, "organization", "name"), "株式会社しろくま雑貨店");
    assert_string_equal(str_at(rec, "notice", "published"), "2026-03-02");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rec, "affected"), "total")), 1234);
    /* the source facts come back as given, the media type without its parameter */
    assert_string_equal(str_at(rec, "source", "id"), "shirokuma");
    assert_string_equal(str_at(rec, "source", "url"), "https://shop.example.jp/news/0302.html");
    assert_string_equal(str_at(rec, "source", "content_type"), "text/html");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rec, "source"), "http_status")), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rec, "source"), "bytes")),
                     sizeof notice - 1);
    json_decref(rec);
}

static void no_source_is_fine(void **state)
{
    json_t *rec = parse_ok(notice, sizeof notice - 1, NULL, 0);
    assert_true(json_is_null(json_object_get(json_object_get(rec, "source"), "url")));
    assert_string_equal(str_at(rec, "organization", "name"), "株式会社しろくま雑貨店");
    json_decref(rec);
}

static void charset_from_content_type(void **state)
{
    owabi_source src = {.content_type = "text/plain; charset=\"Shift_JIS\""};
    json_t *rec = parse_ok(sjis_text, sizeof sjis_text - 1, &src, 0);
    assert_string_equal(str_at(rec, "source", "charset_source"), "http");
    assert_string_equal(str_at(rec, "organization", "name"), "株式会社こぐま書房");
    json_decref(rec);
}

static void compact_and_indented(void **state)
{
    char *a = NULL, *b = NULL;
    assert_int_equal(owabi_parse(eng, notice, sizeof notice - 1, NULL, 0, &a, NULL, NULL), OWABI_OK);
    assert_int_equal(owabi_parse(eng, notice, sizeof notice - 1, NULL, OWABI_JSON_INDENT, &b, NULL, NULL),
                     OWABI_OK);
    assert_null(strchr(a, '\n'));
    assert_non_null(strstr(b, "\n  \"is_incident\": true"));
    owabi_free(a);
    owabi_free(b);
}

/* The same record with the patterns interpreted as with them JIT-compiled. */
static void no_jit_same_record(void **state)
{
    owabi_config cfg = {OWABI_NO_JIT};
    owabi_engine *slow;
    char *a = NULL, *b = NULL;
    assert_int_equal(owabi_engine_new(&cfg, &slow, NULL), OWABI_OK);
    assert_int_equal(owabi_parse(eng, notice, sizeof notice - 1, NULL, 0, &a, NULL, NULL), OWABI_OK);
    assert_int_equal(owabi_parse(slow, notice, sizeof notice - 1, NULL, 0, &b, NULL, NULL), OWABI_OK);
    assert_string_equal(a, b);
    owabi_free(a);
    owabi_free(b);
    owabi_engine_free(slow);
}

static void errors_say_why(void **state)
{
    char *json = (char *)"untouched";
    size_t len = 7;
    owabi_error err;
    assert_int_equal(owabi_parse(eng, "", 0, NULL, 0, &json, &len, &err), OWABI_EMPTY);
    assert_null(json);
    assert_int_equal(len, 0);
    assert_int_equal(err.code, OWABI_EMPTY);
    assert_string_equal(err.message, "input is empty");

    /* refused on its size before a byte is read */
    assert_int_equal(owabi_parse(eng, notice, OWABI_MAX_INPUT + 1, NULL, 0, &json, NULL, &err), OWABI_TOOBIG);
    assert_null(json);

    owabi_source bin = {.content_type = "application/octet-stream"};
    assert_int_equal(owabi_parse(eng, notice, sizeof notice - 1, &bin, 0, &json, NULL, &err),
                     OWABI_CONTENT_TYPE);
    assert_non_null(strstr(err.message, "application/octet-stream"));

    owabi_source pdf = {.content_type = "application/pdf"};
    assert_int_equal(owabi_parse(eng, notice, sizeof notice - 1, &pdf, 0, &json, NULL, &err), OWABI_PARSE);
    assert_null(json);

    static const char nul_bytes[64];
    assert_int_equal(owabi_parse(eng, nul_bytes, sizeof nul_bytes, NULL, 0, &json, NULL, &err), OWABI_BINARY);
}

/* poppler-glib is opened on the first PDF; when it cannot be, that PDF
 * fails with its own code, not as a damaged document.  (The file name is
 * one that does not exist: no other test here reads a PDF.) */
static void pdf_without_poppler(void **state)
{
    static const char tiny[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    char *json = NULL;
    owabi_error err;
    setenv("OWABI_LIBPOPPLER", "libowabi-test-missing.so.0", 1);
    assert_int_equal(owabi_parse(eng, tiny, sizeof tiny - 1, NULL, 0, &json, NULL, &err), OWABI_NOLIB);
    assert_null(json);
    assert_string_equal(owabi_errname(err.code), "NOLIB");
    assert_non_null(strstr(err.message, "cannot read PDF: libowabi-test-missing.so.0"));
}

static void misuse_is_usage(void **state)
{
    owabi_error err;
    char *json;
    owabi_engine *g = (owabi_engine *)&err;
    assert_int_equal(owabi_engine_new(NULL, NULL, &err), OWABI_USAGE);
    owabi_config bad = {0x80};
    assert_int_equal(owabi_engine_new(&bad, &g, &err), OWABI_USAGE);
    assert_null(g);
    assert_int_equal(owabi_parse(NULL, notice, 4, NULL, 0, &json, NULL, &err), OWABI_USAGE);
    assert_int_equal(owabi_parse(eng, NULL, 4, NULL, 0, &json, NULL, &err), OWABI_USAGE);
    assert_int_equal(owabi_parse(eng, notice, 4, NULL, 0, NULL, NULL, &err), OWABI_USAGE);
    assert_int_equal(owabi_parse(eng, notice, 4, NULL, 0x40, &json, NULL, &err), OWABI_USAGE);
    assert_non_null(strstr(err.message, "flag"));
    owabi_engine_free(NULL);
    owabi_free(NULL);
}

/* ---- one engine, many threads ---- */

#define THREADS 4
#define ROUNDS 24     /* enough uses for every pattern the documents run to be JIT-compiled */
#define MAXDOCS 40

struct doc {
    char *bytes;
    size_t n;
    char *want;       /* the record from a one-thread run */
};

static struct doc docs[MAXDOCS];
static size_t ndocs, rounds = ROUNDS;
static const owabi_engine *shared;

static void add_doc(const char *b, size_t n)
{
    if (ndocs < MAXDOCS && (docs[ndocs].bytes = malloc(n + 1))) {
        memcpy(docs[ndocs].bytes, b, n);
        docs[ndocs++].n = n;
    }
}

/* The invented notices of fixtures/ when the test runs from the source
 * tree (make check does), besides the two above. */
static void load_docs(void)
{
    add_doc(notice, sizeof notice - 1);
    add_doc(sjis_text, sizeof sjis_text - 1);
    DIR *dir = opendir("fixtures");
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || (strcmp(e->d_name + l - 5, ".html") && strcmp(e->d_name + l - 4, ".txt") &&
                      strcmp(e->d_name + l - 4, ".eml")))
            continue;
        char path[512], buf[1 << 16];
        snprintf(path, sizeof path, "fixtures/%s", e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        add_doc(buf, n);
    }
    if (dir)
        closedir(dir);
}

/* Each thread parses every document ROUNDS times, starting at its own
 * offset, and counts the records that differ from the one-thread run. */
static void *worker(void *arg)
{
    size_t k = (size_t)(uintptr_t)arg, bad = 0;
    for (size_t r = 0; r < rounds; r++)
        for (size_t i = 0; i < ndocs; i++) {
            struct doc *d = &docs[(i + k * 7 + r) % ndocs];
            char *json = NULL;
            if (owabi_parse(shared, d->bytes, d->n, NULL, 0, &json, NULL, NULL) != OWABI_OK ||
                strcmp(json, d->want))
                bad++;
            owabi_free(json);
        }
    return (void *)(uintptr_t)bad;
}

static void threads_share_an_engine(void **state)
{
    load_docs();
    assert_true(ndocs >= 2);
    /* memcheck runs the threads one at a time, with no JIT to race for:
     * two rounds see the first compile of every pattern */
    if (getenv("OW_VALGRIND"))
        rounds = 2;
    for (size_t i = 0; i < ndocs; i++)
        assert_int_equal(owabi_parse(eng, docs[i].bytes, docs[i].n, NULL, 0, &docs[i].want, NULL, NULL),
                         OWABI_OK);
    /* a fresh engine: its patterns are compiled and JIT-compiled while the
     * threads race to use them */
    owabi_config cfg = {getenv("OWABI_NO_JIT") ? OWABI_NO_JIT : 0};
    owabi_engine *g;
    assert_int_equal(owabi_engine_new(&cfg, &g, NULL), OWABI_OK);
    shared = g;
    pthread_t t[THREADS];
    for (size_t k = 0; k < THREADS; k++)
        assert_int_equal(pthread_create(&t[k], NULL, worker, (void *)(uintptr_t)k), 0);
    size_t bad = 0;
    for (size_t k = 0; k < THREADS; k++) {
        void *rv;
        pthread_join(t[k], &rv);
        bad += (size_t)(uintptr_t)rv;
    }
    owabi_engine_free(g);
    for (size_t i = 0; i < ndocs; i++) {
        owabi_free(docs[i].want);
        free(docs[i].bytes);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_and_codes),
        cmocka_unit_test(parses_a_notice),
        cmocka_unit_test(no_source_is_fine),
        cmocka_unit_test(charset_from_content_type),
        cmocka_unit_test(compact_and_indented),
        cmocka_unit_test(no_jit_same_record),
        cmocka_unit_test(errors_say_why),
        cmocka_unit_test(misuse_is_usage),
        cmocka_unit_test(pdf_without_poppler),
        cmocka_unit_test(threads_share_an_engine),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
