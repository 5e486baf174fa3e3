/* Unit tests for ingest/discover.c: links out of feeds, sitemaps and index
 * pages that ask for more memory than they are worth (entities used
 * thousands of times, millions of tiny elements).  Expected values are
 * written from the inputs below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <zlib.h>

#include "core/buf.h"
#include "fetch/fetch.h"
#include "fetch/url.h"
#include "ingest/discover.h"

/* A feed whose DTD declares one entity of `big` bytes ('A's) and uses it
 * `refs` times in `where` (printf format with one %s for the references):
 * the shape that took ingest to a gigabyte. */
static char *entity_doc(const char *fmt, size_t big, size_t refs)
{
    struct ow_buf b, r;
    ow_buf_init(&b, 0);
    ow_buf_init(&r, 0);
    for (size_t i = 0; i < refs; i++)
        assert_int_equal(ow_buf_adds(&r, "&big;"), OW_OK);
    char *ent = malloc(big + 1);
    assert_non_null(ent);
    memset(ent, 'A', big);
    ent[big] = 0;
    assert_int_equal(ow_buf_printf(&b, fmt, ent, r.data ? r.data : ""), OW_OK);
    free(ent);
    ow_buf_free(&r);
    return ow_buf_take(&b, NULL);
}

/* The process's peak RSS stays under 256 MB (the budget for a run
 * over one such document).  Sanitizers and valgrind have their own
 * overhead, so only the plain build checks it. */
static void assert_small_peak(void)
{
    if (getenv("OW_SANITIZED"))
        return;
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    if (ru.ru_maxrss >= 256 * 1024)
        fail_msg("peak RSS %ld KB", ru.ru_maxrss);
}

/* discover_links on a whole document, which must succeed within the memory
 * budget. */
static void discover(const char *doc, const char *ctype, const char *base,
                     struct discover_result *r)
{
    struct ow_diag d = {0};
    assert_int_equal(discover_links(doc, strlen(doc), (size_t)16 << 20, ctype, NULL, base, r, &d),
                     OW_OK);
    assert_small_peak();
}

/* One entity of 200 KB referenced 5,000 times (a gigabyte if expanded
 * whole) where each kind of feed keeps its links and their texts.  The
 * declaration is not honoured: the references read as nothing. */
static const struct entity_case {
    const char *fmt;        /* %s: the entity's text, then the references */
    const char *ctype;
    enum discover_kind kind;
    size_t n;               /* links expected */
    const char *url;        /* the first */
    const char *text;       /* what its text starts with */
    size_t text_len;
} entity_cases[] = {
    /* a title: "お詫び " and the references, which are nothing */
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY big \"%s\">]>\n"
     "<rss version=\"2.0\"><channel><title>t</title><item>"
     "<title>お詫び %s</title><link>/news/a.html</link></item></channel></rss>\n",
     "application/rss+xml", DISCOVER_RSS2, 1, "http://a.example/news/a.html", "お詫び", 9},
    /* an href of references: "/x/" (a link, with the entry's title); the
     * second entry's plain one too */
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY big \"%s\">]>\n"
     "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
     "<entry><title>お詫び</title><link href=\"/x/%s\"/></entry>"
     "<entry><title>お知らせ</title><link rel=\"alternate\" href=\"/b.html\"/></entry></feed>\n",
     "application/atom+xml", DISCOVER_ATOM, 2, "http://a.example/x/", "お詫び", 9},
    /* a sitemap's loc of references: "http://a.example/" */
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE urlset [<!ENTITY big \"%s\">]>\n"
     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
     "<url><loc>http://a.example/%s</loc></url>"
     "<url><loc>http://a.example/c.html</loc></url></urlset>\n",
     "application/xml", DISCOVER_SITEMAP, 2, "http://a.example/", "", 0},
};

