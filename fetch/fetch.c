/* fetch/fetch.c — many URLs over one curl multi handle, each with its limits.
 *
 * One struct xfer per URL.  The loop keeps at most opts->parallel easy
 * handles in the multi; a 429/503 with Retry-After takes its handle out and
 * parks it until its wake time (no sleep: the poll timeout is shortened to
 * the earliest wake), so the other transfers go on meanwhile.  Every way a
 * transfer can end is mapped to one ow_err in finish(); a body is handed out
 * only when curl said the transfer completed, so a cut connection never
 * yields a silently partial page. */
#include "fetch.h"
#include "libcurl.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/util.h"

#ifndef OW_VERSION
#define OW_VERSION "0"
#endif

/* Longest media type, charset or validator kept; real ones are far shorter. */
#define MAX_FIELD 256

void fetch_opts_default(struct fetch_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_redirects = 10;
    o->connect_timeout_ms = 10000;
    o->deadline_ms = 60000;
    o->stall_bytes = 1;
    o->stall_seconds = 15;
    o->max_body = (size_t)16 << 20;
    o->allow_private = 0;
    o->parallel = 4;
    o->max_retries = 2;
    o->retry_after_max = 30;
    o->user_agent = "owabi/" OW_VERSION;
}

void fetch_result_free(struct fetch_result *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->url);
    free(r->final_url);
    free(r->content_type);
    free(r->charset);
    free(r->etag);
    free(r->last_modified);
    free(r->date);
    free(r->content_encoding);
    free(r->content_type_header);
    memset(r, 0, sizeof *r);
}

/* application/xml, text/xml and any "+xml" type (rss, atom, rdf); and
 * gzip, the type of a sitemap.xml.gz file (ingest/discover.c inflates it
 * within the same cap on the body). */
static int xml_type(const char *ct)
{
    size_t n = ct ? strlen(ct) : 0;
    return ct && (!strcasecmp(ct, "application/xml") || !strcasecmp(ct, "text/xml") ||
                  (n > 4 && !strcasecmp(ct + n - 4, "+xml")) ||
                  !strcasecmp(ct, "application/gzip") || !strcasecmp(ct, "application/x-gzip"));
}

static int type_ok(const struct fetch_opts *o, const char *ct)
{
    return fetch_type_supported(ct) || (o->accept_xml && xml_type(ct));
}

int fetch_type_supported(const char *ct)
{
    if (!ct)
        return 1;
    /* application/octet-stream only so that a PDF sent under it can be
     * sniffed by its %PDF- signature: the pipeline refuses any other body. */
    return !strcasecmp(ct, "text/html") || !strcasecmp(ct, "application/xhtml+xml") ||
           !strcasecmp(ct, "text/plain") || !strcasecmp(ct, "application/pdf") ||
           !strcasecmp(ct, "application/octet-stream");
}

/* ---- one transfer ------------------------------------------------------ */

enum xstate { X_QUEUED, X_RUNNING, X_WAITING, X_DONE };

struct xfer {
    const struct fetch_opts *o;
    const struct fetch_req *q;
    struct fetch_result *r;
    CURL *h;
    struct curl_slist *hdrs;
    struct ow_buf body;
    enum xstate state;
    long long wake_ms;          /* X_WAITING: monotonic time to start again */
    int clipped;                /* stop_at_ms shortened this attempt's timeouts */
    long total_ms;              /* this attempt's deadline as set (0: none) */
    ow_err werr;                /* why the write callback stopped the transfer */
    int looked;                 /* the write callback has checked status and type */
    long long mark_ms;          /* stall detector: when mark_bytes had arrived */
    curl_off_t mark_bytes;
    const char *refused_why;    /* set by the address guard */
    char refused[INET6_ADDRSTRLEN];
    char errbuf[CURL_ERROR_SIZE];
};

static int status_ok(long s)
{
    return s >= 200 && s <= 299;
}

