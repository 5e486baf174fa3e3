/* Unit tests for store/store.c: schema and migrations, the lock, pages and
 * revisions, links, robots cache, the --out bookkeeping, export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/owabi-test-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/owabi.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct store *open_new(void)
{
    struct store *s = NULL;
    struct ow_diag d = {0};
    assert_int_equal(store_open(path, 1, &s, &d), OW_OK);
    assert_non_null(s);
    return s;
}

/* Runs SQL on the file directly, as another program would. */
static void raw(const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static long long raw_int(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void open_creates_and_reopens(void **state)
{
    (void)state;
    struct store *s = NULL;
    struct ow_diag d = {0};
    assert_int_equal(store_open(path, 0, &s, &d), OW_IO);   /* no create: missing is an error */
    assert_null(s);
    assert_int_equal(access(path, F_OK), -1);
    s = open_new();
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    store_close(s);
    s = open_new();   /* reopening migrates nothing */
    assert_int_equal(store_schema_version(s), 3);
    store_close(s);
    assert_int_equal(raw_int("SELECT count(*) FROM schema_version"), 3);
    assert_int_equal(raw_int("PRAGMA user_version"), 3);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void migrates_a_version_1_store(void **state)
{
    (void)state;
    /* A store as schema version 1 left it, with one record in it. */
    raw("CREATE TABLE schema_version(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"
        "INSERT INTO schema_version VALUES(1, '2026-01-01T00:00:00Z');"
        "CREATE TABLE pages(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, source_id INTEGER,"
        " kind TEXT NOT NULL, etag TEXT, last_modified TEXT, sha256 TEXT, is_incident INTEGER,"
        " status INTEGER, error TEXT, first_seen TEXT NOT NULL, fetched_at TEXT, last_run INTEGER);"
        "CREATE TABLE records(id INTEGER PRIMARY KEY, page_id INTEGER NOT NULL, revision INTEGER NOT NULL,"
        " sha256 TEXT NOT NULL, json TEXT NOT NULL, created_at TEXT NOT NULL, run_id INTEGER,"
        " UNIQUE(page_id, revision));"
        "INSERT INTO pages(id, url, kind, first_seen) VALUES(1, 'http://a.example/n.html', 'page', 'x');"
        "INSERT INTO records VALUES(1, 1, 1, 'aa', '{\"is_incident\":true}', '2026-01-01T00:00:00Z', 1);"
        "PRAGMA user_version = 1;");
    struct store *s = open_new();
    assert_int_equal(store_schema_version(s), 3);
    store_close(s);
    /* its record stays, without a body (bodies start with the next fetch) */
    assert_int_equal(raw_int("SELECT count(*) FROM records WHERE out_pending IS NULL"), 1);
    assert_int_equal(raw_int("SELECT count(*) FROM records WHERE fetch_id IS NULL AND cause IS NULL"), 1);
    assert_int_equal(raw_int("SELECT count(*) FROM robots"), 0);
    assert_int_equal(raw_int("SELECT count(*) FROM bodies"), 0);
    assert_int_equal(raw_int("SELECT count(*) FROM fetches"), 0);
    assert_int_equal(raw_int("SELECT max(version) FROM schema_version"), 3);
}

static void refuses_newer_and_foreign_files(void **state)
{
    (void)state;
    raw("PRAGMA user_version = 99;");
    struct store *s = NULL;
    struct ow_diag d = {0};
    assert_int_equal(store_open(path, 1, &s, &d), OW_STORE);
    assert_null(s);
    assert_non_null(strstr(d.msg, "newer"));
    unlink(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not a database, just a text file that is long enough to have a header\n", f);
    fclose(f);
    assert_int_equal(store_open(path, 1, &s, &d), OW_STORE);
    assert_null(s);
    /* told by SQLite's code, and the message names the file */
    assert_int_equal(d.code, OW_STORE);
    assert_int_equal(d.foreign, OW_FOREIGN_SQLITE);
    assert_int_equal(d.foreign_code & 0xff, SQLITE_NOTADB);
    assert_non_null(strstr(d.msg, path));
}

static void lock_is_exclusive(void **state)
{
    (void)state;
    int a, b;
    struct ow_diag d = {0};
    assert_int_equal(store_lock(path, &a, &d), OW_OK);
    assert_int_equal(store_lock(path, &b, &d), OW_LOCKED);
    assert_int_equal(b, -1);
    assert_string_equal(d.msg, "another ingest run holds the store");
    store_unlock(a);
    assert_int_equal(store_lock(path, &b, &d), OW_OK);
    store_unlock(b);
}

/* Every name of the database meets the same lock: a symlink, a hard link,
 * a path with "./" in it (two runs used to get in through a symlink). */
static void lock_is_per_file(void **state)
{
    (void)state;
    char sym[160], hard[160], dotted[160];
    snprintf(sym, sizeof sym, "%s/link.db", dir);
    snprintf(hard, sizeof hard, "%s/hard.db", dir);
    snprintf(dotted, sizeof dotted, "%s/./owabi.db", dir);
    int a, b;
    struct ow_diag d = {0};
    store_close(open_new());
    assert_int_equal(store_lock(path, &a, &d), OW_OK);
    assert_int_equal(symlink("owabi.db", sym), 0);
    assert_int_equal(link(path, hard), 0);
    assert_int_equal(store_lock(sym, &b, &d), OW_LOCKED);
    assert_int_equal(store_lock(hard, &b, &d), OW_LOCKED);
    assert_int_equal(store_lock(dotted, &b, &d), OW_LOCKED);
    store_unlock(a);
    assert_int_equal(store_lock(sym, &b, &d), OW_OK);
    assert_int_equal(store_lock(path, &a, &d), OW_LOCKED);
    store_unlock(b);
    /* A store not made yet: the lock makes an empty file, which SQLite
     * takes for a new database. */
    unlink(path);
    assert_int_equal(store_lock(path, &a, &d), OW_OK);
    struct store *st = open_new();
    assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
    store_close(st);
    store_unlock(a);
}

static void pages_and_revisions(void **state)
{
    (void)state;
    struct store *s = open_new();
    struct ow_diag d = {0};
    int64_t src, run, rid;
    int rev;
    assert_int_equal(store_run_begin(s, &run, &d), OW_OK);
    assert_int_equal(store_source_id(s, "http://a.example/news/", &src, &d), OW_OK);
    int64_t again;
    assert_int_equal(store_source_id(s, "http://a.example/news/", &again, &d), OW_OK);
    assert_int_equal(again, src);

    const char *sha1 = "1111111111111111111111111111111111111111111111111111111111111111";
    const char *sha2 = "2222222222222222222222222222222222222222222222222222222222222222";
    struct store_fetch f = {.url = "http://a.example/n1.html", .source_id = src, .kind = "page",
                            .status = 200, .etag = "\"e1\"", .last_modified = "Mon, 01 Dec 2025 00:00:00 GMT",
                            .validators = 1, .sha256 = sha1, .is_incident = 1,
                            .record_json = "{\"v\":1}", .out_pending = "/tmp/o.jsonl", .run_id = run};
    assert_int_equal(store_page_commit(s, &f, &rid, &rev, &d), OW_OK);
    assert_true(rid > 0);
    assert_int_equal(rev, 1);

    /* a 304: status changes, validators and hash stay */
    struct store_fetch nm = {.url = f.url, .source_id = src, .kind = "page", .status = 304,
                             .is_incident = -1, .run_id = run};
    assert_int_equal(store_page_commit(s, &nm, &rid, &rev, &d), OW_OK);
    assert_int_equal(rid, 0);
    struct store_page p;
    assert_int_equal(store_page_get(s, f.url, &p, &d), OW_OK);
    assert_true(p.id > 0);
    assert_string_equal(p.etag, "\"e1\"");
    assert_string_equal(p.last_modified, "Mon, 01 Dec 2025 00:00:00 GMT");
    assert_string_equal(p.sha256, sha1);
    assert_int_equal(p.is_incident, 1);
    assert_int_equal(p.status, 304);
    assert_int_equal(p.revisions, 1);
    assert_int_equal(p.source_id, src);
    store_page_clear(&p);

    /* an error keeps what was known */
    struct store_fetch er = {.url = f.url, .kind = "page", .status = 500, .error = "HTTP 500",
                             .is_incident = -1, .run_id = run};
    assert_int_equal(store_page_commit(s, &er, NULL, NULL, &d), OW_OK);
    assert_int_equal(store_page_get(s, f.url, &p, &d), OW_OK);
    assert_string_equal(p.sha256, sha1);
    assert_string_equal(p.etag, "\"e1\"");
    assert_int_equal(p.source_id, src);   /* first sighting's source kept */
    store_page_clear(&p);

    /* changed content: revision 2, validators replaced (even by none) */
    struct store_fetch ch = f;
    ch.sha256 = sha2;
    ch.etag = NULL;
    ch.record_json = "{\"v\":2}";
    assert_int_equal(store_page_commit(s, &ch, &rid, &rev, &d), OW_OK);
    assert_int_equal(rev, 2);
    assert_int_equal(store_page_get(s, f.url, &p, &d), OW_OK);
    assert_null(p.etag);
    assert_string_equal(p.sha256, sha2);
    assert_int_equal(p.revisions, 2);
    store_page_clear(&p);

    /* unknown page */
    assert_int_equal(store_page_get(s, "http://a.example/none", &p, &d), OW_OK);
    assert_int_equal(p.id, 0);
    assert_int_equal(p.is_incident, -1);
    store_page_clear(&p);

    struct store_run_counts c = {.sources = 1, .fetched = 3, .new_records = 1, .changed_records = 1};
    assert_int_equal(store_run_end(s, run, &c, "ok", &d), OW_OK);
    store_close(s);
    assert_int_equal(raw_int("SELECT count(*) FROM records"), 2);
    assert_int_equal(raw_int("SELECT changed_records FROM runs"), 1);
}

static void links_are_remembered(void **state)
{
    (void)state;
    struct store *s = open_new();
    struct ow_diag d = {0};
    int64_t a, b, run;
    assert_int_equal(store_run_begin(s, &run, &d), OW_OK);
    assert_int_equal(store_source_id(s, "http://a.example/feed.rdf", &a, &d), OW_OK);
    assert_int_equal(store_source_id(s, "http://a.example/sitemap.xml", &b, &d), OW_OK);
    struct store_link l1[] = {{"http://a.example/1.html", "page"}, {"http://a.example/2.html", "page"}};
    struct store_fetch f = {.url = "http://a.example/feed.rdf", .source_id = a, .kind = "feed",
                            .status = 200, .is_incident = -1, .run_id = run, .links = l1, .nlinks = 2};
    assert_int_equal(store_page_commit(s, &f, NULL, NULL, &d), OW_OK);
    /* the sitemap lists 2.html too: it stays a's; sub.xml is a sitemap */
    struct store_link l2[] = {{"http://a.example/2.html", "page"}, {"http://a.example/sub.xml", "sitemap"}};
    struct store_fetch g = {.url = "http://a.example/sitemap.xml", .source_id = b, .kind = "sitemap",
                            .status = 200, .is_incident = -1, .run_id = run, .links = l2, .nlinks = 2};
    assert_int_equal(store_page_commit(s, &g, NULL, NULL, &d), OW_OK);
    char **v;
    size_t n;
    assert_int_equal(store_source_pages(s, a, "page", &v, &n, &d), OW_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "http://a.example/1.html");
    assert_string_equal(v[1], "http://a.example/2.html");
    store_strv_free(v, n);
    assert_int_equal(store_source_pages(s, b, "page", &v, &n, &d), OW_OK);
    assert_int_equal(n, 0);
    store_strv_free(v, n);
    assert_int_equal(store_source_pages(s, b, "sitemap", &v, &n, &d), OW_OK);
    assert_int_equal(n, 2);   /* the sitemap itself and sub.xml */
    assert_string_equal(v[1], "http://a.example/sub.xml");
    store_strv_free(v, n);
    store_close(s);
}

static void robots_cache(void **state)
{
    (void)state;
    struct store *s = open_new();
    struct ow_diag d = {0};
    int found;
    long status;
    char *body;
    size_t len;
    assert_int_equal(store_robots_get(s, "http://a.example:80", 3600, &found, &status, &body, &len, &d), OW_OK);
    assert_int_equal(found, 0);
    const char txt[] = "User-agent: *\nDisallow: /x\n";
    assert_int_equal(store_robots_put(s, "http://a.example:80", 200, txt, strlen(txt), &d), OW_OK);
    assert_int_equal(store_robots_get(s, "http://a.example:80", 3600, &found, &status, &body, &len, &d), OW_OK);
    assert_int_equal(found, 1);
    assert_int_equal(status, 200);
    assert_int_equal(len, strlen(txt));
    assert_string_equal(body, txt);
    free(body);
    /* older than max_age: not used */
    assert_int_equal(store_robots_get(s, "http://a.example:80", -10, &found, &status, &body, &len, &d), OW_OK);
    assert_int_equal(found, 0);
    /* an empty 404 body */
    assert_int_equal(store_robots_put(s, "http://b.example:80", 404, NULL, 0, &d), OW_OK);
    assert_int_equal(store_robots_get(s, "http://b.example:80", 3600, &found, &status, &body, &len, &d), OW_OK);
    assert_int_equal(found, 1);
    assert_int_equal(status, 404);
    assert_string_equal(body, "");
    free(body);
    store_close(s);
}

static void out_bookkeeping(void **state)
{
    (void)state;
    struct store *s = open_new();
    struct ow_diag d = {0};
    int64_t run, rid1, rid2;
    assert_int_equal(store_run_begin(s, &run, &d), OW_OK);
    const char *sha = "3333333333333333333333333333333333333333333333333333333333333333";
    struct store_fetch f = {.url = "http://a.example/1.html", .kind = "page", .status = 200,
                            .sha256 = sha, .is_incident = 1, .record_json = "{\"n\":1}",
                            .out_pending = "/o/a.jsonl", .run_id = run};
    assert_int_equal(store_page_commit(s, &f, &rid1, NULL, &d), OW_OK);
    f.url = "http://a.example/2.html";
    f.record_json = "{\"n\":2}";
    assert_int_equal(store_page_commit(s, &f, &rid2, NULL, &d), OW_OK);
    f.url = "http://a.example/3.html";
    f.out_pending = NULL;   /* a run without --out */
    assert_int_equal(store_page_commit(s, &f, NULL, NULL, &d), OW_OK);

    int found;
    int64_t len;
    uint64_t dev, ino;
    assert_int_equal(store_out_get(s, "/o/a.jsonl", &found, &len, &dev, &ino, &d), OW_OK);
    assert_int_equal(found, 0);
    assert_int_equal(store_out_set(s, "/o/a.jsonl", 0, 7, 9, &d), OW_OK);
    struct store_pending *p;
    size_t n;
    assert_int_equal(store_out_pending(s, "/o/a.jsonl", &p, &n, &d), OW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].id, rid1);
    assert_string_equal(p[0].json, "{\"n\":1}");
    assert_string_equal(p[1].json, "{\"n\":2}");
    store_pending_free(p, n);
    assert_int_equal(store_out_done(s, "/o/a.jsonl", rid1, 8, &d), OW_OK);
    assert_int_equal(store_out_pending(s, "/o/a.jsonl", &p, &n, &d), OW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].id, rid2);
    store_pending_free(p, n);
    assert_int_equal(store_out_get(s, "/o/a.jsonl", &found, &len, &dev, &ino, &d), OW_OK);
    assert_int_equal(found, 1);
    assert_int_equal(len, 8);
    assert_int_equal(dev, 7);   /* the file identity stays with its path */
    assert_int_equal(ino, 9);
    assert_int_equal(store_out_pending(s, "/o/other.jsonl", &p, &n, &d), OW_OK);
    assert_int_equal(n, 0);
    store_pending_free(p, n);
    store_close(s);
}

struct rows {
    int n;
    char urls[8][64];
    int revs[8];
};

static int collect(const struct store_row *row, void *ctx)
{
    struct rows *r = ctx;
    if (r->n < 8) {
        snprintf(r->urls[r->n], sizeof r->urls[0], "%s", row->url);
        r->revs[r->n] = row->revision;
    }
    r->n++;
    return 0;
}

static void export_latest_all_since(void **state)
{
    (void)state;
    struct store *s = open_new();
    struct ow_diag d = {0};
    int64_t run;
    assert_int_equal(store_run_begin(s, &run, &d), OW_OK);
    const char *sha = "4444444444444444444444444444444444444444444444444444444444444444";
    struct store_fetch f = {.url = "http://a.example/1.html", .kind = "page", .status = 200,
                            .sha256 = sha, .is_incident = 1, .record_json = "{}", .run_id = run};
    assert_int_equal(store_page_commit(s, &f, NULL, NULL, &d), OW_OK);
    assert_int_equal(store_page_commit(s, &f, NULL, NULL, &d), OW_OK);   /* revision 2 */
    f.url = "http://a.example/2.html";
    assert_int_equal(store_page_commit(s, &f, NULL, NULL, &d), OW_OK);
    struct rows r = {0};
    assert_int_equal(store_export(s, 0, NULL, collect, &r, &d), OW_OK);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.urls[0], "http://a.example/1.html");
    assert_int_equal(r.revs[0], 2);
    assert_string_equal(r.urls[1], "http://a.example/2.html");
    memset(&r, 0, sizeof r);
    assert_int_equal(store_export(s, 1, NULL, collect, &r, &d), OW_OK);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.revs[0], 1);
    memset(&r, 0, sizeof r);
    assert_int_equal(store_export(s, 1, "2999-01-01", collect, &r, &d), OW_OK);
    assert_int_equal(r.n, 0);
    assert_int_equal(store_export(s, 1, "2000-01-01", collect, &r, &d), OW_OK);
    assert_int_equal(r.n, 3);
    store_close(s);
}

