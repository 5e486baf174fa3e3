/* parse/parse.c — HTML or plain text to the notice's main text as blocks.
 *
 * HTML goes through libxml2's HTML parser (encoding forced to UTF-8, recover
 * mode, errors silenced on a per-call parser context) into a compact tree of
 * our own (SAX callbacks: no libxml2 document, which costs ~400 bytes an
 * element), then four iterative walks over it (no recursion: 100k nested
 * tags must not blow the C stack):
 *
 *   1. raw:    count text and notice vocabulary per subtree before
 *              anything is dropped (used to refuse dropping a
 *              "sidebar" that in fact holds most of the notice);
 *   2. marks:  drop scripts, navigation, ads, sidebars, comments... by tag,
 *              class/id tokens and role; count what is left per subtree
 *              (text, link text, vocabulary, dates, links, nested blocks);
 *   3. choose: the main container — markup (<main>, <article>, #content...)
 *              when it holds most of what the page says, then a descent
 *              that steps into a child only while everything beside it is
 *              chrome (no vocabulary, no date, little or link-only text);
 *   4. emit:   blocks from the chosen container.  Site headers/footers are
 *              dropped unless they sit inside the main content; link-dense
 *              lists and link-only lines, [PR] lines, copyright lines and
 *              blog comment/trackback lines are dropped.
 *
 * The tree is one array of nodes in document order, each element knowing
 * where its subtree ends, and one buffer holding the text of all text
 * nodes; the per-element counters live in the nodes. */
#include "internal.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "../core/buf.h"
#include "../core/util.h"

/* ------------------------------------------------------------------------ */
/* UTF-8 and character classes.                                              */

/* Decodes the (valid) sequence at s; *k receives its length. */
static uint32_t utf8_cp(const unsigned char *s, size_t n, size_t *k)
{
    size_t len = ow_utf8_seqlen(s, n);
    if (len == 0) {
        *k = 1;
        return 0xfffd;
    }
    *k = len;
    if (len == 1)
        return s[0];
    uint32_t cp = s[0] & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; i++)
        cp = cp << 6 | (s[i] & 0x3f);
    return cp;
}

/* Whitespace that is collapsed: ASCII whitespace and U+00A0 (&nbsp;, which
 * NFKC would turn into a space anyway).  U+3000 is kept as text. */
static int is_ws(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xa0;
}

/* East Asian wide/fullwidth/halfwidth, Hangul excluded: a line break in the
 * source between two such characters is no space (CSS Text 3 segment break
 * rule), so "…情報が\n流出…" stays one word. */
