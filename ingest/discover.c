/* ingest/discover.c — links out of feeds, sitemaps and index pages. */
#include "discover.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "../decode/decode.h"
#include "../fetch/libcurl.h"
#include "../extract/vocab.h"

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

/* ---- URLs ---------------------------------------------------------------- */

static int is_http(const char *scheme)
{
    return scheme && (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https"));
}

/* Scheme and host to lower case, %xx to upper case: one spelling per URL, so
 * the store sees one page where feeds and pages spell it differently. */
static void canon(char *u)
{
    char *p = u;
    for (; *p && *p != ':'; p++)
        *p = (char)tolower((unsigned char)*p);
    if (strncmp(p, "://", 3))
        return;
    p += 3;
    char *host_end = p + strcspn(p, "/?#");
    char *at = memchr(p, '@', (size_t)(host_end - p));
    for (char *q = at ? at + 1 : p; q < host_end; q++)
        *q = (char)tolower((unsigned char)*q);
    for (; *p; p++)
        if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            p[1] = (char)toupper((unsigned char)p[1]);
            p[2] = (char)toupper((unsigned char)p[2]);
            p += 2;
        }
}

char *discover_resolve(const char *base, const char *href)
{
    while (*href && isspace((unsigned char)*href))
        href++;
    size_t n = strlen(href);
    while (n > 0 && isspace((unsigned char)href[n - 1]))
        n--;
    if (n == 0 || n > 8192)
        return NULL;
    char *h = strndup(href, n);
    CURLU *u = curl_url();
    char *got = NULL, *scheme = NULL, *res = NULL;
    if (!h || !u)
        goto out;
    /* Whitespace inside a href (newlines in wrapped markup) is dropped, as
     * browsers do; curl would refuse the URL otherwise. */
    size_t k = 0;
    for (size_t i = 0; h[i]; i++)
        if (h[i] != '\n' && h[i] != '\r' && h[i] != '\t')
            h[k++] = h[i];
    h[k] = 0;
    if (base && curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
        goto out;
    if (curl_url_set(u, CURLUPART_URL, h, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || !is_http(scheme))
        goto out;
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (curl_url_get(u, CURLUPART_URL, &got, 0) != CURLUE_OK)
        goto out;
    res = strdup(got);
    if (res)
        canon(res);
out:
    curl_free(got);
    curl_free(scheme);
    curl_url_cleanup(u);
    free(h);
    return res;
}

int discover_host(const char *url, char *buf, size_t n)
{
    CURLU *u = curl_url();
    char *host = NULL;
    int rc = -1;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && strlen(host) < n) {
        for (size_t i = 0; host[i]; i++)
            buf[i] = (char)tolower((unsigned char)host[i]);
        buf[strlen(host)] = 0;
        rc = 0;
    }
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

int discover_origin(const char *url, char *buf, size_t n)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *port = NULL;
    char host[512];
    int rc = -1;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        discover_host(url, host, sizeof host) == 0) {
        for (char *p = scheme; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        int k = snprintf(buf, n, "%s://%s:%s", scheme, host, port);
        rc = k > 0 && (size_t)k < n ? 0 : -1;
    }
    curl_free(scheme);
    curl_free(port);
    curl_url_cleanup(u);
    return rc;
}

char *discover_path_query(const char *url)
{
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL, *res = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
        curl_url_get(u, CURLUPART_QUERY, &query, 0);
        size_t n = strlen(path) + (query ? strlen(query) + 1 : 0) + 2;
        res = malloc(n);
        if (res)
            snprintf(res, n, "%s%s%s", *path ? path : "/", query ? "?" : "", query ? query : "");
    }
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return res;
}

/* ---- collecting links ---------------------------------------------------- */

struct links {
    struct discover_result *r;
    size_t cap;
    const char *base;
    int oom;
    size_t *slot;       /* hash of the URLs so far: index + 1, 0 empty */
    size_t nslot;
    size_t budget;      /* nodes left to visit reading texts (READ_BUDGET) */
};

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

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
            size_t k = hash_str(l->r->links[i].url) & (nn - 1);
            while (ns[k])
                k = (k + 1) & (nn - 1);
            ns[k] = i + 1;
        }
        free(l->slot);
        l->slot = ns;
        l->nslot = nn;
    }
    size_t k = hash_str(url) & (l->nslot - 1);
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
    char *url = discover_resolve(l->base, href);
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

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcasecmp((const char *)n->name, name);
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* ---- reading text without expanding entities whole ------------------------
 *
 * xmlNodeGetContent and xmlGetProp expand every entity reference in full,
 * each time: a feed declaring one 200 KB entity and referencing it 5,000
 * times in a title costs a gigabyte per read.  Text is read here instead
 * into a buffer of at most `cap` bytes (what the caller can use: MAX_TEXT
 * for a title, MAX_URL + 1 for a URL), and every node visited, references
 * followed included, is paid from the document's budget, so neither memory
 * nor time grows with what the DTD asks for. */