/* Write callback: the body, decompressed.  Counting here is what bounds a
 * gzip bomb: CURLOPT_MAXFILESIZE only sees the compressed Content-Length.
 * Returning less than n makes curl stop with CURLE_WRITE_ERROR. */
static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (!x->looked) {
        /* Headers are complete by the first body byte: stop early on an
         * error status (its body is never used) or a type owabi cannot parse
         * (no point downloading a 100 MB PDF). */
        x->looked = 1;
        long status = 0;
        char *ct = NULL;
        curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
        if (!status_ok(status)) {
            x->werr = OW_HTTP;
            return 0;
        }
        curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
        if (ct) {
            char mt[MAX_FIELD];
            ow_ct_media_type(ct, mt, sizeof mt);
            if (mt[0] && !type_ok(x->o, mt)) {
                x->werr = OW_CONTENT_TYPE;
                return 0;
            }
        }
    }
    ow_err e = ow_buf_append(&x->body, p, n);
    if (e == OW_TOOBIG && x->o->keep_head) {
        /* the head is all the caller wants: keep what fits, stop there */
        ow_buf_append(&x->body, p, x->body.max - x->body.len);
        x->r->truncated = 1;
    }
    if (e) {
        x->werr = e;
        return 0;
    }
    return n;
}

/* The stall detector: fail when fewer than stall_bytes arrived in the last
 * stall_seconds.  curl's own low-speed check averages the speed over a
 * window, so a burst followed by silence passes it for several seconds; it
 * stays set as a backstop and because it makes curl wake the transfer every
 * second, which is what calls this. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct xfer *x = ud;
    const struct fetch_opts *o = x->o;
    (void)dltotal, (void)ultotal, (void)ulnow;
    if (o->stall_seconds <= 0 || o->stall_bytes <= 0)
        return 0;
    long long now = ow_mono_ms();
    curl_off_t pre = 0;
    curl_easy_getinfo(x->h, CURLINFO_PRETRANSFER_TIME_T, &pre);
    /* Not connected yet (the connect timeout covers that), a new request
     * after a redirect, or enough bytes: start a new window. */
    if (pre == 0 || dlnow < x->mark_bytes || dlnow - x->mark_bytes >= o->stall_bytes) {
        x->mark_bytes = dlnow;
        x->mark_ms = now;
        return 0;
    }
    if (now - x->mark_ms >= (long long)o->stall_seconds * 1000) {
        x->werr = OW_TIMEOUT;
        return 1;
    }
    return 0;
}

/* The SSRF guard: curl asks us for every socket it connects, with the
 * address it resolved (or the proxy's), after redirects too. */
static curl_socket_t on_open(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct xfer *x = ud;
    (void)purpose;
    if (!x->o->allow_private) {
        struct sockaddr_storage ss;
        size_t len = a->addrlen < sizeof ss ? a->addrlen : sizeof ss;
        memset(&ss, 0, sizeof ss);
        memcpy(&ss, &a->addr, len);
        const char *why = fetch_addr_class((const struct sockaddr *)&ss);
        if (why) {
            const void *bytes = ss.ss_family == AF_INET6
                                    ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                                    : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
            if (!inet_ntop(ss.ss_family, bytes, x->refused, sizeof x->refused))
                strcpy(x->refused, "?");
            x->refused_why = why;
            return CURL_SOCKET_BAD;
        }
    }
    int type = a->socktype;
#ifdef SOCK_CLOEXEC
    type |= SOCK_CLOEXEC;
#endif
    return socket(a->family, type, a->protocol);
}

/* Header values may come from a store: refuse anything that would split a
 * request header. */
static int header_safe(const char *s)
{
    return s && *s && !strpbrk(s, "\r\n") && strlen(s) < MAX_FIELD;
}

/* Sets the connect timeout and the deadline of the attempt about to start:
 * the options', shortened to what is left before stop_at_ms.  OW_TIMEOUT
 * when nothing is left. */