static int is_wide(uint32_t c)
{
    return (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
           (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xffef) ||
           (c >= 0x20000 && c <= 0x3fffd);
}

/* Characters that say something: not punctuation or the separators that
 * navigation bars put between links ("・", "｜", "＞", "»"). */
static int is_meaningful(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    switch (c) {
    case 0xa0: case 0xab: case 0xbb: case 0x2014: case 0x2015: case 0x2022:
    case 0x2190: case 0x2192: case 0x2502: case 0x2503: case 0x25b2: case 0x25b6:
    case 0x25ba: case 0x25bc: case 0x25c0: case 0x3000: case 0x3010: case 0x3011:
    case 0x30fb: case 0xff08: case 0xff09: case 0xff0d: case 0xff0f: case 0xff1a:
    case 0xff1c: case 0xff1e: case 0xff3b: case 0xff3d: case 0xff5c:
        return 0;
    }
    return 1;
}

/* Drops the controls and bidi formatting characters of b (ow_utf8_control:
 * C1 controls such as CSI U+009B, U+202E and the other overrides and
 * isolates; C0 ones are spaces before they get here).  Shown, they move a
 * terminal's cursor or reorder a title or a name on the screen of whoever
 * reads the record; as text they mean nothing. */
void parse_drop_controls(struct ow_buf *b)
{
    size_t k = 0;
    for (size_t i = 0; i < b->len;) {
        size_t c = ow_utf8_control((const unsigned char *)b->data + i, b->len - i, NULL);
        if (c) {
            i += c;
            continue;
        }
        b->data[k++] = b->data[i++];
    }
    if (b->data)
        b->data[k] = '\0';
    b->len = k;
}

static int contains(const char *s, size_t n, const char *p)
{
    return memmem(s, n, p, strlen(p)) != NULL;
}

/* ASCII case-insensitive memmem for short needles. */
static int contains_ci(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    for (size_t i = 0; i + k <= n; i++)
        if ((s[i] | 0x20) == (p[0] | 0x20) && strncasecmp(s + i, p, k) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* What text says: notice vocabulary, dates, organisation and copyright      */
/* markers.  Read-only tables; the words weigh the choice of container only. */

/* Per-text-node facts, kept in the node so that the second walk need not
 * scan the text again. */
enum { TX_ORG = 1, TX_COPY = 2 };

struct tstat {
    uint32_t chars;   /* non-whitespace code points */
    uint32_t words;   /* notice vocabulary hits */
    uint32_t dates;   /* date-looking tokens */
    uint32_t flags;   /* TX_* */
};

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

static struct tstat text_stat(const struct parse_words *v, const char *text, size_t n)
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

/* ------------------------------------------------------------------------ */
/* Tags.                                                                     */

enum {
    T_BLOCK = 1 << 0,    /* starts and ends a line */
    T_DROP = 1 << 1,     /* never text (script, style, form controls...) */
    T_HEAVY = 1 << 2,    /* inside a table cell: the row is layout, not data */
    T_LIGHT = 1 << 3,    /* p/div: allowed once per data cell */
    T_INLINE = 1 << 4,   /* class/id never drops these */
    T_HEADING = 1 << 5,
    T_LI = 1 << 6,
    T_PRE = 1 << 7,
    T_DT = 1 << 8,
    T_DD = 1 << 9,
    T_TR = 1 << 10,
    T_CELL = 1 << 11,
    T_BR = 1 << 12,
    T_A = 1 << 13,
    T_TITLE = 1 << 14,
    T_NAV = 1 << 15,     /* dropped like a navigation class */
    T_COND = 1 << 16,    /* header/footer/aside: dropped outside the main content */
    T_CAND = 1 << 17,    /* main/article: main content by markup */
    T_H1 = 1 << 18,
    T_H12 = 1 << 19,     /* h1/h2: never chrome */
    T_BODY = 1 << 20,
    T_HEAD = 1 << 21,    /* dropped except for its <title> */
    T_TEXT = 1 << 22,    /* not an element: a text node */
};

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

/* ------------------------------------------------------------------------ */
/* class / id / role tokens.                                                 */

/* What a token says: the lists of words.tsv (chromeclass, frameclass,
 * mainclass: K_ALWAYS chrome wherever it is, K_COND a site header or
 * footer, dropped unless inside the main content, K_CAND main content),
 * and any token that is or ends in a navigation word. */
enum { K_ALWAYS = PARSE_CLASS_CHROME, K_COND = PARSE_CLASS_FRAME, K_CAND = PARSE_CLASS_MAIN };

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

/* Headings that open a box of links to other pages rather than a part of
 * the notice.  Compared as prefixes, after leading marks (■, 【...). */

/* ------------------------------------------------------------------------ */
/* Per-element counters and the tree.                                        */

enum {
    M_DROP = 1,      /* not part of the text at all */
    M_COND = 2,      /* header/footer: kept only inside the main content */
    M_CAND = 4,      /* main content by markup */
    M_ORG = 8,       /* subtree names an organisation (株式会社, 代表...) */
    M_COPY = 16,     /* subtree holds a copyright notice */
    M_H12 = 32,      /* subtree holds an h1 or h2 */
    M_HREF = 64,     /* <a href> */
};

/* What an element's attributes say, read at its start tag: K_* from
 * class, id and role, and two presences. */
enum { A_HIDDEN = 1 << 6, A_HREF = 1 << 7 };

struct ninfo {
    uint32_t raw_chars, raw_words;   /* before any dropping */
    uint32_t chars, link_chars, words, dates;   /* kept; words/dates outside links */
    uint16_t links, heavy, light, brs;
    uint16_t mark;
    uint8_t saved_kind;
    uint8_t attrs;                   /* K_* | A_* */
};

/* A node of the page.  Nodes are stored in document order, so an element's
 * subtree is the nodes after it up to `end`, its first child (if any) is the
 * next node and a child's next sibling is at the child's `end`.  Node 0 is
 * the document. */
struct node {
    uint32_t parent;   /* 0 for the document's children (and the document) */
    uint32_t end;      /* one past the last node of the subtree */
    uint32_t tag;      /* T_* of the element; T_TEXT for a text node */
    union {
        struct ninfo el;
        struct {
            uint32_t off, len;   /* the bytes in html.text */
            struct tstat st;
        } tx;
    } u;
};

struct html {
    struct node *node;
    size_t nnode, capnode;
    struct ow_buf text;      /* every text node's bytes, in document order */
    /* building (SAX) */
    htmlParserCtxtPtr ctxt;
    uint32_t cur;            /* the innermost open element (0: none) */
    uint32_t last_text;      /* the text node characters() extends, or 0 */
    uint32_t skip;           /* >0: depth inside an element kept without its content */
    /* walking */
    uint32_t body, title;    /* 0: none */
    uint32_t *cands;
    size_t ncands, capcands;
    const struct parse_words *words;
    /* tag_flags() by name pointer (libxml2 interns element names in its
     * dictionary): one bsearch per distinct name, not per element */
    const xmlChar *seen_name[64];
    uint32_t seen_flags[64];
    ow_err err;
};

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

static int is_text(const struct html *h, uint32_t i)
{
    return (h->node[i].tag & T_TEXT) != 0;
}

/* The counters of element i; NULL for the document and for text. */
static struct ninfo *info_of(struct html *h, uint32_t i)
{
    return i && !is_text(h, i) ? &h->node[i].u.el : NULL;
}

static const char *text_of(const struct html *h, uint32_t i, size_t *len)
{
    *len = h->node[i].u.tx.len;
    return h->text.data + h->node[i].u.tx.off;
}

/* Children of i: for (c = i + 1; c < end(i); c = end(c)). */
#define FOR_CHILDREN(h, i, c) for (uint32_t c = (i) + 1, c##_stop = (h)->node[i].end; c < c##_stop; c = (h)->node[c].end)

/* Only ASCII whitespace. */
static int all_blank_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
            return 0;
    return 1;
}

/* The text at the start of a heading, at most cap-1 bytes (only the first
 * few nodes are read). */
static void heading_text(struct html *h, uint32_t hd, char *buf, size_t cap)
{
    size_t len = 0;
    uint32_t stop = h->node[hd].end;
    if (stop - hd > 33)
        stop = hd + 33;
    for (uint32_t i = hd + 1; i < stop && len + 1 < cap; i++) {
        if (!is_text(h, i))
            continue;
        size_t n;
        const char *t = text_of(h, i, &n);
        if (n > cap - 1 - len)
            n = cap - 1 - len;
        memcpy(buf + len, t, n);
        len += n;
    }
    buf[len] = '\0';
}

static int chrome_heading(struct html *h, uint32_t e)
{
    uint32_t first = 0;
    FOR_CHILDREN(h, e, c) {
        if (!is_text(h, c)) {
            first = c;
            break;
        }
        size_t n;
        const char *t = text_of(h, c, &n);
        if (!all_blank_bytes(t, n))
            return 0;
    }
    if (!first || !(h->node[first].tag & T_HEADING))
        return 0;
    char buf[128];
    heading_text(h, first, buf, sizeof buf);
    const unsigned char *s = (const unsigned char *)buf;
    size_t n = strlen(buf), i = 0;
    while (i < n) {
        size_t k;
        uint32_t cp = utf8_cp(s + i, n - i, &k);
        if (!(is_ws(cp) || cp == 0x3000 || (cp >= 0x25a0 && cp <= 0x25ff) || cp == 0x3010 || cp == 0x300c ||
              cp == 0x300e || cp == 0x2605 || cp == 0x2606))
            break;
        i += k;
    }
    for (size_t w = 0; w < h->words->nchrome; w++)
        if (ow_starts_with(buf + i, n - i, h->words->chrome[w]))
            return 1;
    return 0;
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

static uint16_t sat16(uint32_t v)
{
    return v > 0xffff ? 0xffff : (uint16_t)v;
}

/* ------------------------------------------------------------------------ */
/* Building the tree (libxml2 SAX callbacks).                                */

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

/* Visits the subtree of root in document order without recursion.  pre()
 * returns 1 to go into an element's children; post() runs after them (only
 * for elements pre() went into). */
typedef int (*pre_fn)(void *ctx, uint32_t n);
typedef void (*post_fn)(void *ctx, uint32_t n);

static void walk(struct html *h, uint32_t root, pre_fn pre, post_fn post, void *ctx)
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

/* Walk 1: count everything (raw). */
static int raw_pre(void *ctx, uint32_t i)
{
    struct html *h = ctx;
    struct node *nd = &h->node[i];
    if (nd->tag & T_TEXT) {
        size_t n;
        const char *t = text_of(h, i, &n);
        nd->u.tx.st = text_stat(h->words, t, n);
        struct ninfo *p = info_of(h, nd->parent);
        if (p) {
            p->raw_chars += nd->u.tx.st.chars;
            p->raw_words += nd->u.tx.st.words;
        }
        return 0;
    }
    if (i == 0)
        return 1;   /* the document */
    if ((nd->tag & T_TITLE) && !h->title)
        h->title = i;
    if ((nd->tag & T_BODY) && !h->body)
        h->body = i;
    if (nd->tag & T_DROP) {
        nd->u.el.mark |= M_DROP;
        return 0;
    }
    return 1;
}

static void raw_post(void *ctx, uint32_t i)
{
    struct html *h = ctx;
    struct ninfo *in = info_of(h, i), *p;
    if (!in || !(p = info_of(h, h->node[i].parent)))
        return;
    p->raw_chars += in->raw_chars;
    p->raw_words += in->raw_words;
}

/* Walk 2: marks and kept counters. */
struct marks {
    struct html *h;
    uint32_t body_words, body_chars;
    int in_link;
};

static int mark_pre(void *ctx, uint32_t i)
{
    struct marks *m = ctx;
    struct html *h = m->h;
    if (h->err)
        return 0;
    struct node *nd = &h->node[i];
    if (nd->tag & T_TEXT) {
        struct ninfo *p = info_of(h, nd->parent);
        if (!p)
            return 0;
        const struct tstat *st = &nd->u.tx.st;
        if (m->in_link) {
            p->link_chars += st->chars;
        } else {
            p->chars += st->chars;
            p->words += st->words;
            p->dates += st->dates;
        }
        if (st->flags & TX_ORG)
            p->mark |= M_ORG;
        if (st->flags & TX_COPY)
            p->mark |= M_COPY;
        return 0;
    }
    struct ninfo *in = info_of(h, i);
    if (!in || (in->mark & M_DROP))
        return 0;
    /* <title> is the title block already (and sometimes strays into the body). */
    if ((nd->tag & (T_HEAD | T_TITLE)) || (in->attrs & A_HIDDEN)) {
        in->mark |= M_DROP;
        return 0;
    }
    unsigned what = 0;
    if (i != h->body) {   /* the walk's root is never chrome: <body class="has-sidebar"> */
        what = in->attrs & (K_ALWAYS | K_COND | K_CAND);
        if (nd->tag & T_NAV)
            what |= K_ALWAYS;
        if (!(nd->tag & (T_INLINE | T_HEADING)) && chrome_heading(h, i))
            what |= K_ALWAYS;
        if (nd->tag & T_COND)
            what |= K_COND;
        if (nd->tag & T_CAND)
            what |= K_CAND;
        /* A "sidebar" or "header" that holds most of what the page says is
         * a mislabelled wrapper ("has-sidebar", "l-header-fixed"), not chrome. */
        if ((what & (K_ALWAYS | K_COND)) &&
            ((in->raw_words >= 5 && 2 * (uint64_t)in->raw_words >= m->body_words) ||
             (m->body_words < 5 && in->raw_chars >= 200 && 2 * (uint64_t)in->raw_chars >= m->body_chars)))
            what &= ~(unsigned)(K_ALWAYS | K_COND);
        /* "entry-header", "post-footer": a part of the entry, not its body. */
        if (what & K_COND)
            what &= ~(unsigned)K_CAND;
        if (what & K_ALWAYS) {
            in->mark |= M_DROP;
            return 0;
        }
        if (what & K_COND)
            in->mark |= M_COND;
        if (what & K_CAND) {
            in->mark |= M_CAND;
            if (ow_array_grow((void **)&h->cands, &h->capcands, h->ncands, sizeof *h->cands)) {
                h->err = OW_NOMEM;
                return 0;
            }
            h->cands[h->ncands++] = i;
        }
    }
    if (in->attrs & A_HREF) {
        in->mark |= M_HREF;
        m->in_link++;
    }
    if (nd->tag & T_H12)
        in->mark |= M_H12;
    return 1;
}

static void mark_post(void *ctx, uint32_t i)
{
    struct marks *m = ctx;
    struct html *h = m->h;
    struct ninfo *in = info_of(h, i);
    if (!in)
        return;
    if (in->mark & M_HREF)
        m->in_link--;
    uint32_t tag = h->node[i].tag;
    struct ninfo *p = info_of(h, h->node[i].parent);
    if (!p || i == h->body)
        return;
    p->chars += in->chars;
    p->link_chars += in->link_chars;
    p->words += in->words;
    p->dates += in->dates;
    p->links = sat16((uint32_t)p->links + in->links + ((in->mark & M_HREF) ? 1 : 0));
    p->heavy = sat16((uint32_t)p->heavy + in->heavy + ((tag & T_HEAVY) ? 1 : 0));
    p->light = sat16((uint32_t)p->light + in->light + ((tag & T_LIGHT) ? 1 : 0));
    p->brs = sat16((uint32_t)p->brs + in->brs + ((tag & T_BR) ? 1 : 0));
    p->mark |= in->mark & (M_ORG | M_COPY | M_H12);
}

/* ------------------------------------------------------------------------ */
/* Walk 3: the main container.                                               */

/* How much notice a subtree holds: its text outside links, with the notice
 * vocabulary weighing more than filler. */
static uint64_t score(const struct ninfo *in)
{
    return (uint64_t)in->chars + 10 * (uint64_t)in->words;
}

/* Chrome that may be left out when stepping into a sibling: says nothing of
 * the notice (no vocabulary, date, organisation or top heading) and is
 * short, link-only or a copyright line. */
static int is_chrome(const struct ninfo *in, const struct ninfo *best)
{
    if (in->mark & M_COND)
        return in->words <= 1;
    if (in->dates || in->words >= 2 || (in->mark & (M_ORG | M_H12)))
        return 0;
    /* Short text only beside a much longer block: a tagline, not a line of
     * the notice. */
    return (in->chars <= 40 && 20 * (uint64_t)in->chars <= best->chars) || in->link_chars >= in->chars ||
           ((in->mark & M_COPY) && in->chars <= 300);
}

/* A child holding three quarters of n's text with little notice vocabulary
 * (under 15 words in 1000 characters; a notice has 50 or more) while the
 * rest has the vocabulary at four times its density: a news archive,
 * product tables or a long list beside the notice.  It is dropped, and n's
 * counters no longer include it, so that the container is chosen among the
 * rest. */
static void drop_sparse(struct html *h, uint32_t n)
{
    struct ninfo *ni = info_of(h, n);
    FOR_CHILDREN(h, n, c) {
        struct ninfo *ci;
        if (!(ci = info_of(h, c)) || (ci->mark & M_DROP) ||
            ci->chars > ni->chars || ci->words > ni->words)
            continue;
        uint64_t rest_chars = ni->chars - ci->chars, rest_words = ni->words - ci->words;
        if (ci->chars < 3 * rest_chars || rest_words < 10 || 1000 * (uint64_t)ci->words >= 15 * (uint64_t)ci->chars ||
            rest_words * ci->chars < 4 * (uint64_t)ci->words * rest_chars)
            continue;
        ci->mark |= M_DROP;
        ni->chars = (uint32_t)rest_chars;
        ni->words = (uint32_t)rest_words;
        ni->dates = ni->dates >= ci->dates ? ni->dates - ci->dates : 0;
        ni->link_chars = ni->link_chars >= ci->link_chars ? ni->link_chars - ci->link_chars : 0;
        return;
    }
}

static uint32_t descend(struct html *h, uint32_t n)
{
    for (;;) {
        drop_sparse(h, n);
        struct ninfo *ni = info_of(h, n);
        uint32_t best = 0;
        uint64_t bs = 0;
        FOR_CHILDREN(h, n, c) {
            struct ninfo *ci;
            if (!(ci = info_of(h, c)) || (ci->mark & M_DROP))
                continue;
            if (!best || score(ci) > bs) {
                best = c;
                bs = score(ci);
            }
        }
        if (!best || bs == 0 || 10 * bs < 6 * score(ni))
            return n;
        FOR_CHILDREN(h, n, c) {
            if (c == best)
                continue;
            if (is_text(h, c)) {
                const struct tstat *st = &h->node[c].u.tx.st;
                if ((st->chars > 20 || 20 * (uint64_t)st->chars > info_of(h, best)->chars) || st->words ||
                    st->dates || (st->flags & TX_ORG))
                    return n;
                continue;
            }
            struct ninfo *ci;
            if (!(ci = info_of(h, c)) || (ci->mark & M_DROP))
                continue;
            if (!is_chrome(ci, info_of(h, best)))
                return n;
        }
        n = best;
    }
}

static uint32_t choose_main(struct html *h, int *by_markup)
{
    struct ninfo *bi = info_of(h, h->body);
    uint64_t total = score(bi);
    uint32_t start = h->body;
    *by_markup = 0;
    /* Outermost markup candidate holding most of the page (pre-order puts
     * ancestors first). */
    for (size_t i = 0; i < h->ncands && total; i++) {
        struct ninfo *ci = info_of(h, h->cands[i]);
        if (ci && !(ci->mark & M_DROP) && 4 * score(ci) >= 3 * total) {
            start = h->cands[i];
            *by_markup = 1;
            break;
        }
    }
    return descend(h, start);
}

/* ------------------------------------------------------------------------ */
/* Walk 4: emitting blocks.                                                  */

struct line {
    struct ow_buf b;
    size_t link_chars;    /* meaningful code points inside links */
    size_t plain_chars;   /* meaningful code points outside links */
    uint32_t last_cp;
    int pending_ws, pending_nl, pending_hard;
    int kind, started;
};

struct emit {
    struct html *h;
    struct parse_builder *out;
    struct line ln;
    uint32_t root;
    uint32_t row;         /* the data row being joined, or 0 */
    int kind;             /* enum parse_kind of the innermost block */
    int in_link, in_pre, in_heading, in_h1;
    int protect;          /* >0: inside main content, headers/footers kept */
    long first_h1;        /* block index of the first h1, -1 if none */
    ow_err err;
};

/* "ホーム ＞ お知らせ ＞ …", "TOP / News / …": a breadcrumb trail. */
static int breadcrumb(const char *s, size_t n)
{
    static const char *const home[] = {"ホーム", "トップページ", "トップ", "HOME", "Home", "TOP", "Top"};
    static const char *const sep[] = {">", "＞", "›", "»", "/", "／", "|", "｜", "≫", "＜", "<"};
    for (size_t h = 0; h < sizeof home / sizeof home[0]; h++) {
        if (!ow_starts_with(s, n, home[h]))
            continue;
        size_t i = strlen(home[h]);
        while (i < n && s[i] == ' ')
            i++;
        for (size_t k = 0; k < sizeof sep / sizeof sep[0]; k++)
            if (ow_starts_with(s + i, n - i, sep[k]))
                return 1;
        return 0;
    }
    return 0;
}

/* "(C) 2009 ...", "©HOSHIZORA": a copyright mark followed by a year or a
 * Latin name, so that a list item "(C) 氏名" is not taken for one. */
static int copyright_mark(const char *s, size_t n)
{
    static const char *const marks[] = {"©", "(c)", "(C)", "（C）", "（c）", "Ⓒ"};
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        if (!ow_starts_with(s, n, marks[m]))
            continue;
        size_t i = strlen(marks[m]);
        while (i < n && s[i] == ' ')
            i++;
        unsigned char c = i < n ? (unsigned char)s[i] : 0;
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    }
    return 0;
}

static int junk_line(const char *s, size_t n, const struct line *ln)
{
    if (n < 400 && ln->link_chars && breadcrumb(s, n))
        return 1;
    if (ow_starts_with(s, n, "[PR]") || ow_starts_with(s, n, "［PR］") || ow_starts_with(s, n, "【PR】") ||
        ow_starts_with(s, n, "PR:") || ow_starts_with(s, n, "PR："))
        return 1;
    if (n < 300 && (contains(s, n, "トラックバック") || contains(s, n, "この記事にコメント") ||
                    contains(s, n, "コメントを書く") || contains(s, n, "コメントの投稿") ||
                    contains(s, n, "コメントする")))
        return 1;
    if (n < 300 && (contains_ci(s, n, "copyright") || contains_ci(s, n, "all rights reserved") ||
                    copyright_mark(s, n)))
        return 1;
    /* A line that is nothing but links (menus, "一覧へ戻る") unless the link
     * shows an address worth keeping (a source URL, a contact mail). */
    if (ln->kind != PARSE_HEADING && ln->kind != PARSE_TITLE && ln->link_chars && !ln->plain_chars &&
        !contains(s, n, "://") && !contains(s, n, "@") && !contains(s, n, "www."))
        return 1;
    return 0;
}

/* Blank for the purpose of keeping a block: only spaces, U+3000, U+00A0. */
int parse_blank(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k;
        uint32_t c = utf8_cp(p + i, n - i, &k);
        if (!is_ws(c) && c != 0x3000 && c != 0x200b && c != 0xfeff)
            return 0;
        i += k;
    }
    return 1;
}

static void flush(struct emit *e)
{
    struct line *ln = &e->ln;
    parse_drop_controls(&ln->b);
    if (!e->err && ln->started && ln->b.len && !parse_blank(ln->b.data, ln->b.len) &&
        !junk_line(ln->b.data, ln->b.len, ln)) {
        if (e->in_h1 && e->first_h1 < 0)
            e->first_h1 = (long)e->out->n;
        e->err = parse_builder_add(e->out, (enum parse_kind)ln->kind, ln->b.data, ln->b.len);
    }
    ow_buf_reset(&ln->b);
    ln->link_chars = ln->plain_chars = 0;
    ln->pending_ws = ln->pending_nl = ln->pending_hard = 0;
    ln->last_cp = 0;
    ln->started = 0;
}

/* A break that is not a line: between table cells it is a space even
 * between two kanji (hard); inside a heading it is like a source line
 * break, so a title wrapped with <br> is joined back without a space. */
static void soft_space(struct emit *e, int hard)
{
    e->ln.pending_ws = 1;
    if (hard)
        e->ln.pending_hard = 1;
    else
        e->ln.pending_nl = 1;
}

/* Appends text with whitespace collapsed.  In <pre>, newlines end lines. */
static void add_text(struct emit *e, const char *text, size_t n)
{
    struct line *ln = &e->ln;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n && !e->err) {
        size_t k;
        uint32_t c = utf8_cp(s + i, n - i, &k);
        if (is_ws(c)) {
            if (e->in_pre && (c == '\n' || c == '\r')) {
                if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
                    k = 2;
                flush(e);
            } else {
                ln->pending_ws = 1;
                if (c == '\n' || c == '\r')
                    ln->pending_nl = 1;
            }
            i += k;
            continue;
        }
        /* a run of non-whitespace */
        size_t j = i;
        uint32_t first = c, last = c;
        size_t meaningful = 0;
        while (j < n) {
            size_t kk;
            uint32_t cc = utf8_cp(s + j, n - j, &kk);
            if (is_ws(cc))
                break;
            if (is_meaningful(cc))
                meaningful++;
            last = cc;
            j += kk;
        }
        if (!ln->started) {
            ln->started = 1;
            ln->kind = e->row ? PARSE_ROW : e->kind;
        }
        if (ln->pending_ws && ln->b.len &&
            (ln->pending_hard || !(ln->pending_nl && is_wide(ln->last_cp) && is_wide(first))))
            e->err = ow_buf_addc(&ln->b, ' ');
        ln->pending_ws = ln->pending_nl = ln->pending_hard = 0;
        if (!e->err)
            e->err = ow_buf_append(&ln->b, s + i, j - i);
        if (e->in_link)
            ln->link_chars += meaningful;
        else
            ln->plain_chars += meaningful;
        ln->last_cp = last;
        i = j;
    }
}