/* Nodes a document may make us visit while reading its texts: a feed of
 * 100,000 items needs a few hundred thousand. */
#define READ_BUDGET 4000000
/* discover_resolve refuses longer hrefs; one more byte tells "too long". */
#define MAX_URL 8192

struct reader {
    struct ow_buf b;
    size_t *budget;     /* the document's nodes left to visit */
    int cut;            /* 1: text was left out (cap or budget) */
};

static void read_str(struct reader *t, const char *s)
{
    size_t room = t->b.max - t->b.len, n = strnlen(s, room + 1);
    if (n > room) {
        /* cut on a character boundary: the text stays UTF-8 */
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        t->cut = 1;
    }
    if (ow_buf_append(&t->b, s, n))
        t->cut = 1;
}

static void read_nodes(struct reader *t, const xmlNode *n, int depth)
{
    for (; n && !t->cut; n = n->next) {
        if (*t->budget == 0) {
            t->cut = 1;
            return;
        }
        (*t->budget)--;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                read_str(t, (const char *)n->content);
        } else if (n->type == XML_ENTITY_REF_NODE && depth < 16) {
            /* libxml2 hangs the parsed replacement text under the entity */
            const xmlEntity *ent = xmlGetDocEntity(n->doc, n->name);
            if (ent && ent->children)
                read_nodes(t, ent->children, depth + 1);
            else if (ent && ent->content)
                read_str(t, (const char *)ent->content);
        } else if (n->type == XML_ELEMENT_NODE && depth < 16) {
            read_nodes(t, n->children, depth + 1);
        }
    }
}

/* The text of the nodes from n on (an element's children, an attribute's
 * value), at most cap bytes; NULL when there is none, when out of memory,
 * or when it was cut short and whole (a URL) is wanted.  Caller frees. */
static char *read_text(struct links *l, const xmlNode *n, size_t cap, int whole)
{
    struct reader t = {.budget = &l->budget};
    ow_buf_init(&t.b, cap);
    read_nodes(&t, n, 0);
    if ((t.cut && whole) || !t.b.len) {
        ow_buf_free(&t.b);
        return NULL;
    }
    return ow_buf_take(&t.b, NULL);
}

/* An element's text, for matching (NULL for NULL). */
static char *content(struct links *l, const xmlNode *n)
{
    return n ? read_text(l, n->children, MAX_TEXT, 0) : NULL;
}

/* A URL held as an element's text: NULL when longer than any we follow. */
static char *content_url(struct links *l, const xmlNode *n)
{
    return n ? read_text(l, n->children, MAX_URL + 1, 1) : NULL;
}

/* The value of n's attribute `name` in any namespace (as xmlGetProp, but
 * without DTD defaults), at most cap bytes, whole or NULL when whole. */
static char *attr_text(struct links *l, const xmlNode *n, const char *name, size_t cap, int whole)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!strcmp((const char *)a->name, name))
            return read_text(l, a->children, cap, whole);
    return NULL;
}

static void add_item(struct links *l, const char *href, const xmlNode *title)
{
    char *t = content(l, title);
    add_link(l, href, t ? t : "");
    free(t);
}

/* Items of RSS 1.0 and 2.0, entries of Atom, urls of sitemaps: wherever they
 * sit under the root (RSS 2.0 nests them in channel, RSS 1.0 beside it). */
static void walk_xml(struct links *l, const xmlNode *n, enum discover_kind k, int depth)
{
    for (; n && !l->oom; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if ((k == DISCOVER_RSS1 || k == DISCOVER_RSS2) && is(n, "item")) {
            char *href = content_url(l, child(n, "link"));
            if (!href && k == DISCOVER_RSS1)
                href = attr_text(l, n, "about", MAX_URL + 1, 1);
            if (!href && k == DISCOVER_RSS2) {
                const xmlNode *g = child(n, "guid");
                char *perma = g ? attr_text(l, g, "isPermaLink", 16, 0) : NULL;
                href = g && (!perma || strcasecmp(perma, "false")) ? content_url(l, g) : NULL;
                free(perma);
            }
            add_item(l, href, child(n, "title"));
            free(href);
        } else if (k == DISCOVER_ATOM && is(n, "entry")) {
            char *best = NULL;
            for (const xmlNode *c = n->children; c; c = c->next) {
                if (!is(c, "link"))
                    continue;
                char *rel = attr_text(l, c, "rel", 64, 0);
                int alternate = !rel || !strcmp(rel, "alternate");
                free(rel);
                if (alternate) {
                    best = attr_text(l, c, "href", MAX_URL + 1, 1);
                    break;
                }
            }
            add_item(l, best, child(n, "title"));
            free(best);
        } else if ((k == DISCOVER_SITEMAP && is(n, "url")) ||
                   (k == DISCOVER_SITEMAP_INDEX && is(n, "sitemap"))) {
            char *loc = content_url(l, child(n, "loc"));
            add_link(l, loc, "");
            free(loc);
        } else if (depth < 4) {
            walk_xml(l, n->children, k, depth + 1);
        }
    }
}

