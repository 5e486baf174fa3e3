/* fetch/url.c — URL helpers on libcurl's parser (see url.h). */
#include "url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libcurl.h"

static int is_http(const char *scheme)
{
    return scheme && (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https"));
}

/* Scheme and host to lower case, %xx to upper case: one spelling per URL, so
 * the store sees one page where feeds and pages spell it differently. */
static void canon(char *u)
{
    char *p = u;
    for (; *p && *p != ':'; p++)
        *p = (char)tolower((unsigned char)*p);
    if (strncmp(p, "://", 3))
        return;
    p += 3;
    char *host_end = p + strcspn(p, "/?#");
    char *at = memchr(p, '@', (size_t)(host_end - p));
    for (char *q = at ? at + 1 : p; q < host_end; q++)
        *q = (char)tolower((unsigned char)*q);
    for (; *p; p++)
        if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            p[1] = (char)toupper((unsigned char)p[1]);
            p[2] = (char)toupper((unsigned char)p[2]);
            p += 2;
        }
}

char *url_resolve(const char *base, const char *href)
{
    while (*href && isspace((unsigned char)*href))
        href++;
    size_t n = strlen(href);
    while (n > 0 && isspace((unsigned char)href[n - 1]))
        n--;
    if (n == 0 || n > 8192)
        return NULL;
    char *h = strndup(href, n);
    CURLU *u = curl_url();
    char *got = NULL, *scheme = NULL, *res = NULL;
    if (!h || !u)
        goto out;
    /* Whitespace inside a href (newlines in wrapped markup) is dropped, as
     * browsers do; curl would refuse the URL otherwise. */
    size_t k = 0;
    for (size_t i = 0; h[i]; i++)
        if (h[i] != '\n' && h[i] != '\r' && h[i] != '\t')
            h[k++] = h[i];
    h[k] = 0;
    if (base && curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
        goto out;
    if (curl_url_set(u, CURLUPART_URL, h, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || !is_http(scheme))
        goto out;
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (curl_url_get(u, CURLUPART_URL, &got, 0) != CURLUE_OK)
        goto out;
    res = strdup(got);
    if (res)
        canon(res);
    /* A host no helper can hold (curl takes "a.example" and 200 U+FFFD
     * for one) is no link: ingest could not tell its site. */
    char host[512];
    if (res && url_host(res, host, sizeof host)) {
        free(res);
        res = NULL;
    }
out:
    curl_free(got);
    curl_free(scheme);
    curl_url_cleanup(u);
    free(h);
    return res;
}

int url_host(const char *url, char *buf, size_t n)
{
    CURLU *u = curl_url();
    char *host = NULL;
    int rc = -1;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && strlen(host) < n) {
        for (size_t i = 0; host[i]; i++)
            buf[i] = (char)tolower((unsigned char)host[i]);
        buf[strlen(host)] = 0;
        rc = 0;
    }
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

int url_origin(const char *url, char *buf, size_t n)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *port = NULL;
    char host[512];
    int rc = -1;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        url_host(url, host, sizeof host) == 0) {
        for (char *p = scheme; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        int k = snprintf(buf, n, "%s://%s:%s", scheme, host, port);
        rc = k > 0 && (size_t)k < n ? 0 : -1;
    }
    curl_free(scheme);
    curl_free(port);
    curl_url_cleanup(u);
    return rc;
}

char *url_path_query(const char *url)
{
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL, *res = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
        curl_url_get(u, CURLUPART_QUERY, &query, 0);
        size_t n = strlen(path) + (query ? strlen(query) + 1 : 0) + 2;
        res = malloc(n);
        if (res)
            snprintf(res, n, "%s%s%s", *path ? path : "/", query ? "?" : "", query ? query : "");
    }
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return res;
}
