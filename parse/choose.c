/* parse/choose.c — walks 1-3 over the tree (tree.h): raw counts, what is
 * dropped, and the main container. */
#include "tree.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "../core/util.h"

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

/* Headings that open a box of links to other pages rather than a part of
 * the notice.  Compared as prefixes, after leading marks (■, 【...). */
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

/* Walk 1: count everything (raw). */
static int raw_pre(void *ctx, uint32_t i)
{
    struct html *h = ctx;
    struct node *nd = &h->node[i];
    if (nd->tag & T_TEXT) {
        size_t n;
        const char *t = text_of(h, i, &n);
        nd->u.tx.st = parse_text_stat(h->words, t, n);
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

uint32_t parse_choose_main(struct html *h, int *by_markup)
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

void parse_count(struct html *h)
{
    parse_walk(h, 0, raw_pre, raw_post, h);
}

int parse_mark(struct html *h)
{
    struct ninfo *bi = info_of(h, h->body);
    if (!bi || (bi->mark & M_DROP))
        return 0;
    struct marks m = {h, bi->raw_words, bi->raw_chars, 0};
    parse_walk(h, h->body, mark_pre, mark_post, &m);
    return 1;
}

