/* ingest/ingest.c — the ingest run: a politeness scheduler (sched.c)
 * feeding workers that fetch and parse (pool.c, answer.c), and a
 * coordinator that stores and writes --out lines.
 *
 * Threads: `parallel` workers fetch one URL at a time and, for a page, make
 * its digest and record (pure work on the response and the shared
 * read-only rules), so that parsing uses every core; the calling thread
 * (the coordinator) owns every other structure: jobs, hosts, the store, the
 * out file.  The two meet in the worker pool (pool.h); a job belongs to one
 * side at a time. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../fetch/url.h"
#include "discover.h"

void ingest_opts_default(struct ingest_opts *o)
{
    memset(o, 0, sizeof *o);
    o->delay_ms = 1000;
    o->parallel = 4;
    o->max_time_ms = INGEST_MAX_TIME_DEFAULT * 1000L;
    fetch_opts_default(&o->fetch);
}

void ingest_report_free(struct ingest_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nsources; i++)
        free(r->sources[i].url);
    free(r->sources);
    memset(r, 0, sizeof *r);
}

ow_err ingest_fatal(struct run *r, ow_err e, const struct ow_diag *d)
{
    if (!r->fatal) {
        r->fatal = e;
        if (d)
            r->fatal_diag = *d;
        else
            ow_diagf(&r->fatal_diag, e, "%s", ow_strerror(e));
    }
    return e;
}

/* ---- jobs and sources ---------------------------------------------------- */

void ingest_job_free(struct job *j)
{
    if (!j)
        return;
    free(j->url);
    store_page_clear(&j->prev);
    fetch_result_free(&j->res);
    free(j->rec_json);
    free(j);
}

void ingest_source_fail(struct run *r, size_t src, const char *url, const char *why)
{
    struct ingest_source_report *sr = &r->rep->sources[src];
    if (!sr->failed) {
        sr->failed = 1;
        if (url && strcmp(url, sr->url))
            snprintf(sr->reason, sizeof sr->reason, "%s: %s", url, why);
        else
            snprintf(sr->reason, sizeof sr->reason, "%s", why);
    }
}

void ingest_page_failed(struct run *r, struct job *j, const char *why)
{
    r->rep->sources[j->src].pages_failed++;
    r->rep->counts.pages_failed++;
    ingest_source_fail(r, j->src, j->url, why);
}

/* A source is done: the pages earlier runs found through it are checked
 * again (a notice revised in place shows up only this way when its index
 * did not change). */
void ingest_source_done(struct run *r, struct job *j)
{
    r->sources_done++;
    /* the sitemaps of a sitemap index too: the index rarely changes when
     * one of its sitemaps does */
    static const struct { const char *kind; enum role role; } known[] = {
        {"sitemap", R_SITEMAP}, {"page", R_PAGE}};
    for (size_t k = 0; k < 2 && !r->fatal; k++) {
        char **urls;
        size_t n;
        struct ow_diag d = {0};
        ow_err e = store_source_pages(r->s, r->source_ids[j->src], known[k].kind, &urls, &n, &d);
        if (e) {
            ingest_fatal(r, e, &d);
            return;
        }
        for (size_t i = 0; i < n && !r->fatal; i++)
            ingest_enqueue(r, urls[i], known[k].role, j->src);
        store_strv_free(urls, n);
    }
}

/* ---- the coordinator ----------------------------------------------------- */

static void finish(struct run *r, struct job *j)
{
    struct host *h = &r->hosts[j->host];
    h->busy = 0;
    h->next_ok = j->done_ms + r->o->delay_ms;
    r->inflight--;
    if (j->role == R_ROBOTS) {
        ingest_handle_robots(r, j);
    } else {
        ingest_handle_page(r, j);
        if (j->role == R_SOURCE && !r->fatal)
            ingest_source_done(r, j);
    }
    enum role role = j->role;
    ingest_job_free(j);
    if (r->o->progress && role != R_ROBOTS) {
        struct ingest_progress p = {r->o->nsources, r->sources_done, &r->rep->counts, r->queued};
        r->o->progress(&p, r->o->progress_ctx);
    }
}

