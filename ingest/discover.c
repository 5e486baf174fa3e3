/* ingest/discover.c — links out of feeds, sitemaps and index pages. */
#include "discover.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "../decode/decode.h"
#include "../fetch/url.h"
#include "../core/vocab.h"

/* A link's text longer than this is cut: it is only matched against terms. */
#define MAX_TEXT 1024
/* A page offering more links than this is cut there (a hostile index). */
#define MAX_LINKS 100000

const char *discover_kind_name(enum discover_kind k)
{
    switch (k) {
    case DISCOVER_HTML: return "html";
    case DISCOVER_RSS1: return "rss1";
    case DISCOVER_RSS2: return "rss2";
    case DISCOVER_ATOM: return "atom";
    case DISCOVER_SITEMAP: return "sitemap";
    case DISCOVER_SITEMAP_INDEX: return "sitemapindex";
    }
    return "html";
}

/* ---- collecting links ---------------------------------------------------- */

struct links {
    struct discover_result *r;
    size_t cap;
    const char *base;
    int oom;
    size_t *slot;       /* hash of the URLs so far: index + 1, 0 empty */
    size_t nslot;
};

/* The index of url among the links so far, or -1 (and *at is where it
 * goes).  The set doubles before it is half full; -2 out of memory. */
static long find_link(struct links *l, const char *url, size_t *at)
{
    if ((l->r->n + 1) * 2 > l->nslot) {
        size_t nn = l->nslot ? l->nslot * 2 : 256;
        size_t *ns = calloc(nn, sizeof *ns);
        if (!ns)
            return -2;
        for (size_t i = 0; i < l->r->n; i++) {
            size_t k = ow_fnv_str(l->r->links[i].url) & (nn - 1);
            while (ns[k])
                k = (k + 1) & (nn - 1);
            ns[k] = i + 1;
        }
        free(l->slot);
        l->slot = ns;
        l->nslot = nn;
    }
    size_t k = ow_fnv_str(url) & (l->nslot - 1);
    while (l->slot[k]) {
        if (!strcmp(l->r->links[l->slot[k] - 1].url, url))
            return (long)(l->slot[k] - 1);
        k = (k + 1) & (l->nslot - 1);
    }
    *at = k;
    return -1;
}

/* Whitespace runs (ASCII and U+3000) to one space, trimmed, cut at MAX_TEXT
 * bytes on a character boundary. */
static char *clean_text(const char *s)
{
    struct ow_buf b;
    ow_buf_init(&b, 0);
    int space = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && b.len < MAX_TEXT;) {
        int ws = isspace(*p) || (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80);
        if (ws) {
            space = b.len > 0;
            p += isspace(*p) ? 1 : 3;
            continue;
        }
        if (space && ow_buf_addc(&b, ' '))
            goto oom;
        space = 0;
        size_t n = 1;
        if (*p >= 0xC0)
            while ((p[n] & 0xC0) == 0x80 && n < 4)
                n++;
        if (ow_buf_append(&b, p, n))
            goto oom;
        p += n;
    }
    return ow_buf_take(&b, NULL);
oom:
    ow_buf_free(&b);
    return NULL;
}

static void add_link(struct links *l, const char *href, const char *text)
{
    struct discover_result *r = l->r;
    if (l->oom || !href || r->n >= MAX_LINKS)
        return;
    char *url = url_resolve(l->base, href);
    if (!url)
        return;
    size_t at = 0;
    long i = find_link(l, url, &at);
    if (i == -2) {
        free(url);
        l->oom = 1;
        return;
    }
    if (i >= 0) {
        /* The same URL again: keep its first text unless that was empty. */
        if (!r->links[i].text[0] && text && *text) {
            char *t = clean_text(text);
            if (t) {
                free(r->links[i].text);
                r->links[i].text = t;
            }
        }
        free(url);
        return;
    }
    if (ow_array_grow((void **)&r->links, &l->cap, r->n, sizeof *r->links)) {
        free(url);
        l->oom = 1;
        return;
    }
    char *t = clean_text(text);
    if (!t) {
        free(url);
        l->oom = 1;
        return;
    }
    r->links[r->n].url = url;
    r->links[r->n].text = t;
    r->n++;
    l->slot[at] = r->n;
}

