/* ingest/answer.c — a request on a worker (fetch, digest, record), and
 * its answer on the coordinator: robots.txt remembered, links followed and
 * remembered, the page and its record committed in one transaction, the
 * record appended to --out. */
#include "internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../lib/pipeline.h"
#include "../fetch/url.h"
#include "discover.h"

struct found {                  /* links of a source, to remember then queue */
    struct store_link *v;
    enum role *role;
    size_t n, cap;
};

/* The body's SHA-256, to tell a changed page from an unchanged one. */
static void page_digest(struct job *j)
{
    ow_sha256_hex(j->res.body ? j->res.body : "", j->res.len, j->sha);
    j->digested = 1;
}

/* The record of a body: perr and pdiag on failure, else inc and, for an
 * incident, rec_json.  Touches nothing but the job, so that a worker can
 * run it. */
ow_err ingest_page_record(const struct extract_rules *rules, const struct ingest_page *p, int *inc,
                          char **json, struct ow_diag *d)
{
    struct pipeline_opts po = {.http_charset = p->charset};
    struct record_source src = {
        .id = p->url,
        .url = p->url,
        .final_url = p->final_url,
        .http_status = p->status,
        .content_type = p->media_type,
        .fetched_at = p->fetched_at,
        .etag = p->etag,
        .last_modified = p->last_modified,
        .bytes = p->body ? p->body : "",
        .nbytes = p->len,
    };
    json_t *rec = NULL;
    *inc = 0;
    *json = NULL;
    ow_err e = pipeline_run(rules, &po, &src, &rec, d);
    if (e)
        return e;
    *inc = json_is_true(json_object_get(rec, "is_incident"));
    if (*inc && !(*json = json_dumps(rec, JSON_COMPACT)))
        e = ow_diagf(d, OW_NOMEM, "%s", ow_strerror(OW_NOMEM));
    json_decref(rec);
    return e;
}

static void page_record(const struct run *r, struct job *j)
{
    const struct fetch_result *res = &j->res;
    struct ingest_page p = {
        .url = j->url,
        .final_url = res->final_url,
        .status = res->status,
        .media_type = res->content_type,
        .charset = res->charset,
        .fetched_at = res->fetched_at[0] ? res->fetched_at : NULL,
        .etag = res->etag,
        .last_modified = res->last_modified,
        .body = res->body,
        .len = res->len,
    };
    j->recorded = 1;
    j->perr = ingest_page_record(r->o->rules, &p, &j->inc, &j->rec_json, &j->pdiag);
}

/* On a worker: the request, and for a page its digest and record, so that
 * pages are parsed on every core while the coordinator stores. */
void ingest_fetch_and_read(struct pool_item *it, void *ctx)
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

static void commit(struct run *r, struct store_fetch *f, int64_t *rid, int *rev)
{
    struct ow_diag d = {0};
    f->run_id = r->run_id;
    ow_err e = store_page_commit(r->s, f, rid, rev, &d);
    if (e)
        ingest_fatal(r, e, &d);
}

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
            ingest_fatal(r, OW_NOMEM, NULL);
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
        ingest_page_failed(r, j, why);
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
            ingest_fatal(r, e, &d);
            return;
        }
        if (e) {
            snprintf(why, sizeof why, "%s", d.msg);
            ingest_page_failed(r, j, why);
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
        ingest_fatal(r, e, &j->pdiag);
        return;
    }
    if (e) {
        /* No sha and no validators kept: the next run reads it whole again. */
        snprintf(why, sizeof why, "%s", j->pdiag.msg[0] ? j->pdiag.msg : ow_strerror(e));
        ingest_page_failed(r, j, why);
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
            ingest_fatal(r, e, &d);
    }
}

void ingest_handle_page(struct run *r, struct job *j)
{
    struct found fl = {0};
    handle_page_body(r, j, &fl);
    for (size_t i = 0; i < fl.n && !r->fatal; i++)
        ingest_enqueue(r, fl.v[i].url, fl.role[i], j->src);
    found_free(&fl);
}

void ingest_handle_robots(struct run *r, struct job *j)
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
            ingest_fatal(r, e, &d);
    }
    if (!h->robots)
        ingest_fatal(r, OW_NOMEM, NULL);
    h->robots_state = 2;
}