static ow_err set_timeouts(struct xfer *x)
{
    const struct fetch_opts *o = x->o;
    long connect = o->connect_timeout_ms, total = o->deadline_ms;
    x->clipped = 0;
    if (o->stop_at_ms) {
        long long left = o->stop_at_ms - ow_mono_ms();
        if (left <= 0)
            return ow_diagf(&x->r->diag, OW_TIMEOUT, "stopped at the caller's deadline");
        if (connect <= 0 || connect > left)
            connect = (long)left, x->clipped = 1;
        if (total <= 0 || total > left)
            total = (long)left, x->clipped = 1;
    }
    x->total_ms = total > 0 ? total : 0;
    if (curl_easy_setopt(x->h, CURLOPT_CONNECTTIMEOUT_MS, connect) != CURLE_OK ||
        curl_easy_setopt(x->h, CURLOPT_TIMEOUT_MS, total) != CURLE_OK)
        return ow_diagf(&x->r->diag, OW_FETCH, "libcurl: cannot set the timeouts");
    return OW_OK;
}

/* Creates and configures x->h.  OW_OK or OW_NOMEM/OW_FETCH with r->diag. */
static ow_err setup(struct xfer *x)
{
    const struct fetch_opts *o = x->o;
    CURL *h = curl_easy_init();
    if (!h)
        return ow_diagf(&x->r->diag, OW_FETCH, "libcurl: cannot create a transfer");
    x->h = h;
    struct curl_slist *l = curl_slist_append(NULL, "Accept-Language: ja");
    if (l && !curl_slist_append(l, "Accept: text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5")) {
        curl_slist_free_all(l);
        l = NULL;
    }
    if (l && header_safe(x->q->etag)) {
        char line[MAX_FIELD + 32];
        snprintf(line, sizeof line, "If-None-Match: %s", x->q->etag);
        if (!curl_slist_append(l, line)) {
            curl_slist_free_all(l);
            l = NULL;
        }
    }
    if (!l)
        return ow_diagf(&x->r->diag, OW_NOMEM, "out of memory");
    x->hdrs = l;

    CURLcode c = CURLE_OK;
#define SET(opt, val)                           \
    do {                                        \
        if (c == CURLE_OK)                      \
            c = curl_easy_setopt(h, opt, val);  \
    } while (0)
    SET(CURLOPT_URL, x->q->url);
    SET(CURLOPT_PRIVATE, (void *)x);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 1L);
    SET(CURLOPT_MAXREDIRS, o->max_redirects);
    SET(CURLOPT_LOW_SPEED_LIMIT, o->stall_bytes);
    SET(CURLOPT_LOW_SPEED_TIME, o->stall_seconds);
    SET(CURLOPT_ACCEPT_ENCODING, "");
    if (o->max_body && !o->keep_head)
        SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, (void *)x);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, (void *)x);
    SET(CURLOPT_OPENSOCKETFUNCTION, on_open);
    SET(CURLOPT_OPENSOCKETDATA, (void *)x);
    SET(CURLOPT_USERAGENT, o->user_agent ? o->user_agent : "owabi/" OW_VERSION);
    SET(CURLOPT_HTTPHEADER, x->hdrs);
    SET(CURLOPT_ERRORBUFFER, x->errbuf);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (header_safe(x->q->last_modified)) {
        time_t t = curl_getdate(x->q->last_modified, NULL);
        if (t != (time_t)-1) {
            SET(CURLOPT_TIMECONDITION, (long)CURL_TIMECOND_IFMODSINCE);
            SET(CURLOPT_TIMEVALUE_LARGE, (curl_off_t)t);
        }
    }
#undef SET
    if (c != CURLE_OK)
        return ow_diagf_foreign(&x->r->diag, c == CURLE_OUT_OF_MEMORY ? OW_NOMEM : OW_FETCH,
                                OW_FOREIGN_CURL, (int)c, "libcurl: %s", curl_easy_strerror(c));
    ow_buf_init(&x->body, o->max_body);
    return set_timeouts(x);
}

