/* cli/ingest.c — `owabi ingest` (incremental ingestion, made for cron) and
 * `owabi export` (what the store holds, as JSON lines or CSV).
 *
 * Exit statuses of ingest:
 *   0  every source was read and every page found was processed
 *   1  some sources failed (the others were still ingested), or the run
 *      stopped on a store / output error; stderr names them
 *   2  usage error (nothing was done)
 *   3  another ingest run holds the store (nothing was done)
 * Exit statuses of export: 0 done, 1 the store cannot be read, a record in
 * it is corrupt (the others are still printed) or stdout failed, 2 usage
 * error. */
#include "ingest.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "../extract/extract.h"
#include "../fetch/fetch.h"
#include "../ingest/ingest.h"
#include "../store/store.h"
#include "archive.h"
#include "args.h"


/* mkdir -p of the directory part of path (mode 0700: the store is private). */
static int make_parents(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

/* ---- ingest ------------------------------------------------------------ */

static const char ingest_usage[] =
    "usage: owabi ingest --sources FILE [options]\n"
    "\n"
    "Fetches every source (a notice index page, an RSS 1.0/2.0 or Atom feed, a\n"
    "sitemap or sitemap index, or a single notice), follows on the same site the\n"
    "links that look like disclosures, and stores a record for every new or\n"
    "changed notice.  Made to run from cron: unchanged pages cost one 304,\n"
    "robots.txt is obeyed, one request at a time per host.\n"
    "\n"
    "  --sources FILE     one URL a line, '#' comments (required; - for stdin;\n"
    "                     at most 4 MiB and 8192 bytes a line)\n"
    "  --db PATH          the store (default $XDG_STATE_HOME/owabi/owabi.db,\n"
    "                     else ~/.local/state/owabi/owabi.db; created if absent)\n"
    "  --out FILE         append each new or changed record to FILE as one JSON\n"
    "                     line, exactly once, even across crashes: a run repairs\n"
    "                     only a torn last line of its own; lines other programs\n"
    "                     appended are never removed\n"
    "  --delay SEC        pause between two requests to the same host (default 1)\n"
    "  --parallel N       requests at once over all hosts (default 4)\n"
    "  --max-time SEC     end the run after SEC seconds (default 3000, 50 minutes,\n"
    "                     for an hourly cron; 0: no limit): nothing starts after\n"
    "                     it, transfers under way are cut, and what is not done is\n"
    "                     left for the next run (the store stays consistent); the\n"
    "                     run then exits 1 with the reason on one line\n"
    "  --connect-timeout SEC  give up connecting after SEC seconds (default 10)\n"
    "  --timeout SEC      deadline of each request (default 60)\n"
    "  --allow-private    allow loopback, private and link-local addresses\n"
    "  --quiet            print nothing but fatal errors\n"
    "  -h, --help         this help\n"
    "\n"
    "On a terminal a progress line is shown; otherwise only a summary at the end:\n"
    "one line per failed source, then the totals.\n"
    "\n"
    "Exit status: 0 all sources ok, 1 some sources failed (the others were still\n"
    "ingested), the run reached --max-time, or it stopped on a store/output\n"
    "error, 2 usage error, 3 another ingest run holds the store.\n";

enum { OPT_SOURCES = 256, OPT_DB, OPT_OUT, OPT_DELAY, OPT_PARALLEL, OPT_ALLOW_PRIVATE, OPT_QUIET,
       OPT_FORMAT, OPT_SINCE, OPT_ALL, OPT_BOM, OPT_MAX_TIME, OPT_TIMEOUT, OPT_CONNECT_TIMEOUT };

static void show_progress(const struct ingest_progress *p, void *ctx)
{
    if (!cli_progress_due(ctx))
        return;
    const struct store_run_counts *c = p->counts;
    fprintf(stderr, "\rsources %zu/%zu  fetched %ld (%ld not modified)  new %ld  changed %ld"
                    "  failed %ld  queued %zu\033[K",
            p->sources_done, p->sources, c->fetched, c->not_modified, c->new_records,
            c->changed_records, c->pages_failed, p->queued);
    fflush(stderr);
}

static void print_summary(const struct ingest_report *rep)
{
    for (size_t i = 0; i < rep->nsources; i++) {
        const struct ingest_source_report *s = &rep->sources[i];
        if (!s->failed)
            continue;
        /* a reason may quote what a server sent (a redirect target) */
        struct ow_buf url, why;
        ow_buf_init(&url, 0);
        ow_buf_init(&why, 0);
        ow_visible(&url, s->url, "");
        ow_visible(&why, s->reason, "");
        fprintf(stderr, "owabi: %s: failed: %s (%ld of %ld requests failed)\n",
                url.data ? url.data : s->url, why.data ? why.data : s->reason, s->pages_failed,
                s->pages);
        ow_buf_free(&url);
        ow_buf_free(&why);
    }
    const struct store_run_counts *c = &rep->counts;
    fprintf(stderr,
            "owabi: ingest: %ld sources (%ld failed), %ld pages fetched (%ld not modified, "
            "%ld unchanged), %ld new records, %ld changed, %ld failed, "
            "%ld skipped by robots.txt\n",
            c->sources, c->sources_failed, c->fetched, c->not_modified, c->unchanged,
            c->new_records, c->changed_records, c->pages_failed, c->robots_skipped);
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"sources", required_argument, NULL, OPT_SOURCES},
        {"db", required_argument, NULL, OPT_DB},
        {"out", required_argument, NULL, OPT_OUT},
        {"delay", required_argument, NULL, OPT_DELAY},
        {"parallel", required_argument, NULL, OPT_PARALLEL},
        {"max-time", required_argument, NULL, OPT_MAX_TIME},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
        {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ingest_opts o;
    ingest_opts_default(&o);
    const char *sources = NULL, *db = NULL;
    int quiet = 0, opt;
    long v;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_SOURCES: sources = optarg; break;
        case OPT_DB:
            if (!*optarg) return cli_usage_error("ingest", "empty --db%s", "");
            db = optarg;
            break;
        case OPT_OUT:
            if (!*optarg) return cli_usage_error("ingest", "empty --out%s", "");
            o.out_path = optarg;
            break;
        case OPT_DELAY:
            if ((v = cli_parse_seconds_ms(optarg)) < 0 || v > 3600 * 1000)
                return cli_usage_error("ingest", "bad --delay '%s' (seconds, 0 to 3600)", optarg);
            o.delay_ms = v;
            break;
        case OPT_PARALLEL:
            if ((v = cli_parse_count(optarg, 1, 64)) < 0)
                return cli_usage_error("ingest", "bad --parallel '%s' (1 to 64)", optarg);
            o.parallel = (int)v;
            break;
        case OPT_MAX_TIME:
            if ((v = cli_parse_seconds_ms(optarg)) < 0)
                return cli_usage_error("ingest", "bad --max-time '%s' (seconds, 0: no limit)", optarg);
            o.max_time_ms = v;
            break;
        case OPT_TIMEOUT:
            if ((v = cli_parse_seconds_ms(optarg)) <= 0)
                return cli_usage_error("ingest", "bad --timeout '%s'", optarg);
            o.fetch.deadline_ms = v;
            break;
        case OPT_CONNECT_TIMEOUT:
            if ((v = cli_parse_seconds_ms(optarg)) <= 0)
                return cli_usage_error("ingest", "bad --connect-timeout '%s'", optarg);
            o.fetch.connect_timeout_ms = v;
            break;
        case OPT_ALLOW_PRIVATE: o.fetch.allow_private = 1; break;
        case OPT_QUIET: quiet = 1; break;
        case 'h': fputs(ingest_usage, stdout); return 0;
        default: fprintf(stderr, "Try 'owabi ingest --help'.\n"); return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("ingest", "unexpected argument '%s'", argv[optind]);
    if (!sources)
        return cli_usage_error("ingest", "--sources FILE is required%s", "");

    struct ow_diag d = {0};
    char **urls = NULL;
    size_t nurls = 0;
    ow_err e = ingest_read_sources(sources, &urls, &nurls, &d);
    if (e) {
        fprintf(stderr, "owabi: %s\n", d.msg);
        return e == OW_USAGE ? EXIT_USAGE : EXIT_SOME_FAILED;
    }

    int rc = EXIT_SOME_FAILED, lock = -1;
    struct store *s = NULL;
    struct extract_rules *rules = NULL;
    struct ingest_report rep = {0};
    char *dbpath = cli_db_path(db);
    if (!dbpath) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!db && make_parents(dbpath) != 0) {
        fprintf(stderr, "owabi: %s: cannot create its directory: %s\n", dbpath, strerror(errno));
        goto out;
    }
    if ((e = store_lock(dbpath, &lock, &d))) {
        fprintf(stderr, "owabi: %s: %s\n", dbpath, d.msg);
        rc = e == OW_LOCKED ? EXIT_LOCKED : EXIT_SOME_FAILED;
        goto out;
    }
    if ((e = store_open(dbpath, 1, &s, &d))) {
        fprintf(stderr, "owabi: %s\n", d.msg);
        goto out;
    }
    if (!(rules = extract_rules_compile(cli_rules_flags(), &d))) {
        fprintf(stderr, "owabi: %s\n", d.msg);
        goto out;
    }
    struct cli_progress ps = {0};
    int tty = !quiet && isatty(STDERR_FILENO);
    if (tty) {
        o.progress = show_progress;
        o.progress_ctx = &ps;
    }
    o.sources = (const char *const *)urls;
    o.nsources = nurls;
    o.rules = rules;
    e = ingest_run(s, &o, &rep, &d);
    cli_progress_clear(&ps);
    if (!quiet)
        print_summary(&rep);
    if (e) {
        fprintf(stderr, "owabi: ingest stopped: %s%s\n", d.msg[0] ? d.msg : ow_strerror(e),
                e == OW_TIMEOUT ? " (--max-time)" : "");
        rc = EXIT_SOME_FAILED;
    } else {
        rc = rep.counts.sources_failed ? EXIT_SOME_FAILED : 0;
    }
out:
    ingest_report_free(&rep);
    extract_rules_free(rules);
    store_close(s);
    store_unlock(lock);
    free(dbpath);
    store_strv_free(urls, nurls);
    return rc;
}

