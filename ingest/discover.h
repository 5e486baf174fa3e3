/* ingest/discover.h — the links a source page offers: feeds, sitemaps, index
 * pages (libxml2, libcurl's URL parser, zlib).
 *
 * Input:  the fetched bytes of a source (any charset: decoded by decode/
 *         first, then parsed as UTF-8, never by libxml2's own decoders), its
 *         Content-Type, and its final URL (the base for relative links).
 *         Bytes in gzip (the 1F 8B signature: a sitemap.xml.gz served as
 *         application/gzip) are decompressed first, to at most max_len
 *         bytes, the cap fetch/ puts on a body after decompression.
 * Output: the kind of document and its links, absolute http(s) URLs without
 *         fragment, in document order, without duplicates, each with its
 *         text (anchor text, item or entry title; "" for sitemaps):
 *           RSS 1.0 (RDF)  item/link, else item/@rdf:about; item/title
 *           RSS 2.0        item/link, else a permalink guid; item/title
 *           Atom           entry/link[@rel=alternate or no rel]/@href; entry/title
 *           sitemap        url/loc        sitemap index: sitemap/loc
 *           HTML           a/@href (against <base href>); the anchor's text,
 *                          image alt texts and title attribute
 *         XML is parsed without network access; entities an internal
 *         DTD declares are not honoured (a reference to one reads as
 *         nothing), only the predefined five and character references.
 * Memory: the document is read as a stream of SAX events, never as a tree,
 *         into fields capped at what is used (1024 bytes of link text, 8193
 *         of URL: a longer URL is no link): the input, its UTF-8 copy and
 *         one item, whatever the markup (millions of tiny elements) or the
 *         DTD asks for.
 * Errors: OW_NOMEM; errors of decode_bytes (OW_BINARY ...); OW_TOOBIG when
 *         gzip data inflates past max_len, OW_PARSE when it is damaged.  A
 *         document that parses into nothing gives kind HTML and no links,
 *         not an error.
 * The vocabulary (ingest/vocab/links.tsv, embedded at build time) decides
 * which link looks like a disclosure: a term found in the link text or in
 * the percent-decoded URL, ASCII letters compared case-insensitively.
 * Ownership: discover_result_free; discover_vocab_free.  Deterministic. */
#ifndef OW_DISCOVER_H
#define OW_DISCOVER_H

#include <stddef.h>

#include "../core/err.h"

enum discover_kind {
    DISCOVER_HTML,
    DISCOVER_RSS1,
    DISCOVER_RSS2,
    DISCOVER_ATOM,
    DISCOVER_SITEMAP,
    DISCOVER_SITEMAP_INDEX
};

struct discover_link {
    char *url;
    char *text;
};

struct discover_result {
    enum discover_kind kind;
    struct discover_link *links;
    size_t n;
};

ow_err discover_links(const char *body, size_t len, size_t max_len, const char *content_type,
                      const char *http_charset, const char *base_url,
                      struct discover_result *out, struct ow_diag *d);
void discover_result_free(struct discover_result *r);
/* "html", "rss1", "rss2", "atom", "sitemap", "sitemapindex". */
const char *discover_kind_name(enum discover_kind k);


struct discover_vocab;
/* The embedded vocabulary "links".  NULL on failure (d says why: OW_DATA
 * when the table is missing or a line is malformed, or OW_NOMEM). */
struct discover_vocab *discover_vocab_load(struct ow_diag *d);
/* Parses a table in the links.tsv format (for tests and alternatives). */
struct discover_vocab *discover_vocab_parse(const char *text, size_t len, struct ow_diag *d);
void discover_vocab_free(struct discover_vocab *v);
/* 1 when the link's text or URL holds a disclosure term. */
int discover_looks_notice(const struct discover_vocab *v, const char *url, const char *text);

#endif
