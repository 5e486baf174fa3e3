/* fetch/fetch.h — disclosure pages over HTTP(S), the way a careful client does (libcurl).
 *
 * Input:  URLs (http and https only) and the limits in struct fetch_opts.
 * Output: one struct fetch_result per URL, in input order, fetched
 *         concurrently (curl multi, at most opts->parallel at once).
 * Safety: redirects only to http/https and at most max_redirects; connect
 *         timeout, stall detector (fewer than stall_bytes received in the
 *         last stall_seconds) and an overall deadline per transfer; the body cap
 *         holds after decompression (gzip/deflate/br); TLS verified; proxies
 *         from the environment as libcurl reads them; unless allow_private,
 *         every connection to a loopback, private, link-local or otherwise
 *         non-public address is refused (checked on the resolved address of
 *         every connection curl opens, redirects included, so DNS tricks and
 *         redirects cannot bypass it).  429 and 503 with Retry-After are
 *         retried up to max_retries times, waiting the delay capped at
 *         retry_after_max seconds; a waiting transfer gives up its slot and
 *         the others go on.
 * Errors: per URL, in fetch_result.err (+ diag, a one-line reason):
 *           OW_FETCH          network failure, or "transfer ended early: …"
 *                             (connection closed mid-body, truncated chunked
 *                             body): never a silently partial body
 *           OW_HTTP           4xx/5xx, diag "HTTP 404"; status says which
 *           OW_TIMEOUT        "connect timeout (… ms): …", "stalled: fewer
 *                             than 1 bytes in 15 s", "deadline of … ms exceeded",
 *                             "stopped at the caller's deadline" (stop_at_ms)
 *           OW_TOOBIG         body past max_body (after decompression), unless
 *                             keep_head
 *           OW_REDIRECT       too many redirects, or to a non-HTTP scheme
 *           OW_CONTENT_TYPE   2xx but a type owabi does not parse; diag
 *                             "unsupported content type: image/png";
 *                             content_type is set, body is NULL (the
 *                             transfer is stopped at the first body bytes)
 *           OW_FORBIDDEN_ADDR a refused address, diag "address 127.0.0.1
 *                             not allowed: loopback (use --allow-private)"
 *         The metadata known at the time (status, final_url, content_type,
 *         charset, etag, last_modified, fetched_at) is filled on errors too.
 *         fetch_many itself fails only on OW_NOMEM or a libcurl setup
 *         failure; the array is then still filled whole (the URLs not done
 *         carry that error) and every element must be freed.
 * Proxies: through a proxy, the address curl connects to is the proxy's, so
 *         the guard checks the proxy (a proxy on a private address needs
 *         allow_private) and, for IP-literal URLs, the literal itself; host
 *         names are then resolved by the proxy, out of owabi's sight.
 * Ownership: the results own their strings; fetch_result_free each.
 * Not deterministic (the network); no global state: safe to call from
 *         several threads at once.
 * Library init: the caller runs curl_global_init once (cli/ does). */
#ifndef OW_FETCH_H
#define OW_FETCH_H

#include <stddef.h>

#include "../core/err.h"

struct fetch_opts {
    long max_redirects;       /* default 10 */
    long connect_timeout_ms;  /* default 10000 */
    long deadline_ms;         /* whole transfer incl. redirects, default 60000 (0: none) */
    long stall_bytes;         /* with stall_seconds: fail when fewer than stall_bytes
                                 arrive in stall_seconds (the body; not while
                                 connecting); default 1 */
    long stall_seconds;       /* default 15 (0: no stall detector) */
    size_t max_body;          /* decompressed body cap, default 16 MiB */
    int allow_private;        /* 1: let loopback/private addresses through */
    int accept_xml;           /* 1: also accept XML media types (application/xml, text/xml,
                                 any "+xml" type: RSS, Atom, RDF, sitemaps) and
                                 application/gzip, application/x-gzip (sitemap.xml.gz),
                                 for ingest; default 0 */
    int parallel;             /* concurrent transfers, default 4 (< 1 counts as 1) */
    int max_retries;          /* for 429/503 + Retry-After, default 2 */
    long retry_after_max;     /* seconds, default 30: a longer Retry-After waits this long */
    int keep_head;            /* 1: a body past max_body is cut there and the fetch
                                 succeeds with its first max_body bytes (truncated = 1;
                                 robots.txt, of which RFC 9309 reads a head); default 0 */
    long long stop_at_ms;     /* CLOCK_MONOTONIC time (ms) by which every transfer ends,
                                 retries and their waits included: the connect timeout
                                 and the deadline of each attempt are shortened to it, a
                                 retry that would wait past it is not made (ingest's
                                 --max-time); 0: none (default) */
    const char *user_agent;   /* default "owabi/VERSION" (static storage) */
};

