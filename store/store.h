/* store/store.h — the ingest store: one SQLite file that remembers, run after
 * run, what owabi has seen (sqlite3).
 *
 * Tables (schema version STORE_SCHEMA_VERSION, migrations in store.c, applied
 * in order on open, each in its own transaction, recorded in PRAGMA
 * user_version and in the schema_version table):
 *   sources   the URLs of the sources file, as they have been given
 *   pages     every URL fetched: its validators (ETag, Last-Modified), the
 *             sha256 of its last body, is_incident, last status and error
 *   records   one row per revision of an incident page: the record JSON, the
 *             body's sha256, and `out_pending` (the --out path whose line is
 *             committed here but not yet known to be in the file)
 *   runs      one row per ingest run: times, counts, status
 *   robots    robots.txt cache per origin (scheme://host:port)
 *   outputs   per --out path, the byte length of the file that the store
 *             vouches for (every line before it is whole and committed)
 *   bodies    the archive: each distinct response body once, by its SHA-256,
 *             compressed (zlib); checked against the hash when read
 *   fetches   each archived response of a page: its body's hash, final URL,
 *             status, the headers needed to read and replay it, fetch time
 * A record revision says why it was made (cause "page": the page changed;
 * "extractor": `owabi reextract` read the same body differently), which
 * fetch it was read from, and which build made it (version and rules digest).
 * The database is in WAL mode with synchronous=FULL, so a committed
 * transaction survives a crash of the process (and of the machine).
 *
 * Errors: OW_STORE with the SQLite message in d; OW_LOCKED from store_lock;
 *         OW_NOMEM.  Nothing here prints or exits.
 * Ownership: strings returned in structs are owned by the struct (free them
 *         with the matching _clear); arrays returned are the caller's.
 * One struct store is used by one thread at a time. */
#ifndef OW_STORE_H
#define OW_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

#define STORE_SCHEMA_VERSION 3

struct store;

/* Opens (create: creating if absent) the database at path and brings its
 * schema up to STORE_SCHEMA_VERSION.  OW_STORE when the file is not a
 * database, is from a newer owabi (a higher schema version), or a migration
 * fails (then the database is left at the last version that applied whole).
 * Without create, a missing file is OW_IO ("no store at PATH"). */
ow_err store_open(const char *path, int create, struct store **out, struct ow_diag *d);
/* Closes; NULL is a no-op. */
void store_close(struct store *s);
/* The schema version the open database is at (PRAGMA user_version). */
int store_schema_version(struct store *s);

/* Takes the one-run-at-a-time lock: an exclusive, non-blocking flock(2) on
 * the database file itself (created empty if absent: SQLite takes an empty
 * file for a new database), so that every path to it — a symlink, a hard
 * link, another spelling — meets the same lock.  On success *fd holds the
 * lock until store_unlock (or the process ends: the kernel drops it, so a
 * killed run never leaves a stale lock).  OW_LOCKED when another process
 * holds it, OW_IO when the file cannot be opened.
 * flock and SQLite's fcntl locks do not meet on Linux, but closing any
 * descriptor of a file drops every fcntl lock this process holds on it:
 * call store_unlock only after store_close of the same database. */
ow_err store_lock(const char *db_path, int *fd, struct ow_diag *d);
void store_unlock(int fd);

/* ---- runs ---------------------------------------------------------------- */

struct store_run_counts {
    long sources, sources_failed;
    long fetched;          /* requests answered (200 or 304), robots.txt excluded */
    long not_modified;     /* of which 304 */
    long unchanged;        /* 200 with the same body as before */
    long new_records;      /* revision 1 of a page */
    long changed_records;  /* revision 2+ */
    long pages_failed;
    long robots_skipped;   /* URLs never requested because robots.txt disallows them */
};

/* Inserts a run row (status "running") and marks any earlier row still
 * "running" as "aborted" (the caller holds the lock, so such a run died). */
ow_err store_run_begin(struct store *s, int64_t *run_id, struct ow_diag *d);
/* status: "ok", "partial" (some sources failed), "stopped" (the time limit
 * left work for the next run) or "failed". */
ow_err store_run_end(struct store *s, int64_t run_id, const struct store_run_counts *c,
                     const char *status, struct ow_diag *d);