/* ---- reading a document as a stream -------------------------------------
 *
 * A libxml2 tree costs some 150 bytes a node: 16 MB of "<a/>" or "<br>" is
 * four million nodes and 600 MB; and xmlNodeGetContent / xmlGetProp expand
 * entity references whole on each read (one 200 KB entity used 5,000 times
 * in a title is a gigabyte).  Discovery needs a few fields per item, so it
 * takes them from SAX events into buffers capped at what it can use and
 * builds no tree: memory is the input and one item, whatever the document
 * is made of.  No handler records an internal DTD's entity declarations, so
 * a reference to one reads as nothing (libxml2 reports it as undeclared and
 * goes on); the five predefined entities and character references are
 * read as usual. */

/* url_resolve refuses longer hrefs; one more byte tells "too long". */
#define MAX_URL 8192
/* Anchors open at once in an HTML page (libxml2 closes an <a> at the next,
 * so only an <area> inside an <a> nests). */
#define MAX_ANCHORS 4

struct reader {
    struct ow_buf b;    /* its max is the cap */
    int cut;            /* 1: text was left out at the cap */
    int *oom;           /* set when an append fails for want of memory */
};

static void reader_init(struct reader *t, size_t cap, int *oom)
{
    ow_buf_init(&t->b, cap);
    t->cut = 0;
    t->oom = oom;
}

/* Appends s[0..n) up to the cap, cut on a character boundary so that the
 * text stays UTF-8. */
static void read_text(struct reader *t, const char *s, size_t n)
{
    size_t room = t->b.max - t->b.len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        t->cut = 1;
    }
    if (n && ow_buf_append(&t->b, s, n))
        *t->oom = 1;
}

/* The text read (caller frees), or NULL when empty or, with whole (a URL),
 * when it was cut short.  The buffer is empty afterwards. */
static char *reader_take(struct reader *t, int whole)
{
    char *s = NULL;
    if (t->b.len && !(whole && t->cut))
        s = ow_buf_take(&t->b, NULL);
    ow_buf_free(&t->b);
    return s;
}

/* Fields of an item, each from the first child element of that name. */
enum field { F_TITLE, F_LINK, F_GUID, F_LOC, NFIELDS };
static const char *const field_names[NFIELDS] = {"title", "link", "guid", "loc"};

struct anchor {             /* an open <a> or <area> of an HTML page */
    int depth;
    char *href, *title;
    struct reader text;
};

struct stream {
    struct links *l;
    xmlParserCtxtPtr ctxt;
    int html;               /* the HTML parser (else XML) */
    enum discover_kind kind;
    int root_seen;          /* XML: the root element decided the kind */
    int depth;              /* elements open */
    /* XML: the item open (RSS item, Atom entry, sitemap url or sitemap) */
    int item;               /* its depth, 0: none */
    int field, field_depth; /* the field being read, -1: none */
    struct reader f[NFIELDS];
    int seen[NFIELDS];
    char *about, *perma, *href;
    int link_chosen;        /* Atom: the entry's link is decided */
    /* HTML */
    struct anchor a[MAX_ANCHORS];
    int na;
    int skip;               /* depth inside <script>/<style> within an anchor */
    int not_head;           /* open elements other than html and head */
    int base_seen;
    char *base;
};