/* Fills *o with the defaults above. */
void fetch_opts_default(struct fetch_opts *o);

struct fetch_req {
    const char *url;
    const char *etag;           /* NULL or a validator for If-None-Match */
    const char *last_modified;  /* NULL or an HTTP date for If-Modified-Since */
};

struct fetch_result {
    ow_err err;                 /* OW_OK: body holds the page (or not_modified) */
    struct ow_diag diag;
    long status;                /* last HTTP status, 0 if none */
    int not_modified;           /* 1: 304 on a conditional request (err OW_OK, no body) */
    char *body;                 /* owned, NUL-terminated; NULL on error and on 304 */
    size_t len;
    char *url;                  /* the requested URL */
    char *final_url;            /* after redirects */
    char *content_type;         /* media type only, lower case ("text/html"), NULL if none */
    char *charset;              /* charset parameter of Content-Type (as sent, unquoted), or NULL */
    char *etag;                 /* ETag header as sent (quotes kept), or NULL */
    char *last_modified;        /* Last-Modified header as sent, or NULL */
    /* for the archive (store/): the headers as sent, or NULL; the body is
     * always after content decoding (libcurl undoes Content-Encoding) */
    char *date, *content_encoding, *content_type_header;
    char fetched_at[32];        /* UTC, "2026-11-29T14:54:18Z"; when the transfer ended */
    int retries;                /* how many 429/503 retries were made */
    int truncated;              /* 1: keep_head cut the body at max_body */
};

/* Opens libcurl (fetch/libcurl.h) if it is not open yet: OW_FETCH, with the
 * reason in d, when it cannot be.  fetch_many does it itself; a caller that
 * needs URLs before any fetch (ingest) asks first. */
ow_err fetch_init(struct ow_diag *d);
/* Fetches reqs[0..n) into results[0..n) (caller's array, filled whole; any
 * previous contents are overwritten, not freed). */
ow_err fetch_many(const struct fetch_opts *o, const struct fetch_req *reqs, size_t n,
                  struct fetch_result *results, struct ow_diag *d);
/* Frees what r owns and zeroes it; NULL is a no-op. */
void fetch_result_free(struct fetch_result *r);
/* 1 when the media type is one owabi parses (text/html, application/xhtml+xml,
 * text/plain, application/pdf, and application/octet-stream, which the
 * pipeline accepts only for a body with the %PDF- signature), compared
 * case-insensitively; also 1 for NULL (no Content-Type:
 * the decoder sniffs the bytes and refuses binary ones). */
int fetch_type_supported(const char *content_type);

/* ---- address guard (fetch/addr.c) ----------------------------------------
 * Classifies an address a connection would go to.  Returns NULL for a public
 * unicast address, else a short static name of why it is refused: "loopback",
 * "private", "link-local", "shared address space (CGNAT)", "unspecified",
 * "multicast", "broadcast", "reserved", "documentation", "benchmarking",
 * "unique-local", "site-local", "not an IP address".  IPv4-mapped, NAT64 and
 * 6to4 IPv6 addresses are judged by the IPv4 address they carry. */
struct sockaddr;
const char *fetch_addr_class(const struct sockaddr *sa);
/* The same for a numeric address in text ("127.0.0.1", "::1", "[::1]");
 * "not an IP address" when s is not one. */
const char *fetch_addr_class_str(const char *s);

#endif
