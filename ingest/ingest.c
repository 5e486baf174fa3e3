/* ingest/ingest.c — the ingest run: a politeness scheduler feeding
 * workers that fetch and parse, and a coordinator that stores and writes
 * --out lines.
 *
 * Threads: `parallel` workers fetch one URL at a time and, for a page, make
 * its digest and record (page_digest, page_record: pure work on the
 * response and the shared read-only rules), so that parsing uses every
 * core; the calling thread (the coordinator) owns every other structure:
 * jobs, hosts, the store, the out file.  The two meet in the worker pool
 * (pool.h); a job belongs to one side at a time. */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/pipeline.h"
#include "../core/util.h"
#include "../fetch/url.h"
#include "discover.h"
#include "outfile.h"
#include "pool.h"
#include "robots.h"

enum role { R_ROBOTS, R_SOURCE, R_SITEMAP, R_PAGE };

struct job {
    struct pool_item item;      /* first: the pool's link (pool.h) */
    enum role role;
    char *url;
    size_t src;                 /* index into the report's sources */
    size_t host;
    const struct fetch_opts *fo;
    /* what the store remembered, read just before the request */
    struct store_page prev;
    /* the answer, filled by a worker */
    struct fetch_result res;
    long long done_ms;
    /* what the body says (page_digest, page_record) */
    int digested, recorded;
    char sha[65];
    ow_err perr;                /* the pipeline's error, OW_OK when it made a record */
    struct ow_diag pdiag;
    int inc;                    /* the record says is_incident */
    char *rec_json;             /* an incident's record, compact JSON, or NULL */
};

struct host {
    char *origin;               /* scheme://host:port: robots.txt is per origin */
    struct robots *robots;
    int robots_state;           /* 0 not known, 1 being fetched, 2 known */
    char *unreachable;          /* robots.txt could not be read: why (NULL: it could) */
    char *stopped;              /* the host asked us to back off: why */
    int busy;                   /* a request to it is in flight */
    long long next_ok;          /* monotonic ms before which it gets no request */
    struct job **q;             /* waiting jobs, FIFO from qhead */
    size_t qhead, qlen, qcap;
};

struct urlset {                 /* open addressing, for "seen in this run" */
    char **slot;
    size_t cap, n;
};

struct run {
    struct store *s;
    const struct ingest_opts *o;
    struct ingest_report *rep;
    struct discover_vocab *vocab;
    struct fetch_opts fo_page, fo_robots;
    int64_t run_id;
    int64_t *source_ids;
    size_t *source_jobs;        /* jobs queued per source (the INGEST_MAX_PAGES cap) */
    size_t sources_done;
    struct host *hosts;
    size_t nhosts, caphosts, rr;
    struct urlset seen;
    size_t queued, inflight;
    long long deadline;         /* monotonic ms the run ends by (max_time_ms), 0: none */
    int out_of_time;            /* the deadline came: nothing more is started */
    size_t left;                /* requests cut at the deadline, left for the next run */
    ow_err fatal;
    struct ow_diag fatal_diag;
    struct outfile out;         /* the --out file (out.fd < 0: none) */
    char build[64];             /* what makes the records (store_build) */
    struct pool pool;           /* the workers (pool.h) */
};

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

static ow_err fatal(struct run *r, ow_err e, const struct ow_diag *d)
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

/* ---- the set of URLs seen ------------------------------------------------ */

/* 1 if url was added, 0 if it was there, -1 out of memory. */
static int urlset_add(struct urlset *u, const char *url)
{
    if ((u->n + 1) * 2 > u->cap) {
        size_t nc = u->cap ? u->cap * 2 : 256;
        char **ns = calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < u->cap; i++)
            if (u->slot[i]) {
                size_t k = ow_fnv_str(u->slot[i]) & (nc - 1);
                while (ns[k])
                    k = (k + 1) & (nc - 1);
                ns[k] = u->slot[i];
            }
        free(u->slot);
        u->slot = ns;
        u->cap = nc;
    }
    size_t k = ow_fnv_str(url) & (u->cap - 1);
    while (u->slot[k]) {
        if (!strcmp(u->slot[k], url))
            return 0;
        k = (k + 1) & (u->cap - 1);
    }
    if (!(u->slot[k] = strdup(url)))
        return -1;
    u->n++;
    return 1;
}

static void urlset_free(struct urlset *u)
{
    for (size_t i = 0; i < u->cap; i++)
        free(u->slot[i]);
    free(u->slot);
}

