/* fuzz/fuzz.h — what every libFuzzer target shares.
 *
 * A target checks the contract of its stage's header, not just "no crash":
 * a violated invariant aborts with a one-line reason, so libFuzzer saves the
 * input as a crash like any sanitizer report. */
#ifndef OW_FUZZ_H
#define OW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/util.h"

#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz: %s:%d: invariant failed: %s: ",             \
                    __FILE__, __LINE__, #cond);                                \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* Holds a copy of data with a NUL after it: the stage contracts take
 * NUL-terminated text, and libFuzzer's buffer has none. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* 1 if s is a NUL-terminated string shorter than cap (fixed-size fields). */
static inline int fuzz_terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

#endif