static void entity_expansion_is_capped(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof entity_cases / sizeof entity_cases[0]; i++) {
        const struct entity_case *c = &entity_cases[i];
        char *doc = entity_doc(c->fmt, 200000, 5000);
        struct discover_result r;
        discover(doc, c->ctype, "http://a.example/feed.xml", &r);
        assert_int_equal(r.kind, c->kind);
        assert_int_equal(r.n, c->n);
        assert_string_equal(r.links[0].url, c->url);
        assert_int_equal(strlen(r.links[0].text), c->text_len);
        assert_memory_equal(r.links[0].text, c->text, strlen(c->text));
        discover_result_free(&r);
        free(doc);
    }
}

static void declared_entities_read_as_nothing(void **state)
{
    (void)state;
    /* A short entity in a title and in URLs: not honoured either. */
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE rss [<!ENTITY co \"株式会社テスト\"><!ENTITY dir \"news\">]>\n"
        "<rss version=\"2.0\"><channel><item><title>&co;からのお詫び</title>"
        "<link>http://a.example/&dir;/1.html</link></item>"
        "<item><title>二件目</title><guid>http://a.example/&dir;/2.html</guid></item>"
        "</channel></rss>\n";
    struct discover_result r;
    discover(doc, NULL, "http://a.example/feed", &r);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.links[0].url, "http://a.example//1.html");
    assert_string_equal(r.links[0].text, "からのお詫び");
    assert_string_equal(r.links[1].url, "http://a.example//2.html");
    assert_string_equal(r.links[1].text, "二件目");
    discover_result_free(&r);
}

/* 16 MB (the body cap) of the smallest markup there is, then one real
 * link at the end: read to the end within the memory budget.  A tree of
 * such a document is four million nodes (some 600 MB).  Under valgrind
 * 1 MB: the outcome is the same, memcheck is slow. */
static const struct huge_case {
    const char *head, *unit, *tail, *ctype;
    enum discover_kind kind;
} huge_cases[] = {
    {"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>", "<a/>",
     "<item><title>お詫び</title><link>/z.html</link></item></channel></rss>\n",
     "application/rss+xml", DISCOVER_RSS2},
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY e \"\">]>\n<rss version=\"2.0\"><channel>"
     "<item><title>", "&e;", "お詫び</title><link>/z.html</link></item></channel></rss>\n",
     "application/rss+xml", DISCOVER_RSS2},
    {"<?xml version=\"1.0\"?>\n<urlset>", "<!---->", "<url><loc>/z.html</loc></url></urlset>",
     "application/xml", DISCOVER_SITEMAP},
    {"<html><body>", "<br>", "<a href=\"/z.html\">お詫び</a></body></html>", "text/html",
     DISCOVER_HTML},
};

static void huge_documents_stream(void **state)
{
    (void)state;
    size_t size = getenv("OW_VALGRIND") ? (size_t)1 << 20 : (size_t)16 << 20;
    for (size_t i = 0; i < sizeof huge_cases / sizeof huge_cases[0]; i++) {
        const struct huge_case *c = &huge_cases[i];
        struct ow_buf b;
        ow_buf_init(&b, 0);
        assert_int_equal(ow_buf_adds(&b, c->head), OW_OK);
        while (b.len + strlen(c->unit) + strlen(c->tail) <= size)
            assert_int_equal(ow_buf_adds(&b, c->unit), OW_OK);
        assert_int_equal(ow_buf_adds(&b, c->tail), OW_OK);
        struct discover_result r;
        discover(b.data, c->ctype, "http://a.example/", &r);
        assert_int_equal(r.kind, c->kind);
        assert_int_equal(r.n, 1);
        assert_string_equal(r.links[0].url, "http://a.example/z.html");
        assert_string_equal(r.links[0].text, c->kind == DISCOVER_SITEMAP ? "" : "お詫び");
        discover_result_free(&r);
        ow_buf_free(&b);
    }
}

/* Appends the gzip member of s[0..n) to out. */
static void gzip_member(const char *s, size_t n, struct ow_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)n;
    unsigned char chunk[65536];
    int rc;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = deflate(&z, Z_FINISH);
        assert_int_equal(ow_buf_append(out, chunk, sizeof chunk - z.avail_out), OW_OK);
    } while (rc == Z_OK);
    assert_int_equal(rc, Z_STREAM_END);
    deflateEnd(&z);
}

