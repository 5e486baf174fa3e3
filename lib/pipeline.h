/* lib/pipeline.h — one document through every stage: bytes → record.
 *
 * decode → parse (HTML or plain text) → normalize → extract → record;
 * a PDF (the %PDF- signature after optional whitespace, or a Content-Type
 * of application/pdf) takes pdf/ in place of decode → parse.
 * Used by `owabi parse` for files, stdin and fetched pages.
 * Errors: OW_EMPTY, OW_BINARY, OW_CHARSET, OW_NOMEM, OW_PARSE (a damaged,
 *         truncated or encrypted PDF), OW_CONTENT_TYPE (a body sent as
 *         application/octet-stream that is no PDF) ... with d
 *         saying why; no record is made then.  A document that decodes with
 *         errors or has no notice in it still gives a record (it says so).
 * Ownership: *record is the caller's (json_decref). */
#ifndef OW_LIB_PIPELINE_H
#define OW_LIB_PIPELINE_H

#include <jansson.h>

#include "../extract/extract.h"
#include "../schema/record.h"

struct pipeline_opts {
    const char *charset_override;   /* --charset, or NULL */
    const char *http_charset;       /* Content-Type charset of a fetch, or NULL */
    /* When not NULL: a copy of the main text that the record's evidence
     * offsets index (the caller's, free()), for views that mark them. */
    char **main_text;
    size_t *main_len;
};

ow_err pipeline_run(const struct extract_rules *rules, const struct pipeline_opts *o,
                    const struct record_source *src, json_t **record, struct ow_diag *d);

struct decode_result;
struct parse_doc;
/* The parse step alone (bench/stages.c times it): a message by parse_mail
 * (its title without "Subject: "), HTML by parse_html, else parse_plain. */
ow_err pipeline_parse(const struct decode_result *dec, struct parse_doc *doc, struct ow_diag *d);

#endif