static void silent(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

/* An attribute value of SAX2 (not NUL-terminated) as a capped string, or
 * NULL; with whole, NULL when longer than cap.  Without entity substitution
 * libxml2 hands a literal '&' over as "&#38;" (for its tree builder to
 * decode): every '&' there comes so, so each "&#38;" is one '&'. */
static char *xml_attr(struct stream *s, const xmlChar **attrs, int n, const char *name,
                      size_t cap, int whole)
{
    for (int i = 0; i < n; i++, attrs += 5) {
        if (strcmp((const char *)attrs[0], name))
            continue;
        const char *v = (const char *)attrs[3], *end = (const char *)attrs[4];
        struct reader t;
        reader_init(&t, cap, &s->l->oom);
        while (v < end && !t.cut) {
            const char *amp = memchr(v, '&', (size_t)(end - v));
            const char *stop_at = amp ? amp : end;
            read_text(&t, v, (size_t)(stop_at - v));
            if (!amp)
                break;
            read_text(&t, "&", 1);
            v = (end - amp >= 5 && !memcmp(amp, "&#38;", 5)) ? amp + 5 : amp + 1;
        }
        return reader_take(&t, whole);
    }
    return NULL;
}

static enum discover_kind root_kind(const char *name)
{
    if (!strcmp(name, "RDF"))
        return DISCOVER_RSS1;
    if (!strcmp(name, "rss"))
        return DISCOVER_RSS2;
    if (!strcmp(name, "feed"))
        return DISCOVER_ATOM;
    if (!strcmp(name, "urlset"))
        return DISCOVER_SITEMAP;
    if (!strcmp(name, "sitemapindex"))
        return DISCOVER_SITEMAP_INDEX;
    return DISCOVER_HTML;
}

static int is_item(enum discover_kind k, const char *name)
{
    switch (k) {
    case DISCOVER_RSS1: case DISCOVER_RSS2: return !strcasecmp(name, "item");
    case DISCOVER_ATOM: return !strcasecmp(name, "entry");
    case DISCOVER_SITEMAP: return !strcasecmp(name, "url");
    case DISCOVER_SITEMAP_INDEX: return !strcasecmp(name, "sitemap");
    case DISCOVER_HTML: return 0;
    }
    return 0;
}

static void item_clear(struct stream *s)
{
    for (int i = 0; i < NFIELDS; i++) {
        ow_buf_free(&s->f[i].b);
        s->seen[i] = 0;
    }
    free(s->about);
    free(s->perma);
    free(s->href);
    s->about = s->perma = s->href = NULL;
    s->link_chosen = 0;
    s->item = 0;
    s->field = -1;
}

/* The item closed: its link, after the rules of discover.h. */
static void item_done(struct stream *s)
{
    struct links *l = s->l;
    char *title = reader_take(&s->f[F_TITLE], 0);
    char *href = NULL;
    switch (s->kind) {
    case DISCOVER_RSS1:
    case DISCOVER_RSS2:
        href = reader_take(&s->f[F_LINK], 1);
        if (!href && s->kind == DISCOVER_RSS1) {
            href = s->about;
            s->about = NULL;
        }
        if (!href && s->kind == DISCOVER_RSS2 && s->seen[F_GUID] &&
            (!s->perma || strcasecmp(s->perma, "false")))
            href = reader_take(&s->f[F_GUID], 1);
        break;
    case DISCOVER_ATOM:
        href = s->href;
        s->href = NULL;
        break;
    case DISCOVER_SITEMAP:
    case DISCOVER_SITEMAP_INDEX:
        href = reader_take(&s->f[F_LOC], 1);
        free(title);
        title = NULL;
        break;
    case DISCOVER_HTML:
        break;
    }
    add_link(l, href, title ? title : "");
    free(href);
    free(title);
    item_clear(s);
}

static void xml_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                      int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                      const xmlChar **attrs)
{
    (void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
    struct stream *s = ctx;
    const char *name = (const char *)local;
    s->depth++;
    if (!s->root_seen) {
        s->root_seen = 1;
        s->kind = root_kind(name);
        if (s->kind == DISCOVER_HTML)
            xmlStopParser(s->ctxt);   /* XHTML, or not a feed: read as HTML */
        return;
    }
    if (!s->item) {
        /* items sit under the root, RSS 2.0's in its channel: at most five
         * levels down */
        if (s->depth <= 6 && is_item(s->kind, name)) {
            s->item = s->depth;
            if (s->kind == DISCOVER_RSS1)
                s->about = xml_attr(s, attrs, nattrs, "about", MAX_URL + 1, 1);
        }
        return;
    }
    if (s->depth != s->item + 1 || s->field >= 0)
        return;
    if (s->kind == DISCOVER_ATOM && !strcasecmp(name, "link") && !s->link_chosen) {
        char *rel = xml_attr(s, attrs, nattrs, "rel", 64, 0);
        if (!rel || !strcmp(rel, "alternate")) {
            s->href = xml_attr(s, attrs, nattrs, "href", MAX_URL + 1, 1);
            s->link_chosen = 1;
        }
        free(rel);
    }
    for (int i = 0; i < NFIELDS; i++) {
        if (s->seen[i] || strcasecmp(name, field_names[i]))
            continue;
        s->seen[i] = 1;
        s->field = i;
        s->field_depth = s->depth;
        reader_init(&s->f[i], i == F_TITLE ? MAX_TEXT : MAX_URL + 1, &s->l->oom);
        if (i == F_GUID)
            s->perma = xml_attr(s, attrs, nattrs, "isPermaLink", 16, 0);
    }
}

static void xml_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)local, (void)prefix, (void)uri;
    struct stream *s = ctx;
    if (s->field >= 0 && s->depth == s->field_depth)
        s->field = -1;
    if (s->item && s->depth == s->item)
        item_done(s);
    s->depth--;
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
    struct stream *s = ctx;
    if (len <= 0)
        return;
    if (!s->html) {
        if (s->field >= 0)
            read_text(&s->f[s->field], (const char *)ch, (size_t)len);
        return;
    }
    if (s->skip)
        return;
    for (int i = 0; i < s->na; i++)
        read_text(&s->a[i].text, (const char *)ch, (size_t)len);
}

