/* parse/plain.c — plain text and e-mail messages to blocks (parse.h). */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/util.h"

ow_err parse_plain(const char *text, size_t len, struct parse_doc *out, struct ow_diag *d)
{
    memset(out, 0, sizeof *out);
    if (!text)
        len = 0;
    struct parse_builder b;
    parse_builder_init(&b);
    struct ow_buf line;
    ow_buf_init(&line, 0);
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
        i = 3;
    int pend = 0;
    ow_err e = OW_OK;
    char *title = NULL;
    while (!e) {
        int eol = i >= len || s[i] == '\n' || s[i] == '\r';
        if (eol) {
            parse_drop_controls(&line);
            /* "[PR]" lines are the ad slots blog hosts put into reposts. */
            if (line.len && !parse_blank(line.data, line.len) && !ow_starts_with(line.data, line.len, "[PR]") &&
                !ow_starts_with(line.data, line.len, "【PR】")) {
                e = parse_builder_add(&b, PARSE_PARA, line.data, line.len);
                if (!e && !title && !(title = strdup(line.data)))
                    e = OW_NOMEM;
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
    ow_buf_free(&line);
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
