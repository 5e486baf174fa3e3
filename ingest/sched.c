/* ingest/sched.c — the politeness scheduler: each URL once per run, one
 * queue per origin, robots.txt before anything else of an origin, at most
 * one request at a time per host and `delay` between them, at most
 * `parallel` in all, nothing started after the deadline. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../fetch/url.h"

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

void ingest_urlset_free(struct urlset *u)
{
    for (size_t i = 0; i < u->cap; i++)
        free(u->slot[i]);
    free(u->slot);
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

/* Queues url once per run.  Returns 0, or -1 on a fatal error. */
int ingest_enqueue(struct run *r, const char *url, enum role role, size_t src)
{
    if (role != R_SOURCE && r->source_jobs[src] >= INGEST_MAX_PAGES)
        return 0;
    int added = urlset_add(&r->seen, url);
    if (added <= 0) {
        if (added < 0)
            ingest_fatal(r, OW_NOMEM, NULL);
        else if (role == R_SOURCE)
            r->sources_done++;   /* listed twice: done with the first */
        return added;
    }
    char origin[600];
    if (url_origin(url, origin, sizeof origin)) {
        if (role == R_SOURCE) {
            ingest_source_fail(r, src, url, "not a valid URL");
            r->rep->sources[src].pages_failed++;
            r->rep->counts.pages_failed++;
        }
        return 0;
    }
    ssize_t hi = host_index(r, origin);
    struct job *j = calloc(1, sizeof *j);
    if (hi < 0 || !j || !(j->url = strdup(url))) {
        ingest_job_free(j);
        ingest_fatal(r, OW_NOMEM, NULL);
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
                ingest_job_free(j);
                ingest_fatal(r, OW_NOMEM, NULL);
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
        ingest_fatal(r, e, &d);
        return 0;
    }
    if (!found)
        return 0;
    h->robots = robots_for_status(status, body, len, INGEST_AGENT);
    free(body);
    if (!h->robots) {
        ingest_fatal(r, OW_NOMEM, NULL);
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
        ingest_page_failed(r, j, why);
    else
        r->rep->counts.robots_skipped++;
    if (j->role == R_SOURCE)
        ingest_source_done(r, j);
    ingest_job_free(j);
}

/* Starts what may start now.  Returns the earliest time a waiting host
 * becomes free (for the coordinator's sleep), or 0 when nothing waits on
 * time. */
long long ingest_schedule(struct run *r)
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
                ingest_fatal(r, OW_NOMEM, NULL);
                break;
            }
            rj->role = R_ROBOTS;
            rj->host = hi;
            rj->fo = &r->fo_robots;
            store_page_clear(&rj->prev);
            h->robots_state = 1;
            ingest_dispatch(r, rj);
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
                ingest_job_free(j);
                ingest_fatal(r, e, &d);
                break;
            }
            ingest_dispatch(r, j);
            break;
        }
    }
    if (r->nhosts)
        r->rr = (r->rr + 1) % r->nhosts;
    return wake;
}

void ingest_dispatch(struct run *r, struct job *j)
{
    r->hosts[j->host].busy = 1;
    r->inflight++;
    pool_submit(&r->pool, &j->item);
}