/* ---- export ------------------------------------------------------------ */

static const char export_usage[] =
    "usage: owabi export [options]\n"
    "\n"
    "Prints the records of the store, oldest first: by default the latest\n"
    "revision of each page.\n"
    "\n"
    "  --db PATH          the store (default as for ingest)\n"
    "  --format FMT       jsonl (default: the records as stored, one a line),\n"
    "                     csv (a fixed set of core fields, with a header line) or\n"
    "                     warc (every archived response as WARC 1.1, gzipped per\n"
    "                     record: notices.warc.gz; --since then counts fetch time)\n"
    "  --bom              with csv: start with a UTF-8 byte-order mark, so that\n"
    "                     Excel reads UTF-8 (without one, Japanese Excel reads a\n"
    "                     CSV as Shift_JIS)\n"
    "  --since DATE       only records stored on or after DATE (YYYY-MM-DD, or\n"
    "                     YYYY-MM-DDTHH:MM:SSZ, UTC)\n"
    "  --all              every revision, not only the latest of each page\n"
    "  -h, --help         this help\n"
    "\n"
    "CSV columns: url, revision, stored_at, sha256, is_incident, is_update,\n"
    "organization, published, title, total, attack_methods, data_types,\n"
    "attack_start, attack_end, exposure_start, exposure_end, discovered\n"
    "(lists joined with '|').  A field a spreadsheet would take for a formula\n"
    "(starting with =, +, -, @, tab or carriage return) gets a leading\n"
    "apostrophe ('=HYPERLINK(...) is shown as text); control and bidi\n"
    "characters other than tab and newline are shown as <U+XXXX>.\n"
    "\n"
    "A record whose stored JSON is corrupt is reported on stderr (by id, URL\n"
    "and revision) and left out; the others are still printed.\n"
    "\n"
    "Exit status: 0 done, 1 the store cannot be read, a record is corrupt or\n"
    "output failed, 2 usage error.\n";