/* A table row whose cells hold short inline text (a data table) is one
 * block; a row whose cells hold the page (a layout table) is not. */
static int is_data_row(struct html *h, uint32_t tr)
{
    struct ninfo *ti = info_of(h, tr);
    unsigned cells = 0;
    FOR_CHILDREN(h, tr, c) {
        struct ninfo *ci;
        if ((ci = info_of(h, c)) && (h->node[c].tag & T_CELL) && !(ci->mark & M_DROP))
            cells++;
    }
    return cells >= 2 && ti->heavy == 0 && ti->light <= cells && ti->brs <= 2 * cells &&
           (uint64_t)ti->chars + ti->link_chars <= 500;
}

static int emit_pre(void *ctx, uint32_t n)
{
    struct emit *e = ctx;
    struct html *h = e->h;
    if (e->err)
        return 0;
    if (is_text(h, n)) {
        size_t len;
        const char *t = text_of(h, n, &len);
        add_text(e, t, len);
        return 0;
    }
    struct ninfo *in = info_of(h, n);
    uint32_t tag = h->node[n].tag;
    if (!in || (in->mark & M_DROP))
        return 0;
    /* Headers and footers are content inside an article or main block;
     * elsewhere only when they say a good deal about the notice. */
    if ((in->mark & M_COND) && !e->protect && !(e->root != h->body && in->words >= 3))
        return 0;
    /* Link-dense blocks: menus, news lists, tag lists. */
    if (n != e->root && !(tag & T_INLINE) && in->links >= 2 && in->link_chars > in->chars && in->chars < 200)
        return 0;
    if (tag & T_BR) {
        if (e->row || e->in_heading)
            soft_space(e, e->row != 0);
        else
            flush(e);
        return 0;
    }
    in->saved_kind = (uint8_t)e->kind;
    if (in->mark & M_CAND)
        e->protect++;
    if ((tag & T_TR) && !e->row && is_data_row(h, n)) {
        flush(e);
        e->row = n;
    } else if (tag & T_BLOCK) {
        if (e->row || e->in_heading)
            soft_space(e, e->row != 0);
        else
            flush(e);
    }
    if (tag & (T_HEADING | T_DT)) {
        e->kind = PARSE_HEADING;
        e->in_heading++;
    } else if (tag & T_LI) {
        e->kind = PARSE_ITEM;
    } else if (tag & T_PRE) {
        e->kind = PARSE_PRE;
        e->in_pre++;
    } else if (tag & (T_DD | T_CELL)) {
        e->kind = PARSE_PARA;
    }
    if (tag & T_H1)
        e->in_h1++;
    if (in->mark & M_HREF)
        e->in_link++;
    return 1;
}