static ow_err discover_bytes(const struct ow_buf *b, size_t max, const char *ctype,
                             struct discover_result *r, struct ow_diag *d)
{
    return discover_links(b->data, b->len, max, ctype, NULL, "http://a.example/sitemap.xml.gz", r, d);
}

/* A sitemap.xml.gz sent as application/gzip (or x-gzip) is a sitemap; two
 * members are read one after the other (gzip(1) writes them so with -c >>). */
static void gzip_sitemaps(void **state)
{
    (void)state;
    static const char a[] = "<?xml version=\"1.0\"?>\n<urlset><url><loc>/a.html</loc></url>",
                      b[] = "<url><loc>/b.html</loc></url></urlset>\n";
    struct ow_buf gz;
    ow_buf_init(&gz, 0);
    gzip_member(a, strlen(a), &gz);
    gzip_member(b, strlen(b), &gz);
    struct discover_result r;
    struct ow_diag d = {0};
    assert_int_equal(discover_bytes(&gz, (size_t)16 << 20, "application/gzip", &r, &d), OW_OK);
    assert_int_equal(r.kind, DISCOVER_SITEMAP);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.links[0].url, "http://a.example/a.html");
    assert_string_equal(r.links[1].url, "http://a.example/b.html");
    discover_result_free(&r);
    /* cut short: damaged, not a partial sitemap */
    gz.len -= 10;
    assert_int_equal(discover_bytes(&gz, (size_t)16 << 20, "application/x-gzip", &r, &d), OW_PARSE);
    assert_string_equal(d.msg, "damaged gzip data: it ends early");
    ow_buf_free(&gz);
}

/* A gzip bomb (17 MB of spaces in 17 KB) stops at the cap, 16 MB (under
 * valgrind 2 MB and 1 MB: the same outcome, memcheck is slow). */
static void gzip_bomb_is_capped(void **state)
{
    (void)state;
    int vg = getenv("OW_VALGRIND") != NULL;
    size_t n = vg ? (size_t)2 << 20 : (size_t)17 << 20, cap = vg ? (size_t)1 << 20 : (size_t)16 << 20;
    char *spaces = malloc(n);
    assert_non_null(spaces);
    memset(spaces, ' ', n);
    struct ow_buf gz;
    ow_buf_init(&gz, 0);
    gzip_member(spaces, n, &gz);
    free(spaces);
    struct discover_result r;
    struct ow_diag d = {0};
    assert_int_equal(discover_bytes(&gz, cap, "application/gzip", &r, &d), OW_TOOBIG);
    assert_string_equal(d.msg, vg ? "larger than 1048576 bytes after gzip decompression"
                                  : "larger than 16777216 bytes after gzip decompression");
    assert_small_peak();
    ow_buf_free(&gz);
}

/* A host no URL helper can hold is no link (fuzz/regressions/discover-*:
 * a sitemap loc of "http://a.example" and 200 U+FFFD). */
static void resolve_refuses_overlong_hosts(void **state)
{
    (void)state;
    struct ow_buf b;
    ow_buf_init(&b, 0);
    assert_int_equal(ow_buf_adds(&b, "http://a.example"), OW_OK);
    for (int i = 0; i < 200; i++)
        assert_int_equal(ow_buf_adds(&b, "\xef\xbf\xbd"), OW_OK);
    assert_null(url_resolve(NULL, b.data));
    ow_buf_free(&b);
    char host[600];
    memset(host, 'a', sizeof host);
    memcpy(host, "http://", 7);
    strcpy(host + 7 + 500, ".example/x");   /* a 510-byte host: still one */
    char *u = url_resolve(NULL, host);
    assert_non_null(u);
    free(u);
}

int main(void)
{
    xmlInitParser();
    if (fetch_init(NULL) != OW_OK) {
        printf("libcurl missing: discover tests skipped\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entity_expansion_is_capped),
        cmocka_unit_test(declared_entities_read_as_nothing),
        cmocka_unit_test(huge_documents_stream),
        cmocka_unit_test(gzip_sitemaps),
        cmocka_unit_test(gzip_bomb_is_capped),
        cmocka_unit_test(resolve_refuses_overlong_hosts),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
