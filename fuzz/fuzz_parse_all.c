/* fuzz/fuzz_parse_all.c — the whole pipeline on raw bytes, as `owabi parse`.
 *
 * A first byte below 6 picks a --charset override and is not part of the
 * document; otherwise the whole input is the document, with no override.  Checks: an error gives no record and a
 * message; success gives an object that jansson can dump and read back. */
#include <jansson.h>
#include <libxml/parser.h>
#include <stdlib.h>

#include "fuzz.h"

#include "../lib/pipeline.h"

static struct extract_rules *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct ow_diag d = {0};
    xmlInitParser();
    rules = extract_rules_compile(getenv("OWABI_NO_JIT") ? EXTRACT_NO_JIT : 0, &d);
    if (!rules) {
        fprintf(stderr, "fuzz_parse_all: extract_rules_compile: %s\n", d.msg);
        abort();
    }
    return 0;
}

static const char *const overrides[] = {"Shift_JIS", "EUC-JP", "ISO-2022-JP", "UTF-8", "UTF-16LE",
                                        "no-such-charset"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pipeline_opts o = {0};
    if (size && data[0] < 6) {
        o.charset_override = overrides[data[0]];
        data++, size--;
    }
    size_t n = size;
    char *bytes = malloc(n ? n : 1);
    if (!bytes)
        return 0;
    memcpy(bytes, data, n);
    struct record_source src = {.id = "fuzz", .path = "fuzz.html", .bytes = bytes, .nbytes = n};
    json_t *rec = (json_t *)1;
    struct ow_diag d = {0};
    ow_err e = pipeline_run(rules, &o, &src, &rec, &d);
    if (e) {
        FUZZ_CHECK(rec == NULL, "error %s but a record", ow_errname(e));
        FUZZ_CHECK(d.msg[0] && fuzz_terminated(d.msg, sizeof d.msg), "error %s without a message",
                   ow_errname(e));
        FUZZ_CHECK(e != OW_JSON, "record building failed: a stage let invalid UTF-8 through");
    } else {
        FUZZ_CHECK(rec && json_is_object(rec), "OK but no record object");
        char *s = json_dumps(rec, JSON_COMPACT);
        FUZZ_CHECK(s != NULL, "json_dumps failed on the record");
        json_error_t je;
        json_t *back = json_loads(s, JSON_REJECT_DUPLICATES, &je);
        FUZZ_CHECK(back != NULL, "the dumped record does not parse back: %s", je.text);
        FUZZ_CHECK(json_equal(rec, back), "record changed through dump/load");
        json_decref(back);
        free(s);
        json_decref(rec);
    }
    free(bytes);
    return 0;
}
