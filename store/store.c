/* store/store.c — the ingest store on SQLite: schema, migrations, queries.
 *
 * Every change that belongs together is one transaction (a page and its new
 * record; a written --out line and its mark), so a process killed at any
 * instruction leaves the store at the state before or after, never between. */
#include "internal.h"

#include "../core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


/* Migration i takes the schema from version i to i + 1.  Append only: a
 * released migration is never edited, a change is a new entry. */
static const char *const migrations[] = {
    /* 0 → 1: the core tables. */
    "CREATE TABLE schema_version(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE,"
    "  added_at TEXT NOT NULL);"
    "CREATE TABLE pages(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE,"
    "  source_id INTEGER REFERENCES sources(id), kind TEXT NOT NULL,"
    "  etag TEXT, last_modified TEXT, sha256 TEXT, is_incident INTEGER,"
    "  status INTEGER, error TEXT, first_seen TEXT NOT NULL, fetched_at TEXT,"
    "  last_run INTEGER);"
    "CREATE INDEX pages_source ON pages(source_id);"
    "CREATE TABLE records(id INTEGER PRIMARY KEY,"
    "  page_id INTEGER NOT NULL REFERENCES pages(id), revision INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL, json TEXT NOT NULL, created_at TEXT NOT NULL,"
    "  run_id INTEGER, UNIQUE(page_id, revision));"
    "CREATE INDEX records_created ON records(created_at);"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,"
    "  status TEXT NOT NULL, sources INTEGER, sources_failed INTEGER, fetched INTEGER,"
    "  not_modified INTEGER, unchanged INTEGER, new_records INTEGER,"
    "  changed_records INTEGER, pages_failed INTEGER, robots_skipped INTEGER);",
    /* 1 → 2: robots.txt cache, and exactly-once --out bookkeeping. */
    "CREATE TABLE robots(origin TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL,"
    "  status INTEGER NOT NULL, body BLOB NOT NULL);"
    "CREATE TABLE outputs(path TEXT PRIMARY KEY, committed_len INTEGER NOT NULL,"
    "  dev INTEGER, ino INTEGER);"
    "ALTER TABLE records ADD COLUMN out_pending TEXT;"
    "CREATE INDEX records_out ON records(out_pending) WHERE out_pending IS NOT NULL;",
    /* 2 → 3: the archive of bodies, and why and by what each record was made. */
    "CREATE TABLE bodies(sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, codec TEXT NOT NULL,"
    "  data BLOB NOT NULL);"
    "CREATE TABLE fetches(id INTEGER PRIMARY KEY, page_id INTEGER NOT NULL REFERENCES pages(id),"
    "  sha256 TEXT NOT NULL REFERENCES bodies(sha256), fetched_at TEXT NOT NULL, final_url TEXT,"
    "  status INTEGER, content_type TEXT, date TEXT, etag TEXT, last_modified TEXT,"
    "  content_encoding TEXT, run_id INTEGER);"
    "CREATE INDEX fetches_page ON fetches(page_id);"
    "ALTER TABLE records ADD COLUMN fetch_id INTEGER REFERENCES fetches(id);"
    "ALTER TABLE records ADD COLUMN cause TEXT;"
    "ALTER TABLE records ADD COLUMN build TEXT;",
};
#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(NMIGRATIONS == STORE_SCHEMA_VERSION, "one migration per schema version");

ow_err store_sqlerr(struct store *s, struct ow_diag *d, const char *what)
{
    int code = s && s->db ? sqlite3_extended_errcode(s->db) : 0;
    return ow_diagf_foreign(d, OW_STORE, OW_FOREIGN_SQLITE, code, "%s: %s", what,
                            s && s->db ? sqlite3_errmsg(s->db) : "?");
}

ow_err store_exec(struct store *s, const char *sql, struct ow_diag *d)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        ow_diagf_foreign(d, OW_STORE, OW_FOREIGN_SQLITE, sqlite3_extended_errcode(s->db), "%s",
                         msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return OW_STORE;
    }
    return OW_OK;
}