static const char *html_attr(const xmlChar **atts, const char *name)
{
    for (; atts && atts[0]; atts += 2)
        if (!strcasecmp((const char *)atts[0], name))
            return atts[1] ? (const char *)atts[1] : "";
    return NULL;
}

/* An attribute of an HTML element, capped; NULL when absent or empty (or,
 * with whole, longer than cap). */
static char *html_attr_dup(struct stream *s, const xmlChar **atts, const char *name, size_t cap,
                           int whole)
{
    const char *v = html_attr(atts, name);
    if (!v)
        return NULL;
    struct reader t;
    reader_init(&t, cap, &s->l->oom);
    read_text(&t, v, strlen(v));
    return reader_take(&t, whole);
}

static void html_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    struct stream *s = ctx;
    const char *n = (const char *)name;
    s->depth++;
    int head = !strcasecmp(n, "html") || !strcasecmp(n, "head");
    if (!head)
        s->not_head++;
    /* The first <base> directly in html or head sets the base (libxml2
     * moves a misplaced one into the body, where it counts for nothing). */
    if (!strcasecmp(n, "base") && s->not_head == 1 && !s->base_seen && s->depth <= 8) {
        const char *h = html_attr(atts, "href");
        s->base_seen = 1;
        if (h && (s->base = url_resolve(s->l->base, h)))
            s->l->base = s->base;
    }
    if (s->skip) {
        s->skip++;
        return;
    }
    if (s->na && (!strcasecmp(n, "script") || !strcasecmp(n, "style"))) {
        s->skip = 1;
        return;
    }
    if (s->na && !strcasecmp(n, "img")) {
        const char *alt = html_attr(atts, "alt");
        for (int i = 0; alt && i < s->na; i++) {
            read_text(&s->a[i].text, " ", 1);
            read_text(&s->a[i].text, alt, strlen(alt));
            read_text(&s->a[i].text, " ", 1);
        }
    }
    if ((!strcasecmp(n, "a") || !strcasecmp(n, "area")) && s->na < MAX_ANCHORS) {
        char *href = html_attr_dup(s, atts, "href", MAX_URL + 1, 1);
        if (!href)
            return;
        struct anchor *a = &s->a[s->na++];
        a->depth = s->depth;
        a->href = href;
        a->title = html_attr_dup(s, atts, "title", MAX_TEXT, 0);
        reader_init(&a->text, 4 * MAX_TEXT, &s->l->oom);
    }
}

