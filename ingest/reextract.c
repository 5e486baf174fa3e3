#include "reextract.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "ingest.h"
#include "outfile.h"

/* One archived page: what the walk said, then its body and new record. */
struct item {
    int64_t fetch_id, page_id;
    char *url, *sha256, *fetched_at, *final_url, *content_type, *etag, *last_modified;
    long status;
    char *latest;            /* the page's latest record JSON, or NULL */
    char *body;              /* read before the batch is parsed */
    size_t len;
    ow_err err;              /* reading or parsing it failed: why in diag */
    struct ow_diag diag;
    int inc;
    char *json;              /* the new record, compact, when an incident */
};

struct items {
    struct item *v;
    size_t n, cap;
    int oom;
};

static char *dup(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *p = strdup(s);
    if (!p)
        *oom = 1;
    return p;
}

static int collect(const struct store_archived *a, void *ctx)
{
    struct items *it = ctx;
    if (it->n == it->cap) {
        size_t cap = it->cap ? 2 * it->cap : 64;
        struct item *v = realloc(it->v, cap * sizeof *v);
        if (!v) {
            it->oom = 1;
            return 1;
        }
        it->v = v;
        it->cap = cap;
    }
    struct item *x = &it->v[it->n++];
    memset(x, 0, sizeof *x);
    x->fetch_id = a->fetch_id;
    x->page_id = a->page_id;
    x->status = a->status;
    x->url = dup(a->url, &it->oom);
    x->sha256 = dup(a->sha256, &it->oom);
    x->fetched_at = dup(a->fetched_at, &it->oom);
    x->final_url = dup(a->final_url, &it->oom);
    x->content_type = dup(a->content_type, &it->oom);
    x->etag = dup(a->etag, &it->oom);
    x->last_modified = dup(a->last_modified, &it->oom);
    x->latest = dup(a->record_json, &it->oom);
    return it->oom;
}

static void item_free(struct item *x)
{
    free(x->url);
    free(x->sha256);
    free(x->fetched_at);
    free(x->final_url);
    free(x->content_type);
    free(x->etag);
    free(x->last_modified);
    free(x->latest);
    free(x->body);
    free(x->json);
}

/* One archived body read again, with the source facts of its fetch. */
static void parse_item(const struct extract_rules *rules, struct item *x)
{
    char media[128], charset[64];
    ow_ct_media_type(x->content_type ? x->content_type : "", media, sizeof media);
    ow_ct_charset(x->content_type ? x->content_type : "", charset, sizeof charset);
    struct ingest_page p = {
        .url = x->url,
        .final_url = x->final_url,
        .status = x->status,
        .media_type = media[0] ? media : NULL,
        .charset = charset[0] ? charset : NULL,
        .fetched_at = x->fetched_at,
        .etag = x->etag,
        .last_modified = x->last_modified,
        .body = x->body,
        .len = x->len,
    };
    x->err = ingest_page_record(rules, &p, &x->inc, &x->json, &x->diag);
}

struct pool {
    const struct extract_rules *rules;
    struct item *batch;
    size_t n;
    atomic_size_t next;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (size_t i; (i = atomic_fetch_add(&p->next, 1)) < p->n;)
        if (!p->batch[i].err)
            parse_item(p->rules, &p->batch[i]);
    return NULL;
}

static void parse_batch(const struct reextract_opts *o, struct item *batch, size_t n)
{
    struct pool p = {o->rules, batch, n, 0};
    int jobs = o->jobs < 1 ? 1 : o->jobs;
    pthread_t t[64];
    int started = 0;
    for (int k = 1; k < jobs && k < 64 && (size_t)k < n; k++)
        if (pthread_create(&t[started], NULL, worker, &p) == 0)
            started++;
    worker(&p);   /* the calling thread parses too */
    for (int k = 0; k < started; k++)
        pthread_join(t[k], NULL);
}

static void failed(struct reextract_report *rep, const struct item *x)
{
    if (!rep->errors++)
        snprintf(rep->first_error, sizeof rep->first_error, "%s: %s", x->url,
                 x->diag.msg[0] ? x->diag.msg : ow_strerror(x->err));
}

ow_err reextract_run(struct store *s, const struct reextract_opts *o, struct reextract_report *rep,
                     struct ow_diag *d)
{
    struct items it = {0};
    struct outfile out = {.fd = -1};
    char build[64];
    memset(rep, 0, sizeof *rep);
    store_build(extract_rules_digest(o->rules), build);
    ow_err e = store_archive_walk(s, 1, NULL, collect, &it, d);
    if (it.oom)
        e = ow_diagf(d, OW_NOMEM, "%s", ow_strerror(OW_NOMEM));
    if (!e && o->out_path)
        e = outfile_open(&out, s, o->out_path, d);
    rep->pages = it.n;
    for (size_t b = 0; !e && b < it.n; b += REEXTRACT_BATCH) {
        size_t n = it.n - b < REEXTRACT_BATCH ? it.n - b : REEXTRACT_BATCH;
        struct item *batch = it.v + b;
        for (size_t i = 0; i < n; i++)
            batch[i].err = store_body_get(s, batch[i].sha256, &batch[i].body, &batch[i].len,
                                          &batch[i].diag);
        parse_batch(o, batch, n);
        for (size_t i = 0; !e && i < n; i++) {
            struct item *x = &batch[i];
            if (x->err == OW_NOMEM) {
                *d = x->diag;
                e = OW_NOMEM;
                break;
            }
            if (x->err) {
                failed(rep, x);
                continue;
            }
            rep->read++;
            if (!x->inc) {
                rep->not_incident += x->latest != NULL;
                continue;
            }
            if (x->latest && !strcmp(x->latest, x->json))
                continue;
            int64_t rid;
            int rev;
            e = store_record_add(s, x->page_id, x->fetch_id, x->sha256, x->json, build,
                                 out.path, &rid, &rev, d);
            if (e)
                break;
            rep->changed++;
            rep->new_records += rev == 1;
            if (out.path)
                e = outfile_write(&out, rid, x->json, d);
        }
        for (size_t i = 0; i < n; i++) {
            free(batch[i].body);
            batch[i].body = NULL;
        }
        if (!e && o->progress)
            o->progress(rep, o->ctx);
    }
    outfile_close(&out);
    for (size_t i = 0; i < it.n; i++)
        item_free(&it.v[i]);
    free(it.v);
    return e;
}
