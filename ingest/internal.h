/* ingest/internal.h — what the files of the ingest run share: its jobs,
 * hosts and state (struct run), and the functions one file calls in
 * another.  Not for other stages.
 *   ingest.c   the run: setup, the coordinator loop, errors, sources done
 *   sched.c    the politeness scheduler: URLs seen, per-host queues,
 *              robots.txt, what may start now
 *   answer.c   what a worker does with a request, and what the coordinator
 *              does with its answer (store, links, records, --out)
 *   pool.c, outfile.c  the worker pool and the exactly-once out file */
#ifndef OW_INGEST_INTERNAL_H
#define OW_INGEST_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "ingest.h"
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

/* ingest.c */
/* Records the run's first fatal error (d, or e's message); returns e. */
ow_err ingest_fatal(struct run *r, ow_err e, const struct ow_diag *d);
void ingest_job_free(struct job *j);
void ingest_source_fail(struct run *r, size_t src, const char *url, const char *why);
void ingest_page_failed(struct run *r, struct job *j, const char *why);
void ingest_source_done(struct run *r, struct job *j);

/* sched.c */
/* Queues url once per run.  Returns 0, or -1 on a fatal error. */
int ingest_enqueue(struct run *r, const char *url, enum role role, size_t src);
/* Starts what may start now; returns the earliest time a waiting host
 * becomes free, or 0 when nothing waits on time. */
long long ingest_schedule(struct run *r);
void ingest_dispatch(struct run *r, struct job *j);
void ingest_urlset_free(struct urlset *u);

/* answer.c */
/* On a worker (pool.h): the request, and for a page its digest and record. */
void ingest_fetch_and_read(struct pool_item *it, void *ctx);
void ingest_handle_page(struct run *r, struct job *j);
void ingest_handle_robots(struct run *r, struct job *j);

#endif