/* ---- jobs and hosts ------------------------------------------------------ */

static void job_free(struct job *j)
{
    if (!j)
        return;
    free(j->url);
    store_page_clear(&j->prev);
    fetch_result_free(&j->res);
    free(j->rec_json);
    free(j);
}

/* The body's SHA-256, to tell a changed page from an unchanged one. */
static void page_digest(struct job *j)
{
    ow_sha256_hex(j->res.body ? j->res.body : "", j->res.len, j->sha);
    j->digested = 1;
}

/* The record of a body: perr and pdiag on failure, else inc and, for an
 * incident, rec_json.  Touches nothing but the job, so that a worker can
 * run it. */
static void page_record(const struct run *r, struct job *j)
{
    const struct fetch_result *res = &j->res;
    struct pipeline_opts po = {.http_charset = res->charset};
    struct record_source src = {
        .id = j->url,
        .url = j->url,
        .final_url = res->final_url,
        .http_status = res->status,
        .content_type = res->content_type,
        .fetched_at = res->fetched_at[0] ? res->fetched_at : NULL,
        .etag = res->etag,
        .last_modified = res->last_modified,
        .bytes = res->body ? res->body : "",
        .nbytes = res->len,
    };
    json_t *rec = NULL;
    j->recorded = 1;
    j->perr = pipeline_run(r->o->rules, &po, &src, &rec, &j->pdiag);
    if (j->perr)
        return;
    j->inc = json_is_true(json_object_get(rec, "is_incident"));
    if (j->inc && !(j->rec_json = json_dumps(rec, JSON_COMPACT)))
        j->perr = ow_diagf(&j->pdiag, OW_NOMEM, "%s", ow_strerror(OW_NOMEM));
    json_decref(rec);
}

static ssize_t host_index(struct run *r, const char *origin)
{
    for (size_t i = 0; i < r->nhosts; i++)
        if (!strcmp(r->hosts[i].origin, origin))
            return (ssize_t)i;
    if (ow_array_grow((void **)&r->hosts, &r->caphosts, r->nhosts, sizeof *r->hosts))
        return -1;
    struct host *h = &r->hosts[r->nhosts];
    memset(h, 0, sizeof *h);
    if (!(h->origin = strdup(origin)))
        return -1;
    return (ssize_t)r->nhosts++;
}

static void source_fail(struct run *r, size_t src, const char *url, const char *why)
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

/* Queues url once per run.  Returns 0, or -1 on a fatal error. */
static int enqueue(struct run *r, const char *url, enum role role, size_t src)
{
    if (role != R_SOURCE && r->source_jobs[src] >= INGEST_MAX_PAGES)
        return 0;
    int added = urlset_add(&r->seen, url);
    if (added <= 0) {
        if (added < 0)
            fatal(r, OW_NOMEM, NULL);
        else if (role == R_SOURCE)
            r->sources_done++;   /* listed twice: done with the first */
        return added;
    }
    char origin[600];
    if (url_origin(url, origin, sizeof origin)) {
        if (role == R_SOURCE) {
            source_fail(r, src, url, "not a valid URL");
            r->rep->sources[src].pages_failed++;
            r->rep->counts.pages_failed++;
        }
        return 0;
    }
    ssize_t hi = host_index(r, origin);
    struct job *j = calloc(1, sizeof *j);
    if (hi < 0 || !j || !(j->url = strdup(url))) {
        job_free(j);
        fatal(r, OW_NOMEM, NULL);
        return -1;
    }
    j->role = role;
    j->src = src;
    j->host = (size_t)hi;
    j->fo = &r->fo_page;
    store_page_clear(&j->prev);
    struct host *h = &r->hosts[hi];
    if (h->qhead + h->qlen == h->qcap) {
        if (h->qhead > 0) {
            memmove(h->q, h->q + h->qhead, h->qlen * sizeof *h->q);
            h->qhead = 0;
        } else {
            size_t nc = h->qcap ? h->qcap * 2 : 16;
            struct job **nq = realloc(h->q, nc * sizeof *nq);
            if (!nq) {
                job_free(j);
                fatal(r, OW_NOMEM, NULL);
                return -1;
            }
            h->q = nq;
            h->qcap = nc;
        }
    }
    h->q[h->qhead + h->qlen++] = j;
    r->queued++;
    r->source_jobs[src]++;
    return 0;
}

/* ---- the workers --------------------------------------------------------- */