/* Text of an anchor for matching: its text, its images' alt, its title. */
static void anchor_text(struct links *l, const xmlNode *n, struct reader *t, int depth)
{
    for (const xmlNode *c = n; c && depth < 32 && !t->cut; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            read_str(t, (const char *)c->content);
        } else if (c->type == XML_ELEMENT_NODE) {
            if (is(c, "img")) {
                char *alt = attr_text(l, c, "alt", MAX_TEXT, 0);
                if (alt) {
                    read_str(t, " ");
                    read_str(t, alt);
                    read_str(t, " ");
                }
                free(alt);
            } else if (!is(c, "script") && !is(c, "style")) {
                anchor_text(l, c->children, t, depth + 1);
            }
        }
    }
}

/* Iterative walk over every element: deep hostile markup cannot blow the
 * stack. */
static void walk_html(struct links *l, xmlNode *root)
{
    xmlNode *n = root;
    while (n && !l->oom) {
        if (n->type == XML_ELEMENT_NODE && (is(n, "a") || is(n, "area"))) {
            char *href = attr_text(l, n, "href", MAX_URL + 1, 1);
            if (href) {
                struct reader t = {.budget = &l->budget};
                ow_buf_init(&t.b, 4 * MAX_TEXT);
                anchor_text(l, n->children, &t, 0);
                char *title = attr_text(l, n, "title", MAX_TEXT, 0);
                if (title) {
                    read_str(&t, " ");
                    read_str(&t, title);
                }
                free(title);
                add_link(l, href, t.b.data ? t.b.data : "");
                ow_buf_free(&t.b);
                free(href);
            }
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next && n != root)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
}

static const xmlNode *find_base(const xmlNode *n, int depth)
{
    for (; n && depth < 8; n = n->next) {
        if (is(n, "base"))
            return n;
        if (n->type == XML_ELEMENT_NODE && (is(n, "html") || is(n, "head"))) {
            const xmlNode *b = find_base(n->children, depth + 1);
            if (b)
                return b;
        }
    }
    return NULL;
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

ow_err discover_links(const char *body, size_t len, const char *content_type,
                      const char *http_charset, const char *base_url,
                      struct discover_result *out, struct ow_diag *d)
{
    memset(out, 0, sizeof *out);
    out->kind = DISCOVER_HTML;
    if (len == 0)
        return OW_OK;
    struct decode_result dec = {0};
    struct decode_hints hints = {NULL, http_charset, 1};
    ow_err e = decode_bytes(body, len, &hints, &dec, d);
    if (e)
        return e;
    if (dec.len > INT_MAX) {
        decode_result_free(&dec);
        return ow_diagf(d, OW_TOOBIG, "document too large to scan for links");
    }
    struct links l = {out, 0, base_url, 0, NULL, 0, READ_BUDGET};
    xmlDoc *doc = NULL;
    if (looks_xml(dec.text, dec.len, content_type)) {
        doc = xmlReadMemory(dec.text, (int)dec.len, base_url, "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                            XML_PARSE_RECOVER | XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA);
        const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
        enum discover_kind k = DISCOVER_HTML;
        if (root) {
            const char *name = (const char *)root->name;
            if (!strcmp(name, "RDF"))
                k = DISCOVER_RSS1;
            else if (!strcmp(name, "rss"))
                k = DISCOVER_RSS2;
            else if (!strcmp(name, "feed"))
                k = DISCOVER_ATOM;
            else if (!strcmp(name, "urlset"))
                k = DISCOVER_SITEMAP;
            else if (!strcmp(name, "sitemapindex"))
                k = DISCOVER_SITEMAP_INDEX;
        }
        if (k != DISCOVER_HTML) {
            out->kind = k;
            walk_xml(&l, root->children, k, 0);
        } else {
            xmlFreeDoc(doc);   /* XHTML or not XML after all: read it as HTML */
            doc = NULL;
        }
    }
    if (out->kind == DISCOVER_HTML) {
        doc = htmlReadMemory(dec.text, (int)dec.len, base_url, "UTF-8",
                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (root) {
            const xmlNode *b = find_base(root, 0);
            char *bh = b ? attr_text(&l, b, "href", MAX_URL + 1, 1) : NULL;
            char *nb = bh ? discover_resolve(base_url, bh) : NULL;
            free(bh);
            if (nb)
                l.base = nb;
            walk_html(&l, root);
            free(nb);
        }
    }
    xmlFreeDoc(doc);
    decode_result_free(&dec);
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
        if (!strcmp(f->name, "links"))
            return discover_vocab_parse(f->text, f->len, d);
    ow_diagf(d, OW_DATA, "the link vocabulary (extract/vocab/links.tsv) is not built in");
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
    char *pq = url ? discover_path_query(url) : NULL;
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
