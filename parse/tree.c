/* parse/tree.c — building parse/'s tree from libxml2's SAX events (see
 * tree.h), and the walk over it. */
#include "tree.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "../core/util.h"

/* What text says: notice vocabulary, dates, organisation and copyright
 * markers.  Read-only tables; the words weigh the choice of container only. */

static int is_digit_at(const unsigned char *s, size_t n, size_t i, size_t *k)
{
    if (i < n && s[i] >= '0' && s[i] <= '9') {
        *k = 1;
        return 1;
    }
    /* full-width ０-９: EF BC 90..99 */
    if (i + 2 < n && s[i] == 0xef && s[i + 1] == 0xbc && s[i + 2] >= 0x90 && s[i + 2] <= 0x99) {
        *k = 3;
        return 1;
    }
    return 0;
}

static uint32_t count_dates(const unsigned char *s, size_t n)
{
    uint32_t hits = 0;
    size_t i = 0, k;
    while (i < n) {
        if (!is_digit_at(s, n, i, &k)) {
            i++;
            continue;
        }
        /* a run of digits, then 年/月/日 or a y.m.d / y/m/d shape */
        size_t j = i;
        while (is_digit_at(s, n, j, &k))
            j += k;
        if (j + 2 < n && (!memcmp(s + j, "年", 3) || !memcmp(s + j, "月", 3) || !memcmp(s + j, "日", 3))) {
            hits++;
        } else if (j < n && (s[j] == '.' || s[j] == '/')) {
            unsigned char sep = s[j];
            size_t a = j + 1, b = a;
            while (b < n && s[b] >= '0' && s[b] <= '9')
                b++;
            if (b > a && b < n && s[b] == sep && b + 1 < n && s[b + 1] >= '0' && s[b + 1] <= '9')
                hits++;
        }
        i = j;
    }
    return hits;
}

static void match_words(const struct parse_words *v, const unsigned char *s, size_t n, size_t i,
                        struct tstat *st)
{
    unsigned cp = parse_cp3(s + i);
    if (!(v->first[cp >> 3] & (1u << (cp & 7))))
        return;
    uint32_t key = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->key[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < v->n && v->key[lo] == key; lo++) {
        if (v->len[lo] > n - i || memcmp(s + i, v->word[lo], v->len[lo]) != 0)
            continue;
        if (!v->org[lo])
            st->words++;
        else
            st->flags |= TX_ORG;
    }
}

struct tstat parse_text_stat(const struct parse_words *v, const char *text, size_t n)
{
    struct tstat st = {0, 0, 0, 0};
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < n;) {
        size_t k;
        uint32_t c = utf8_cp(s + i, n - i, &k);
        if (!is_ws(c))
            st.chars++;
        if (k == 3)
            match_words(v, s, n, i, &st);
        else if (c == 0xa9)
            st.flags |= TX_COPY;   /* © */
        else if (((c | 0x20) == 'c' && n - i >= 9 && !strncasecmp(text + i, "copyright", 9)) ||
                 ((c | 0x20) == 'a' && n - i >= 19 && !strncasecmp(text + i, "all rights reserved", 19)))
            st.flags |= TX_COPY;
        i += k;
    }
    st.dates = count_dates(s, n);
    return st;
}

struct tagdef {
    const char *name;
    uint32_t flags;
};