/* ---- sources and pages --------------------------------------------------- */

/* The id of a source URL, inserting it the first time. */
ow_err store_source_id(struct store *s, const char *url, int64_t *id, struct ow_diag *d);

struct store_page {
    int64_t id;            /* 0: not in the store */
    int64_t source_id;
    char *kind;            /* "feed", "sitemap", "html" (a source page) or "page" */
    char *etag, *last_modified;
    char sha256[65];       /* "" when no body was ever read */
    int is_incident;       /* -1: unknown */
    long status;
    int revisions;         /* records of this page */
};

/* Looks url up; p->id == 0 when absent.  p is overwritten (not freed). */
ow_err store_page_get(struct store *s, const char *url, struct store_page *p, struct ow_diag *d);
void store_page_clear(struct store_page *p);

/* URLs of the pages of that kind ("page", "sitemap" ...) first found
 * through source_id, oldest first.  *urls (and each string) is the
 * caller's; store_strv_free. */
ow_err store_source_pages(struct store *s, int64_t source_id, const char *kind, char ***urls,
                          size_t *n, struct ow_diag *d);
void store_strv_free(char **v, size_t n);

/* A URL found on a page (a feed item, a sitemap entry, an index link). */
struct store_link {
    const char *url;
    const char *kind;      /* "page" or "sitemap" */
};

/* A response to archive: its body (after content decoding) and what is
 * needed to read it again and to replay it. */
struct store_body {
    const char *sha256;        /* of data[0..len) */
    const char *data;
    size_t len;
    const char *final_url;
    long status;
    const char *content_type;  /* the Content-Type header as sent, or NULL */
    const char *date, *etag, *last_modified, *content_encoding;   /* as sent, or NULL */
};

/* What one fetch of one page came to, committed by store_page_commit. */
struct store_fetch {
    const char *url;
    int64_t source_id;     /* kept from the first time the page was seen */
    const char *kind;
    long status;           /* HTTP status, 0 if none */
    const char *fetched_at;
    const char *etag;          /* NULL: keep the stored one (304, error) ... */
    const char *last_modified; /* ... on a 200 the caller passes what came */
    int validators;        /* 1: replace etag/last_modified with the two above, even NULL */
    const char *sha256;    /* NULL: body not read (304, error): keep the stored one */
    int is_incident;       /* -1: unknown / keep */
    const char *error;     /* NULL on success, else a one-line reason */
    const char *record_json;  /* NULL: no new record; else a new revision */
    const char *out_pending;  /* with record_json: the --out path awaiting the line, or NULL */
    const char *build;        /* with record_json: the build that made it (store_build) */
    const struct store_body *body;   /* not NULL: archive this response with the page */
    int64_t run_id;
    /* URLs found on this page, remembered (as not yet fetched pages of
     * source_id; a URL already known is left as it is) in the same
     * transaction as the page's new validators: a crash cannot leave a
     * source that answers 304 with its links forgotten. */
    const struct store_link *links;
    size_t nlinks;
};

/* In one transaction: inserts or updates the page row, remembers its links,
 * archives f->body (the body stored once per hash, a fetch row each time)
 * and, with record_json, adds the page's next revision (read from that
 * fetch).  *record_id and
 * *revision (either may be NULL) get the new record's, or 0 when none was
 * added. */
ow_err store_page_commit(struct store *s, const struct store_fetch *f, int64_t *record_id,
                         int *revision, struct ow_diag *d);

/* ---- robots.txt cache ---------------------------------------------------- */

/* The cached robots.txt of origin if fetched within max_age seconds of now:
 * *found 1, *status the HTTP status, *body (caller's, NUL-terminated, may be
 * empty) and *len. */
ow_err store_robots_get(struct store *s, const char *origin, long max_age, int *found,
                        long *status, char **body, size_t *len, struct ow_diag *d);
ow_err store_robots_put(struct store *s, const char *origin, long status, const char *body,
                        size_t len, struct ow_diag *d);

/* ---- the --out file: exactly once ---------------------------------------- */

/* The length of path that the store vouches for, and the identity of the
 * file it was measured on; *found 0 when path was never written. */
