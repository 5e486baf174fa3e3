/* Unit tests for ingest/discover.c: links out of feeds and sitemaps whose
 * DTD asks for more than they are worth.  Expected values are written from
 * the inputs below. */
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

#include "core/buf.h"
#include "fetch/fetch.h"
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
    struct ow_diag d = {{0}};
    assert_int_equal(discover_links(doc, strlen(doc), ctype, NULL, base, r, &d), OW_OK);
    assert_small_peak();
}

/* One entity of 200 KB referenced 5,000 times (a gigabyte if expanded
 * whole) where each kind of feed keeps its links and their texts. */
static const struct entity_case {
    const char *fmt;        /* %s: the entity's text, then the references */
    const char *ctype;
    enum discover_kind kind;
    const char *url;        /* the one link expected */
    const char *text;       /* what its text starts with */
    size_t text_len;
} entity_cases[] = {
    /* a title: kept up to the 1024 bytes a link text may have, "お詫び "
     * (10 bytes) then 1014 'A's */
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY big \"%s\">]>\n"
     "<rss version=\"2.0\"><channel><title>t</title><item>"
     "<title>お詫び %s</title><link>/news/a.html</link></item></channel></rss>\n",
     "application/rss+xml", DISCOVER_RSS2, "http://a.example/news/a.html", "お詫び AAAA", 1024},
    /* an href longer than any URL followed: no link; the plain one counts */
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY big \"%s\">]>\n"
     "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
     "<entry><title>お詫び</title><link href=\"/x/%s\"/></entry>"
     "<entry><title>お知らせ</title><link rel=\"alternate\" href=\"/b.html\"/></entry></feed>\n",
     "application/atom+xml", DISCOVER_ATOM, "http://a.example/b.html", "お知らせ", 12},
    /* the same for a sitemap's loc */
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE urlset [<!ENTITY big \"%s\">]>\n"
     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
     "<url><loc>http://a.example/%s</loc></url>"
     "<url><loc>http://a.example/c.html</loc></url></urlset>\n",
     "application/xml", DISCOVER_SITEMAP, "http://a.example/c.html", "", 0},
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
        assert_int_equal(r.n, 1);
        assert_string_equal(r.links[0].url, c->url);
        assert_int_equal(strlen(r.links[0].text), c->text_len);
        assert_memory_equal(r.links[0].text, c->text, strlen(c->text));
        discover_result_free(&r);
        free(doc);
    }
}

static void small_entities_still_expand(void **state)
{
    (void)state;
    /* What a DTD is for: a short entity in a title, a URL and an href. */
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
    assert_string_equal(r.links[0].url, "http://a.example/news/1.html");
    assert_string_equal(r.links[0].text, "株式会社テストからのお詫び");
    assert_string_equal(r.links[1].url, "http://a.example/news/2.html");
    assert_string_equal(r.links[1].text, "二件目");
    discover_result_free(&r);
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
        cmocka_unit_test(small_entities_still_expand),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
