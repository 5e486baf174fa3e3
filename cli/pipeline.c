#include "pipeline.h"

#include <string.h>

#include "../decode/decode.h"
#include "../normalize/norm.h"
#include "../parse/parse.h"

ow_err pipeline_run(const struct extract_rules *rules, const struct pipeline_opts *o,
                    const struct record_source *src, json_t **record, struct ow_diag *d)
{
    struct decode_result dec = {0};
    struct parse_doc doc = {0};
    struct norm_text norm = {0};
    struct extract_result ex = {0};
    struct decode_hints hints = {o->charset_override, o->http_charset};
    ow_err e;

    *record = NULL;
    if (src->nbytes == 0)
        return ow_diagf(d, OW_EMPTY, "%s", ow_strerror(OW_EMPTY));
    if ((e = decode_bytes(src->bytes, src->nbytes, &hints, &dec, d)))
        goto out;
    if (!dec.is_mail && parse_looks_html(dec.text, dec.len))
        e = parse_html(dec.text, dec.len, &doc, d);
    else
        e = parse_plain(dec.text, dec.len, &doc, d);
    if (e)
        goto out;
    if ((e = norm_text(doc.text, doc.len, &norm, d)))
        goto out;
    if ((e = extract_run(rules, norm.s, norm.len, doc.title, &ex, d)))
        goto out;
    *record = schema_record_build(src, &dec, &doc, &norm, &ex);
    if (!*record)
        e = ow_diagf(d, OW_JSON, "%s", ow_strerror(OW_JSON));
out:
    extract_result_free(&ex);
    norm_text_free(&norm);
    parse_doc_free(&doc);
    decode_result_free(&dec);
    return e;
}
