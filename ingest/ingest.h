/* ingest/ingest.h — one incremental, polite ingest run over a list of sources.
 *
 * Input:  source URLs (notice index pages, RSS 1.0/2.0 and Atom feeds,
 *         sitemaps and sitemap indexes, single notices), an open store
 *         (store/store.h) whose lock the caller holds, compiled extract rules.
 * What a run does:
 *   - fetches every source; from a feed or an index page follows, on the same
 *     host, the links that look like a disclosure (discover.h); from a sitemap
 *     every URL of the same host; a sitemap index's sitemaps one level down;
 *     and re-checks every page an earlier run found through the source;
 *   - asks with If-None-Match / If-Modified-Since what the store remembers,
 *     so an unchanged page costs one 304 and produces nothing;
 *   - obeys robots.txt (fetched once per origin, cached in the store at most
 *     24 h; a disallowed URL is never requested).  Of a robots.txt larger
 *     than ROBOTS_MAX_BYTES only that head is fetched and read (RFC 9309).
 *     One that cannot be read (5xx, 429, network failure, a type fetch/
 *     refuses) means "disallow all" for this run and is not cached; the
 *     pages of that origin then fail with the reason;
 *   - at most one request at a time per host, and delay_ms between the end of
 *     one and the start of the next; at most `parallel` requests at once in
 *     all; 429/503 Retry-After is honoured by fetch/, and a host that still
 *     answers 429/503 is left alone for the rest of the run;
 *   - runs an HTML page (source or found) through the pipeline: a page whose
 *     body (sha256) changed and that is an incident gets a new record
 *     revision; a page that is not an incident is remembered without record;
 *   - commits each page with its record in one transaction; with out_path,
 *     appends each new record to it as one JSON line, written with one
 *     write(2) only after the commit, exactly once even across crashes (the
 *     store keeps the file length it vouches for and the records whose line
 *     is not yet known to be there; past that length a run marks the whole
 *     lines that are such records' as written, cuts off a last line that is
 *     the torn start of one, and writes the rest.  No other line is ever
 *     removed: lines another program appended stay, and its unfinished last
 *     line is ended with a newline before the next record).
 *   - ends within max_time_ms: no request starts after it, and the
 *     transfers under way are cut at it (fetch_opts.stop_at_ms); what they
 *     and the queue held is left for the next run (the store keeps those
 *     pages as they were, the links found are remembered), not counted as
 *     failures.
 * Errors: the return value is a fatal error only (OW_STORE, OW_IO on the out
 *         file, OW_NOMEM): the run stopped; or OW_TIMEOUT ("time limit of
 *         … s reached: N requests left for the next run") when the time
 *         limit left work undone (the store is consistent, the run row says
 *         "stopped").  A source or page that fails is reported in struct
 *         ingest_report and the run goes on.
 * Threads: fetches run on `parallel` worker threads; everything else (parse,
 *         store, out file, progress callback) on the calling thread.
 * Ownership: ingest_report_free. */
#ifndef OW_INGEST_H
#define OW_INGEST_H

#include <stddef.h>

#include "../core/err.h"
#include "../extract/extract.h"
#include "../fetch/fetch.h"
#include "../store/store.h"

#define INGEST_AGENT "owabi"            /* robots.txt product token */
#define INGEST_ROBOTS_MAX_AGE (24 * 3600)
#define INGEST_MAX_PAGES 2000           /* pages per source and run */
/* Seconds a run may take by default: from an hourly cron, 50 minutes leave
 * the next run the lock (a hostile site sending one byte a second could
 * otherwise hold it for a day and more). */
#define INGEST_MAX_TIME_DEFAULT (50 * 60)
#define INGEST_SOURCES_MAX_BYTES (4 << 20)  /* a sources file, at most */
#define INGEST_SOURCES_MAX_LINE 8192    /* a line of it (the longest URL followed) */

struct ingest_progress {
    size_t sources, sources_done;
    const struct store_run_counts *counts;
    size_t queued;                      /* requests still waiting */
};

struct ingest_opts {
    const char *const *sources;         /* URLs */
    size_t nsources;
    const char *out_path;               /* NULL: no --out */
    long delay_ms;                      /* per host, default 1000 */
    int parallel;                       /* global, default 4 */
    long max_time_ms;                   /* the whole run (INGEST_MAX_TIME_DEFAULT s); 0: none */
    struct fetch_opts fetch;            /* allow_private, timeouts ... (parallel ignored) */
    const struct extract_rules *rules;
    /* Called on the calling thread after each answered request; may be NULL. */
    void (*progress)(const struct ingest_progress *p, void *ctx);
    void *progress_ctx;
};

/* Fills o with the defaults (fetch_opts_default included). */
void ingest_opts_default(struct ingest_opts *o);

struct ingest_source_report {
    char *url;
    int failed;                 /* 1: the source or one of its pages failed */
    long pages, pages_failed;   /* requests for the source and its pages */
    char reason[256];           /* the first failure, "" if none */
};

struct ingest_report {
    struct store_run_counts counts;
    struct ingest_source_report *sources;   /* in the order given */
    size_t nsources;
    long long run_id;
};

ow_err ingest_run(struct store *s, const struct ingest_opts *o, struct ingest_report *rep,
                  struct ow_diag *d);
void ingest_report_free(struct ingest_report *r);

/* Reads a sources file ("-": stdin): one URL a line, blank lines and "#"
 * comments (whole line or after whitespace) skipped, surrounding whitespace
 * trimmed, a leading UTF-8 byte-order mark ignored.
 * OW_IO when it cannot be read; OW_USAGE (nothing read is kept) when it is
 * larger than INGEST_SOURCES_MAX_BYTES ("PATH: larger than ..."), for a
 * line longer than INGEST_SOURCES_MAX_LINE or holding a NUL byte, for a
 * line that is not an http(s) URL (d: "PATH:LINE: not an http(s) URL ..."),
 * or when the file lists none.
 * *urls (strings and array) is the caller's: store_strv_free(*urls, *n). */
ow_err ingest_read_sources(const char *path, char ***urls, size_t *n, struct ow_diag *d);

/* What one fetch of a page brought, as a page record is read from it. */
struct ingest_page {
    const char *url, *final_url;
    long status;
    const char *media_type, *charset;   /* of the Content-Type header, or NULL */
    const char *fetched_at, *etag, *last_modified;
    const char *body;
    size_t len;
};
/* The page's record: the pipeline over its body with the fetch's source
 * facts.  *inc gets is_incident; *json (compact, the caller's) is set only
 * for an incident.  Ingest and reextract both read pages through it, so the
 * same build makes the same record from the same fetch. */
ow_err ingest_page_record(const struct extract_rules *rules, const struct ingest_page *p, int *inc,
                          char **json, struct ow_diag *d);

#endif
