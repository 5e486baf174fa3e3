/* parse/plain.c — plain text and e-mail messages to blocks (parse.h). */
#include "internal.h"
#include "tree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/util.h"

/* One line of the text, spaces collapsed; brk: a blank (or dropped) line
 * stands before it. */
struct pline {
    size_t off, len;
    int brk;
};

/* Display columns: East Asian wide and fullwidth characters take two. */
static size_t columns(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        size_t k;
        uint32_t c = utf8_cp((const unsigned char *)s + i, n - i, &k);
        w += is_wide(c) && !(c >= 0xff61 && c <= 0xffdc) ? 2 : 1;
        i += k;
    }
    return w;
}

/* Text wrapped at a fixed width (a PDF's text copied out, a mail wrapped at
 * 72 columns) breaks its paragraphs, and its words, at the right margin:
 * "…お客様のクレジ⏎ットカード情報…".  In a run of lines with no blank
 * line between them, the margin is the width of its widest line but the
 * last; the run is wrapped when two lines or more reach it (within two
 * columns: a line may not start with 、 or 。, so one can end short) and
 * it is wide (40 columns or more: a list of short items is not wrapped).
 * A line that reaches the margin runs on into the next, unless it ends a
 * sentence or the next opens an item (parse_opens_item).  Lines typed
 * one paragraph each seldom share a width this closely (on 730 real
 * notices, 18 texts had runs taken for wrapped, all of them rightly or
 * harmlessly). */
enum { WRAP_MIN = 40, WRAP_MIN_CHARS = 30, WRAP_SLACK = 2 };

static size_t wrap_margin(const size_t *w, size_t n, size_t min, size_t slack, size_t *at_out)
{
    size_t m = 0, at = 0;
    for (size_t k = 0; k + 1 < n; k++)
        m = w[k] > m ? w[k] : m;
    for (size_t k = 0; k + 1 < n; k++)
        at += w[k] + slack >= m;
    *at_out = at;
    return m >= min && at >= 2 ? m : 0;
}

/* Some tools wrap at a count of characters, whatever their width (a
 * line of 40 characters holds 「2,718件」's narrow digits as wide ones):
 * the same margin, counted in characters (30 or more, within one: a
 * list of items of twenty-odd characters is no wrapped text); the count
 * that brings more lines to the margin is the one wrapped at. */
static size_t characters(const char *s, size_t n)
{
    size_t c = 0, wide = 0;
    for (size_t i = 0; i < n; i++) {
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
        wide += (unsigned char)s[i] >= 0xe3;     /* a kana or Han character's lead byte */
    }
    return wide ? c : 0;    /* a rule (----) or a URL sets no margin in characters */
}

static int runs_on(const char *t, const struct pline *a, size_t wa, const struct pline *b, size_t margin,
                   size_t slack)
{
    if (!margin || wa + slack < margin)
        return 0;
    if (a->len >= 3 && !memcmp(t + a->off + a->len - 3, "。", 3))
        return 0;
    return !parse_opens_item(t + b->off, b->len);
}

