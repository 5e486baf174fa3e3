/* fetch/libcurl.h — libcurl, opened with dlopen on first use.
 *
 * Linked, libcurl and the TLS, HTTP/2, SSH, LDAP and IDN libraries under it
 * are thirty shared objects and about 13 ms of every run's start-up, paid
 * also by runs that read only local files.  Files that call libcurl include
 * this header instead of <curl/curl.h>: each function they call is a pointer
 * in `ow_curl`, under the function's own name, so the calls read as usual.
 * curl_url() (the first call of every URL helper) and ow_curl_load() (in
 * fetch_many) open the library; ow_curl_load also runs curl_global_init,
 * once, from any thread.  Without libcurl, curl_url() gives NULL and the
 * releases do nothing, so URL helpers fail instead of crashing.
 *
 * curl's compile-time checks (typecheck-gcc.h, the argument-count guards)
 * are macros with the functions' names, so they are off here:
 * curl_easy_setopt's third argument is not checked against the option. */
#ifndef OW_FETCH_LIBCURL_H
#define OW_FETCH_LIBCURL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
/* curl.h's argument-count guards, which would call the names below */
#undef curl_easy_setopt
#undef curl_easy_getinfo

#include "../core/err.h"

#define OW_CURL_FUNCTIONS(X)                                                              \
    X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_header) X(curl_easy_init)    \
    X(curl_easy_setopt) X(curl_easy_strerror) X(curl_free) X(curl_getdate)             \
    X(curl_global_cleanup) X(curl_global_init) X(curl_multi_add_handle)                \
    X(curl_multi_cleanup) X(curl_multi_info_read) X(curl_multi_init)                   \
    X(curl_multi_perform) X(curl_multi_poll) X(curl_multi_remove_handle)               \
    X(curl_multi_strerror) X(curl_slist_append) X(curl_slist_free_all) X(curl_url)     \
    X(curl_url_cleanup) X(curl_url_get) X(curl_url_set)

struct ow_curl_api {
#define OW_CURL_POINTER(f) __typeof__(f) *f;
    OW_CURL_FUNCTIONS(OW_CURL_POINTER)
#undef OW_CURL_POINTER
};
extern struct ow_curl_api ow_curl;

/* Opens libcurl and initialises it, once; OW_OK when it is there.  Later
 * calls return what the first found.  d may be NULL. */
ow_err ow_curl_load(struct ow_diag *d);
/* curl_url() after ow_curl_load(); NULL when libcurl is missing or out of
 * memory. */
CURLU *ow_curl_url(void);
/* The releases take NULL, as libcurl's do, also when libcurl could not be
 * opened: a URL helper whose curl_url() gave NULL still cleans up. */
static inline void ow_curl_url_cleanup(CURLU *u)
{
    if (u)
        ow_curl.curl_url_cleanup(u);
}
static inline void ow_curl_free(void *p)
{
    if (p)
        ow_curl.curl_free(p);
}
static inline void ow_curl_slist_free_all(struct curl_slist *l)
{
    if (l)
        ow_curl.curl_slist_free_all(l);
}

#ifndef OW_CURL_IMPL
#define curl_easy_cleanup (ow_curl.curl_easy_cleanup)
#define curl_easy_getinfo (ow_curl.curl_easy_getinfo)
#define curl_easy_header (ow_curl.curl_easy_header)
#define curl_easy_init (ow_curl.curl_easy_init)
#define curl_easy_setopt (ow_curl.curl_easy_setopt)
#define curl_easy_strerror (ow_curl.curl_easy_strerror)
#define curl_free ow_curl_free
#define curl_getdate (ow_curl.curl_getdate)
#define curl_multi_add_handle (ow_curl.curl_multi_add_handle)
#define curl_multi_cleanup (ow_curl.curl_multi_cleanup)
#define curl_multi_info_read (ow_curl.curl_multi_info_read)
#define curl_multi_init (ow_curl.curl_multi_init)
#define curl_multi_perform (ow_curl.curl_multi_perform)
#define curl_multi_poll (ow_curl.curl_multi_poll)
#define curl_multi_remove_handle (ow_curl.curl_multi_remove_handle)
#define curl_multi_strerror (ow_curl.curl_multi_strerror)
#define curl_slist_append (ow_curl.curl_slist_append)
#define curl_slist_free_all ow_curl_slist_free_all
#define curl_url ow_curl_url
#define curl_url_cleanup ow_curl_url_cleanup
#define curl_url_get (ow_curl.curl_url_get)
#define curl_url_set (ow_curl.curl_url_set)
#endif

#endif