/* One CSV field (RFC 4180 quoting).  A value a spreadsheet would evaluate
 * (a formula: leading =, +, -, @, or tab / CR, which Excel skips before
 * one) is neutralised the usual way, with a leading apostrophe: a page
 * titled =HYPERLINK("http://…"&A1,"…") must stay text.  Controls other
 * than tab and line ends, and bidi overrides, are shown as <U+XXXX>. */
static void csv_field(FILE *f, const char *s, int last)
{
    struct ow_buf b;
    ow_buf_init(&b, 0);
    if (s && *s && strchr("=+-@\t\r", *s))
        ow_buf_addc(&b, '\'');
    if (s)
        ow_visible(&b, s, "\t\r\n");
    const char *v = b.data ? b.data : "";
    if (strpbrk(v, ",\"\r\n")) {
        fputc('"', f);
        for (; *v; v++) {
            if (*v == '"')
                fputc('"', f);
            fputc(*v, f);
        }
        fputc('"', f);
    } else {
        fputs(v, f);
    }
    fputc(last ? '\n' : ',', f);
    ow_buf_free(&b);
}

/* The value at a dotted path of the record (NULL when absent). */
static json_t *at(json_t *rec, const char *path)
{
    char key[64];
    json_t *v = rec;
    while (v && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = 0;
        v = json_object_get(v, key);
        path += n + (path[n] == '.');
    }
    return v;
}