static void html_end(void *ctx, const xmlChar *name)
{
    (void)name;
    struct stream *s = ctx;
    if (s->skip)
        s->skip--;
    while (s->na && s->a[s->na - 1].depth >= s->depth) {
        struct anchor *a = &s->a[--s->na];
        if (a->title) {
            read_text(&a->text, " ", 1);
            read_text(&a->text, a->title, strlen(a->title));
        }
        add_link(s->l, a->href, a->text.b.data ? a->text.b.data : "");
        free(a->href);
        free(a->title);
        ow_buf_free(&a->text.b);
    }
    const char *n = (const char *)name;
    if (strcasecmp(n, "html") && strcasecmp(n, "head") && s->not_head > 0)
        s->not_head--;
    s->depth--;
}

static void stream_free(struct stream *s)
{
    item_clear(s);
    for (int i = 0; i < s->na; i++) {
        free(s->a[i].href);
        free(s->a[i].title);
        ow_buf_free(&s->a[i].text.b);
    }
    s->na = 0;
    free(s->base);
    s->base = NULL;
}

/* Runs the XML (html 0) or HTML parser over text with our handlers.
 * Returns what the document turned out to be (XML: DISCOVER_HTML when its
 * root is no feed or sitemap). */
static enum discover_kind stream_parse(struct links *l, const char *text, size_t len, int html)
{
    struct stream s = {.l = l, .html = html, .field = -1};
    xmlParserCtxtPtr ctxt = html ? htmlCreateMemoryParserCtxt(text, (int)len)
                                 : xmlCreateMemoryParserCtxt(text, (int)len);
    if (!ctxt) {
        l->oom = 1;
        return DISCOVER_HTML;
    }
    s.ctxt = ctxt;
    xmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    if (html) {
        sax->startElement = html_start;
        sax->endElement = html_end;
        s.kind = DISCOVER_HTML;
    } else {
        sax->initialized = XML_SAX2_MAGIC;
        sax->startElementNs = xml_start;
        sax->endElementNs = xml_end;
        sax->cdataBlock = on_text;
    }
    sax->characters = on_text;
    sax->ignorableWhitespace = on_text;
    sax->serror = silent;
    ctxt->userData = &s;
    /* The text is UTF-8 (decode_bytes made it so); IGNORE_ENC keeps an XML
     * declaration or a <meta> from switching it. */
    ctxt->charset = XML_CHAR_ENCODING_UTF8;
    if (html) {
        htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                     HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
        htmlParseDocument(ctxt);
    } else {
        xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                    XML_PARSE_RECOVER | XML_PARSE_IGNORE_ENC);
        xmlParseDocument(ctxt);
    }
    if (ctxt->errNo == XML_ERR_NO_MEMORY)
        l->oom = 1;
    enum discover_kind kind = s.kind;
    stream_free(&s);
    if (html)
        htmlFreeParserCtxt(ctxt);
    else
        xmlFreeParserCtxt(ctxt);
    return kind;
}

static int looks_xml(const char *t, size_t n, const char *ct)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)t[i]))
        i++;
    if (n - i >= 5 && !strncmp(t + i, "<?xml", 5))
        return 1;
    if (ct && strstr(ct, "xml") && !strstr(ct, "xhtml"))
        return 1;
    const char *roots[] = {"<rss", "<rdf:RDF", "<feed", "<urlset", "<sitemapindex"};
    for (size_t k = 0; k < sizeof roots / sizeof roots[0]; k++)
        if (n - i >= strlen(roots[k]) && !strncmp(t + i, roots[k], strlen(roots[k])))
            return 1;
    return 0;
}

/* Inflates gzip data (every member, as gzip(1) does; trailing bytes that
 * start no member are ignored) into out, whose max is the cap. */