ow_err store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct ow_diag *d)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return store_sqlerr(s, d, "prepare");
    return OW_OK;
}

void store_rollback(struct store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void store_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int user_version(struct store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int store_schema_version(struct store *s)
{
    return user_version(s);
}

/* Applies the migrations the database lacks.  Each runs under BEGIN
 * IMMEDIATE and re-reads the version inside it, so two processes opening an
 * old store at once do not both migrate it. */
static ow_err migrate(struct store *s, struct ow_diag *d)
{
    for (;;) {
        if (store_exec(s, "BEGIN IMMEDIATE", d))
            return OW_STORE;
        int v = user_version(s);
        if (v < 0) {
            store_rollback(s);
            return store_sqlerr(s, d, "cannot read the schema version");
        }
        if (v > (int)NMIGRATIONS) {
            store_rollback(s);
            return ow_diagf(d, OW_STORE, "store schema version %d is newer than this owabi's (%d)",
                            v, (int)NMIGRATIONS);
        }
        if (v == (int)NMIGRATIONS)
            return store_exec(s, "COMMIT", d);
        char now[32], sql[160];
        store_now(now);
        snprintf(sql, sizeof sql,
                 "INSERT INTO schema_version(version, applied_at) VALUES(%d, '%s');"
                 "PRAGMA user_version = %d;", v + 1, now, v + 1);
        if (store_exec(s, migrations[v], d) || store_exec(s, sql, d)) {
            char msg[sizeof d->msg];
            snprintf(msg, sizeof msg, "migration to schema version %d failed: %.200s", v + 1,
                     d ? d->msg : "?");
            store_rollback(s);
            return ow_diagf(d, OW_STORE, "%s", msg);
        }
        if (store_exec(s, "COMMIT", d)) {
            store_rollback(s);
            return OW_STORE;
        }
    }
}

ow_err store_open(const char *path, int create, struct store **out, struct ow_diag *d)
{
    *out = NULL;
    struct stat sb;
    if (!create && stat(path, &sb) != 0)
        return ow_diagf(d, OW_IO, "no store at %s: %s", path, strerror(errno));
    struct store *s = calloc(1, sizeof *s);
    if (!s)
        return ow_diagf(d, OW_NOMEM, "out of memory");
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        ow_diagf_foreign(d, OW_STORE, OW_FOREIGN_SQLITE,
                         s->db ? sqlite3_extended_errcode(s->db) : SQLITE_NOMEM, "cannot open %s: %s",
                         path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return OW_STORE;
    }
    sqlite3_busy_timeout(s->db, 10000);
    sqlite3_extended_result_codes(s->db, 1);
    /* WAL lets export read while an ingest writes; FULL syncs every commit,
     * which the --out protocol relies on (a line is written only after its
     * record is durable). */
    ow_err e = store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", d);
    if (!e)
        e = migrate(s, d);
    if (e) {
        if (d && d->foreign == OW_FOREIGN_SQLITE && (d->foreign_code & 0xff) == SQLITE_NOTADB) {
            char msg[sizeof d->msg];
            snprintf(msg, sizeof msg, "%.100s: %.150s", path, d->msg);
            ow_diagf_foreign(d, OW_STORE, d->foreign, d->foreign_code, "%s", msg);
        }
        store_close(s);
        return e;
    }
    *out = s;
    return OW_OK;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s);
}

ow_err store_lock(const char *db_path, int *fd, struct ow_diag *d)
{
    *fd = -1;
    /* The file, not a name of it: a lock on "PATH.lock" let two runs in at
     * once through --db db and --db dblink (a symlink to it). */
    int f = open(db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f < 0)
        return ow_diagf(d, OW_IO, "cannot open %s: %s", db_path, strerror(errno));
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        close(f);
        if (err == EWOULDBLOCK)
            return ow_diagf(d, OW_LOCKED, "another ingest run holds the store");
        return ow_diagf(d, OW_IO, "cannot lock the store: %s", strerror(err));
    }
    *fd = f;
    return OW_OK;
}

void store_unlock(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}

/* ---- runs ---------------------------------------------------------------- */