static void stale_runs_are_aborted(void **state)
{
    (void)state;
    struct store *s = open_new();
    struct ow_diag d = {0};
    int64_t r1, r2;
    assert_int_equal(store_run_begin(s, &r1, &d), OW_OK);   /* never ended: a killed run */
    assert_int_equal(store_run_begin(s, &r2, &d), OW_OK);
    assert_true(r2 > r1);
    store_close(s);
    assert_int_equal(raw_int("SELECT count(*) FROM runs WHERE status = 'aborted'"), 1);
    assert_int_equal(raw_int("SELECT count(*) FROM runs WHERE status = 'running'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_creates_and_reopens, setup, teardown),
        cmocka_unit_test_setup_teardown(migrates_a_version_1_store, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_newer_and_foreign_files, setup, teardown),
        cmocka_unit_test_setup_teardown(lock_is_exclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(lock_is_per_file, setup, teardown),
        cmocka_unit_test_setup_teardown(pages_and_revisions, setup, teardown),
        cmocka_unit_test_setup_teardown(links_are_remembered, setup, teardown),
        cmocka_unit_test_setup_teardown(robots_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(out_bookkeeping, setup, teardown),
        cmocka_unit_test_setup_teardown(export_latest_all_since, setup, teardown),
        cmocka_unit_test_setup_teardown(stale_runs_are_aborted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
