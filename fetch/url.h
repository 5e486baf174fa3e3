/* fetch/url.h — the URL helpers every stage that handles links uses
 * (ingest's discovery and scheduling): libcurl's RFC 3986 parser, opened on
 * first use (fetch/libcurl.h).  Without libcurl each helper fails (NULL,
 * -1) instead of crashing. */
#ifndef OW_FETCH_URL_H
#define OW_FETCH_URL_H

#include <stddef.h>

/* Resolves href against base (RFC 3986, libcurl's parser) to an absolute
 * http(s) URL without fragment, scheme and host lower-cased, percent escapes
 * upper-cased.  NULL when href is not an http(s) link (mailto:, javascript:,
 * ftp:, malformed, a host of 512 bytes or more) or out of memory.  The
 * caller frees the result. */
char *url_resolve(const char *base, const char *href);
/* The host of an absolute URL, lower-cased, without port, into buf (size n);
 * 0 on success, -1 when url has none. */
int url_host(const char *url, char *buf, size_t n);
/* "scheme://host[:port]" of url into buf (size n): robots.txt is per origin.
 * 0 on success, -1 otherwise. */
int url_origin(const char *url, char *buf, size_t n);
/* The path and query of url ("/a/b?c"), caller frees; NULL when none. */
char *url_path_query(const char *url);

#endif
