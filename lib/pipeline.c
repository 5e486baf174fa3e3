#include "pipeline.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../decode/decode.h"
#include "../normalize/norm.h"
#include "../parse/parse.h"
#include "../pdf/pdf.h"

/* normalize → extract → record, the same for every input format. */
static ow_err finish(const struct extract_rules *rules, const struct pipeline_opts *o,
                     const struct record_source *src,
                     const struct decode_result *dec, const struct parse_doc *doc,
                     json_t **record, struct ow_diag *d)
{
    struct norm_text norm = {0};
    struct extract_result ex = {0};
    ow_err e;
    if ((e = norm_text(doc->text, doc->len, &norm, d)))
        goto out;
    if ((e = extract_run(rules, norm.s, norm.len, doc->title, &ex, d)))
        goto out;
    *record = schema_record_build(src, dec, doc, &norm, &ex);
    if (!*record)
        e = ow_diagf(d, OW_JSON, "%s", ow_strerror(OW_JSON));
    else if (o->main_text) {
        *o->main_text = malloc(doc->len + 1);
        if (!*o->main_text) {
            json_decref(*record);
            *record = NULL;
            e = ow_diagf(d, OW_NOMEM, "%s", ow_strerror(OW_NOMEM));
            goto out;
        }
        if (doc->len)
            memcpy(*o->main_text, doc->text, doc->len);
        (*o->main_text)[doc->len] = '\0';
        *o->main_len = doc->len;
    }
out:
    extract_result_free(&ex);
    norm_text_free(&norm);
    return e;
}

/* A PDF goes to pdf/ instead of decode → parse: its text is already
 * Unicode, laid out in pages. */
static ow_err run_pdf(const struct extract_rules *rules, const struct pipeline_opts *o,
                      const struct record_source *src,
                      json_t **record, struct ow_diag *d)
{
    struct pdf_doc pd = {0};
    struct decode_result dec = {0};
    ow_err e = pdf_read(src->bytes, src->nbytes, &pd, d);
    if (e)
        return e;
    strcpy(dec.charset, "UTF-8");
    dec.source = DECODE_SRC_DEFAULT;
    struct record_source s = *src;
    s.pdf = &pd.info;
    s.block_page = pd.block_page;
    e = finish(rules, o, &s, &dec, &pd.doc, record, d);
    pdf_doc_free(&pd);
    return e;
}

ow_err pipeline_parse(const struct decode_result *dec, struct parse_doc *doc, struct ow_diag *d)
{
    ow_err e;
    if (dec->is_mail)
        e = parse_mail(dec->text, dec->len, dec->body_off, dec->body_html, doc, d);
    else if (parse_looks_html(dec->text, dec->len))
        e = parse_html(dec->text, dec->len, doc, d);
    else
        e = parse_plain(dec->text, dec->len, doc, d);
    if (e)
        return e;
    /* A message's title is its subject, without the header name decode/ put
     * in front of it. */
    static const char subject[] = "Subject: ";
    if (dec->is_mail && doc->title && !strncmp(doc->title, subject, sizeof subject - 1))
        memmove(doc->title, doc->title + sizeof subject - 1, strlen(doc->title) - (sizeof subject - 2));
    return OW_OK;
}

ow_err pipeline_run(const struct extract_rules *rules, const struct pipeline_opts *o,
                    const struct record_source *src, json_t **record, struct ow_diag *d)
{
    struct decode_result dec = {0};
    struct parse_doc doc = {0};
    /* src->bytes outlives the run: a UTF-8 page is read in place. */
    struct decode_hints hints = {o->charset_override, o->http_charset, 1};
    const char *ct = src->content_type;
    ow_err e;

    *record = NULL;
    if (src->nbytes == 0)
        return ow_diagf(d, OW_EMPTY, "%s", ow_strerror(OW_EMPTY));
    /* The signature decides (servers label PDFs application/octet-stream,
     * or even text/html); a body labelled application/pdf is read as one
     * whatever it starts with, so a broken one says "damaged PDF". */
    if (pdf_looks_pdf(src->bytes, src->nbytes) || (ct && !strcasecmp(ct, "application/pdf")))
        return run_pdf(rules, o, src, record, d);
    /* fetch/ lets octet-stream through only so that a PDF can be sniffed. */
    if (ct && !strcasecmp(ct, "application/octet-stream"))
        return ow_diagf(d, OW_CONTENT_TYPE, "unsupported content type: %s", ct);
    if ((e = decode_bytes(src->bytes, src->nbytes, &hints, &dec, d)))
        goto out;
    if ((e = pipeline_parse(&dec, &doc, d)))
        goto out;
    e = finish(rules, o, src, &dec, &doc, record, d);
out:
    parse_doc_free(&doc);
    decode_result_free(&dec);
    return e;
}