static void coordinate(struct run *r)
{
    for (;;) {
        long long wake = r->fatal ? 0 : ingest_schedule(r);
        if (r->inflight == 0 && (r->queued == 0 || r->fatal || r->out_of_time))
            break;
        /* wake at the deadline at the latest, to start nothing after it */
        if (r->deadline && !r->out_of_time && (!wake || wake > r->deadline))
            wake = r->deadline;
        for (struct pool_item *it = pool_collect(&r->pool, r->inflight > 0, wake), *nx; it; it = nx) {
            nx = it->next;
            finish(r, (struct job *)it);
        }
    }
}

ow_err ingest_run(struct store *s, const struct ingest_opts *o, struct ingest_report *rep,
                  struct ow_diag *d)
{
    memset(rep, 0, sizeof *rep);
    struct run r = {.s = s, .o = o, .rep = rep, .out = {.fd = -1}};
    store_build(extract_rules_digest(o->rules), r.build);
    ow_err e = OW_OK;

    /* every source is a URL: without libcurl there is nothing to do */
    if ((e = fetch_init(d)))
        return e;
    if (o->max_time_ms > 0)
        r.deadline = ow_mono_ms() + o->max_time_ms;
    r.fo_page = o->fetch;
    r.fo_page.parallel = 1;
    r.fo_page.stop_at_ms = r.deadline;   /* no transfer outlives the run */
    r.fo_robots = r.fo_page;
    /* one byte more than is parsed: robots_parse then knows the file went
     * on and leaves out the line cut there */
    r.fo_robots.max_body = ROBOTS_MAX_BYTES + 1;
    r.fo_robots.keep_head = 1;
    r.fo_page.accept_xml = 1;   /* feeds and sitemaps are XML */
    rep->sources = calloc(o->nsources ? o->nsources : 1, sizeof *rep->sources);
    r.source_ids = calloc(o->nsources ? o->nsources : 1, sizeof *r.source_ids);
    r.source_jobs = calloc(o->nsources ? o->nsources : 1, sizeof *r.source_jobs);
    if (!rep->sources || !r.source_ids || !r.source_jobs) {
        e = ow_diagf(d, OW_NOMEM, "out of memory");
        goto out;
    }
    rep->nsources = o->nsources;
    rep->counts.sources = (long)o->nsources;
    for (size_t i = 0; i < o->nsources; i++)
        if (!(rep->sources[i].url = strdup(o->sources[i]))) {
            e = ow_diagf(d, OW_NOMEM, "out of memory");
            goto out;
        }
    if (!(r.vocab = discover_vocab_load(d))) {
        e = d ? d->code : OW_DATA;
        goto out;
    }
    if ((e = store_run_begin(s, &r.run_id, d)))
        goto out;
    rep->run_id = r.run_id;
    if (o->out_path && (e = outfile_open(&r.out, s, o->out_path, d)))
        goto out;

    for (size_t i = 0; i < o->nsources; i++) {
        char *u = url_resolve(NULL, o->sources[i]);
        if (!u) {
            ingest_source_fail(&r, i, NULL, "not a valid http(s) URL");
            rep->sources[i].pages_failed++;
            rep->counts.pages_failed++;
            r.sources_done++;
            continue;
        }
        e = store_source_id(s, u, &r.source_ids[i], d);
        if (!e && ingest_enqueue(&r, u, R_SOURCE, i) < 0) {
            *d = r.fatal_diag;
            e = r.fatal;
        }
        free(u);
        if (e)
            goto out;
    }

    if ((e = pool_start(&r.pool, o->parallel, ingest_fetch_and_read, &r, d)))
        goto out;

    coordinate(&r);