#define BLK T_BLOCK
#define HVY (T_BLOCK | T_HEAVY)
/* Sorted by name (bsearch). */
static const struct tagdef tags[] = {
    {"a", T_INLINE | T_A},
    {"abbr", T_INLINE},
    {"address", BLK | T_LIGHT},
    {"applet", T_DROP},
    {"article", HVY | T_CAND},
    {"aside", HVY | T_COND},
    {"audio", T_DROP},
    {"b", T_INLINE},
    {"big", T_INLINE},
    {"blockquote", HVY},
    {"body", BLK | T_BODY},
    {"br", T_BR | T_INLINE},
    {"button", T_DROP},
    {"canvas", T_DROP},
    {"caption", BLK},
    {"center", HVY},
    {"cite", T_INLINE},
    {"code", T_INLINE},
    {"datalist", T_DROP},
    {"dd", BLK | T_DD},
    {"details", HVY},
    {"dialog", HVY},
    {"dir", HVY},
    {"div", BLK | T_LIGHT},
    {"dl", HVY},
    {"dt", BLK | T_DT},
    {"em", T_INLINE},
    {"embed", T_DROP},
    {"fieldset", HVY},
    {"figcaption", BLK},
    {"figure", HVY},
    {"font", T_INLINE},
    {"footer", HVY | T_COND},
    {"form", HVY},
    {"frame", T_DROP},
    {"frameset", T_DROP},
    {"h1", HVY | T_HEADING | T_H1 | T_H12},
    {"h2", HVY | T_HEADING | T_H12},
    {"h3", HVY | T_HEADING},
    {"h4", HVY | T_HEADING},
    {"h5", HVY | T_HEADING},
    {"h6", HVY | T_HEADING},
    {"head", T_HEAD},
    {"header", HVY | T_COND},
    {"hgroup", HVY},
    {"hr", HVY},
    {"html", BLK},
    {"i", T_INLINE},
    {"iframe", T_DROP},
    {"img", T_INLINE},
    {"input", T_DROP},
    {"label", T_INLINE},
    {"legend", BLK},
    {"li", BLK | T_LI},
    {"main", HVY | T_CAND},
    {"map", T_DROP},
    {"marquee", BLK},
    {"math", T_DROP},
    {"menu", HVY | T_NAV},
    {"meter", T_DROP},
    {"nav", HVY | T_NAV},
    {"nobr", T_INLINE},
    {"noembed", T_DROP},
    {"noframes", T_DROP},
    {"noscript", T_DROP},
    {"object", T_DROP},
    {"ol", HVY},
    {"optgroup", T_DROP},
    {"option", T_DROP},
    {"output", T_DROP},
    {"p", BLK | T_LIGHT},
    {"picture", T_INLINE},
    {"pre", HVY | T_PRE},
    {"progress", T_DROP},
    {"q", T_INLINE},
    {"rp", T_DROP},
    {"rt", T_DROP},
    {"ruby", T_INLINE},
    {"s", T_INLINE},
    {"script", T_DROP},
    {"section", HVY},
    {"select", T_DROP},
    {"small", T_INLINE},
    {"span", T_INLINE},
    {"strike", T_INLINE},
    {"strong", T_INLINE},
    {"style", T_DROP},
    {"sub", T_INLINE},
    {"summary", BLK},
    {"sup", T_INLINE},
    {"svg", T_DROP},
    {"table", HVY},
    {"tbody", BLK},
    {"td", BLK | T_CELL},
    {"template", T_DROP},
    {"textarea", T_DROP},
    {"tfoot", BLK},
    {"th", BLK | T_CELL},
    {"thead", BLK},
    {"time", T_INLINE},
    {"title", T_TITLE},
    {"tr", BLK | T_TR},
    {"tt", T_INLINE},
    {"u", T_INLINE},
    {"ul", HVY},
    {"var", T_INLINE},
    {"video", T_DROP},
    {"wbr", T_INLINE},
    {"xmp", HVY | T_PRE},
};

#undef BLK
#undef HVY

static int cmp_tag(const void *k, const void *e)
{
    return strcmp((const char *)k, ((const struct tagdef *)e)->name);
}

static uint32_t tag_flags(const xmlChar *name)
{
    const struct tagdef *t = bsearch(name, tags, sizeof tags / sizeof tags[0], sizeof tags[0], cmp_tag);
    return t ? t->flags : 0;   /* unknown tags behave as inline */
}

static unsigned token_kind(const struct parse_words *w, const char *tok, size_t len)
{
    if (len >= 3 && (!memcmp(tok, "nav", 3) || !memcmp(tok + len - 3, "nav", 3)))
        return K_ALWAYS;   /* nav, navi, navigation, gnav, globalnav, subnav */
    if (len >= 4 && !memcmp(tok + len - 4, "navi", 4))
        return K_ALWAYS;   /* gnavi, hnavi, fnavi */
    return parse_class_token(w, tok) & (K_ALWAYS | K_COND | K_CAND);
}

