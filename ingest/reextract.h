/* ingest/reextract.h — `owabi reextract`: every archived page read again
 * by the current build, without the network.
 *
 * For each page, the body of its latest archived fetch goes through the
 * pipeline with the source facts of that fetch (as ingest gave them), so an
 * unchanged extractor makes the very same record.  Where the new record is
 * an incident's and differs from the page's latest revision, it becomes the
 * page's next revision, with cause "extractor" and the current build; with
 * out_path it is appended to that file exactly once (ingest/outfile.h).
 * A body that no longer matches its hash is reported and not used.
 *
 * Input:  an open store whose lock the caller holds; compiled rules.
 * Threads: `jobs` threads parse (the rules are shared and read-only); the
 *         store and the out file stay on the calling thread.  Bodies are
 *         read and parsed REEXTRACT_BATCH at a time, so memory is bounded by
 *         a batch, not by the store.
 * Errors: the return value is a fatal error (OW_STORE, OW_IO on the out
 *         file, OW_NOMEM); a page that fails (a damaged body, a pipeline
 *         error) is counted in the report and the run goes on. */
#ifndef OW_REEXTRACT_H
#define OW_REEXTRACT_H

#include <stddef.h>

#include "../core/err.h"
#include "../extract/extract.h"
#include "../store/store.h"

#define REEXTRACT_BATCH 64

struct reextract_report {
    size_t pages;            /* archived pages */
    size_t read;             /* pages read again */
    size_t changed;          /* new revisions (of which new_records were a page's first) */
    size_t new_records;
    size_t not_incident;     /* pages whose new reading is not an incident (nothing stored) */
    size_t errors;           /* pages that could not be read again */
    char first_error[300];   /* the first of them: "URL: why" */
};

struct reextract_opts {
    const struct extract_rules *rules;
    int jobs;                                /* parsing threads, at least 1 */
    const char *out_path;                    /* NULL: no --out */
    /* called after each batch, on the calling thread (may be NULL) */
    void (*progress)(const struct reextract_report *r, void *ctx);
    void *ctx;
};

ow_err reextract_run(struct store *s, const struct reextract_opts *o, struct reextract_report *rep,
                     struct ow_diag *d);

#endif