/* On a worker: the request, and for a page its digest and record, so that
 * pages are parsed on every core while the coordinator stores. */
static void fetch_and_read(struct pool_item *it, void *ctx)
{
    const struct run *r = ctx;
    struct job *j = (struct job *)it;
    struct fetch_req rq = {j->url, j->prev.etag, j->prev.last_modified};
    struct ow_diag d = {0};
    ow_err e = fetch_many(j->fo, &rq, 1, &j->res, &d);
    if (e && !j->res.err) {
        j->res.err = e;
        j->res.diag = d;
    }
    j->done_ms = ow_mono_ms();
    /* an unchanged body needs no record */
    if (j->role == R_PAGE && !j->res.err && !j->res.not_modified) {
        page_digest(j);
        if (strcmp(j->sha, j->prev.sha256))
            page_record(r, j);
    }
}

static void dispatch(struct run *r, struct job *j)
{
    r->hosts[j->host].busy = 1;
    r->inflight++;
    pool_submit(&r->pool, &j->item);
}

/* ---- what came back ------------------------------------------------------ */

static void commit(struct run *r, struct store_fetch *f, int64_t *rid, int *rev)
{
    struct ow_diag d = {0};
    f->run_id = r->run_id;
    ow_err e = store_page_commit(r->s, f, rid, rev, &d);
    if (e)
        fatal(r, e, &d);
}

static void page_failed(struct run *r, struct job *j, const char *why)
{
    r->rep->sources[j->src].pages_failed++;
    r->rep->counts.pages_failed++;
    source_fail(r, j->src, j->url, why);
}

/* A source is done: the pages earlier runs found through it are checked
 * again (a notice revised in place shows up only this way when its index
 * did not change). */
static void source_done(struct run *r, struct job *j)
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
            fatal(r, e, &d);
            return;
        }
        for (size_t i = 0; i < n && !r->fatal; i++)
            enqueue(r, urls[i], known[k].role, j->src);
        store_strv_free(urls, n);
    }
}

struct found {                  /* links of a source, to remember then queue */
    struct store_link *v;
    enum role *role;
    size_t n, cap;
};

static void found_free(struct found *fl)
{
    for (size_t i = 0; i < fl->n; i++)
        free((char *)fl->v[i].url);
    free(fl->v);
    free(fl->role);
    memset(fl, 0, sizeof *fl);
}

