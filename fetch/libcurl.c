/* fetch/libcurl.c — opens libcurl on first use (see libcurl.h). */
#define OW_CURL_IMPL 1
#include "libcurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "../core/util.h"

/* The Makefile reads the soname off the development library. */
#ifndef OW_CURL_SONAME
#define OW_CURL_SONAME "libcurl.so.4"
#endif

struct ow_curl_api ow_curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static ow_err loaded = OW_NOLIB;
static char why[200];

static void load(void)
{
    /* OWABI_LIBCURL names another file (a libcurl outside the loader's path;
     * the tests use a missing one) */
    const char *name;
    void *h = ow_dl_open("OWABI_LIBCURL", OW_CURL_SONAME, &name, why, sizeof why);
    if (!h)
        return;
#define RESOLVE(f)                                                                  \
    if (!(ow_curl.f = (__typeof__(ow_curl.f))dlsym(h, #f))) {                      \
        snprintf(why, sizeof why, "%s has no %s (libcurl 7.84 or later is needed)", \
                 name, #f);                                                         \
        return;                                                                     \
    }
    OW_CURL_FUNCTIONS(RESOLVE)
#undef RESOLVE
    CURLcode c = ow_curl.curl_global_init(CURL_GLOBAL_DEFAULT);
    if (c != CURLE_OK) {
        snprintf(why, sizeof why, "curl_global_init: %s", ow_curl.curl_easy_strerror(c));
        return;
    }
    atexit(ow_curl.curl_global_cleanup);
    loaded = OW_OK;
}

ow_err ow_curl_load(struct ow_diag *d)
{
    pthread_once(&once, load);
    if (loaded != OW_OK && d)
        ow_diagf(d, loaded, "cannot use libcurl: %s", why);
    return loaded;
}

CURLU *ow_curl_url(void)
{
    return ow_curl_load(NULL) == OW_OK ? ow_curl.curl_url() : NULL;
}
