/* schema/record.h — the JSON record of one notice (jansson).
 *
 * Input:  what the stages produced for one document: the source facts, the
 *         decode result, the parsed main text, the normalized text (for
 *         mapping evidence back) and the extraction result.
 * Output: one json_t object that follows schema/record.schema.json: every key
 *         always present, null (or []) for what the notice does not state.
 *         Evidence quotes the original main text (parse_doc.text), located by
 *         UTF-8 byte offsets into it and a 1-based line (block) number,
 *         and for a PDF the page that line is on.
 * Errors: NULL on OW_NOMEM or when a string is not valid UTF-8 (jansson
 *         refuses those; the stages guarantee UTF-8, so that is a bug).
 * Ownership: the caller owns the returned reference (json_decref). */
#ifndef OW_RECORD_H
#define OW_RECORD_H

#include <jansson.h>
#include <stddef.h>

#include "../decode/decode.h"
#include "../extract/extract.h"
#include "../normalize/norm.h"
#include "../parse/parse.h"
#include "../pdf/pdf.h"

/* Where the bytes came from; every pointer may be NULL (→ JSON null). */
struct record_source {
    const char *id;
    const char *path;            /* local file, or NULL */
    const char *url;             /* requested URL, or NULL */
    const char *final_url;
    long http_status;            /* 0: none */
    const char *content_type;
    const char *fetched_at;
    const char *etag;
    const char *last_modified;
    const char *bytes;           /* the raw input, for sha256 and size */
    size_t nbytes;
    /* A PDF (pdf/): its document info and the page of each block of the
     * main text; NULL for every other input (source.pdf and each evidence
     * item's page are then null).  The decode_result is then a stand-in:
     * charset "UTF-8", nothing declared, no errors. */
    const struct pdf_info *pdf;
    const int *block_page;
};

json_t *schema_record_build(const struct record_source *src,
                            const struct decode_result *dec,
                            const struct parse_doc *doc,
                            const struct norm_text *norm,
                            const struct extract_result *ex);

#endif