static int found_add(struct found *fl, const char *url, enum role role)
{
    if (fl->n == fl->cap) {
        size_t nc = fl->cap ? fl->cap * 2 : 32;
        struct store_link *nv = realloc(fl->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        fl->v = nv;
        enum role *nr = realloc(fl->role, nc * sizeof *nr);
        if (!nr)
            return -1;
        fl->role = nr;
        fl->cap = nc;
    }
    char *u = strdup(url);
    if (!u)
        return -1;
    fl->v[fl->n].url = u;
    fl->v[fl->n].kind = role == R_SITEMAP ? "sitemap" : "page";
    fl->role[fl->n] = role;
    fl->n++;
    return 0;
}

/* The links of a source worth following: same host; from a sitemap all,
 * from a sitemap index its sitemaps (one level), from a feed or an HTML
 * page those that look like a disclosure; not disallowed by a robots.txt
 * already known; at most INGEST_MAX_PAGES. */
static void follow_links(struct run *r, struct job *j, const struct discover_result *dr,
                         struct found *fl)
{
    char host[512], lh[512], origin[600];
    const char *base = j->res.final_url ? j->res.final_url : j->url;
    if (url_host(base, host, sizeof host))
        return;
    for (size_t i = 0; i < dr->n && !r->fatal; i++) {
        const struct discover_link *l = &dr->links[i];
        if (url_host(l->url, lh, sizeof lh) || strcmp(host, lh))
            continue;   /* another site: not ours to crawl */
        enum role role = R_PAGE;
        switch (dr->kind) {
        case DISCOVER_SITEMAP:
            break;
        case DISCOVER_SITEMAP_INDEX:
            if (j->role != R_SOURCE)
                continue;
            role = R_SITEMAP;
            break;
        default:
            if (!discover_looks_notice(r->vocab, l->url, l->text))
                continue;
            break;
        }
        if (r->source_jobs[j->src] + fl->n >= INGEST_MAX_PAGES)
            break;
        if (!url_origin(l->url, origin, sizeof origin)) {
            for (size_t k = 0; k < r->nhosts; k++) {
                struct host *h = &r->hosts[k];
                if (strcmp(h->origin, origin) || h->robots_state != 2 || h->unreachable)
                    continue;
                char *pq = url_path_query(l->url);
                int ok = pq && robots_allowed(h->robots, pq);
                free(pq);
                if (!ok) {
                    r->rep->counts.robots_skipped++;
                    role = R_ROBOTS;   /* marks "skip" */
                }
                break;
            }
        }
        if (role == R_ROBOTS)
            continue;
        if (found_add(fl, l->url, role)) {
            fatal(r, OW_NOMEM, NULL);
            return;
        }
    }
}

static const char *kind_of(enum discover_kind k)
{
    switch (k) {
    case DISCOVER_RSS1: case DISCOVER_RSS2: case DISCOVER_ATOM: return "feed";
    case DISCOVER_SITEMAP: case DISCOVER_SITEMAP_INDEX: return "sitemap";
    case DISCOVER_HTML: return "html";
    }
    return "html";
}

static void handle_page_body(struct run *r, struct job *j, struct found *fl)
{
    const struct fetch_result *res = &j->res;
    struct ingest_source_report *sr = &r->rep->sources[j->src];
    struct store_run_counts *c = &r->rep->counts;
    struct host *h = &r->hosts[j->host];
    struct store_fetch f = {
        .url = j->url,
        .source_id = r->source_ids[j->src],
        .kind = j->role == R_PAGE ? "page"
                : j->prev.kind ? j->prev.kind
                : j->role == R_SITEMAP ? "sitemap" : "html",
        .status = res->status,
        .fetched_at = res->fetched_at[0] ? res->fetched_at : NULL,
        .is_incident = -1,
    };
    char why[300];
    if (res->err == OW_TIMEOUT && r->deadline && ow_mono_ms() >= r->deadline) {
        /* cut by the run's deadline: not a failure of the page, which the
         * store keeps as it was for the next run */
        r->left++;
        return;
    }
    sr->pages++;
    if (res->err) {
        snprintf(why, sizeof why, "%s", res->diag.msg[0] ? res->diag.msg : ow_strerror(res->err));
        if ((res->status == 429 || res->status == 503) && !h->stopped) {
            char msg[64];
            snprintf(msg, sizeof msg, "host still answers HTTP %ld: left alone for this run",
                     res->status);
            h->stopped = strdup(msg);
        }
        page_failed(r, j, why);
        f.error = why;
        commit(r, &f, NULL, NULL);
        return;
    }
    c->fetched++;
    if (res->not_modified) {
        c->not_modified++;
        if (res->etag || res->last_modified) {
            /* a 304 may carry fresher validators; keep the old ones it omits */
            f.validators = 1;
            f.etag = res->etag ? res->etag : j->prev.etag;
            f.last_modified = res->last_modified ? res->last_modified : j->prev.last_modified;
        }
        commit(r, &f, NULL, NULL);
        return;
    }
    if (!j->digested)
        page_digest(j);
    const char *sha = j->sha;
    int same = !strcmp(sha, j->prev.sha256);
    f.validators = 1;
    f.etag = res->etag;
    f.last_modified = res->last_modified;
    struct ow_diag d = {0};
    if (j->role == R_SOURCE || j->role == R_SITEMAP) {
        struct discover_result dr;
        ow_err e = discover_links(res->body, res->len, r->fo_page.max_body, res->content_type,
                                  res->charset,
                                  res->final_url ? res->final_url : j->url, &dr, &d);
        if (e == OW_NOMEM) {
            fatal(r, e, &d);
            return;
        }
        if (e) {
            snprintf(why, sizeof why, "%s", d.msg);
            page_failed(r, j, why);
            f.error = why;
            f.validators = 0;
            commit(r, &f, NULL, NULL);
            return;
        }
        enum discover_kind kind = dr.kind;
        f.kind = kind_of(kind);
        follow_links(r, j, &dr, fl);
        discover_result_free(&dr);
        f.links = fl->v;
        f.nlinks = fl->n;
        if (kind != DISCOVER_HTML || j->role == R_SITEMAP) {
            f.sha256 = sha;
            if (same)
                c->unchanged++;
            commit(r, &f, NULL, NULL);
            return;
        }
    }
    /* a page's body goes to the archive: each distinct one once; an
     * unchanged one only if an older store never kept it */
    struct store_body body = {
        .sha256 = sha,
        .data = res->body ? res->body : "",
        .len = res->len,
        .final_url = res->final_url,
        .status = res->status,
        .content_type = res->content_type_header,
        .date = res->date,
        .etag = res->etag,
        .last_modified = res->last_modified,
        .content_encoding = res->content_encoding,
    };
    if (same) {
        c->unchanged++;
        f.sha256 = sha;
        if (!store_body_has(r->s, sha))
            f.body = &body;
        commit(r, &f, NULL, NULL);
        return;
    }
    /* New or changed: what does it say?  (A page's worker has parsed it.) */
    if (!j->recorded)
        page_record(r, j);
    ow_err e = j->perr;
    if (e == OW_NOMEM) {
        fatal(r, e, &j->pdiag);
        return;
    }
    if (e) {
        /* No sha and no validators kept: the next run reads it whole again. */
        snprintf(why, sizeof why, "%s", j->pdiag.msg[0] ? j->pdiag.msg : ow_strerror(e));
        page_failed(r, j, why);
        f.error = why;
        f.validators = 0;
        commit(r, &f, NULL, NULL);
        return;
    }
    int inc = j->inc;
    const char *json = j->rec_json;
    f.sha256 = sha;
    f.is_incident = inc;
    f.record_json = json;
    f.out_pending = json && r->out.path ? r->out.path : NULL;
    f.build = r->build;
    f.body = &body;
    int64_t rid = 0;
    int rev = 0;
    commit(r, &f, &rid, &rev);
    if (rid) {
        if (rev == 1)
            c->new_records++;
        else
            c->changed_records++;
        if (r->out.path && (e = outfile_write(&r->out, rid, json, &d)))
            fatal(r, e, &d);
    }
}

static void handle_page(struct run *r, struct job *j)
{
    struct found fl = {0};
    handle_page_body(r, j, &fl);
    for (size_t i = 0; i < fl.n && !r->fatal; i++)
        enqueue(r, fl.v[i].url, fl.role[i], j->src);
    found_free(&fl);
}

static void handle_robots(struct run *r, struct job *j)
{
    struct host *h = &r->hosts[j->host];
    const struct fetch_result *res = &j->res;
    long status = res->status;
    if (res->err == OW_TIMEOUT && r->deadline && ow_mono_ms() >= r->deadline)
        r->left++;   /* cut by the deadline; nothing of the host starts after it */
    int readable = res->err == OW_OK || res->err == OW_HTTP;
    if (res->err == OW_OK && res->not_modified)
        readable = 0;
    if (!readable || (status >= 500 || status == 429) || status == 0) {
        char why[300];
        if (res->err && res->err != OW_HTTP)
            snprintf(why, sizeof why, "robots.txt unreachable (%.150s): not fetching from %.100s",
                     res->diag.msg[0] ? res->diag.msg : ow_strerror(res->err), h->origin);
        else
            snprintf(why, sizeof why, "robots.txt unreachable (HTTP %ld): not fetching from %.200s",
                     status, h->origin);
        h->unreachable = strdup(why);
        h->robots = robots_all(0);
    } else {
        const char *body = res->err == OW_OK && res->body ? res->body : "";
        size_t len = res->err == OW_OK ? res->len : 0;
        h->robots = robots_for_status(status, body, len, INGEST_AGENT);
        struct ow_diag d = {0};
        ow_err e = store_robots_put(r->s, h->origin, status, body, len, &d);
        if (e)
            fatal(r, e, &d);
    }
    if (!h->robots)
        fatal(r, OW_NOMEM, NULL);
    h->robots_state = 2;
}

/* ---- the scheduler ------------------------------------------------------- */

/* The host's robots.txt from the store when fresh enough: 1 when known. */
static int robots_cached(struct run *r, struct host *h)
{
    int found;
    long status;
    char *body;
    size_t len;
    struct ow_diag d = {0};
    ow_err e = store_robots_get(r->s, h->origin, INGEST_ROBOTS_MAX_AGE, &found, &status, &body,
                                &len, &d);
    if (e) {
        fatal(r, e, &d);
        return 0;
    }
    if (!found)
        return 0;
    h->robots = robots_for_status(status, body, len, INGEST_AGENT);
    free(body);
    if (!h->robots) {
        fatal(r, OW_NOMEM, NULL);
        return 0;
    }
    h->robots_state = 2;
    return 1;
}

/* Drops a queued job that will not be requested. */
static void drop(struct run *r, struct job *j, const char *why, int failure)
{
    r->rep->sources[j->src].pages++;
    if (failure)
        page_failed(r, j, why);
    else
        r->rep->counts.robots_skipped++;
    if (j->role == R_SOURCE)
        source_done(r, j);
    job_free(j);
}

/* Starts what may start now.  Returns the earliest time a waiting host
 * becomes free (for the coordinator's sleep), or 0 when nothing waits on
 * time. */
static long long schedule(struct run *r)
{
    long long now = ow_mono_ms(), wake = 0;
    if (r->deadline && now >= r->deadline) {
        r->out_of_time = 1;   /* what is queued is left for the next run */
        return 0;
    }
    for (size_t k = 0; k < r->nhosts && !r->fatal; k++) {
        if (r->inflight >= (size_t)r->o->parallel)
            break;
        size_t hi = (r->rr + k) % r->nhosts;
        struct host *h = &r->hosts[hi];
        if (h->busy || h->qlen == 0)
            continue;
        if (h->next_ok > now) {
            if (!wake || h->next_ok < wake)
                wake = h->next_ok;
            continue;
        }
        if (h->robots_state == 0 && !robots_cached(r, h)) {
            if (r->fatal)
                break;
            struct job *rj = calloc(1, sizeof *rj);
            /* from a queued URL rather than the origin, which always spells
             * the port out */
            if (!rj || !(rj->url = url_resolve(h->q[h->qhead]->url, "/robots.txt"))) {
                free(rj);
                fatal(r, OW_NOMEM, NULL);
                break;
            }
            rj->role = R_ROBOTS;
            rj->host = hi;
            rj->fo = &r->fo_robots;
            store_page_clear(&rj->prev);
            h->robots_state = 1;
            dispatch(r, rj);
            continue;
        }
        if (h->robots_state != 2)
            continue;
        /* drop() may queue pages (a source's known pages) and so move the
         * hosts array: h is re-read on every turn */
        while ((h = &r->hosts[hi])->qlen > 0 && !r->fatal) {
            struct job *j = h->q[h->qhead++];
            h->qlen--;
            r->queued--;
            if (h->unreachable) {
                drop(r, j, h->unreachable, 1);
                continue;
            }
            if (h->stopped) {
                drop(r, j, h->stopped, 1);
                continue;
            }
            char *pq = url_path_query(j->url);
            int ok = pq && robots_allowed(h->robots, pq);
            free(pq);
            if (!ok) {
                drop(r, j, "disallowed by robots.txt", j->role == R_SOURCE);
                continue;
            }
            struct ow_diag d = {0};
            ow_err e = store_page_get(r->s, j->url, &j->prev, &d);
            if (e) {
                job_free(j);
                fatal(r, e, &d);
                break;
            }
            dispatch(r, j);
            break;
        }
    }
    if (r->nhosts)
        r->rr = (r->rr + 1) % r->nhosts;
    return wake;
}

static void finish(struct run *r, struct job *j)
{
    struct host *h = &r->hosts[j->host];
    h->busy = 0;
    h->next_ok = j->done_ms + r->o->delay_ms;
    r->inflight--;
    if (j->role == R_ROBOTS) {
        handle_robots(r, j);
    } else {
        handle_page(r, j);
        if (j->role == R_SOURCE && !r->fatal)
            source_done(r, j);
    }
    enum role role = j->role;
    job_free(j);
    if (r->o->progress && role != R_ROBOTS) {
        struct ingest_progress p = {r->o->nsources, r->sources_done, &r->rep->counts, r->queued};
        r->o->progress(&p, r->o->progress_ctx);
    }
}

static void coordinate(struct run *r)
{
    for (;;) {
        long long wake = r->fatal ? 0 : schedule(r);
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
            source_fail(&r, i, NULL, "not a valid http(s) URL");
            rep->sources[i].pages_failed++;
            rep->counts.pages_failed++;
            r.sources_done++;
            continue;
        }
        e = store_source_id(s, u, &r.source_ids[i], d);
        if (!e && enqueue(&r, u, R_SOURCE, i) < 0) {
            *d = r.fatal_diag;
            e = r.fatal;
        }
        free(u);
        if (e)
            goto out;
    }

    if ((e = pool_start(&r.pool, o->parallel, fetch_and_read, &r, d)))
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
        job_free((struct job *)it);
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
            job_free(h->q[h->qhead + k]);
        free(h->q);
        free(h->origin);
        free(h->unreachable);
        free(h->stopped);
        robots_free(h->robots);
    }
    free(r.hosts);
    urlset_free(&r.seen);
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