/* Checks the URL before any connection: http/https only, and an IP literal
 * host is judged here too (through a proxy the socket guard sees only the
 * proxy's address). */
static ow_err precheck(struct xfer *x)
{
    struct fetch_result *r = x->r;
    CURLU *u = curl_url();
    if (!u)
        return ow_diagf(&r->diag, OW_NOMEM, "out of memory");
    char *scheme = NULL, *host = NULL;
    ow_err e = OW_OK;
    if (curl_url_set(u, CURLUPART_URL, x->q->url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        e = ow_diagf(&r->diag, OW_FETCH, "malformed URL");
    else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
        e = ow_diagf(&r->diag, OW_FETCH, "unsupported URL scheme: %.40s (only http and https)",
                     scheme);
    else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        e = ow_diagf(&r->diag, OW_FETCH, "malformed URL");
    else if (!x->o->allow_private) {
        const char *why = fetch_addr_class_str(host);
        if (why && strcmp(why, "not an IP address") != 0)
            e = ow_diagf(&r->diag, OW_FORBIDDEN_ADDR,
                         "address %.*s not allowed: %s (use --allow-private)",
                         host[0] == '[' ? (int)strlen(host) - 2 : (int)strlen(host),
                         host + (host[0] == '['), why);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return e;
}

/* Header values go into JSON records: keep only printable ASCII ones (what
 * RFC 9110 asks of them), so a server cannot put invalid UTF-8 there.
 * *dst stays NULL for anything else.  OW_NOMEM only. */
static ow_err dup_ascii(const char *s, char **dst)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            return OW_OK;
    *dst = strdup(s);
    return *dst ? OW_OK : OW_NOMEM;
}

/* A URL with any byte outside printable ASCII percent-encoded. */
static char *dup_url(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p <= 0x20 || *p > 0x7e) ? 3 : 1;
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= 0x20 || *p > 0x7e)
            o += sprintf(o, "%%%02X", *p);
        else
            *o++ = (char)*p;
    }
    *o = '\0';
    return out;
}

/* Copies a header of the last response (after redirects) into *dst. */
static ow_err take_header(CURL *h, const char *name, char **dst)
{
    struct curl_header *hh = NULL;
    if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hh) != CURLHE_OK || !hh->value)
        return OW_OK;
    if (strlen(hh->value) >= MAX_FIELD)
        return OW_OK;
    return dup_ascii(hh->value, dst);
}

static void stamp(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        out[0] = '\0';
}

/* Fills what is known about the last response into r. */
static ow_err collect(struct xfer *x)
{
    struct fetch_result *r = x->r;
    char *s = NULL;
    free(r->final_url);
    free(r->content_type);
    free(r->charset);
    free(r->etag);
    free(r->last_modified);
    free(r->date);
    free(r->content_encoding);
    free(r->content_type_header);
    r->final_url = r->content_type = r->charset = r->etag = r->last_modified = NULL;
    r->date = r->content_encoding = r->content_type_header = NULL;
    stamp(r->fetched_at);
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &r->status);
    if (curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s &&
        !(r->final_url = dup_url(s)))
        return OW_NOMEM;
    s = NULL;
    if (curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s) {
        char f[MAX_FIELD];
        ow_ct_media_type(s, f, sizeof f);
        if (f[0] && dup_ascii(f, &r->content_type))
            return OW_NOMEM;
        ow_ct_charset(s, f, sizeof f);
        if (f[0] && dup_ascii(f, &r->charset))
            return OW_NOMEM;
    }
    if (take_header(x->h, "ETag", &r->etag) || take_header(x->h, "Last-Modified", &r->last_modified) ||
        take_header(x->h, "Date", &r->date) || take_header(x->h, "Content-Encoding", &r->content_encoding) ||
        take_header(x->h, "Content-Type", &r->content_type_header))
        return OW_NOMEM;
    return OW_OK;
}