ow_err store_run_begin(struct store *s, int64_t *run_id, struct ow_diag *d)
{
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    if (store_exec(s, "BEGIN IMMEDIATE;"
                "UPDATE runs SET status = 'aborted' WHERE status = 'running';", d))
        goto fail;
    if (store_prepare(s, "INSERT INTO runs(started_at, status) VALUES(?, 'running')", &st, d))
        goto fail;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_sqlerr(s, d, "run");
        goto fail;
    }
    *run_id = sqlite3_last_insert_rowid(s->db);
    if (store_exec(s, "COMMIT", d))
        goto fail;
    return OW_OK;
fail:
    store_rollback(s);
    return OW_STORE;
}

ow_err store_run_end(struct store *s, int64_t run_id, const struct store_run_counts *c,
                     const char *status, struct ow_diag *d)
{
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    if (store_prepare(s, "UPDATE runs SET finished_at = ?, status = ?, sources = ?, sources_failed = ?,"
                   " fetched = ?, not_modified = ?, unchanged = ?, new_records = ?,"
                   " changed_records = ?, pages_failed = ?, robots_skipped = ? WHERE id = ?",
                &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->sources);
    sqlite3_bind_int64(st, 4, c->sources_failed);
    sqlite3_bind_int64(st, 5, c->fetched);
    sqlite3_bind_int64(st, 6, c->not_modified);
    sqlite3_bind_int64(st, 7, c->unchanged);
    sqlite3_bind_int64(st, 8, c->new_records);
    sqlite3_bind_int64(st, 9, c->changed_records);
    sqlite3_bind_int64(st, 10, c->pages_failed);
    sqlite3_bind_int64(st, 11, c->robots_skipped);
    sqlite3_bind_int64(st, 12, run_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? OW_OK : store_sqlerr(s, d, "run");
}

/* ---- sources and pages --------------------------------------------------- */

ow_err store_source_id(struct store *s, const char *url, int64_t *id, struct ow_diag *d)
{
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    if (store_prepare(s, "INSERT INTO sources(url, added_at) VALUES(?1, ?2) ON CONFLICT(url) DO NOTHING",
                &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, d, "source");
    if (store_prepare(s, "SELECT id FROM sources WHERE url = ?", &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? OW_OK : store_sqlerr(s, d, "source");
}

static char *dup_col(sqlite3_stmt *st, int i, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return NULL;
    char *r = strdup((const char *)t);
    if (!r)
        *oom = 1;
    return r;
}

void store_page_clear(struct store_page *p)
{
    free(p->kind);
    free(p->etag);
    free(p->last_modified);
    memset(p, 0, sizeof *p);
    p->is_incident = -1;
}

ow_err store_page_get(struct store *s, const char *url, struct store_page *p, struct ow_diag *d)
{
    memset(p, 0, sizeof *p);
    p->is_incident = -1;
    sqlite3_stmt *st;
    if (store_prepare(s, "SELECT id, source_id, kind, etag, last_modified, sha256, is_incident, status,"
                   " (SELECT count(*) FROM records WHERE page_id = pages.id)"
                   " FROM pages WHERE url = ?", &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), oom = 0;
    if (rc == SQLITE_ROW) {
        p->id = sqlite3_column_int64(st, 0);
        p->source_id = sqlite3_column_int64(st, 1);
        p->kind = dup_col(st, 2, &oom);
        p->etag = dup_col(st, 3, &oom);
        p->last_modified = dup_col(st, 4, &oom);
        const unsigned char *h = sqlite3_column_text(st, 5);
        if (h && strlen((const char *)h) == 64)
            memcpy(p->sha256, h, 65);
        p->is_incident = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6);
        p->status = sqlite3_column_int(st, 7);
        p->revisions = sqlite3_column_int(st, 8);
    }
    sqlite3_finalize(st);
    if (oom) {
        store_page_clear(p);
        return ow_diagf(d, OW_NOMEM, "out of memory");
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, d, "page");
    return OW_OK;
}

void store_strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

ow_err store_source_pages(struct store *s, int64_t source_id, const char *kind, char ***urls,
                          size_t *n, struct ow_diag *d)
{
    *urls = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (store_prepare(s, "SELECT url FROM pages WHERE source_id = ? AND kind = ? ORDER BY id", &st, d))
        return OW_STORE;
    sqlite3_bind_int64(st, 1, source_id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    char **v = NULL;
    size_t len = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ow_array_grow((void **)&v, &cap, len, sizeof *v))
            goto oom;
        if (!(v[len] = strdup((const char *)sqlite3_column_text(st, 0))))
            goto oom;
        len++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_strv_free(v, len);
        return store_sqlerr(s, d, "pages");
    }
    *urls = v;
    *n = len;
    return OW_OK;
oom:
    sqlite3_finalize(st);
    store_strv_free(v, len);
    return ow_diagf(d, OW_NOMEM, "out of memory");
}

void store_bind_text(sqlite3_stmt *st, int i, const char *t)
{
    if (t)
        sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

ow_err store_page_commit(struct store *s, const struct store_fetch *f, int64_t *record_id,
                         int *revision, struct ow_diag *d)
{
    if (record_id)
        *record_id = 0;
    if (revision)
        *revision = 0;
    char now[32];
    store_now(now);
    sqlite3_stmt *st = NULL;
    int rc;
    if (store_exec(s, "BEGIN IMMEDIATE", d))
        return OW_STORE;
    /* The source and first_seen of a page are those of its first sighting;
     * the rest is this fetch's. */
    if (store_prepare(s,
                "INSERT INTO pages(url, source_id, kind, etag, last_modified, sha256, is_incident,"
                "  status, error, first_seen, fetched_at, last_run)"
                " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                " ON CONFLICT(url) DO UPDATE SET kind = ?3,"
                "  etag = CASE WHEN ?13 THEN ?4 ELSE etag END,"
                "  last_modified = CASE WHEN ?13 THEN ?5 ELSE last_modified END,"
                "  sha256 = coalesce(?6, sha256),"
                "  is_incident = CASE WHEN ?7 IS NULL THEN is_incident ELSE ?7 END,"
                "  status = ?8, error = ?9, fetched_at = ?11, last_run = ?12",
                &st, d))
        goto fail;
    sqlite3_bind_text(st, 1, f->url, -1, SQLITE_STATIC);
    if (f->source_id)
        sqlite3_bind_int64(st, 2, f->source_id);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, f->kind ? f->kind : "page", -1, SQLITE_STATIC);
    store_bind_text(st, 4, f->etag);
    store_bind_text(st, 5, f->last_modified);
    store_bind_text(st, 6, f->sha256);
    if (f->is_incident >= 0)
        sqlite3_bind_int(st, 7, f->is_incident);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_int64(st, 8, f->status);
    store_bind_text(st, 9, f->error);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
    store_bind_text(st, 11, f->fetched_at ? f->fetched_at : now);
    sqlite3_bind_int64(st, 12, f->run_id);
    sqlite3_bind_int(st, 13, f->validators);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE) {
        store_sqlerr(s, d, "page");
        goto fail;
    }
    if (f->nlinks) {
        if (store_prepare(s, "INSERT INTO pages(url, source_id, kind, first_seen) VALUES(?, ?, ?, ?)"
                       " ON CONFLICT(url) DO NOTHING", &st, d))
            goto fail;
        for (size_t i = 0; i < f->nlinks; i++) {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, f->links[i].url, -1, SQLITE_STATIC);
            if (f->source_id)
                sqlite3_bind_int64(st, 2, f->source_id);
            else
                sqlite3_bind_null(st, 2);
            sqlite3_bind_text(st, 3, f->links[i].kind, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE) {
                store_sqlerr(s, d, "links");
                sqlite3_finalize(st);
                st = NULL;
                goto fail;
            }
        }
        sqlite3_finalize(st);
        st = NULL;
    }
    int64_t fetch_id = 0;
    if (f->body && store_archive_put(s, f, &fetch_id, d))
        goto fail;
    if (f->record_json) {
        if (!f->sha256) {
            ow_diagf(d, OW_STORE, "record without a body hash");
            goto fail;
        }
        if (store_prepare(s,
                    "INSERT INTO records(page_id, revision, sha256, json, created_at, run_id,"
                    "  out_pending, fetch_id, cause, build)"
                    " SELECT p.id, coalesce((SELECT max(revision) FROM records r"
                    "   WHERE r.page_id = p.id), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, 'page', ?8"
                    " FROM pages p WHERE p.url = ?1",
                    &st, d))
            goto fail;
        sqlite3_bind_text(st, 1, f->url, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, f->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, f->record_json, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, f->run_id);
        store_bind_text(st, 6, f->out_pending);
        if (fetch_id)
            sqlite3_bind_int64(st, 7, fetch_id);
        else
            sqlite3_bind_null(st, 7);
        store_bind_text(st, 8, f->build);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        st = NULL;
        if (rc != SQLITE_DONE || sqlite3_changes(s->db) != 1) {
            store_sqlerr(s, d, "record");
            goto fail;
        }
        int64_t rid = sqlite3_last_insert_rowid(s->db);
        if (record_id)
            *record_id = rid;
        if (revision) {
            if (store_prepare(s, "SELECT revision FROM records WHERE id = ?", &st, d))
                goto fail;
            sqlite3_bind_int64(st, 1, rid);
            if (sqlite3_step(st) == SQLITE_ROW)
                *revision = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
            st = NULL;
        }
    }
    if (store_exec(s, "COMMIT", d))
        goto fail;
    return OW_OK;
fail:
    store_rollback(s);
    if (record_id)
        *record_id = 0;
    if (revision)
        *revision = 0;
    return OW_STORE;
}

/* ---- robots.txt cache ---------------------------------------------------- */

ow_err store_robots_get(struct store *s, const char *origin, long max_age, int *found,
                        long *status, char **body, size_t *len, struct ow_diag *d)
{
    *found = 0;
    *body = NULL;
    *len = 0;
    sqlite3_stmt *st;
    if (store_prepare(s, "SELECT status, body FROM robots WHERE origin = ? AND fetched_at >= ?", &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL) - max_age);
    int rc = sqlite3_step(st);
    ow_err e = OW_OK;
    if (rc == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        char *copy = malloc(n + 1);
        if (!copy) {
            e = ow_diagf(d, OW_NOMEM, "out of memory");
        } else {
            if (n)
                memcpy(copy, b, n);
            copy[n] = 0;
            *body = copy;
            *len = n;
            *status = sqlite3_column_int(st, 0);
            *found = 1;
        }
    } else if (rc != SQLITE_DONE) {
        e = store_sqlerr(s, d, "robots");
    }
    sqlite3_finalize(st);
    return e;
}

ow_err store_robots_put(struct store *s, const char *origin, long status, const char *body,
                        size_t len, struct ow_diag *d)
{
    sqlite3_stmt *st;
    if (store_prepare(s, "INSERT OR REPLACE INTO robots(origin, fetched_at, status, body) VALUES(?,?,?,?)",
                &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    sqlite3_bind_int64(st, 3, status);
    sqlite3_bind_blob(st, 4, body ? body : "", (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? OW_OK : store_sqlerr(s, d, "robots");
}

/* ---- the --out file ------------------------------------------------------ */

ow_err store_out_get(struct store *s, const char *path, int *found, int64_t *len, uint64_t *dev,
                     uint64_t *ino, struct ow_diag *d)
{
    *found = 0;
    *len = 0;
    *dev = *ino = 0;
    sqlite3_stmt *st;
    if (store_prepare(s, "SELECT committed_len, dev, ino FROM outputs WHERE path = ?", &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = 1;
        *len = sqlite3_column_int64(st, 0);
        *dev = (uint64_t)sqlite3_column_int64(st, 1);
        *ino = (uint64_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? OW_OK : store_sqlerr(s, d, "outputs");
}

static ow_err out_put(struct store *s, const char *path, int64_t len, int with_id, uint64_t dev,
                      uint64_t ino, struct ow_diag *d)
{
    sqlite3_stmt *st;
    if (store_prepare(s, with_id
                   ? "INSERT INTO outputs(path, committed_len, dev, ino) VALUES(?1, ?2, ?3, ?4)"
                     " ON CONFLICT(path) DO UPDATE SET committed_len = ?2, dev = ?3, ino = ?4"
                   : "INSERT INTO outputs(path, committed_len) VALUES(?1, ?2)"
                     " ON CONFLICT(path) DO UPDATE SET committed_len = ?2",
                &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, len);
    if (with_id) {
        sqlite3_bind_int64(st, 3, (int64_t)dev);
        sqlite3_bind_int64(st, 4, (int64_t)ino);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? OW_OK : store_sqlerr(s, d, "outputs");
}

ow_err store_out_set(struct store *s, const char *path, int64_t len, uint64_t dev, uint64_t ino,
                     struct ow_diag *d)
{
    return out_put(s, path, len, 1, dev, ino, d);
}

void store_pending_free(struct store_pending *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].json);
    free(v);
}

ow_err store_out_pending(struct store *s, const char *path, struct store_pending **v, size_t *n,
                         struct ow_diag *d)
{
    *v = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (store_prepare(s, "SELECT id, json FROM records WHERE out_pending = ? ORDER BY id", &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    struct store_pending *a = NULL;
    size_t len = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ow_array_grow((void **)&a, &cap, len, sizeof *a))
            goto oom;
        a[len].id = sqlite3_column_int64(st, 0);
        if (!(a[len].json = strdup((const char *)sqlite3_column_text(st, 1))))
            goto oom;
        len++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_pending_free(a, len);
        return store_sqlerr(s, d, "records");
    }
    *v = a;
    *n = len;
    return OW_OK;
oom:
    sqlite3_finalize(st);
    store_pending_free(a, len);
    return ow_diagf(d, OW_NOMEM, "out of memory");
}

ow_err store_out_done(struct store *s, const char *path, int64_t record_id, int64_t len,
                      struct ow_diag *d)
{
    sqlite3_stmt *st;
    if (store_exec(s, "BEGIN IMMEDIATE", d))
        return OW_STORE;
    if (out_put(s, path, len, 0, 0, 0, d))
        goto fail;
    if (store_prepare(s, "UPDATE records SET out_pending = NULL WHERE id = ?", &st, d))
        goto fail;
    sqlite3_bind_int64(st, 1, record_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_sqlerr(s, d, "records");
        goto fail;
    }
    if (store_exec(s, "COMMIT", d))
        goto fail;
    return OW_OK;
fail:
    store_rollback(s);
    return OW_STORE;
}

/* ---- export -------------------------------------------------------------- */

ow_err store_export(struct store *s, int all, const char *since,
                    int (*fn)(const struct store_row *row, void *ctx), void *ctx,
                    struct ow_diag *d)
{
    sqlite3_stmt *st;
    if (store_prepare(s,
                "SELECT r.id, p.url, r.revision, r.sha256, r.created_at, r.json"
                " FROM records r JOIN pages p ON p.id = r.page_id"
                " WHERE (?1 OR r.revision = (SELECT max(revision) FROM records x"
                "   WHERE x.page_id = r.page_id))"
                "  AND (?2 IS NULL OR r.created_at >= ?2)"
                " ORDER BY r.id",
                &st, d))
        return OW_STORE;
    sqlite3_bind_int(st, 1, all != 0);
    store_bind_text(st, 2, since);
    int rc;
    ow_err e = OW_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_row row = {
            .record_id = sqlite3_column_int64(st, 0),
            .url = (const char *)sqlite3_column_text(st, 1),
            .revision = sqlite3_column_int(st, 2),
            .sha256 = (const char *)sqlite3_column_text(st, 3),
            .created_at = (const char *)sqlite3_column_text(st, 4),
            .json = (const char *)sqlite3_column_text(st, 5),
        };
        if (fn(&row, ctx)) {
            e = ow_diagf(d, OW_IO, "export stopped");
            break;
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = store_sqlerr(s, d, "export");
    sqlite3_finalize(st);
    return e;
}