ow_err store_out_get(struct store *s, const char *path, int *found, int64_t *len, uint64_t *dev,
                     uint64_t *ino, struct ow_diag *d);
/* Records len (and the file identity) for path without touching records. */
ow_err store_out_set(struct store *s, const char *path, int64_t len, uint64_t dev, uint64_t ino,
                     struct ow_diag *d);

struct store_pending {
    int64_t id;
    char *json;
};
/* Records committed with out_pending == path, oldest first (caller frees with
 * store_pending_free). */
ow_err store_out_pending(struct store *s, const char *path, struct store_pending **v, size_t *n,
                         struct ow_diag *d);
void store_pending_free(struct store_pending *v, size_t n);
/* In one transaction: the line of record_id is now in path, which is len
 * bytes long. */
ow_err store_out_done(struct store *s, const char *path, int64_t record_id, int64_t len,
                      struct ow_diag *d);

/* ---- the archive (archive.c) ---------------------------------------------- */

/* "owabi 0.1.0 rules 1a2b3c4d5e6f": the version and the rules digest's head
 * (extract_rules_digest), as a record's build. */
void store_build(const char *rules_digest, char out[64]);

/* 1 when the body of sha256 is archived. */
int store_body_has(struct store *s, const char *sha256);
/* The body of sha256, decompressed and checked against its hash; *data is
 * the caller's (NUL-terminated, free()).  OW_STORE when absent, damaged or
 * not matching its hash ("archived body … does not match its SHA-256"):
 * such a body is never handed out. */
ow_err store_body_get(struct store *s, const char *sha256, char **data, size_t *len,
                      struct ow_diag *d);

struct store_archived {
    int64_t fetch_id, page_id;
    const char *url, *sha256, *fetched_at, *final_url, *content_type, *date, *etag,
        *last_modified, *content_encoding;
    long status;
    int64_t size;              /* the body's length */
    int64_t record_id;         /* the page's latest record, 0: none */
    int revision;
    const char *record_json;   /* that record, or NULL */
};
/* Calls fn for archived fetches: each page's latest only (latest 1; in the
 * order pages were first seen), or all of them fetched at or after since
 * (NULL: all; oldest first).  The
 * strings live until fn returns; fn returning non-zero stops the walk
 * (OW_IO).  fn may read bodies (store_body_get) but not write. */
ow_err store_archive_walk(struct store *s, int latest, const char *since,
                          int (*fn)(const struct store_archived *a, void *ctx), void *ctx,
                          struct ow_diag *d);

/* In one transaction: the page's next revision, made by build from the
 * archived fetch_id with cause "extractor" (and out_pending as for
 * store_page_commit). */
ow_err store_record_add(struct store *s, int64_t page_id, int64_t fetch_id, const char *sha256,
                        const char *json, const char *build, const char *out_pending,
                        int64_t *record_id, int *revision, struct ow_diag *d);

struct store_revision {
    int revision;
    const char *created_at, *cause, *build, *json;
    int64_t fetch_id;          /* 0: made before the archive (no body) */
    const char *fetched_at, *sha256, *url, *final_url, *content_type;
};
/* Calls fn for each revision of url's page, oldest first; *found 0 when the
 * store does not know url. */
ow_err store_history(struct store *s, const char *url, int *found,
                     int (*fn)(const struct store_revision *r, void *ctx), void *ctx,
                     struct ow_diag *d);

/* ---- export -------------------------------------------------------------- */

struct store_row {
    int64_t record_id;
    const char *url;
    int revision;
    const char *sha256;
    const char *created_at;
    const char *json;
};
/* Calls fn for each record, oldest first: only each page's latest revision
 * unless all; only records created at or after since (ISO 8601 UTC text
 * compared as text, e.g. "2026-01-01") when since is not NULL.  The row's
 * strings live until fn returns.  fn returning non-zero stops the walk and
 * store_export returns OW_IO. */
ow_err store_export(struct store *s, int all, const char *since,
                    int (*fn)(const struct store_row *row, void *ctx), void *ctx,
                    struct ow_diag *d);

/* Current UTC time as "2026-11-29T14:54:18Z" in buf[32]. */
void store_now(char buf[32]);

#endif