ow_err parse_plain(const char *text, size_t len, struct parse_doc *out, struct ow_diag *d)
{
    memset(out, 0, sizeof *out);
    if (!text)
        len = 0;
    struct parse_builder b;
    parse_builder_init(&b);
    struct ow_buf line, all;
    ow_buf_init(&line, 0);
    ow_buf_init(&all, 0);
    struct pline *ls = NULL;
    size_t *cols = NULL, *chars = NULL;     /* each line's width, both ways */
    size_t nl = 0, cap = 0, colcap = 0, charcap = 0;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
        i = 3;
    int pend = 0, brk = 0;
    ow_err e = OW_OK;
    char *title = NULL;
    while (!e) {
        int eol = i >= len || s[i] == '\n' || s[i] == '\r';
        if (eol) {
            parse_drop_controls(&line);
            /* "[PR]" lines are the ad slots blog hosts put into reposts. */
            if (line.len && !parse_blank(line.data, line.len) && !ow_starts_with(line.data, line.len, "[PR]") &&
                !ow_starts_with(line.data, line.len, "【PR】")) {
                if (!(e = ow_array_grow((void **)&ls, &cap, nl, sizeof *ls))) {
                    ls[nl++] = (struct pline){all.len, line.len, brk};
                    e = ow_buf_append(&all, line.data, line.len);
                }
                brk = 0;
            } else {
                brk = 1;
            }
            ow_buf_reset(&line);
            pend = 0;
            if (i >= len)
                break;
            i += (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        size_t k = ow_utf8_seqlen(s + i, len - i);
        unsigned c = s[i];
        /* ASCII whitespace, other C0 controls, NUL and U+00A0 are spaces. */
        if (k == 1 && (c < 0x20 || c == 0x7f || c == ' ')) {
            pend = 1;
            i++;
            continue;
        }
        if (k == 2 && s[i] == 0xc2 && s[i + 1] == 0xa0) {
            pend = 1;
            i += 2;
            continue;
        }
        if (pend && line.len)
            e = ow_buf_addc(&line, ' ');
        pend = 0;
        if (!e)
            e = k ? ow_buf_append(&line, s + i, k) : ow_buf_append(&line, "\xef\xbf\xbd", 3);
        i += k ? k : 1;
    }
    /* each run of lines between blank lines: its lines, joined where they
     * were wrapped */
    for (size_t r = 0; r < nl && !e;) {
        size_t end = r + 1;
        while (end < nl && !ls[end].brk)
            end++;
        if (!(e = ow_array_grow((void **)&cols, &colcap, end - r, sizeof *cols)) &&
            !(e = ow_array_grow((void **)&chars, &charcap, end - r, sizeof *chars))) {
            size_t at_cols, at_chars;
            for (size_t k = r; k < end; k++) {
                cols[k - r] = columns(all.data + ls[k].off, ls[k].len);
                chars[k - r] = characters(all.data + ls[k].off, ls[k].len);
            }
            size_t by_chars = wrap_margin(chars, end - r, WRAP_MIN_CHARS, WRAP_SLACK / 2, &at_chars);
            size_t slack = WRAP_SLACK, margin = wrap_margin(cols, end - r, WRAP_MIN, slack, &at_cols);
            const size_t *w = cols;
            if (by_chars && (!margin || at_chars > at_cols)) {
                w = chars;
                slack = WRAP_SLACK / 2;
                margin = by_chars;
            }
            for (size_t k = r; k < end && !e;) {
                e = parse_builder_open(&b);
                if (!e)
                    e = parse_builder_append(&b, all.data + ls[k].off, ls[k].len);
                for (; !e && k + 1 < end && runs_on(all.data, &ls[k], w[k - r], &ls[k + 1], margin, slack); k++)
                    e = parse_builder_join(&b, all.data + ls[k + 1].off, ls[k + 1].len);
                if (!e)
                    e = parse_builder_close(&b, PARSE_PARA);
                k++;
            }
        }
        r = end;
    }
    if (!e && b.n && !(title = strndup(b.text.data + b.blocks[0].off, b.blocks[0].len)))
        e = OW_NOMEM;
    ow_buf_free(&line);
    ow_buf_free(&all);
    free(ls);
    free(cols);
    free(chars);
    if (!e)
        e = parse_builder_finish(&b, out);
    parse_builder_free(&b);
    if (e) {
        free(title);
        parse_doc_free(out);
        return ow_diagf(d, e, "out of memory while splitting lines");
    }
    out->title = title;
    return OW_OK;
}

/* A message: its header lines as plain text, then its body as plain text or
 * HTML (parse.h). */
ow_err parse_mail(const char *text, size_t len, size_t body_off, int html, struct parse_doc *out,
                  struct ow_diag *d)
{
    if (!html || !text || body_off > len)
        return parse_plain(text, len, out, d);
    struct parse_doc head, body;
    ow_err e = parse_plain(text, body_off, &head, d);
    if (e) {
        memset(out, 0, sizeof *out);
        return e;
    }
    if ((e = parse_html(text + body_off, len - body_off, &body, d))) {
        parse_doc_free(&head);
        memset(out, 0, sizeof *out);
        return e;
    }
    struct parse_builder b;
    parse_builder_init(&b);
    for (size_t i = 0; i < head.nblocks && !e; i++)
        e = parse_builder_add(&b, head.blocks[i].kind, head.text + head.blocks[i].off, head.blocks[i].len);
    for (size_t i = 0; i < body.nblocks && !e; i++) {
        enum parse_kind k = body.blocks[i].kind;
        e = parse_builder_add(&b, k == PARSE_TITLE ? PARSE_HEADING : k, body.text + body.blocks[i].off,
                        body.blocks[i].len);
    }
    memset(out, 0, sizeof *out);
    if (!e)
        e = parse_builder_finish(&b, out);
    parse_builder_free(&b);
    if (!e) {
        out->title = head.title;
        head.title = NULL;
        out->is_html = 1;
        out->main_by_markup = body.main_by_markup;
    }
    parse_doc_free(&head);
    parse_doc_free(&body);
    return e ? ow_diagf(d, e, "out of memory while joining the message's parts") : OW_OK;
}
