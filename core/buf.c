#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ow_buf_init(struct ow_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void ow_buf_free(struct ow_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void ow_buf_reset(struct ow_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Makes room for n more bytes plus the terminating NUL. */
static ow_err grow(struct ow_buf *b, size_t n)
{
    if (n > (size_t)-1 / 2 - b->len)
        return OW_NOMEM;
    if (b->max && b->len + n > b->max)
        return OW_TOOBIG;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return OW_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return OW_NOMEM;
    b->data = p;
    b->cap = cap;
    return OW_OK;
}

ow_err ow_buf_append(struct ow_buf *b, const void *p, size_t n)
{
    ow_err e = grow(b, n);
    if (e)
        return e;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return OW_OK;
}

ow_err ow_buf_addc(struct ow_buf *b, char c)
{
    return ow_buf_append(b, &c, 1);
}

ow_err ow_buf_adds(struct ow_buf *b, const char *s)
{
    return ow_buf_append(b, s, strlen(s));
}

ow_err ow_buf_printf(struct ow_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return OW_NOMEM;
    ow_err e = grow(b, (size_t)n);
    if (e)
        return e;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return OW_OK;
}

char *ow_buf_take(struct ow_buf *b, size_t *len)
{
    if (!b->data) {
        if (grow(b, 0))
            return NULL;
        b->data[0] = '\0';
    }
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
