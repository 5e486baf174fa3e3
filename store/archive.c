/* store/archive.c — the archive: every distinct body a page was read from,
 * kept once by its SHA-256 and compressed with zlib (already a dependency:
 * notice pages are small, and deflate takes a 60 KB page to a fifth in well
 * under a millisecond), with each fetch's headers, so that a page taken down
 * can still be re-read by a better extractor, shown as it was, and replayed. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../core/util.h"

/* Bodies above this are not archived whole-or-nothing in memory twice: the
 * fetch cap (16 MiB by default) keeps them far below it. */
#define ARCHIVE_MAX_BODY ((size_t)256 << 20)

void store_build(const char *rules_digest, char out[64])
{
    snprintf(out, 64, "owabi %s rules %.12s", OW_VERSION, rules_digest ? rules_digest : "?");
}

int store_body_has(struct store *s, const char *sha256)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM bodies WHERE sha256 = ?", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    int has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return has;
}

ow_err store_archive_put(struct store *s, const struct store_fetch *f, int64_t *fetch_id,
                         struct ow_diag *d)
{
    const struct store_body *b = f->body;
    sqlite3_stmt *st = NULL;
    *fetch_id = 0;
    if (b->len > ARCHIVE_MAX_BODY)
        return ow_diagf(d, OW_TOOBIG, "body of %s too large to archive", f->url);
    if (!store_body_has(s, b->sha256)) {
        uLongf clen = compressBound((uLong)b->len);
        unsigned char *z = malloc(clen ? clen : 1);
        if (!z)
            return ow_diagf(d, OW_NOMEM, "%s", ow_strerror(OW_NOMEM));
        if (compress2(z, &clen, (const Bytef *)b->data, (uLong)b->len, 6) != Z_OK) {
            free(z);
            return ow_diagf(d, OW_NOMEM, "cannot compress the body of %s", f->url);
        }
        ow_err e = store_prepare(s, "INSERT INTO bodies(sha256, size, codec, data) VALUES(?, ?, 'zlib', ?)",
                                 &st, d);
        if (!e) {
            sqlite3_bind_text(st, 1, b->sha256, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)b->len);
            sqlite3_bind_blob64(st, 3, z, clen, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                e = store_sqlerr(s, d, "archive");
            sqlite3_finalize(st);
        }
        free(z);
        if (e)
            return e;
    }
    if (store_prepare(s,
                      "INSERT INTO fetches(page_id, sha256, fetched_at, final_url, status, content_type,"
                      "  date, etag, last_modified, content_encoding, run_id)"
                      " SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 FROM pages WHERE url = ?1",
                      &st, d))
        return OW_STORE;
    char now[32];
    store_now(now);
    sqlite3_bind_text(st, 1, f->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->fetched_at ? f->fetched_at : now, -1, SQLITE_STATIC);
    store_bind_text(st, 4, b->final_url);
    sqlite3_bind_int64(st, 5, b->status);
    store_bind_text(st, 6, b->content_type);
    store_bind_text(st, 7, b->date);
    store_bind_text(st, 8, b->etag);
    store_bind_text(st, 9, b->last_modified);
    store_bind_text(st, 10, b->content_encoding);
    sqlite3_bind_int64(st, 11, f->run_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_changes(s->db) != 1)
        return store_sqlerr(s, d, "archive fetch");
    *fetch_id = sqlite3_last_insert_rowid(s->db);
    return OW_OK;
}

