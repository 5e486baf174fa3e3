/* core/util.h — small helpers every stage may use: reading input with a cap,
 * SHA-256, UTF-8 checks, opening a library on first use.  Depends on no
 * stage. */
#ifndef OW_UTIL_H
#define OW_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "err.h"

/* Reads all of f into b (whose max is the cap).  OW_TOOBIG when the input is
 * larger than the cap (b then holds the first max bytes), OW_IO on a read
 * error (d names errno's message). */
ow_err ow_read_stream(FILE *f, struct ow_buf *b, struct ow_diag *d);

/* Makes room in the array *v (of *cap elements of size bytes) for element
 * index n, doubling the capacity (at least 64).  OW_NOMEM on overflow or
 * allocation failure, leaving *v and *cap as they were. */
ow_err ow_array_grow(void **v, size_t *cap, size_t n, size_t size);

/* The monotonic clock in milliseconds: for timeouts and delays, never dates. */
long long ow_mono_ms(void);

/* FNV-1a of a C string (for hash tables, not for anything an attacker
 * could aim at: callers cap their tables' load); 32 bits, continuing from h
 * (OW_FNV32_INIT to start), or the word size. */
#define OW_FNV32_INIT 2166136261u
static inline uint32_t ow_fnv32(uint32_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}
static inline size_t ow_fnv_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

/* Does s[0..n) start with the C string p? */
static inline int ow_starts_with(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && memcmp(s, p, k) == 0;
}

/* SHA-256 of p[0..n) as 64 lower-case hex digits plus NUL in hex[65]. */
void ow_sha256_hex(const void *p, size_t n, char hex[65]);
/* A row of a label<TAB>word vocabulary file. */
struct ow_row {
    const char *label, *word;
    size_t llen, wlen;
    int lineno;
};
/* The next row of text[*p..end), skipping empty lines and '#' comments;
 * *p advances and r->lineno counts lines (set it to 0 before the first
 * call).  1 with r filled, 0 at the end, -1 for a line that is not
 * label<TAB>word (OW_DATA in d: "PATH:LINE: expected label<TAB>word"). */
int ow_tsv_row(const char **p, const char *end, const char *path, struct ow_row *r,
               struct ow_diag *d);
/* The same digest as 32 bytes (for base64 or base32 encodings). */
void ow_sha256(const void *p, size_t n, unsigned char out[32]);

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid or n == 0.
 * Inline for ASCII and well-formed three-byte sequences (all of kana and
 * kanji), which are nearly every character a notice has. */
size_t ow_utf8_seqlen_multi(const unsigned char *s, size_t n);
static inline size_t ow_utf8_seqlen(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    /* E1-EC and EE-EF with two continuation bytes: U+1000-U+CFFF, U+E000-U+FFFF */
    if (n >= 3 && s[0] >= 0xe1 && s[0] <= 0xef && s[0] != 0xed && (s[1] & 0xc0) == 0x80 &&
        (s[2] & 0xc0) == 0x80)
        return 3;
    return ow_utf8_seqlen_multi(s, n);
}
/* The length a UTF-8 lead byte announces (1 for ASCII and for a stray
 * continuation byte), without checking what follows: for text already
 * known to be valid, such as the vocabulary. */
static inline size_t ow_utf8_leadlen(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}
/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int ow_utf8_valid(const char *s, size_t n);

/* Length of the character at s[0..n) when a terminal or a spreadsheet
 * would act on it rather than show it: a C0 control (U+0000-U+001F), DEL,
 * a C1 control (U+0080-U+009F; CSI U+009B and OSC U+009D start escape
 * sequences in many terminals), or a bidi mark, embedding, override or
 * isolate (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), which
 * reorder what a line seems to say.  0 for every other character and for
 * invalid UTF-8.  *cp (when cp is not NULL) gets the code point. */
size_t ow_utf8_control(const unsigned char *s, size_t n, unsigned *cp);
/* Appends s to out with each such character written as "<U+XXXX>",
 * except the ASCII controls listed in keep (e.g. "\t\n"; may be "").
 * OW_NOMEM or OW_TOOBIG (out's cap) on failure. */
ow_err ow_visible(struct ow_buf *out, const char *s, const char *keep);

/* A Content-Type header value's media type, lower case ("text/html"), and
 * its charset parameter (quotes removed, as sent), each into out[0..n)
 * (n >= 1), cut to fit; "" when there is none. */
void ow_ct_media_type(const char *ct, char *out, size_t n);
void ow_ct_charset(const char *ct, char *out, size_t n);

/* Opens a shared library owabi loads on first use (libcurl, poppler-glib):
 * the file named by the environment variable env when it is set and not
 * empty, else soname; *name receives the one tried.  NULL with dlerror()'s
 * reason in why[0..n). */
void *ow_dl_open(const char *env, const char *soname, const char **name, char *why, size_t n);

#endif