/* Lists of other pages: "news-list", "info_list", "entryList" (listclass). */
static int newsy(const struct parse_words *w, const char *tok)
{
    return (parse_class_token(w, tok) & PARSE_CLASS_LIST) != 0;
}

/* Splits an attribute value into lower-case alphanumeric tokens
 * ("side-block" -> side, block; "l-header__logo" -> l, header, logo). */
static unsigned classify_value(const struct parse_words *w, const xmlChar *v, int is_id)
{
    unsigned what = 0;
    int list = 0, news = 0;
    char tok[48];
    size_t n = 0;
    int over = 0;
    for (const xmlChar *p = v;; p++) {
        unsigned c = *p;
        int alnum = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
        if (alnum) {
            if (n < sizeof tok - 1)
                tok[n++] = (char)((c >= 'A' && c <= 'Z') ? c | 0x20 : c);
            else
                over = 1;
            continue;
        }
        if (n && !over) {
            tok[n] = '\0';
            what |= token_kind(w, tok, n);
            if (!strcmp(tok, "list") || !strcmp(tok, "lists"))
                list = 1;
            else if (newsy(w, tok))
                news = 1;
            else if (n > 4 && !strcmp(tok + n - 4, "list") && (tok[n - 4] = '\0', newsy(w, tok)))
                list = news = 1;   /* newslist, entrylist */
        }
        n = 0;
        over = 0;
        if (c == '\0')
            break;
    }
    if (list && news)
        what |= K_ALWAYS;
    /* Whole-value ids that are sidebars only when they stand alone. */
    if (is_id && (!strcmp((const char *)v, "sub") || !strcmp((const char *)v, "secondary") ||
                  !strcmp((const char *)v, "subcol")))
        what |= K_ALWAYS;
    return what;
}

static uint32_t tag_flags_of(struct html *h, const xmlChar *name)
{
    /* "rdf:li" is an li, as libxml2's tree builder reads it (xmlSplitQName). */
    const xmlChar *colon = name[0] != ':' ? (const xmlChar *)strchr((const char *)name, ':') : NULL;
    if (colon && colon[1])
        name = colon + 1;
    /* Names read from the markup are interned in the parser's dictionary;
     * implied ones (html, body, p) are string constants. */
    if (!xmlDictOwns(h->ctxt->dict, name))
        return tag_flags(name);
    size_t slot = ((uintptr_t)name >> 3) % 64;
    if (h->seen_name[slot] != name) {
        h->seen_name[slot] = name;
        h->seen_flags[slot] = tag_flags(name);
    }
    return h->seen_flags[slot];
}

/* The value of attribute `name` in a start tag's name/value list ("" for a
 * name without a value), NULL when it is not there. */
static const xmlChar *attr(const xmlChar **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (!strcasecmp((const char *)atts[i], name))
            return atts[i + 1] ? atts[i + 1] : (const xmlChar *)"";
    return NULL;
}

static uint8_t classify_attrs(const struct parse_words *w, const xmlChar **atts, uint32_t tag)
{
    unsigned what = 0;
    const xmlChar *v;
    if (attr(atts, "hidden"))
        what |= A_HIDDEN;
    if ((tag & T_A) && attr(atts, "href"))
        what |= A_HREF;
    if (tag & T_INLINE)   /* class/id never drop these */
        return (uint8_t)what;
    if ((v = attr(atts, "class")))
        what |= classify_value(w, v, 0);
    if ((v = attr(atts, "id")))
        what |= classify_value(w, v, 1);
    if ((v = attr(atts, "role"))) {
        const char *r = (const char *)v;
        if (!strcasecmp(r, "navigation") || !strcasecmp(r, "menu") || !strcasecmp(r, "menubar") ||
            !strcasecmp(r, "search"))
            what |= K_ALWAYS;
        else if (!strcasecmp(r, "banner") || !strcasecmp(r, "contentinfo") || !strcasecmp(r, "complementary"))
            what |= K_COND;
        else if (!strcasecmp(r, "main") || !strcasecmp(r, "article"))
            what |= K_CAND;
    }
    return (uint8_t)what;
}


