/* fuzz/fuzz_html.c — parse_html (and parse_plain) on valid UTF-8.
 *
 * Inputs that are valid UTF-8 go in as they are; others are first made
 * valid by decode_bytes, as the pipeline does.  Checks the parse_doc
 * contract: NUL-terminated UTF-8 text, every block inside it, no '\n' inside
 * a block, blocks in order without overlap, a UTF-8 title. */
#include <libxml/parser.h>

#include "fuzz.h"

#include "../decode/decode.h"
#include "../parse/parse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    xmlInitParser();
    return 0;
}

static void check_doc(const struct parse_doc *doc)
{
    FUZZ_CHECK(doc->text != NULL, "text is NULL on success");
    FUZZ_CHECK(doc->text[doc->len] == '\0', "text not NUL-terminated at len %zu", doc->len);
    FUZZ_CHECK(ow_utf8_valid(doc->text, doc->len), "text is not valid UTF-8");
    FUZZ_CHECK(doc->nblocks == 0 || doc->blocks, "nblocks %zu but no blocks", doc->nblocks);
    size_t prev_end = 0;
    for (size_t i = 0; i < doc->nblocks; i++) {
        const struct parse_block *b = &doc->blocks[i];
        FUZZ_CHECK(b->off <= doc->len && b->len <= doc->len - b->off,
                   "block %zu [%zu,+%zu) outside text of %zu", i, b->off, b->len, doc->len);
        FUZZ_CHECK(b->kind <= PARSE_PRE, "block %zu kind %d", i, (int)b->kind);
        FUZZ_CHECK(!memchr(doc->text + b->off, '\n', b->len), "block %zu contains a newline", i);
        FUZZ_CHECK(i == 0 || b->off >= prev_end, "block %zu at %zu overlaps the previous (end %zu)",
                   i, b->off, prev_end);
        FUZZ_CHECK(ow_utf8_valid(doc->text + b->off, b->len), "block %zu cuts a UTF-8 sequence", i);
        prev_end = b->off + b->len;
    }
    if (doc->title)
        FUZZ_CHECK(ow_utf8_valid(doc->title, strlen(doc->title)), "title is not valid UTF-8");
}

static void run(ow_err (*parse)(const char *, size_t, struct parse_doc *, struct ow_diag *),
                const char *text, size_t len)
{
    struct parse_doc doc = {0};
    struct ow_diag d = {0};
    ow_err e = parse(text, len, &doc, &d);
    if (e == OW_OK)
        check_doc(&doc);
    else
        FUZZ_CHECK(e == OW_NOMEM || e == OW_TOOBIG, "error %s is not in parse.h's contract",
                   ow_errname(e));
    parse_doc_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *raw = fuzz_strndup(data, size);
    const char *text = raw;
    size_t len = size;
    struct decode_result dec = {0};
    if (!ow_utf8_valid(raw, size)) {
        struct ow_diag d = {0};
        if (decode_bytes(raw, size, NULL, &dec, &d)) {
            free(raw);
            return 0;
        }
        text = dec.text;
        len = dec.len;
    }
    run(parse_html, text, len);
    /* Plain text is the other half of parse/: cheap, so every input gets both. */
    run(parse_plain, text, len);
    (void)parse_looks_html(text, len);
    decode_result_free(&dec);
    free(raw);
    return 0;
}
