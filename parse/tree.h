/* parse/tree.h — the page as parse/ holds it between libxml2 and the
 * blocks: one array of nodes in document order (each element knowing where
 * its subtree ends) and one buffer with the text of all text nodes, the
 * per-element counters living in the nodes.  Shared by the files of
 * parse/'s HTML path; not for other stages:
 *   tree.c    building it (libxml2 SAX callbacks, the tag and class tables,
 *             what a text node says) and the walk over it
 *   choose.c  walks 1-3: raw counts, marks (what is dropped), the main
 *             container
 *   emit.c    walk 4: blocks from the chosen container, and the title
 *   parse.c   parse_html, which runs them in that order */
#ifndef OW_PARSE_TREE_H
#define OW_PARSE_TREE_H

#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "internal.h"

/* Decodes the (valid) sequence at s; *k receives its length. */
static inline uint32_t utf8_cp(const unsigned char *s, size_t n, size_t *k)
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
static inline int is_ws(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xa0;
}

/* East Asian wide/fullwidth/halfwidth, Hangul excluded: a line break in the
 * source between two such characters is no space (CSS Text 3 segment break
 * rule), so "…情報が\n流出…" stays one word. */
static inline int is_wide(uint32_t c)
{
    return (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
           (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xffef) ||
           (c >= 0x20000 && c <= 0x3fffd);
}

/* Characters that say something: not punctuation or the separators that
 * navigation bars put between links ("・", "｜", "＞", "»"). */
static inline int is_meaningful(uint32_t c)
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

static inline int contains(const char *s, size_t n, const char *p)
{
    return memmem(s, n, p, strlen(p)) != NULL;
}

/* ASCII case-insensitive memmem for short needles. */
static inline int contains_ci(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    for (size_t i = 0; i + k <= n; i++)
        if ((s[i] | 0x20) == (p[0] | 0x20) && strncasecmp(s + i, p, k) == 0)
            return 1;
    return 0;
}

enum { TX_ORG = 1, TX_COPY = 2 };

/* Per-text-node facts, kept in the node so that the second walk need not
 * scan the text again. */
struct tstat {
    uint32_t chars;   /* non-whitespace code points */
    uint32_t words;   /* notice vocabulary hits */
    uint32_t dates;   /* date-looking tokens */
    uint32_t flags;   /* TX_* */
};

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

/* What a token says: the lists of words.tsv (chromeclass, frameclass,
 * mainclass: K_ALWAYS chrome wherever it is, K_COND a site header or
 * footer, dropped unless inside the main content, K_CAND main content),
 * and any token that is or ends in a navigation word. */
enum { K_ALWAYS = PARSE_CLASS_CHROME, K_COND = PARSE_CLASS_FRAME, K_CAND = PARSE_CLASS_MAIN };

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

static inline int is_text(const struct html *h, uint32_t i)
{
    return (h->node[i].tag & T_TEXT) != 0;
}

/* The counters of element i; NULL for the document and for text. */
static inline struct ninfo *info_of(struct html *h, uint32_t i)
{
    return i && !is_text(h, i) ? &h->node[i].u.el : NULL;
}

static inline const char *text_of(const struct html *h, uint32_t i, size_t *len)
{
    *len = h->node[i].u.tx.len;
    return h->text.data + h->node[i].u.tx.off;
}

/* Children of i: for (c = i + 1; c < end(i); c = end(c)). */
#define FOR_CHILDREN(h, i, c) for (uint32_t c = (i) + 1, c##_stop = (h)->node[i].end; c < c##_stop; c = (h)->node[c].end)

/* Only ASCII whitespace. */
static inline int all_blank_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
            return 0;
    return 1;
}

/* Visits the subtree of root in document order without recursion.  pre()
 * returns 1 to go into an element's children; post() runs after them (only
 * for elements pre() went into). */
typedef int (*pre_fn)(void *ctx, uint32_t n);
typedef void (*post_fn)(void *ctx, uint32_t n);

static inline uint16_t sat16(uint32_t v)
{
    return v > 0xffff ? 0xffff : (uint16_t)v;
}

/* tree.c */
/* What a text node says: its characters, notice words, dates, names. */
struct tstat parse_text_stat(const struct parse_words *v, const char *text, size_t n);
/* Visits the subtree of root in document order without recursion. */
void parse_walk(struct html *h, uint32_t root, pre_fn pre, post_fn post, void *ctx);
/* A copy of text without what libxml2 must not see (NUL bytes...), or
 * *copy NULL when text is fine as it is.  OW_NOMEM. */
ow_err parse_sanitize(const char *text, size_t len, char **copy, size_t *clen);
ow_err parse_tree_build(struct html *h, const char *src, size_t slen, struct ow_diag *d);
void parse_tree_free(struct html *h);

/* choose.c */
/* Walk 1: counts text and vocabulary per subtree, before anything is dropped. */
void parse_count(struct html *h);
/* Walk 2: marks what is dropped and counts what is kept, under the body;
 * 0 when the body itself is dropped. */
int parse_mark(struct html *h);
/* Walk 3: the main container (*by_markup: chosen by <main>/<article>/...). */
uint32_t parse_choose_main(struct html *h, int *by_markup);

/* emit.c */
/* Walk 4: the blocks of root's subtree into out (*first_h1: the index of
 * the first h1 block, or left as it is). */
ow_err parse_emit(struct html *h, uint32_t root, struct parse_builder *out, long *first_h1);
/* The <title> element's text, spaces collapsed; *out is the caller's. */
ow_err parse_title_text(struct html *h, uint32_t t, char **out);

#endif