static uint32_t node_add(struct html *h, uint32_t parent, uint32_t tag)
{
    if (h->nnode >= UINT32_MAX - 1) {
        h->err = OW_TOOBIG;
        return 0;
    }
    if (ow_array_grow((void **)&h->node, &h->capnode, h->nnode, sizeof *h->node)) {
        h->err = OW_NOMEM;
        return 0;
    }
    uint32_t i = (uint32_t)h->nnode++;
    struct node *nd = &h->node[i];
    memset(nd, 0, sizeof *nd);
    nd->parent = parent;
    nd->end = i + 1;
    nd->tag = tag;
    return i;
}

static void sax_fail(struct html *h)
{
    if (h->err)
        xmlStopParser(h->ctxt);
}

static void sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    struct html *h = ctx;
    h->last_text = 0;
    if (h->err)
        return;
    if (h->skip) {
        h->skip++;
        return;
    }
    /* An element after the root closed (content past </html>) goes back
     * into the root, as libxml2's own tree builder does. */
    if (!h->cur && h->nnode > 1)
        h->cur = 1;
    uint32_t tag = tag_flags_of(h, name);
    uint32_t i = node_add(h, h->cur, tag);
    if (!i) {
        sax_fail(h);
        return;
    }
    h->node[i].u.el.attrs = classify_attrs(h->words, atts, tag);
    h->cur = i;
    /* Scripts, styles, form controls...: never text, so never stored. */
    if (tag & T_DROP)
        h->skip = 1;
}

static void sax_end(void *ctx, const xmlChar *name)
{
    (void)name;
    struct html *h = ctx;
    h->last_text = 0;
    if (h->err || (h->skip && --h->skip) || !h->cur)
        return;
    h->node[h->cur].end = (uint32_t)h->nnode;
    h->cur = h->node[h->cur].parent;
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    struct html *h = ctx;
    if (h->err || h->skip || !h->cur || len <= 0)
        return;
    if (h->text.len + (size_t)len > UINT32_MAX) {   /* text offsets are 32-bit */
        h->err = OW_TOOBIG;
        sax_fail(h);
        return;
    }
    /* Consecutive runs (text, then an entity, then text) are one node. */
    if (!h->last_text) {
        uint32_t i = node_add(h, h->cur, T_TEXT);
        if (!i) {
            sax_fail(h);
            return;
        }
        h->node[i].u.tx.off = (uint32_t)h->text.len;
        h->last_text = i;
    }
    if ((h->err = ow_buf_append(&h->text, ch, (size_t)len))) {
        sax_fail(h);
        return;
    }
    h->node[h->last_text].u.tx.len += (uint32_t)len;
}

/* A comment, a processing instruction or a CDATA block is not text, but it
 * separates two text nodes. */
static void sax_other(void *ctx, const xmlChar *a, const xmlChar *b)
{
    (void)a;
    (void)b;
    ((struct html *)ctx)->last_text = 0;
}

static void sax_comment(void *ctx, const xmlChar *value)
{
    sax_other(ctx, value, NULL);
}

static void sax_cdata(void *ctx, const xmlChar *value, int len)
{
    (void)len;
    sax_other(ctx, value, NULL);
}

static void sax_ignore(void *ctx, const xmlChar *ch, int len)
{
    (void)ctx;
    (void)ch;
    (void)len;
}

/* Closes what the parser left open (it was stopped, or ran out of memory). */
static void close_open(struct html *h)
{
    for (uint32_t i = h->cur; i; i = h->node[i].parent)
        h->node[i].end = (uint32_t)h->nnode;
    h->cur = 0;
}

void parse_walk(struct html *h, uint32_t root, pre_fn pre, post_fn post, void *ctx)
{
    uint32_t stop = h->node[root].end, open = 0;   /* open: innermost element entered */
    int any = 0;
    for (uint32_t i = root; i < stop;) {
        if (pre(ctx, i) && !is_text(h, i)) {
            open = i;
            any = 1;
            i++;
        } else {
            i = h->node[i].end;
        }
        while (any && h->node[open].end <= i) {
            post(ctx, open);
            if (open == root) {
                any = 0;
                break;
            }
            open = h->node[open].parent;
        }
    }
}

