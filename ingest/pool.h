/* ingest/pool.h — a fixed pool of worker threads, fed through a FIFO list
 * and handing finished items back through another: one coordinator thread
 * submits and collects, the workers only run work() on an item.
 *
 * An item is any struct whose first member is a struct pool_item; it
 * belongs to the coordinator until submitted, to one worker while worked
 * on, and to the coordinator again once collected.
 * Errors: OW_NOMEM from pool_start when not one thread starts. */
#ifndef OW_POOL_H
#define OW_POOL_H

#include <pthread.h>

#include "../core/err.h"

struct pool_item {
    struct pool_item *next;
};

struct pool {
    void (*work)(struct pool_item *it, void *ctx);
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;   /* done_cv waits on CLOCK_MONOTONIC */
    struct pool_item *todo, *todo_tail, *done;
    int quit, started;
    pthread_t *threads;
    int nthreads;
};

/* Starts up to n threads (at least one) that run work(item, ctx). */
ow_err pool_start(struct pool *p, int n, void (*work)(struct pool_item *it, void *ctx), void *ctx,
                  struct ow_diag *d);
void pool_submit(struct pool *p, struct pool_item *it);
/* The items finished since the last call, in the order they finished
 * (NULL: none).  Waits for one while busy (items are in flight), but not
 * past until_ms (monotonic ms, ow_mono_ms; 0: no limit); when not busy it
 * waits only for until_ms. */
struct pool_item *pool_collect(struct pool *p, int busy, long long until_ms);
/* Lets the threads finish their current item, joins them and frees the
 * pool; returns what finished but was never collected.  A no-op (NULL) on
 * a pool that never started. */
struct pool_item *pool_stop(struct pool *p);

#endif
