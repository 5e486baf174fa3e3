/* fuzz/fuzz_discover.c — discover_links on raw bytes, as ingest reads a
 * source: feeds (RSS 1.0/2.0, Atom), sitemaps and indexes, HTML index
 * pages, gzip of any of them.
 *
 * A first byte below 8 picks the Content-Type (and an HTTP charset) and is
 * not part of the document.  Checks the discover.h contract: errors only
 * from its list, each with a message; on success a known kind, at most
 * 100,000 links, each an absolute http(s) URL without fragment or control
 * bytes that the URL helpers read back, no URL twice, texts of valid UTF-8
 * within the cap; and the same result a second time (deterministic). */
#include <libxml/parser.h>

#include "fuzz.h"

#include "../fetch/fetch.h"
#include "../fetch/url.h"
#include "../ingest/discover.h"

/* Decompressed gzip is capped here rather than at 16 MiB: a bomb is found
 * as surely and costs a fuzzing run far less. */
#define MAX_LEN ((size_t)1 << 20)
#define MAX_TEXT 1024

static struct discover_vocab *vocab;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct ow_diag d = {0};
    xmlInitParser();
    if (fetch_init(&d) || !(vocab = discover_vocab_load(&d))) {
        fprintf(stderr, "fuzz_discover: %s\n", d.msg);
        abort();
    }
    return 0;
}

static const struct {
    const char *type, *charset;
} types[] = {
    {"application/rss+xml", NULL}, {"application/atom+xml", NULL}, {"application/xml", NULL},
    {"text/html", NULL},           {"application/gzip", NULL},     {"text/html", "Shift_JIS"},
    {"text/xml", "EUC-JP"},        {NULL, NULL},
};

static void check_link(const struct discover_link *k)
{
    const char *u = k->url;
    FUZZ_CHECK(!strncmp(u, "http://", 7) || !strncmp(u, "https://", 8), "not http(s): %.200s", u);
    FUZZ_CHECK(!strchr(u, '#'), "a fragment left in %.200s", u);
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        FUZZ_CHECK(*p > 0x20 && *p != 0x7f, "byte %02x in %.200s", *p, u);
    char host[512], origin[600];
    FUZZ_CHECK(url_host(u, host, sizeof host) == 0, "no host in %.200s", u);
    FUZZ_CHECK(url_origin(u, origin, sizeof origin) == 0, "no origin of %.200s", u);
    char *pq = url_path_query(u);
    FUZZ_CHECK(pq && pq[0] == '/', "no path in %.200s", u);
    free(pq);
    /* clean_text cuts at MAX_TEXT, finishing the character it is in */
    FUZZ_CHECK(strlen(k->text) <= MAX_TEXT + 3, "text of %zu bytes", strlen(k->text));
    FUZZ_CHECK(ow_utf8_valid(k->text, strlen(k->text)), "text is not UTF-8");
    (void)discover_looks_notice(vocab, u, k->text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t t = sizeof types / sizeof types[0] - 1;
    if (size && data[0] < sizeof types / sizeof types[0]) {
        t = data[0];
        data++, size--;
    }
    char *body = fuzz_strndup(data, size);
    struct discover_result r, again;
    struct ow_diag d = {0}, d2 = {0};
    ow_err e = discover_links(body, size, MAX_LEN, types[t].type, types[t].charset,
                              "http://a.example/news/index.html", &r, &d);
    if (e) {
        FUZZ_CHECK(e == OW_NOMEM || e == OW_BINARY || e == OW_EMPTY || e == OW_TOOBIG ||
                       e == OW_PARSE,
                   "error %s is not in discover.h's contract", ow_errname(e));
        FUZZ_CHECK(d.msg[0] && fuzz_terminated(d.msg, sizeof d.msg), "error %s without a message",
                   ow_errname(e));
        FUZZ_CHECK(r.n == 0 && r.links == NULL, "error %s but links", ow_errname(e));
        free(body);
        return 0;
    }
    FUZZ_CHECK(r.kind <= DISCOVER_SITEMAP_INDEX, "kind %d", (int)r.kind);
    FUZZ_CHECK(r.n <= 100000, "%zu links", r.n);
    for (size_t i = 0; i < r.n; i++) {
        check_link(&r.links[i]);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(r.links[i].url, r.links[j].url), "%.200s twice", r.links[i].url);
    }
    FUZZ_CHECK(discover_links(body, size, MAX_LEN, types[t].type, types[t].charset,
                              "http://a.example/news/index.html", &again, &d2) == OW_OK,
               "second run failed: %s", d2.msg);
    FUZZ_CHECK(again.kind == r.kind && again.n == r.n, "second run differs");
    for (size_t i = 0; i < r.n; i++)
        FUZZ_CHECK(!strcmp(r.links[i].url, again.links[i].url) &&
                       !strcmp(r.links[i].text, again.links[i].text),
                   "second run differs at link %zu", i);
    discover_result_free(&again);
    discover_result_free(&r);
    free(body);
    return 0;
}
