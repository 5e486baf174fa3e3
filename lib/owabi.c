/* lib/owabi.c — the public API (include/owabi.h) over lib/pipeline.c.
 *
 * Only the functions here are exported from libowabi.so (OWABI_API; the
 * library is compiled with -fvisibility=hidden).  jansson, ICU, libxml2 and
 * PCRE2 stay behind it: a caller sees bytes in, JSON text out. */
#define OWABI_BUILDING 1
#include "../include/owabi.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/util.h"
#include "pipeline.h"

/* The public codes are core/err.h's numbers: an error added there without
 * its OWABI_ twin, or a twin with another number, fails the build. */
#define OW_SAME_CODE(name, num, msg) _Static_assert(OWABI_##name == (num), "OWABI_" #name);
OW_ERR_TABLE(OW_SAME_CODE)
#undef OW_SAME_CODE
#define OW_COUNT_CODE(name, num, msg) +1
_Static_assert(OWABI_NOLIB + 1 == 0 OW_ERR_TABLE(OW_COUNT_CODE), "owabi.h lists every code");
#undef OW_COUNT_CODE

struct owabi_engine {
    struct extract_rules *rules;
};

/* libxml2 wants its globals set up once before threads parse. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

/* Fills *err (when given) and returns the code. */
static int fail(owabi_error *err, ow_err e, const char *msg)
{
    if (err) {
        err->code = (int)e;
        snprintf(err->message, sizeof err->message, "%s", msg && msg[0] ? msg : ow_strerror(e));
    }
    return (int)e;
}

static int ok(owabi_error *err)
{
    if (err) {
        err->code = OWABI_OK;
        err->message[0] = '\0';
    }
    return OWABI_OK;
}

const char *owabi_version(void)
{
    return OW_VERSION;
}

const char *owabi_errname(int code)
{
    return ow_errname((ow_err)code);
}

const char *owabi_errstr(int code)
{
    return ow_strerror((ow_err)code);
}

int owabi_engine_new(const owabi_config *cfg, owabi_engine **engine, owabi_error *err)
{
    if (!engine)
        return fail(err, OW_USAGE, "owabi_engine_new: engine is NULL");
    *engine = NULL;
    unsigned flags = cfg ? cfg->flags : 0;
    if (flags & ~OWABI_NO_JIT)
        return fail(err, OW_USAGE, "owabi_engine_new: unknown flag");
    pthread_once(&xml_once, xml_init);
    owabi_engine *g = calloc(1, sizeof *g);
    if (!g)
        return fail(err, OW_NOMEM, NULL);
    struct ow_diag d = {0};
    g->rules = extract_rules_compile(flags & OWABI_NO_JIT ? EXTRACT_NO_JIT : 0, &d);
    if (!g->rules) {
        free(g);
        return fail(err, d.code ? d.code : OW_DATA, d.msg);
    }
    *engine = g;
    return ok(err);
}

void owabi_engine_free(owabi_engine *engine)
{
    if (!engine)
        return;
    extract_rules_free(engine->rules);
    free(engine);
}

int owabi_parse(const owabi_engine *engine, const void *bytes, size_t nbytes,
                const owabi_source *src, unsigned flags,
                char **json, size_t *json_len, owabi_error *err)
{
    if (json)
        *json = NULL;
    if (json_len)
        *json_len = 0;
    if (!engine || !json || (!bytes && nbytes))
        return fail(err, OW_USAGE, "owabi_parse: engine, bytes or json is NULL");
    if (flags & ~OWABI_JSON_INDENT)
        return fail(err, OW_USAGE, "owabi_parse: unknown flag");
    if (nbytes > OWABI_MAX_INPUT)
        return fail(err, OW_TOOBIG, NULL);

    static const owabi_source none;
    if (!src)
        src = &none;
    /* The pipeline reads a media type and a charset hint, as fetch/ keeps
     * them; a caller hands over the header as received. */
    char media[128] = "", charset[128] = "";
    if (src->content_type) {
        ow_ct_media_type(src->content_type, media, sizeof media);
        ow_ct_charset(src->content_type, charset, sizeof charset);
    }
    struct record_source rs = {
        .id = src->id,
        .path = src->path,
        .url = src->url,
        .final_url = src->final_url,
        .http_status = src->http_status,
        .content_type = media[0] ? media : NULL,
        .fetched_at = src->fetched_at,
        .etag = src->etag,
        .last_modified = src->last_modified,
        .bytes = bytes ? bytes : "",
        .nbytes = nbytes,
    };
    struct pipeline_opts po = {.http_charset = charset[0] ? charset : NULL};
    struct ow_diag d = {0};
    json_t *rec = NULL;
    ow_err e = pipeline_run(engine->rules, &po, &rs, &rec, &d);
    if (e)
        return fail(err, e, d.msg);
    char *s = json_dumps(rec, flags & OWABI_JSON_INDENT ? JSON_INDENT(2) : JSON_COMPACT);
    json_decref(rec);
    if (!s)
        return fail(err, OW_NOMEM, NULL);
    *json = s;
    if (json_len)
        *json_len = strlen(s);
    return ok(err);
}

void owabi_free(void *p)
{
    free(p);
}