static ow_err gunzip(const char *in, size_t len, struct ow_buf *out, struct ow_diag *d)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return ow_diagf(d, OW_NOMEM, "out of memory");
    const unsigned char *p = (const unsigned char *)in, *end = p + len;
    ow_err e = OW_OK;
    char chunk[65536];
    int rc = Z_OK;
    while (!e) {
        if (z.avail_in == 0 && p < end) {
            /* zlib counts in uInt: feed a large body in pieces */
            size_t n = (size_t)(end - p) < (1u << 30) ? (size_t)(end - p) : (1u << 30);
            z.next_in = (Bytef *)p;
            z.avail_in = (uInt)n;
            p += n;
        }
        z.next_out = (Bytef *)chunk;
        z.avail_out = sizeof chunk;
        rc = inflate(&z, Z_NO_FLUSH);
        size_t got = sizeof chunk - z.avail_out;
        ow_err ae = got ? ow_buf_append(out, chunk, got) : OW_OK;
        if (ae == OW_TOOBIG) {
            e = ow_diagf(d, OW_TOOBIG, "larger than %zu bytes after gzip decompression", out->max);
        } else if (ae) {
            e = ow_diagf(d, OW_NOMEM, "out of memory");
        } else if (rc == Z_STREAM_END) {
            if (z.avail_in == 0 && p == end)
                break;
            if (z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)
                break;   /* padding after the last member */
            inflateReset(&z);
        } else if (rc == Z_BUF_ERROR && z.avail_in == 0 && p == end) {
            e = ow_diagf(d, OW_PARSE, "damaged gzip data: it ends early");
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            e = ow_diagf(d, rc == Z_MEM_ERROR ? OW_NOMEM : OW_PARSE, "damaged gzip data: %s",
                         z.msg ? z.msg : "?");
        }
    }
    inflateEnd(&z);
    return e;
}

ow_err discover_links(const char *body, size_t len, size_t max_len, const char *content_type,
                      const char *http_charset, const char *base_url,
                      struct discover_result *out, struct ow_diag *d)
{
    memset(out, 0, sizeof *out);
    out->kind = DISCOVER_HTML;
    if (len == 0)
        return OW_OK;
    struct ow_buf gz;
    ow_buf_init(&gz, max_len);
    ow_err e;
    if (len >= 2 && (unsigned char)body[0] == 0x1f && (unsigned char)body[1] == 0x8b) {
        if ((e = gunzip(body, len, &gz, d))) {
            ow_buf_free(&gz);
            return e;
        }
        body = gz.data;
        len = gz.len;
        if (len == 0) {
            ow_buf_free(&gz);
            return OW_OK;
        }
    }
    struct decode_result dec = {0};
    struct decode_hints hints = {NULL, http_charset, 1};
    e = decode_bytes(body, len, &hints, &dec, d);
    if (e) {
        ow_buf_free(&gz);
        return e;
    }
    if (dec.len > INT_MAX) {
        decode_result_free(&dec);
        ow_buf_free(&gz);
        return ow_diagf(d, OW_TOOBIG, "document too large to scan for links");
    }
    struct links l = {out, 0, base_url, 0, NULL, 0};
    enum discover_kind k = DISCOVER_HTML;
    if (looks_xml(dec.text, dec.len, content_type))
        k = stream_parse(&l, dec.text, dec.len, 0);
    /* XHTML, or not XML after all: read as HTML (the XML parser stopped at
     * the root, before any link) */
    if (k == DISCOVER_HTML && !l.oom)
        k = stream_parse(&l, dec.text, dec.len, 1);
    out->kind = k;
    decode_result_free(&dec);
    ow_buf_free(&gz);
    free(l.slot);
    if (l.oom) {
        discover_result_free(out);
        return ow_diagf(d, OW_NOMEM, "out of memory");
    }
    return OW_OK;
}

void discover_result_free(struct discover_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->links[i].url);
        free(r->links[i].text);
    }
    free(r->links);
    memset(r, 0, sizeof *r);
}

/* ---- vocabulary ---------------------------------------------------------- */

enum { IN_ANY = 3, IN_TEXT = 1, IN_URL = 2 };