    if (r.fatal) {
        *d = r.fatal_diag;
        e = r.fatal;
    } else if (r.out_of_time && r.queued + r.left > 0) {
        e = ow_diagf(d, OW_TIMEOUT, "time limit of %g s reached: %zu %s left for the next run",
                     o->max_time_ms / 1000.0, r.queued + r.left,
                     r.queued + r.left == 1 ? "request" : "requests");
    }
out:
    /* on a fatal stop, answers nobody will read */
    for (struct pool_item *it = pool_stop(&r.pool), *nx; it; it = nx) {
        nx = it->next;
        ingest_job_free((struct job *)it);
    }
    for (size_t i = 0; i < rep->nsources; i++)
        if (rep->sources[i].failed)
            rep->counts.sources_failed++;
    if (r.run_id) {
        struct ow_diag d2 = {0};
        const char *status = e == OW_TIMEOUT ? "stopped"
                             : e ? "failed" : rep->counts.sources_failed ? "partial" : "ok";
        ow_err e2 = store_run_end(s, r.run_id, &rep->counts, status, &d2);
        if (!e && e2) {
            e = e2;
            if (d)
                *d = d2;
        }
    }
    for (size_t i = 0; i < r.nhosts; i++) {
        struct host *h = &r.hosts[i];
        for (size_t k = 0; k < h->qlen; k++)
            ingest_job_free(h->q[h->qhead + k]);
        free(h->q);
        free(h->origin);
        free(h->unreachable);
        free(h->stopped);
        robots_free(h->robots);
    }
    free(r.hosts);
    ingest_urlset_free(&r.seen);
    discover_vocab_free(r.vocab);
    free(r.source_ids);
    free(r.source_jobs);
    outfile_close(&r.out);
    return e;
}

/* ---- the sources file ---------------------------------------------------- */

ow_err ingest_read_sources(const char *path, char ***urls, size_t *n, struct ow_diag *d)
{
    *urls = NULL;
    *n = 0;
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return ow_diagf(d, OW_IO, "%s: %s", path, strerror(errno));
    /* Read whole, with a cap: /dev/zero or a log file given by mistake
     * ends here with a reason, not after gigabytes. */
    struct ow_buf b;
    ow_buf_init(&b, INGEST_SOURCES_MAX_BYTES);
    struct ow_diag rd = {0};
    ow_err e = ow_read_stream(f, &b, &rd);
    if (f != stdin)
        fclose(f);
    if (e == OW_TOOBIG)
        e = ow_diagf(d, OW_USAGE, "%s: larger than %d bytes: not a list of URLs", path,
                     INGEST_SOURCES_MAX_BYTES);
    else if (e)
        e = ow_diagf(d, e, "%s: %s", path, rd.msg);
    size_t cap = 0, lineno = 0;
    char **v = NULL;
    char *line = b.data, *stop = b.data + b.len;
    /* A UTF-8 byte-order mark (Windows editors write one) is not part of
     * the first URL. */
    if (line && b.len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
        line += 3;
    for (; !e && line && line < stop; line++) {
        char *nl = memchr(line, '\n', (size_t)(stop - line));
        char *end = nl ? nl : stop;
        lineno++;
        if (end - line > INGEST_SOURCES_MAX_LINE) {
            e = ow_diagf(d, OW_USAGE, "%s:%zu: line longer than %d bytes", path, lineno,
                         INGEST_SOURCES_MAX_LINE);
            break;
        }
        /* C strings would end the line there, silently */
        if (memchr(line, 0, (size_t)(end - line))) {
            e = ow_diagf(d, OW_USAGE, "%s:%zu: NUL byte in the line", path, lineno);
            break;
        }
        char *p = line;
        line = end;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        char *hash = memchr(p, '#', (size_t)(end - p));
        /* '#' starts a comment at the start or after whitespace; inside a
         * URL it is a fragment */
        while (hash && hash > p && hash[-1] != ' ' && hash[-1] != '\t')
            hash = memchr(hash + 1, '#', (size_t)(end - hash - 1));
        if (hash)
            end = hash;
        while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end == p)
            continue;
        *end = 0;
        if ((strncasecmp(p, "http://", 7) && strncasecmp(p, "https://", 8)) ||
            strpbrk(p, " \t")) {
            e = ow_diagf(d, OW_USAGE, "%s:%zu: not an http(s) URL: %.80s", path, lineno, p);
            break;
        }
        if (ow_array_grow((void **)&v, &cap, *n, sizeof *v) || !(v[*n] = strdup(p))) {
            e = ow_diagf(d, OW_NOMEM, "out of memory");
            break;
        }
        (*n)++;
    }
    if (!e && *n == 0)
        e = ow_diagf(d, OW_USAGE, "%s: no source URL in it", path);
    ow_buf_free(&b);
    if (e) {
        store_strv_free(v, *n);
        *n = 0;
        return e;
    }
    *urls = v;
    return OW_OK;
}
