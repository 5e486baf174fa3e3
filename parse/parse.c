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
 * The tree (tree.h) is built in tree.c; walks 1-3 are in choose.c, walk 4
 * in emit.c; this file runs them in order and decides what looks like
 * HTML. */
#include "tree.h"

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
    ow_err e = len ? parse_sanitize(text, len, &copy, &clen) : OW_OK;
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

    e = parse_tree_build(&h, src, slen, d);
    free(copy);
    if (e) {
        parse_tree_free(&h);
        parse_builder_free(&out_b);
        return e;
    }

    long first_h1 = -1;
    char *title = NULL;
    if (h.nnode > 1) {   /* node 1 is the root element */
        parse_count(&h);
        if (!h.body)
            h.body = 1;
        if (h.title)
            h.err = parse_title_text(&h, h.title, &title);
        if (!h.err && title)
            h.err = parse_builder_add(&out_b, PARSE_TITLE, title, strlen(title));
        if (!h.err) {
            if (parse_mark(&h)) {
                if (!h.err) {
                    int by_markup = 0;
                    uint32_t root = parse_choose_main(&h, &by_markup);
                    out->main_by_markup = by_markup;
                    size_t before = out_b.n;
                    h.err = parse_emit(&h, root, &out_b, &first_h1);
                    /* Nothing survived in the chosen container: use the page. */
                    if (!h.err && out_b.n == before && root != h.body) {
                        out->main_by_markup = 0;
                        h.err = parse_emit(&h, h.body, &out_b, &first_h1);
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
    parse_tree_free(&h);
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
