/* bench/stages.c — where owabi's time goes: each stage timed over many files.
 *
 *   build-bench/stages FILE...
 *
 * Runs every file through the pipeline as lib/pipeline.c does (decode →
 * parse → normalize → extract → record → JSON text), timing each step with
 * CLOCK_MONOTONIC, and prints one JSON object: the rules' compile time and,
 * per stage, the total seconds over all files.  Used by bench/measure.py for
 * the stage breakdown; stages that fail on a file end that file's run (and
 * count it in "failed"). */
#include <jansson.h>
#include <libxml/parser.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/pipeline.h"
#include "../core/buf.h"
#include "../core/util.h"
#include "../decode/decode.h"
#include "../extract/extract.h"
#include "../normalize/norm.h"
#include "../parse/parse.h"
#include "../schema/record.h"

enum { S_READ, S_DECODE, S_PARSE, S_NORM, S_EXTRACT, S_RECORD, S_DUMP, NSTAGES };
static const char *const names[NSTAGES] = {"read", "decode", "parse", "normalize", "extract",
                                           "record", "dump"};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    double sec[NSTAGES] = {0};
    size_t bytes = 0, failed = 0;
    struct ow_diag d = {0};

#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 1 << 20);   /* as cli/main.c does */
#endif
    xmlInitParser();
    double t = now();
    struct extract_rules *rules = extract_rules_compile(getenv("OWABI_NO_JIT") ? EXTRACT_NO_JIT : 0, &d);
    double compile = now() - t;
    if (!rules) {
        fprintf(stderr, "stages: %s\n", d.msg);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        struct ow_buf b;
        struct decode_result dec = {0};
        struct parse_doc doc = {0};
        struct norm_text norm = {0};
        struct extract_result ex;
        json_t *rec = NULL;
        char *json = NULL;
        memset(&ex, 0, sizeof ex);
        ow_buf_init(&b, 0);

        t = now();
        FILE *f = fopen(argv[i], "rb");
        ow_err e = f ? ow_read_stream(f, &b, &d) : OW_IO;
        if (f)
            fclose(f);
        sec[S_READ] += now() - t;
        if (e || b.len == 0)
            goto fail;
        bytes += b.len;
        struct record_source src = {.id = argv[i], .path = argv[i], .bytes = b.data, .nbytes = b.len};

        t = now();
        struct decode_hints hints = {NULL, NULL, 1};   /* as lib/pipeline.c does */
        e = decode_bytes(b.data, b.len, &hints, &dec, &d);
        sec[S_DECODE] += now() - t;
        if (e)
            goto fail;
        t = now();
        e = pipeline_parse(&dec, &doc, &d);
        sec[S_PARSE] += now() - t;
        if (e)
            goto fail;
        t = now();
        e = norm_text(doc.text, doc.len, &norm, &d);
        sec[S_NORM] += now() - t;
        if (e)
            goto fail;
        t = now();
        e = extract_run(rules, norm.s, norm.len, doc.title, &ex, &d);
        sec[S_EXTRACT] += now() - t;
        if (e)
            goto fail;
        t = now();
        rec = schema_record_build(&src, &dec, &doc, &norm, &ex);
        sec[S_RECORD] += now() - t;
        if (!rec)
            goto fail;
        t = now();
        json = json_dumps(rec, JSON_COMPACT);
        sec[S_DUMP] += now() - t;
        if (!json)
            goto fail;
        goto done;
    fail:
        failed++;
    done:
        free(json);
        json_decref(rec);
        extract_result_free(&ex);
        norm_text_free(&norm);
        parse_doc_free(&doc);
        decode_result_free(&dec);
        ow_buf_free(&b);
    }
    extract_rules_free(rules);
    printf("{\"files\": %d, \"bytes\": %zu, \"failed\": %zu, \"compile\": %.6f", argc - 1, bytes,
           failed, compile);
    for (int s = 0; s < NSTAGES; s++)
        printf(", \"%s\": %.6f", names[s], sec[s]);
    printf("}\n");
    xmlCleanupParser();
    return 0;
}
