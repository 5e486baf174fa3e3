/* cli/warc.c — `owabi export --format warc`: the archive as WARC 1.1
 * (ISO 28500:2017), the format web archives read (replay, indexing).
 *
 * A warcinfo record, then one response record per archived fetch: the HTTP
 * status line, the headers that were kept and the body.  The body is as
 * owabi read it, after content decoding: a Content-Encoding that was undone
 * is not sent again but noted (WARC-Owabi-Decoded-Content-Encoding), and
 * Content-Length is the body's.  Each record is a gzip member of its own
 * (.warc.gz), so a reader can seek to any record.  Digests are SHA-256 in
 * base32, as WARC writers give SHA-1: the payload digest is the archive's
 * key for the body.  Record IDs are derived from the fetch, so the same
 * store exports the same file. */
#include "archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../core/buf.h"
#include "../core/util.h"

/* "sha256:" and the SHA-256 of p[0..n) in RFC 4648 base32. */
static void base32_digest(const void *p, size_t n, char out[64])
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char b[32];
    ow_sha256(p, n, b);
    char *o = out + sprintf(out, "sha256:");
    unsigned acc = 0;
    int bits = 0;
    for (int i = 0; i < 32; i++) {
        acc = acc << 8 | b[i];
        bits += 8;
        while (bits >= 5) {
            *o++ = a[acc >> (bits - 5) & 31];
            bits -= 5;
        }
    }
    if (bits)
        *o++ = a[acc << (5 - bits) & 31];
    while ((o - out - 7) % 8)
        *o++ = '=';
    *o = '\0';
}

/* <urn:uuid:…> from a hash of what the record is, so exports repeat. */
static void record_id(const char *what, char out[64])
{
    char hex[65];
    ow_sha256_hex(what, strlen(what), hex);
    snprintf(out, 64, "<urn:uuid:%.8s-%.4s-8%.3s-%c%.3s-%.12s>", hex, hex + 8, hex + 13,
             "89ab"[hex[16] % 4], hex + 17, hex + 20);
}

/* Writes one record (header then block, and the two CRLFs) as one gzip member. */
static ow_err put_record(FILE *f, const struct ow_buf *head, const char *block, size_t blen,
                         struct ow_diag *d)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return ow_diagf(d, OW_NOMEM, "%s", ow_strerror(OW_NOMEM));
    const struct { const void *p; size_t n; } parts[] = {
        {head->data, head->len}, {block, blen}, {"\r\n\r\n", 4}};
    unsigned char out[65536];
    ow_err e = OW_OK;
    for (size_t i = 0; i < 3 && !e; i++) {
        z.next_in = (Bytef *)parts[i].p;
        z.avail_in = (uInt)parts[i].n;
        int flush = i == 2 ? Z_FINISH : Z_NO_FLUSH, rc;
        do {
            z.next_out = out;
            z.avail_out = sizeof out;
            rc = deflate(&z, flush);
            size_t have = sizeof out - z.avail_out;
            if (have && fwrite(out, 1, have, f) != have)
                e = ow_diagf(d, OW_IO, "cannot write the WARC");
        } while (!e && (z.avail_in > 0 || (flush == Z_FINISH && rc != Z_STREAM_END)));
    }
    deflateEnd(&z);
    return e;
}

struct warc {
    FILE *f;
    struct store *s;
    long bad;
    ow_err err;
    struct ow_diag *d;
};

static const char *reason(long status)
{
    switch (status) {
    case 200: return "OK";
    case 203: return "Non-Authoritative Information";
    case 206: return "Partial Content";
    default: return "";
    }
}

static void header(struct ow_buf *b, const char *name, const char *value)
{
    /* a header kept from a response is one line of visible ASCII (fetch/) */
    if (value && !strpbrk(value, "\r\n"))
        ow_buf_printf(b, "%s: %s\r\n", name, value);
}

static int response(const struct store_archived *a, void *ctx)
{
    struct warc *w = ctx;
    char *body = NULL;
    size_t len = 0;
    struct ow_diag bd = {0};
    if (store_body_get(w->s, a->sha256, &body, &len, &bd)) {
        if (bd.code == OW_NOMEM) {
            *w->d = bd;
            w->err = OW_NOMEM;
            return 1;
        }
        fprintf(stderr, "owabi: fetch %lld of %s left out: %s\n", (long long)a->fetch_id, a->url, bd.msg);
        w->bad++;
        return 0;
    }
    struct ow_buf http, head;
    ow_buf_init(&http, 0);
    ow_buf_init(&head, 0);
    ow_buf_printf(&http, "HTTP/1.1 %ld %s\r\n", a->status ? a->status : 200, reason(a->status ? a->status : 200));
    header(&http, "Content-Type", a->content_type);
    header(&http, "Date", a->date);
    header(&http, "ETag", a->etag);
    header(&http, "Last-Modified", a->last_modified);
    ow_buf_printf(&http, "Content-Length: %zu\r\n\r\n", len);
    ow_err e = ow_buf_append(&http, body, len);
    char block_digest[64], payload_digest[64], id[64], what[200];
    base32_digest(http.data ? http.data : "", http.len, block_digest);
    base32_digest(body, len, payload_digest);
    snprintf(what, sizeof what, "owabi fetch %lld %s", (long long)a->fetch_id, a->sha256);
    record_id(what, id);
    const char *target = a->final_url ? a->final_url : a->url;
    ow_buf_printf(&head, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: %s\r\n", id);
    header(&head, "WARC-Target-URI", target);
    if (a->final_url && strcmp(a->final_url, a->url))
        header(&head, "WARC-Owabi-Requested-URI", a->url);
    header(&head, "WARC-Date", a->fetched_at);
    ow_buf_printf(&head, "WARC-Payload-Digest: %s\r\nWARC-Block-Digest: %s\r\n", payload_digest, block_digest);
    header(&head, "WARC-Owabi-Decoded-Content-Encoding", a->content_encoding);
    if (!e)
        e = ow_buf_printf(&head, "Content-Type: application/http;msgtype=response\r\nContent-Length: %zu\r\n\r\n",
                          http.len);
    if (!e)
        e = put_record(w->f, &head, http.data, http.len, w->d);
    else
        ow_diagf(w->d, e, "%s", ow_strerror(e));
    ow_buf_free(&http);
    ow_buf_free(&head);
    free(body);
    if (e) {
        w->err = e;
        return 1;
    }
    return 0;
}

ow_err warc_export(FILE *f, struct store *s, const char *since, long *bad, struct ow_diag *d)
{
    struct warc w = {f, s, 0, OW_OK, d};
    char now[32], id[64];
    store_now(now);
    snprintf(id, sizeof id, "owabi warcinfo %s", now);
    char what[64];
    snprintf(what, sizeof what, "%s", id);
    record_id(what, id);
    const char *fields = "software: owabi " OW_VERSION "\r\nformat: WARC File Format 1.1\r\n";
    struct ow_buf head;
    ow_buf_init(&head, 0);
    ow_err e = ow_buf_printf(&head, "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\n"
                             "Content-Type: application/warc-fields\r\nContent-Length: %zu\r\n\r\n",
                             id, now, strlen(fields));
    if (!e)
        e = put_record(f, &head, fields, strlen(fields), d);
    ow_buf_free(&head);
    if (!e)
        e = store_archive_walk(s, 0, since, response, &w, d);
    if (w.err)
        e = w.err;
    *bad = w.bad;
    return e;
}