/* The delay in ms before retrying a 429/503, or -1 when not to retry. */
static long long retry_delay(struct xfer *x)
{
    const struct fetch_opts *o = x->o;
    struct curl_header *hh = NULL;
    if (x->r->status != 429 && x->r->status != 503)
        return -1;
    if (x->r->retries >= o->max_retries)
        return -1;
    if (curl_easy_header(x->h, "Retry-After", 0, CURLH_HEADER, -1, &hh) != CURLHE_OK)
        return -1;
    /* curl parses both the seconds and the HTTP-date form; before 8.12 a date
     * in the past comes out negative. */
    curl_off_t secs = 0;
    if (curl_easy_getinfo(x->h, CURLINFO_RETRY_AFTER, &secs) != CURLE_OK || secs < 0)
        secs = 0;
    if (secs > o->retry_after_max)
        secs = o->retry_after_max > 0 ? o->retry_after_max : 0;
    /* no retry the caller's deadline would cut short anyway */
    if (o->stop_at_ms && ow_mono_ms() + (long long)secs * 1000 >= o->stop_at_ms)
        return -1;
    return (long long)secs * 1000;
}

static void judge_code(struct xfer *x, CURLcode rc);

/* Maps a transfer's end to r->err/diag (keeping the CURLcode when libcurl
 * failed); the body only on success. */
static void judge(struct xfer *x, CURLcode rc)
{
    judge_code(x, rc);
    if (x->r->err && rc != CURLE_OK) {
        x->r->diag.foreign = OW_FOREIGN_CURL;
        x->r->diag.foreign_code = (int)rc;
    }
}

