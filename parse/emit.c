/* parse/emit.c — walk 4 (tree.h): the blocks of the chosen container, and
 * the title. */
#include "tree.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "../core/util.h"

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

ow_err parse_emit(struct html *h, uint32_t root, struct parse_builder *out, long *first_h1)
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
    parse_walk(h, root, emit_pre, emit_post, &e);
    flush(&e);
    ow_buf_free(&e.ln.b);
    *first_h1 = e.first_h1;
    return e.err;
}

/* The <title> text, whitespace collapsed; NULL when there is none. */
ow_err parse_title_text(struct html *h, uint32_t t, char **out)
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
