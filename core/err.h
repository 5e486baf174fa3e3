/* core/err.h — owabi's closed, numbered set of errors.
 *
 * One X-macro table produces the ow_err enum, ow_strerror() and ow_errname().
 * Numbers are append-only: they surface in stored records and logs.
 * Details (an ICU UErrorCode, a CURLcode, a byte offset) ride in struct
 * ow_diag, which every stage fills in on failure and never prints. */
#ifndef OW_ERR_H
#define OW_ERR_H

#include <stddef.h>

#define OW_ERR_TABLE(X)                                                       \
    X(OK, 0, "success")                                                       \
    X(NOMEM, 1, "out of memory")                                              \
    X(IO, 2, "input/output error")                                            \
    X(TOOBIG, 3, "input exceeds the size limit")                              \
    X(DECODE, 4, "cannot decode the input's character encoding")              \
    X(CHARSET, 5, "unknown character set")                                    \
    X(PARSE, 6, "cannot parse the document")                                  \
    X(EMPTY, 7, "input is empty")                                             \
    X(BINARY, 8, "input is not text")                                         \
    X(PATTERN, 9, "pattern error")                                            \
    X(MATCHLIMIT, 10, "pattern match limit reached")                          \
    X(JSON, 11, "cannot build JSON")                                          \
    X(USAGE, 12, "invalid usage")                                             \
    X(FETCH, 13, "fetch failed")                                              \
    X(HTTP, 14, "HTTP error status")                                          \
    X(TIMEOUT, 15, "timed out")                                               \
    X(REDIRECT, 16, "redirect refused or too many redirects")                 \
    X(CONTENT_TYPE, 17, "unsupported content type")                           \
    X(FORBIDDEN_ADDR, 18, "address not allowed (private or loopback)")        \
    X(STORE, 19, "store error")                                               \
    X(LOCKED, 20, "store is locked by another run")                           \
    X(ROBOTS, 21, "disallowed by robots.txt")                                 \
    X(DATA, 22, "invalid data file")                                          \
    X(NOLIB, 23, "a needed library is not installed")

typedef enum {
#define OW_ERR_ENUM(name, num, msg) OW_##name = num,
    OW_ERR_TABLE(OW_ERR_ENUM)
#undef OW_ERR_ENUM
} ow_err;

/* Message for an error code; never NULL, static storage. */
const char *ow_strerror(ow_err e);
/* Symbolic name ("NOMEM", "DECODE", ...); never NULL, static storage. */
const char *ow_errname(ow_err e);

/* Whose code ow_diag.foreign_code is. */
enum ow_foreign {
    OW_FOREIGN_NONE,
    OW_FOREIGN_ICU,       /* a UErrorCode */
    OW_FOREIGN_CURL,      /* a CURLcode */
    OW_FOREIGN_SQLITE     /* an SQLite extended result code */
};

/* Where a stage explains a failure: a one-line human message (no trailing
 * newline, no input name: the caller prefixes that), the code it returned,
 * and the code of the library that failed under it, so that a caller
 * decides by codes and never by reading the message. */
struct ow_diag {
    char msg[256];
    ow_err code;
    enum ow_foreign foreign;
    int foreign_code;
};

/* printf-style: fills d (message truncated; no foreign code) when d is not
 * NULL; returns e so that a stage can write `return ow_diagf(d, OW_DECODE,
 * "...")`. */
ow_err ow_diagf(struct ow_diag *d, ow_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, keeping the failing library's own code. */
ow_err ow_diagf_foreign(struct ow_diag *d, ow_err e, enum ow_foreign kind, int code,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
