#include "pool.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

static void *worker(void *arg)
{
    struct pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->todo && !p->quit)
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (!p->todo)
            break;
        struct pool_item *it = p->todo;
        p->todo = it->next;
        if (!p->todo)
            p->todo_tail = NULL;
        pthread_mutex_unlock(&p->mu);
        p->work(it, p->ctx);
        pthread_mutex_lock(&p->mu);
        it->next = p->done;
        p->done = it;
        pthread_cond_signal(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

ow_err pool_start(struct pool *p, int n, void (*work)(struct pool_item *it, void *ctx), void *ctx,
                  struct ow_diag *d)
{
    *p = (struct pool){.work = work, .ctx = ctx};
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    p->started = 1;
    if (n < 1)
        n = 1;
    if (!(p->threads = calloc((size_t)n, sizeof *p->threads)))
        return ow_diagf(d, OW_NOMEM, "out of memory");
    for (; p->nthreads < n; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0)
            break;
    if (p->nthreads == 0)
        return ow_diagf(d, OW_NOMEM, "cannot start a worker thread");
    return OW_OK;
}

void pool_submit(struct pool *p, struct pool_item *it)
{
    it->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->todo_tail)
        p->todo_tail->next = it;
    else
        p->todo = it;
    p->todo_tail = it;
    pthread_cond_signal(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
}

struct pool_item *pool_collect(struct pool *p, int busy, long long until_ms)
{
    pthread_mutex_lock(&p->mu);
    while (!p->done) {
        if (!busy || until_ms) {
            /* nothing in flight (only waiting for a time), or a time comes
             * before any answer might */
            if (!until_ms)
                break;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            long long ms = until_ms - ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
            if (ms <= 0)
                break;
            ts.tv_sec += ms / 1000;
            ts.tv_nsec += (ms % 1000) * 1000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            if (pthread_cond_timedwait(&p->done_cv, &p->mu, &ts) == ETIMEDOUT)
                break;
        } else {
            pthread_cond_wait(&p->done_cv, &p->mu);
        }
    }
    struct pool_item *done = p->done, *rev = NULL;
    p->done = NULL;
    pthread_mutex_unlock(&p->mu);
    while (done) {   /* the done list is last-finished first */
        struct pool_item *nx = done->next;
        done->next = rev;
        rev = done;
        done = nx;
    }
    return rev;
}

struct pool_item *pool_stop(struct pool *p)
{
    if (!p->started)
        return NULL;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    struct pool_item *left = p->done;
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    *p = (struct pool){0};
    return left;
}