static void emit_post(void *ctx, uint32_t n)
{
    struct emit *e = ctx;
    struct html *h = e->h;
    struct ninfo *in = info_of(h, n);
    if (!in)
        return;
    uint32_t tag = h->node[n].tag;
    if (e->row == n) {
        flush(e);
        e->row = 0;
    } else if (tag & T_BLOCK) {
        if (e->row || (e->in_heading && !(tag & (T_HEADING | T_DT))))
            soft_space(e, e->row != 0);
        else
            flush(e);
    }
    if (tag & (T_HEADING | T_DT))
        e->in_heading--;
    if (tag & T_PRE)
        e->in_pre--;
    if (tag & T_H1)
        e->in_h1--;
    if (in->mark & M_HREF)
        e->in_link--;
    if (in->mark & M_CAND)
        e->protect--;
    e->kind = in->saved_kind;
}

static ow_err emit_from(struct html *h, uint32_t root, struct parse_builder *out, long *first_h1)
{
    struct emit e;
    memset(&e, 0, sizeof e);
    e.h = h;
    e.out = out;
    e.root = root;
    e.kind = PARSE_PARA;
    e.first_h1 = -1;
    ow_buf_init(&e.ln.b, 0);
    /* Below a markup container, an element's own header/footer is content;
     * emit_pre counts the root and what is under it, this the ancestors. */
    for (uint32_t a = h->node[root].parent; a; a = h->node[a].parent) {
        struct ninfo *ai = info_of(h, a);
        if (ai && (ai->mark & M_CAND)) {
            e.protect = 1;
            break;
        }
    }
    walk(h, root, emit_pre, emit_post, &e);
    flush(&e);
    ow_buf_free(&e.ln.b);
    *first_h1 = e.first_h1;
    return e.err;
}