/* A scalar as CSV text into buf; "" for null/absent. */
static const char *scalar(json_t *v, char *buf, size_t n)
{
    buf[0] = 0;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, n, "%g", json_real_value(v));
    else if (json_is_true(v))
        snprintf(buf, n, "true");
    else if (json_is_false(v))
        snprintf(buf, n, "false");
    return buf;
}

static char *joined(json_t *arr)
{
    size_t i, n = 1;
    json_t *x;
    json_array_foreach(arr, i, x) if (json_is_string(x)) n += strlen(json_string_value(x)) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    s[0] = 0;
    json_array_foreach(arr, i, x) if (json_is_string(x)) {
        if (s[0])
            strcat(s, "|");
        strcat(s, json_string_value(x));
    }
    return s;
}

struct export_ctx {
    int csv, bom, warc;
    const char *db;
    long corrupt;           /* records left out */
};

static int export_row(const struct store_row *row, void *ctx)
{
    struct export_ctx *c = ctx;
    /* A record is a JSON object, as stored by ingest.  Anything else (a
     * damaged store, a hand edit) is named and left out, not passed on as
     * if it were one. */
    json_error_t err;
    json_t *rec = json_loads(row->json, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(rec)) {
        struct ow_buf u;
        ow_buf_init(&u, 0);
        ow_visible(&u, row->url ? row->url : "?", "");
        fprintf(stderr, "owabi: %s: record %lld (%s revision %d) is corrupt: %s\n", c->db,
                (long long)row->record_id, u.data ? u.data : "?", row->revision,
                rec ? "not a JSON object" : err.text);
        ow_buf_free(&u);
        json_decref(rec);
        c->corrupt++;
        return 0;
    }
    if (!c->csv) {
        json_decref(rec);
        fputs(row->json, stdout);
        return fputc('\n', stdout) == EOF;
    }
    char rev[16], b[8][40];
    snprintf(rev, sizeof rev, "%d", row->revision);
    csv_field(stdout, row->url, 0);
    csv_field(stdout, rev, 0);
    csv_field(stdout, row->created_at, 0);
    csv_field(stdout, row->sha256, 0);
    csv_field(stdout, scalar(at(rec, "is_incident"), b[0], sizeof b[0]), 0);
    csv_field(stdout, scalar(at(rec, "is_update"), b[1], sizeof b[1]), 0);
    csv_field(stdout, scalar(at(rec, "organization.name"), b[2], sizeof b[2]), 0);
    csv_field(stdout, scalar(at(rec, "notice.published"), b[3], sizeof b[3]), 0);
    csv_field(stdout, scalar(at(rec, "notice.title"), b[4], sizeof b[4]), 0);
    csv_field(stdout, scalar(at(rec, "affected.total"), b[5], sizeof b[5]), 0);
    char *m = joined(at(rec, "attack.methods")), *t = joined(at(rec, "data.types"));
    csv_field(stdout, m ? m : "", 0);
    csv_field(stdout, t ? t : "", 0);
    free(m);
    free(t);
    const char *dates[] = {"incident.attack_period.start", "incident.attack_period.end",
                           "incident.exposure_period.start", "incident.exposure_period.end",
                           "incident.discovered"};
    for (size_t i = 0; i < 5; i++) {
        char db[40];
        csv_field(stdout, scalar(at(rec, dates[i]), db, sizeof db), i == 4);
    }
    json_decref(rec);
    return ferror(stdout);
}

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"since", required_argument, NULL, OPT_SINCE},
        {"all", no_argument, NULL, OPT_ALL},
        {"bom", no_argument, NULL, OPT_BOM},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *since = NULL;
    int all = 0, opt;
    struct export_ctx c = {0};
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_DB:
            if (!*optarg) return cli_usage_error("export", "empty --db%s", "");
            db = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "jsonl")) c.csv = 0;
            else if (!strcmp(optarg, "csv")) c.csv = 1;
            else if (!strcmp(optarg, "warc")) c.warc = 1;
            else return cli_usage_error("export", "unknown format '%s' (jsonl, csv, warc)", optarg);
            break;
        case OPT_SINCE:
            if (!cli_valid_since(optarg))
                return cli_usage_error("export", "bad --since '%s' (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", optarg);
            since = optarg;
            break;
        case OPT_ALL: all = 1; break;
        case OPT_BOM: c.bom = 1; break;
        case 'h': fputs(export_usage, stdout); return 0;
        default: fprintf(stderr, "Try 'owabi export --help'.\n"); return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    if (c.bom && !c.csv)
        return cli_usage_error("export", "--bom goes with --format csv%s", "");
    if (c.warc && all)
        return cli_usage_error("export", "--format warc exports every archived fetch; --all is for records%s", "");
    if (c.warc && isatty(STDOUT_FILENO))
        return cli_usage_error("export", "not writing gzipped WARC to a terminal: redirect it (> notices.warc.gz)%s", "");
    char *dbpath = cli_db_path(db);
    if (!dbpath)
        return EXIT_USAGE;
    struct ow_diag d = {0};
    struct store *s = NULL;
    int rc = EXIT_SOME_FAILED;
    ow_err e = store_open(dbpath, 0, &s, &d);
    if (e) {
        fprintf(stderr, "owabi: %s\n", d.msg);
        goto out;
    }
    c.db = dbpath;
    if (c.warc) {
        long bad = 0;
        e = warc_export(stdout, s, since, &bad, &d);
        if (!e && fflush(stdout) == EOF)
            e = ow_diagf(&d, OW_IO, "stdout: %s", strerror(errno));
        if (e)
            fprintf(stderr, "owabi: %s\n", d.msg);
        rc = e || bad ? EXIT_SOME_FAILED : 0;
        goto out;
    }
    if (c.bom)
        fputs("\xEF\xBB\xBF", stdout);
    if (c.csv)
        fputs("url,revision,stored_at,sha256,is_incident,is_update,organization,published,title,"
              "total,attack_methods,data_types,attack_start,attack_end,exposure_start,"
              "exposure_end,discovered\n", stdout);
    e = store_export(s, all, since, export_row, &c, &d);
    if (fflush(stdout) == EOF || (e == OW_IO)) {
        fprintf(stderr, "owabi: stdout: %s\n", strerror(errno));
        goto out;
    }
    if (e) {
        fprintf(stderr, "owabi: %s\n", d.msg);
        goto out;
    }
    rc = c.corrupt ? EXIT_SOME_FAILED : 0;
out:
    store_close(s);
    free(dbpath);
    return rc;
}