static void judge_code(struct xfer *x, CURLcode rc)
{
    const struct fetch_opts *o = x->o;
    struct fetch_result *r = x->r;
    struct ow_diag *d = &r->diag;
    const char *eb = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
    long redirects = 0;
    curl_easy_getinfo(x->h, CURLINFO_REDIRECT_COUNT, &redirects);

    if (r->status >= 300 && r->status != 304 &&
        (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && x->werr == OW_HTTP))) {
        if (r->retries)
            r->err = ow_diagf(d, OW_HTTP, "HTTP %ld (after %d %s)", r->status, r->retries,
                              r->retries == 1 ? "retry" : "retries");
        else
            r->err = ow_diagf(d, OW_HTTP, "HTTP %ld", r->status);
        return;
    }
    if (rc == CURLE_WRITE_ERROR && x->werr == OW_TOOBIG && o->keep_head && status_ok(r->status))
        rc = CURLE_OK;   /* the head it asked for: a success, r->truncated says so */
    switch (rc) {
    case CURLE_OK: {
        long unmet = 0;
        curl_easy_getinfo(x->h, CURLINFO_CONDITION_UNMET, &unmet);
        if (r->status == 304 || unmet) {
            r->not_modified = 1;
            r->err = OW_OK;
        } else if (!type_ok(o, r->content_type)) {
            r->err = ow_diagf(d, OW_CONTENT_TYPE, "unsupported content type: %s", r->content_type);
        } else if (!(r->body = ow_buf_take(&x->body, &r->len))) {
            r->err = ow_diagf(d, OW_NOMEM, "out of memory");
        } else {
            r->err = OW_OK;
        }
        return;
    }
    case CURLE_WRITE_ERROR:
        if (x->werr == OW_TOOBIG)
            r->err = ow_diagf(d, OW_TOOBIG, "body larger than %zu bytes (after decompression)",
                              o->max_body);
        else if (x->werr == OW_CONTENT_TYPE)
            r->err = ow_diagf(d, OW_CONTENT_TYPE, "unsupported content type: %s",
                              r->content_type ? r->content_type : "?");
        else if (x->werr == OW_NOMEM)
            r->err = ow_diagf(d, OW_NOMEM, "out of memory");
        else
            r->err = ow_diagf(d, OW_FETCH, "%s", eb);
        return;
    case CURLE_FILESIZE_EXCEEDED:
        r->err = ow_diagf(d, OW_TOOBIG, "body larger than %zu bytes (Content-Length)", o->max_body);
        return;
    case CURLE_ABORTED_BY_CALLBACK:
        if (x->werr == OW_TIMEOUT)
            r->err = ow_diagf(d, OW_TIMEOUT, "stalled: fewer than %ld bytes in %ld s",
                              o->stall_bytes, o->stall_seconds);
        else
            r->err = ow_diagf(d, OW_FETCH, "%s", eb);
        return;
    case CURLE_OPERATION_TIMEDOUT: {
        /* Which limit it was is told by what the transfer got to, not by
         * curl's wording: a transfer under way well before its deadline
         * met curl's low-speed check; else the caller's deadline, the
         * attempt's deadline, or (nothing connected yet) the connect one. */
        curl_off_t pre_us = 0, total_us = 0;
        curl_easy_getinfo(x->h, CURLINFO_PRETRANSFER_TIME_T, &pre_us);
        curl_easy_getinfo(x->h, CURLINFO_TOTAL_TIME_T, &total_us);
        long long ms = (long long)(total_us / 1000);
        if (pre_us > 0 && (x->total_ms == 0 || ms + 50 < x->total_ms))
            r->err = ow_diagf(d, OW_TIMEOUT, "stalled: fewer than %ld bytes/s for %ld s",
                              o->stall_bytes, o->stall_seconds);
        else if (x->clipped)
            r->err = ow_diagf(d, OW_TIMEOUT, "stopped at the caller's deadline");
        else if (pre_us > 0)
            r->err = ow_diagf(d, OW_TIMEOUT, "deadline of %ld ms exceeded", o->deadline_ms);
        else
            r->err = ow_diagf(d, OW_TIMEOUT, "connect timeout (%ld ms): %s",
                              o->connect_timeout_ms, eb);
        return;
    }
    case CURLE_TOO_MANY_REDIRECTS:
        r->err = ow_diagf(d, OW_REDIRECT, "too many redirects (more than %ld)", o->max_redirects);
        return;
    case CURLE_UNSUPPORTED_PROTOCOL:
        if (redirects > 0 || r->status / 100 == 3) {
            /* The target as the server wrote it, in the last response
             * with a Location (curl counts the refused hop as a redirect
             * without making its request): curl has no redirect URL for a
             * javascript: or data: one, and the URL asked for is not where
             * it pointed.  Encoded, since it goes to a terminal. */
            struct curl_header *hh = NULL;
            char *to = NULL, *loc = NULL;
            for (long req = redirects; req >= 0 && !to; req--)
                if (curl_easy_header(x->h, "Location", 0, CURLH_HEADER, (int)req, &hh) == CURLHE_OK &&
                    hh->value && *hh->value)
                    to = loc = dup_url(hh->value);
            if (!to)
                curl_easy_getinfo(x->h, CURLINFO_REDIRECT_URL, &to);
            if (!to || !*to)
                to = r->final_url;
            r->err = ow_diagf(d, OW_REDIRECT, "redirect to a non-HTTP scheme refused: %.120s",
                              to ? to : "?");
            free(loc);
        }
        else
            r->err = ow_diagf(d, OW_FETCH, "%s", eb);
        return;
    case CURLE_COULDNT_CONNECT:
        if (x->refused_why)
            r->err = ow_diagf(d, OW_FORBIDDEN_ADDR,
                              "address %s not allowed: %s (use --allow-private)", x->refused,
                              x->refused_why);
        else
            r->err = ow_diagf(d, OW_FETCH, "%s", eb);
        return;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP2:
        r->err = ow_diagf(d, OW_FETCH, "transfer ended early: %s", eb);
        return;
    case CURLE_BAD_CONTENT_ENCODING:
        r->err = ow_diagf(d, OW_FETCH, "cannot decompress the body: %s", eb);
        return;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        r->err = ow_diagf(d, OW_FETCH, "cannot resolve: %s", eb);
        return;
    case CURLE_OUT_OF_MEMORY:
        r->err = ow_diagf(d, OW_NOMEM, "out of memory");
        return;
    default:
        r->err = ow_diagf(d, OW_FETCH, "%s", eb);
        return;
    }
}

