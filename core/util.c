#include "util.h"

/* SHA256_Init and friends are deprecated in OpenSSL 3 in favour of EVP, whose
 * first call fetches a provider: 6 million instructions, a third of parsing
 * one notice.  The low-level calls hash with the same CPU code and no fetch. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <dlfcn.h>
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

ow_err ow_read_stream(FILE *f, struct ow_buf *b, struct ow_diag *d)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ow_err e = ow_buf_append(b, chunk, n);
        if (e == OW_TOOBIG) {
            size_t room = b->max - b->len;
            ow_buf_append(b, chunk, room < n ? room : n);
            return ow_diagf(d, OW_TOOBIG, "larger than the %zu-byte limit", b->max);
        }
        if (e)
            return ow_diagf(d, e, "%s", ow_strerror(e));
    }
    if (ferror(f))
        return ow_diagf(d, OW_IO, "read error: %s", strerror(errno));
    return OW_OK;
}

ow_err ow_array_grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return OW_OK;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc <= n)
        nc *= 2;
    if (size && nc > (size_t)-1 / size)
        return OW_NOMEM;
    void *p = realloc(*v, nc * size);
    if (!p)
        return OW_NOMEM;
    *v = p;
    *cap = nc;
    return OW_OK;
}

/* libcrypto's SHA-256 uses the CPU's SHA extensions where there are some:
 * hashing a 16 MB page takes milliseconds, not a tenth of the run. */
void ow_sha256(const void *data, size_t n, unsigned char out[32])
{
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, data, n);
    SHA256_Final(out, &c);
}

void ow_sha256_hex(const void *data, size_t n, char hex[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    ow_sha256(data, n, md);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

size_t ow_utf8_seqlen_multi(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

int ow_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    while (n) {
        /* eight ASCII bytes at a time: markup is mostly ASCII */
        if (n >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (!(w & 0x8080808080808080u)) {
                p += 8;
                n -= 8;
                continue;
            }
        }
        size_t k = ow_utf8_seqlen(p, n);
        if (!k)
            return 0;
        p += k;
        n -= k;
    }
    return 1;
}

size_t ow_utf8_control(const unsigned char *s, size_t n, unsigned *cp)
{
    if (!n)
        return 0;
    unsigned c = s[0], v = 0;
    size_t len = 0;
    if (c < 0x20 || c == 0x7f) {
        v = c, len = 1;
    } else if (c == 0xc2 && n >= 2 && s[1] >= 0x80 && s[1] <= 0x9f) {
        v = s[1], len = 2;                                  /* C1 */
    } else if (c == 0xd8 && n >= 2 && s[1] == 0x9c) {
        v = 0x61c, len = 2;                                 /* ARABIC LETTER MARK */
    } else if (c == 0xe2 && n >= 3) {
        v = 0x2000 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
        if ((s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
            (v == 0x200e || v == 0x200f || (v >= 0x202a && v <= 0x202e) ||
             (v >= 0x2066 && v <= 0x2069)))
            len = 3;
    }
    if (len && cp)
        *cp = v;
    return len;
}

ow_err ow_visible(struct ow_buf *out, const char *s, const char *keep)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), run = 0;
    ow_err e = OW_OK;
    for (size_t i = 0; i < n && !e;) {
        unsigned cp;
        size_t k = ow_utf8_control(p + i, n - i, &cp);
        if (!k || (k == 1 && strchr(keep, (char)cp))) {
            i++;
            run++;
            continue;
        }
        /* the text before it as it is, then the character spelled out */
        if (!(e = ow_buf_append(out, p + i - run, run)))
            e = ow_buf_printf(out, "<U+%04X>", cp);
        run = 0;
        i += k;
    }
    if (!e)
        e = ow_buf_append(out, p + n - run, run);
    return e;
}

void *ow_dl_open(const char *env, const char *soname, const char **name, char *why, size_t n)
{
    const char *e = getenv(env);
    *name = e && *e ? e : soname;
    void *h = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        snprintf(why, n, "%s", dlerror());
    return h;
}

static int ct_space(char c)
{
    return c == ' ' || c == '\t';
}

void ow_ct_media_type(const char *ct, char *out, size_t n)
{
    size_t k = 0;
    while (ct_space(*ct))
        ct++;
    for (; *ct && *ct != ';' && !ct_space(*ct) && k + 1 < n; ct++) {
        char c = *ct;
        out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[k] = '\0';
}

void ow_ct_charset(const char *ct, char *out, size_t n)
{
    out[0] = '\0';
    for (const char *p = strchr(ct, ';'); p; p = strchr(p, ';')) {
        p++;
        while (ct_space(*p))
            p++;
        if (strncasecmp(p, "charset", 7) != 0)
            continue;
        const char *v = p + 7;
        while (ct_space(*v))
            v++;
        if (*v != '=')
            continue;
        v++;
        while (ct_space(*v))
            v++;
        int quoted = *v == '"';
        if (quoted)
            v++;
        size_t k = 0;
        while (*v && k + 1 < n && (quoted ? *v != '"' : (*v != ';' && !ct_space(*v))))
            out[k++] = *v++;
        out[k] = '\0';
        return;
    }
}

long long ow_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ow_tsv_row(const char **p, const char *end, const char *path, struct ow_row *r,
               struct ow_diag *d)
{
    while (*p < end) {
        const char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end;
        *p = nl ? nl + 1 : end;
        r->lineno++;
        if (le == line || *line == '#')
            continue;
        const char *tab = memchr(line, '\t', (size_t)(le - line));
        size_t wl = tab ? (size_t)(le - tab - 1) : 0;
        if (!tab || wl == 0 || memchr(tab + 1, '\t', wl)) {
            ow_diagf(d, OW_DATA, "%s:%d: expected label<TAB>word", path, r->lineno);
            return -1;
        }
        r->label = line;
        r->llen = (size_t)(tab - line);
        r->word = tab + 1;
        r->wlen = wl;
        return 1;
    }
    return 0;
}