/* The <title> text, whitespace collapsed; NULL when there is none. */
static ow_err title_text(struct html *h, uint32_t t, char **out)
{
    *out = NULL;
    struct ow_buf b;
    ow_buf_init(&b, 0);
    int pend = 0;
    FOR_CHILDREN(h, t, c) {
        if (!is_text(h, c))
            continue;
        size_t n;
        const unsigned char *s = (const unsigned char *)text_of(h, c, &n);
        for (size_t i = 0; i < n;) {
            size_t k;
            uint32_t cp = utf8_cp(s + i, n - i, &k);
            if (is_ws(cp)) {
                pend = 1;
            } else {
                ow_err e;
                if ((pend && b.len && (e = ow_buf_addc(&b, ' '))) || (e = ow_buf_append(&b, s + i, k))) {
                    ow_buf_free(&b);
                    return e;
                }
                pend = 0;
            }
            i += k;
        }
    }
    parse_drop_controls(&b);
    if (!b.len || parse_blank(b.data, b.len)) {
        ow_buf_free(&b);
        return OW_OK;
    }
    size_t len;
    *out = ow_buf_take(&b, &len);
    return *out ? OW_OK : OW_NOMEM;
}

static void silent(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

/* Replaces invalid UTF-8 with U+FFFD (libxml2 stops at the first bad byte)
 * and drops a leading BOM.  *copy is NULL when the text can be used as is. */
static ow_err sanitize(const char *text, size_t len, char **copy, size_t *clen)
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
static ow_err build_tree(struct html *h, const char *src, size_t slen, struct ow_diag *d)
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

static void html_free(struct html *h)
{
    free(h->node);
    ow_buf_free(&h->text);
    free(h->cands);
    memset(h, 0, sizeof *h);
}

ow_err parse_html(const char *text, size_t len, struct parse_doc *out, struct ow_diag *d)
{
    memset(out, 0, sizeof *out);
    out->is_html = 1;
    const struct parse_words *words = parse_words(d);
    if (!words)
        return d ? d->code : OW_DATA;
    if (!text)
        len = 0;
    char *copy = NULL;
    size_t clen = 0;
    ow_err e = len ? sanitize(text, len, &copy, &clen) : OW_OK;
    if (e)
        return ow_diagf(d, e, "out of memory while cleaning the input");
    const char *src = copy ? copy : text;
    size_t slen = copy ? clen : len;
    char *guarded = NULL;
    size_t glen = 0;
    if ((e = parse_guard_input(src, slen, &guarded, &glen))) {
        free(copy);
        return ow_diagf(d, e, "out of memory while scanning the markup");
    }
    if (guarded) {
        free(copy);
        copy = guarded;
        src = guarded;
        slen = glen;
    }
    if (slen > INT_MAX) {
        free(copy);
        return ow_diagf(d, OW_TOOBIG, "HTML input of %zu bytes is too large for libxml2", slen);
    }

    struct parse_builder out_b;
    parse_builder_init(&out_b);
    struct html h;
    memset(&h, 0, sizeof h);
    h.words = words;

    if (slen == 0 || all_blank_bytes(src, slen)) {
        free(copy);
        e = parse_builder_finish(&out_b, out);
        parse_builder_free(&out_b);
        return e ? ow_diagf(d, e, "out of memory") : OW_OK;
    }

    e = build_tree(&h, src, slen, d);
    free(copy);
    if (e) {
        html_free(&h);
        parse_builder_free(&out_b);
        return e;
    }

    long first_h1 = -1;
    char *title = NULL;
    if (h.nnode > 1) {   /* node 1 is the root element */
        walk(&h, 0, raw_pre, raw_post, &h);
        if (!h.body)
            h.body = 1;
        if (h.title)
            h.err = title_text(&h, h.title, &title);
        if (!h.err && title)
            h.err = parse_builder_add(&out_b, PARSE_TITLE, title, strlen(title));
        if (!h.err) {
            struct ninfo *bi = info_of(&h, h.body);
            struct marks m = {&h, bi ? bi->raw_words : 0, bi ? bi->raw_chars : 0, 0};
            if (bi && !(bi->mark & M_DROP)) {
                walk(&h, h.body, mark_pre, mark_post, &m);
                if (!h.err) {
                    int by_markup = 0;
                    uint32_t root = choose_main(&h, &by_markup);
                    out->main_by_markup = by_markup;
                    size_t before = out_b.n;
                    h.err = emit_from(&h, root, &out_b, &first_h1);
                    /* Nothing survived in the chosen container: use the page. */
                    if (!h.err && out_b.n == before && root != h.body) {
                        out->main_by_markup = 0;
                        h.err = emit_from(&h, h.body, &out_b, &first_h1);
                    }
                }
            }
        }
    }
    e = h.err;
    if (!e && !title && first_h1 >= 0) {
        /* No <title>: the first h1 is the title, in place. */
        struct parse_block *b = &out_b.blocks[first_h1];
        b->kind = PARSE_TITLE;
        title = malloc(b->len + 1);
        if (!title)
            e = OW_NOMEM;
        else {
            memcpy(title, out_b.text.data + b->off, b->len);
            title[b->len] = '\0';
        }
    }
    html_free(&h);
    if (!e)
        e = parse_builder_finish(&out_b, out);
    parse_builder_free(&out_b);
    if (e) {
        free(title);
        parse_doc_free(out);
        out->is_html = 1;
        return ow_diagf(d, e, "out of memory while building the text");
    }
    out->title = title;
    return OW_OK;
}

int parse_looks_html(const char *text, size_t len)
{
    if (!text || !len)
        return 0;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
        i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f'))
        i++;
    if (i + 1 < len && s[i] == '<') {
        unsigned c = s[i + 1];
        if (c == '!' || c == '?' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            return 1;
    }
    /* A tag that only HTML has, early on (a leading notice line or a mail
     * header before the markup). */
    static const char *const marks[] = {
        "<html", "<body", "<head", "<!doctype", "<p>", "<p ", "<div", "<br", "<table", "<meta", "<title",
    };
    size_t lim = len < 4096 ? len : 4096;
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
        if (contains_ci(text, lim, marks[m]))
            return 1;
    return 0;
}

void parse_doc_free(struct parse_doc *doc)
{
    if (!doc)
        return;
    free(doc->text);
    free(doc->blocks);
    free(doc->title);
    memset(doc, 0, sizeof *doc);
}
