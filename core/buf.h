/* core/buf.h — one growable byte buffer with a size cap (after curl's dynbuf).
 *
 * Serves fetch bodies, decoded text and text building.  The data is always
 * NUL-terminated (the NUL is not counted in len), so it can be handed to C
 * string functions when it holds no NUL of its own.  An append that would
 * take len past max fails with OW_TOOBIG and leaves the buffer as it was. */
#ifndef OW_BUF_H
#define OW_BUF_H

#include <stddef.h>

#include "err.h"

struct ow_buf {
    char *data;   /* NULL until the first append; owned */
    size_t len;
    size_t cap;
    size_t max;   /* 0 = no cap */
};

/* Empty buffer that will refuse to hold more than max bytes (0: no cap). */
void ow_buf_init(struct ow_buf *b, size_t max);
/* Releases the memory; the buffer is empty again and may be reused. */
void ow_buf_free(struct ow_buf *b);
/* Drops the contents but keeps the memory. */
void ow_buf_reset(struct ow_buf *b);
/* OW_NOMEM or OW_TOOBIG on failure; the buffer is unchanged then. */
ow_err ow_buf_append(struct ow_buf *b, const void *p, size_t n);
ow_err ow_buf_addc(struct ow_buf *b, char c);
ow_err ow_buf_adds(struct ow_buf *b, const char *s);
ow_err ow_buf_printf(struct ow_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (free() it; never NULL: an empty buffer gives
 * an empty string) and leaves the buffer empty.  NULL only on OW_NOMEM. */
char *ow_buf_take(struct ow_buf *b, size_t *len);

#endif