static void silent(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

/* Replaces invalid UTF-8 with U+FFFD (libxml2 stops at the first bad byte)
 * and drops a leading BOM.  *copy is NULL when the text can be used as is. */
ow_err parse_sanitize(const char *text, size_t len, char **copy, size_t *clen)
{
    *copy = NULL;
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        text += 3;
        len -= 3;
    } else if (ow_utf8_valid(text, len)) {
        return OW_OK;
    }
    struct ow_buf b;
    ow_buf_init(&b, 0);
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        size_t k;
        while (j < len && (k = ow_utf8_seqlen(p + j, len - j)) != 0)
            j += k;
        ow_err e = ow_buf_append(&b, p + i, j - i);
        if (!e && j < len)
            e = ow_buf_append(&b, "\xef\xbf\xbd", 3);
        if (e) {
            ow_buf_free(&b);
            return e;
        }
        i = j < len ? j + 1 : j;
    }
    *copy = ow_buf_take(&b, clen);
    return *copy ? OW_OK : OW_NOMEM;
}

/* libxml2 reads the page through this callback, a chunk at a time, and
 * lets go of what it has parsed: a memory parser context would hold a copy
 * of the whole page. */
struct reader {
    const char *p;
    size_t left;
};

static int read_chunk(void *ctx, char *buf, int len)
{
    struct reader *r = ctx;
    size_t k = r->left < (size_t)len ? r->left : (size_t)len;
    memcpy(buf, r->p, k);
    r->p += k;
    r->left -= k;
    return (int)k;
}

/* Parses src into h's tree: node 0 is the document, node 1 (if any) the
 * root element. */
ow_err parse_tree_build(struct html *h, const char *src, size_t slen, struct ow_diag *d)
{
    struct reader rd = {src, slen};
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    xmlParserInputBufferPtr buf = ctxt ? xmlParserInputBufferCreateIO(read_chunk, NULL, &rd, XML_CHAR_ENCODING_NONE)
                                       : NULL;
    xmlParserInputPtr in = buf ? xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE) : NULL;
    if (!in || inputPush(ctxt, in) < 0) {
        if (in)
            xmlFreeInputStream(in);
        else if (buf)
            xmlFreeParserInputBuffer(buf);
        htmlFreeParserCtxt(ctxt);
        return ow_diagf(d, OW_NOMEM, "cannot create an HTML parser context");
    }
    /* The text is valid UTF-8 without a BOM (sanitize), which libxml2 reads
     * natively once the context says so; IGNORE_ENC keeps a <meta charset>
     * from switching it. */
    ctxt->charset = XML_CHAR_ENCODING_UTF8;
    /* Our callbacks instead of libxml2's tree builder.  Errors stay on this
     * context: NOERROR/NOWARNING clear its channels and the structured
     * handler swallows whatever would reach it.  Blank runs libxml2 calls
     * ignorable (in <html> and <head>, at the end) are dropped, as its tree
     * builder drops them. */
    htmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->startElement = sax_start;
    sax->endElement = sax_end;
    sax->characters = sax_text;
    sax->ignorableWhitespace = sax_ignore;
    sax->cdataBlock = sax_cdata;
    sax->comment = sax_comment;
    sax->processingInstruction = sax_other;
    sax->serror = silent;
    ctxt->userData = h;
    h->ctxt = ctxt;
    node_add(h, 0, 0);   /* node 0, the document */
    ow_err e = h->err;
    /* XML_PARSE_HUGE lifts the 256-level depth cap (past it libxml2 drops
     * the rest of the page). */
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
    if (!e) {
        htmlParseDocument(ctxt);
        e = h->err;
        if (!e && ctxt->lastError.code == XML_ERR_NO_MEMORY)
            e = OW_NOMEM;
        close_open(h);
        h->node[0].end = (uint32_t)h->nnode;
    }
    h->ctxt = NULL;
    htmlFreeParserCtxt(ctxt);
    if (e == OW_TOOBIG)
        return ow_diagf(d, e, "HTML input has too many nodes or too much text");
    return e ? ow_diagf(d, e, "out of memory while parsing the HTML") : OW_OK;
}

void parse_tree_free(struct html *h)
{
    free(h->node);
    ow_buf_free(&h->text);
    free(h->cands);
    memset(h, 0, sizeof *h);
}