ow_err store_body_get(struct store *s, const char *sha256, char **data, size_t *len,
                      struct ow_diag *d)
{
    sqlite3_stmt *st;
    *data = NULL;
    *len = 0;
    if (store_prepare(s, "SELECT size, codec, data FROM bodies WHERE sha256 = ?", &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    ow_err e = OW_OK;
    if (sqlite3_step(st) != SQLITE_ROW) {
        e = ow_diagf(d, OW_STORE, "archived body %.64s is missing", sha256);
        goto out;
    }
    sqlite3_int64 size = sqlite3_column_int64(st, 0);
    const char *codec = (const char *)sqlite3_column_text(st, 1);
    const void *z = sqlite3_column_blob(st, 2);
    int zlen = sqlite3_column_bytes(st, 2);
    if (size < 0 || (size_t)size > ARCHIVE_MAX_BODY || !codec || strcmp(codec, "zlib")) {
        e = ow_diagf(d, OW_STORE, "archived body %.64s is damaged (size or codec)", sha256);
        goto out;
    }
    char *buf = malloc((size_t)size + 1);
    if (!buf) {
        e = ow_diagf(d, OW_NOMEM, "%s", ow_strerror(OW_NOMEM));
        goto out;
    }
    uLongf out = (uLongf)size;
    char hex[65];
    if ((size && (!z || uncompress((Bytef *)buf, &out, z, (uLong)zlen) != Z_OK)) || out != (uLongf)size ||
        (ow_sha256_hex(buf, (size_t)size, hex), strcmp(hex, sha256))) {
        free(buf);
        e = ow_diagf(d, OW_STORE, "archived body %.64s does not match its SHA-256 (damaged)", sha256);
        goto out;
    }
    buf[size] = '\0';
    *data = buf;
    *len = (size_t)size;
out:
    sqlite3_finalize(st);
    return e;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

ow_err store_archive_walk(struct store *s, int latest, const char *since,
                          int (*fn)(const struct store_archived *a, void *ctx), void *ctx,
                          struct ow_diag *d)
{
    sqlite3_stmt *st;
    if (store_prepare(s,
                      "SELECT f.id, f.page_id, p.url, f.sha256, f.fetched_at, f.final_url, f.content_type,"
                      "  f.date, f.etag, f.last_modified, f.content_encoding, f.status, b.size,"
                      "  r.id, r.revision, r.json"
                      " FROM fetches f JOIN pages p ON p.id = f.page_id JOIN bodies b ON b.sha256 = f.sha256"
                      " LEFT JOIN records r ON r.id = (SELECT max(id) FROM records WHERE page_id = f.page_id)"
                      " WHERE (?1 = 0 OR f.id = (SELECT max(id) FROM fetches WHERE page_id = f.page_id))"
                      "   AND (?2 IS NULL OR f.fetched_at >= ?2)"
                      " ORDER BY CASE WHEN ?1 THEN f.page_id ELSE f.id END",
                      &st, d))
        return OW_STORE;
    sqlite3_bind_int(st, 1, latest);
    store_bind_text(st, 2, since);
    ow_err e = OW_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_archived a = {
            .fetch_id = sqlite3_column_int64(st, 0),
            .page_id = sqlite3_column_int64(st, 1),
            .url = col(st, 2),
            .sha256 = col(st, 3),
            .fetched_at = col(st, 4),
            .final_url = col(st, 5),
            .content_type = col(st, 6),
            .date = col(st, 7),
            .etag = col(st, 8),
            .last_modified = col(st, 9),
            .content_encoding = col(st, 10),
            .status = (long)sqlite3_column_int64(st, 11),
            .size = sqlite3_column_int64(st, 12),
            .record_id = sqlite3_column_int64(st, 13),
            .revision = sqlite3_column_int(st, 14),
            .record_json = col(st, 15),
        };
        if (fn(&a, ctx)) {
            e = ow_diagf(d, OW_IO, "stopped");
            break;
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = store_sqlerr(s, d, "archive");
    sqlite3_finalize(st);
    return e;
}

ow_err store_record_add(struct store *s, int64_t page_id, int64_t fetch_id, const char *sha256,
                        const char *json, const char *build, const char *out_pending,
                        int64_t *record_id, int *revision, struct ow_diag *d)
{
    sqlite3_stmt *st = NULL;
    char now[32];
    store_now(now);
    *record_id = 0;
    *revision = 0;
    if (store_exec(s, "BEGIN IMMEDIATE", d))
        return OW_STORE;
    if (store_prepare(s,
                      "INSERT INTO records(page_id, revision, sha256, json, created_at, out_pending,"
                      "  fetch_id, cause, build)"
                      " VALUES(?1, coalesce((SELECT max(revision) FROM records WHERE page_id = ?1), 0) + 1,"
                      "  ?2, ?3, ?4, ?5, ?6, 'extractor', ?7)"
                      " RETURNING id, revision",
                      &st, d))
        goto fail;
    sqlite3_bind_int64(st, 1, page_id);
    sqlite3_bind_text(st, 2, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    store_bind_text(st, 5, out_pending);
    sqlite3_bind_int64(st, 6, fetch_id);
    store_bind_text(st, 7, build);
    if (sqlite3_step(st) != SQLITE_ROW) {
        store_sqlerr(s, d, "record");
        goto fail;
    }
    *record_id = sqlite3_column_int64(st, 0);
    *revision = sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    st = NULL;
    char sql[80];
    snprintf(sql, sizeof sql, "UPDATE pages SET is_incident = 1 WHERE id = %lld", (long long)page_id);
    if (store_exec(s, sql, d) || store_exec(s, "COMMIT", d))
        goto fail;
    return OW_OK;
fail:
    sqlite3_finalize(st);
    store_rollback(s);
    *record_id = 0;
    *revision = 0;
    return OW_STORE;
}

ow_err store_history(struct store *s, const char *url, int *found,
                     int (*fn)(const struct store_revision *r, void *ctx), void *ctx,
                     struct ow_diag *d)
{
    sqlite3_stmt *st;
    *found = 0;
    if (store_prepare(s, "SELECT 1 FROM pages WHERE url = ?", &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    *found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!*found)
        return OW_OK;
    if (store_prepare(s,
                      "SELECT r.revision, r.created_at, coalesce(r.cause, 'page'), r.build, r.json,"
                      "  coalesce(f.id, 0), f.fetched_at, coalesce(f.sha256, r.sha256), p.url, f.final_url,"
                      "  f.content_type"
                      " FROM records r JOIN pages p ON p.id = r.page_id"
                      " LEFT JOIN fetches f ON f.id = r.fetch_id"
                      " WHERE p.url = ? ORDER BY r.revision",
                      &st, d))
        return OW_STORE;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    ow_err e = OW_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_revision r = {
            .revision = sqlite3_column_int(st, 0),
            .created_at = col(st, 1),
            .cause = col(st, 2),
            .build = col(st, 3),
            .json = col(st, 4),
            .fetch_id = sqlite3_column_int64(st, 5),
            .fetched_at = col(st, 6),
            .sha256 = col(st, 7),
            .url = col(st, 8),
            .final_url = col(st, 9),
            .content_type = col(st, 10),
        };
        if (fn(&r, ctx)) {
            e = ow_diagf(d, OW_IO, "stopped");
            break;
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = store_sqlerr(s, d, "history");
    sqlite3_finalize(st);
    return e;
}