struct term {
    char *s;   /* ASCII letters lower-cased */
    int where;
};

struct discover_vocab {
    struct term *t;
    size_t n;
};

void discover_vocab_free(struct discover_vocab *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        free(v->t[i].s);
    free(v->t);
    free(v);
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

struct discover_vocab *discover_vocab_parse(const char *text, size_t len, struct ow_diag *d)
{
    struct discover_vocab *v = calloc(1, sizeof *v);
    if (!v) {
        ow_diagf(d, OW_NOMEM, "out of memory");
        return NULL;
    }
    size_t cap = 0, lineno = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        lineno++;
        const char *line = p;
        size_t n = (size_t)(e - p);
        p = e + (e < end);
        if (n && line[n - 1] == '\r')
            n--;
        if (n == 0 || line[0] == '#')
            continue;
        const char *tab = memchr(line, '\t', n);
        size_t tl = tab ? (size_t)(tab - line) : n;
        int where = IN_ANY;
        if (tab) {
            const char *w = tab + 1;
            size_t wl = n - tl - 1;
            if (wl == 3 && !memcmp(w, "any", 3))
                where = IN_ANY;
            else if (wl == 4 && !memcmp(w, "text", 4))
                where = IN_TEXT;
            else if (wl == 3 && !memcmp(w, "url", 3))
                where = IN_URL;
            else {
                ow_diagf(d, OW_DATA, "links.tsv:%zu: where must be any, text or url", lineno);
                discover_vocab_free(v);
                return NULL;
            }
        }
        if (tl == 0) {
            ow_diagf(d, OW_DATA, "links.tsv:%zu: empty term", lineno);
            discover_vocab_free(v);
            return NULL;
        }
        if (ow_array_grow((void **)&v->t, &cap, v->n, sizeof *v->t))
            goto oom;
        if (!(v->t[v->n].s = strndup(line, tl)))
            goto oom;
        lower_ascii(v->t[v->n].s);
        v->t[v->n].where = where;
        v->n++;
    }
    return v;
oom:
    ow_diagf(d, OW_NOMEM, "out of memory");
    discover_vocab_free(v);
    return NULL;
}

struct discover_vocab *discover_vocab_load(struct ow_diag *d)
{
    for (const struct ow_vocab_file *f = ow_vocab; f->name; f++)
        if (!strcmp(f->path, "ingest/vocab/links.tsv"))
            return discover_vocab_parse(f->text, f->len, d);
    ow_diagf(d, OW_DATA, "the link vocabulary (ingest/vocab/links.tsv) is not built in");
    return NULL;
}

/* Percent-decodes a URL (so /%E3%81%8A%E8%A9%AB%E3%81%B3/ reads お詫び) and
 * lower-cases its ASCII letters. */
static char *url_for_matching(const char *url)
{
    size_t n = strlen(url);
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (url[i] == '%' && isxdigit((unsigned char)url[i + 1]) &&
            isxdigit((unsigned char)url[i + 2])) {
            char hx[3] = {url[i + 1], url[i + 2], 0};
            o[k++] = (char)strtol(hx, NULL, 16);
            i += 2;
        } else {
            o[k++] = url[i];
        }
    }
    o[k] = 0;
    lower_ascii(o);
    return o;
}

int discover_looks_notice(const struct discover_vocab *v, const char *url, const char *text)
{
    /* The path and query only: a host named security.example.jp would
     * otherwise make every link of its site look like a notice. */
    char *pq = url ? url_path_query(url) : NULL;
    char *u = pq ? url_for_matching(pq) : NULL;
    free(pq);
    char *t = text ? strdup(text) : NULL;
    if (t)
        lower_ascii(t);
    int hit = 0;
    for (size_t i = 0; i < v->n && !hit; i++) {
        if ((v->t[i].where & IN_TEXT) && t && strstr(t, v->t[i].s))
            hit = 1;
        if ((v->t[i].where & IN_URL) && u && strstr(u, v->t[i].s))
            hit = 1;
    }
    free(u);
    free(t);
    return hit;
}