static void release(struct xfer *x)
{
    if (x->h)
        curl_easy_cleanup(x->h);
    x->h = NULL;
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
    ow_buf_free(&x->body);
}

/* A transfer ends before it started (again) with e, its reason in r->diag. */
static void end_early(struct xfer *x, ow_err e)
{
    x->r->err = e;
    stamp(x->r->fetched_at);
    release(x);
    x->state = X_DONE;
}

/* A transfer ended (already out of the multi): done, or parked for a retry.
 * Returns 1 when done. */
static int finish(struct xfer *x, CURLcode rc)
{
    struct fetch_result *r = x->r;
    if (collect(x)) {
        r->err = ow_diagf(&r->diag, OW_NOMEM, "out of memory");
    } else {
        long long delay = (r->status >= 400) ? retry_delay(x) : -1;
        if (delay >= 0) {
            r->retries++;
            ow_buf_reset(&x->body);
            x->werr = OW_OK;
            x->looked = 0;
            x->refused_why = NULL;
            x->errbuf[0] = '\0';
            x->wake_ms = ow_mono_ms() + delay;
            x->state = X_WAITING;
            return 0;
        }
        judge(x, rc);
    }
    if (r->err != OW_OK) {
        free(r->body);
        r->body = NULL;
        r->len = 0;
    }
    release(x);
    x->state = X_DONE;
    return 1;
}

/* ---- the loop ---------------------------------------------------------- */

ow_err fetch_init(struct ow_diag *d)
{
    return ow_curl_load(d);
}

ow_err fetch_many(const struct fetch_opts *o, const struct fetch_req *reqs, size_t n,
                  struct fetch_result *results, struct ow_diag *d)
{
    struct fetch_opts def;
    if (!o) {
        fetch_opts_default(&def);
        o = &def;
    }
    for (size_t i = 0; i < n; i++)
        memset(&results[i], 0, sizeof results[i]);
    if (n == 0)
        return OW_OK;
    ow_err le = fetch_init(d);
    if (le)
        return le;

    ow_err fatal = OW_OK;
    CURLM *m = NULL;
    struct xfer *xs = calloc(n, sizeof *xs);
    if (!xs) {
        fatal = ow_diagf(d, OW_NOMEM, "out of memory");
        goto out;
    }

    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        struct xfer *x = &xs[i];
        x->o = o;
        x->q = &reqs[i];
        x->r = &results[i];
        x->state = X_QUEUED;
        ow_buf_init(&x->body, o->max_body);
        if (!reqs[i].url) {
            x->r->err = ow_diagf(&x->r->diag, OW_FETCH, "no URL");
        } else if (!(x->r->url = strdup(reqs[i].url))) {
            x->r->err = ow_diagf(&x->r->diag, OW_NOMEM, "out of memory");
        } else {
            x->r->err = precheck(x);
        }
        if (x->r->err) {
            stamp(x->r->fetched_at);
            x->state = X_DONE;
            done++;
        }
    }
    if (!(m = curl_multi_init())) {
        fatal = ow_diagf(d, OW_FETCH, "libcurl: cannot create a multi handle");
        goto out;
    }

    int parallel = o->parallel > 0 ? o->parallel : 1;
    int active = 0;
    size_t waiting = 0;  /* parked retries: the scans below run only when some are */
    size_t next = 0;
    while (done < n) {
        long long now = ow_mono_ms();
        /* Fill free slots: parked retries whose time has come first (they
         * were admitted earlier), then new URLs in input order. */
        for (size_t i = 0; waiting && i < n && active < parallel; i++) {
            struct xfer *x = &xs[i];
            if (x->state != X_WAITING || x->wake_ms > now)
                continue;
            ow_err te = set_timeouts(x);
            if (te) {
                end_early(x, te);   /* the deadline came while it waited */
                done++;
                waiting--;
                continue;
            }
            if (curl_multi_add_handle(m, x->h) != CURLM_OK) {
                fatal = ow_diagf(d, OW_FETCH, "libcurl: cannot add a transfer");
                goto out;
            }
            x->mark_ms = ow_mono_ms();
            x->mark_bytes = 0;
            x->state = X_RUNNING;
            active++;
            waiting--;
        }
        while (next < n && active < parallel) {
            struct xfer *x = &xs[next++];
            if (x->state != X_QUEUED)
                continue;
            ow_err e = setup(x);
            if (e == OW_OK && curl_multi_add_handle(m, x->h) != CURLM_OK)
                e = ow_diagf(&x->r->diag, OW_FETCH, "libcurl: cannot add a transfer");
            if (e) {
                end_early(x, e);
                done++;
                continue;
            }
            x->mark_ms = ow_mono_ms();
            x->mark_bytes = 0;
            x->state = X_RUNNING;
            active++;
        }
        if (done == n)
            break;

        int still = 0;
        CURLMcode mc = curl_multi_perform(m, &still);
        if (mc != CURLM_OK) {
            fatal = ow_diagf(d, mc == CURLM_OUT_OF_MEMORY ? OW_NOMEM : OW_FETCH, "libcurl: %s",
                             curl_multi_strerror(mc));
            goto out;
        }
        int ended = 0;
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct xfer *x = NULL;
            CURL *h = msg->easy_handle;
            CURLcode rc = msg->data.result;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&x);
            curl_multi_remove_handle(m, h);
            active--;
            ended = 1;
            if (finish(x, rc))
                done++;
            else
                waiting++;
        }
        if (ended || done == n)
            continue;

        /* Sleep in the poll, not in sleep(): curl shortens the wait to its
         * own timers, we to the earliest parked retry. */
        long long wait = 1000;
        now = ow_mono_ms();
        for (size_t i = 0; waiting && i < n; i++)
            if (xs[i].state == X_WAITING && xs[i].wake_ms - now < wait)
                wait = xs[i].wake_ms - now;
        if (wait < 0)
            wait = 0;
        mc = curl_multi_poll(m, NULL, 0, (int)wait, NULL);
        if (mc != CURLM_OK) {
            fatal = ow_diagf(d, OW_FETCH, "libcurl: %s", curl_multi_strerror(mc));
            goto out;
        }
    }

out:
    if (xs) {
        for (size_t i = 0; i < n; i++) {
            struct xfer *x = &xs[i];
            if (x->state == X_RUNNING && m)
                curl_multi_remove_handle(m, x->h);
            if (x->state != X_DONE) {
                /* Only after a fatal error: every result still says why. */
                free(x->r->body);
                x->r->body = NULL;
                x->r->len = 0;
                if (d)
                    x->r->diag = *d;
                else
                    ow_diagf(&x->r->diag, fatal, "%s", ow_strerror(fatal));
                x->r->err = fatal;
                if (!x->r->url && reqs[i].url)
                    x->r->url = strdup(reqs[i].url);
            }
            release(x);
        }
        free(xs);
    } else {
        for (size_t i = 0; i < n; i++) {
            results[i].err = ow_diagf(&results[i].diag, fatal, "%s", ow_strerror(fatal));
        }
    }
    if (m)
        curl_multi_cleanup(m);
    return fatal;
}
