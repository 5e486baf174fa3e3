/* owabi.h — libowabi, the parser of Japanese security-incident notices.
 *
 * One call turns the bytes of a notice (HTML in any of the Japanese
 * charsets, plain text, an e-mail message, a PDF) into one JSON record that
 * follows the schema owabi ships (schema/record.schema.json): who had the
 * incident, when, how many were affected, how, what leaked, and for each
 * value the quote it came from.  The library does no I/O of its own: the
 * caller reads the file or fetches the page and hands over the bytes.
 * poppler-glib, which reads PDFs, is opened on the first PDF (set
 * OWABI_LIBPOPPLER to open another file); without it a PDF gives
 * OWABI_NOLIB and everything else works.
 *
 * Using it:
 *
 *     owabi_engine *eng;
 *     owabi_error err;
 *     if (owabi_engine_new(NULL, &eng, &err) != OWABI_OK)
 *         die(err.message);
 *     char *json;
 *     if (owabi_parse(eng, bytes, nbytes, NULL, 0, &json, NULL, &err) == OWABI_OK) {
 *         puts(json);
 *         owabi_free(json);
 *     }
 *     owabi_engine_free(eng);
 *
 * Link with -lowabi (the shared library exports only the owabi_ names in
 * this header) or with libowabi.a and the libraries `make` prints.
 *
 * Threads: an engine is made once and then shared: any number of threads
 * may call owabi_parse on one engine at the same time (patterns compiled on
 * first use are made once, under a lock, and never changed after).  Make
 * and free engines while no other thread uses them.
 *
 * Errors: every call that can fail returns one of the OWABI_ codes below
 * and, when its owabi_error pointer is not NULL, fills it with the code and
 * a one-line message (no trailing newline, never naming the input: the
 * caller knows it).  The numbers are stable; they also appear in records
 * and logs. */
#ifndef OWABI_H
#define OWABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(OWABI_BUILDING)
#define OWABI_API __attribute__((visibility("default")))
#else
#define OWABI_API
#endif

#define OWABI_OK             0   /* success */
#define OWABI_NOMEM          1   /* out of memory */
#define OWABI_IO             2   /* input/output error */
#define OWABI_TOOBIG         3   /* input exceeds the size limit */
#define OWABI_DECODE         4   /* the bytes are in no charset that could be read */
#define OWABI_CHARSET        5   /* an unknown charset was named */
#define OWABI_PARSE          6   /* a damaged, truncated or encrypted PDF */
#define OWABI_EMPTY          7   /* no bytes */
#define OWABI_BINARY         8   /* the bytes are not text */
#define OWABI_PATTERN        9   /* a pattern failed to compile (a bug) */
#define OWABI_MATCHLIMIT    10   /* a pattern match limit was reached */
#define OWABI_JSON          11   /* the record could not be built */
#define OWABI_USAGE         12   /* a NULL argument or an unknown flag */
#define OWABI_FETCH         13   /* (the tool) fetch failed */
#define OWABI_HTTP          14   /* (the tool) HTTP error status */
#define OWABI_TIMEOUT       15   /* (the tool) timed out */
#define OWABI_REDIRECT      16   /* (the tool) redirect refused */
#define OWABI_CONTENT_TYPE  17   /* a content type that cannot hold a notice */
#define OWABI_FORBIDDEN_ADDR 18  /* (the tool) address not allowed */
#define OWABI_STORE         19   /* (the tool) store error */
#define OWABI_LOCKED        20   /* (the tool) store is locked */
#define OWABI_ROBOTS        21   /* (the tool) disallowed by robots.txt */
#define OWABI_DATA          22   /* a built-in data file is invalid (a bug) */
#define OWABI_NOLIB         23   /* a library loaded on first use is not installed
                                  * (poppler-glib, for a PDF) */

typedef struct owabi_error {
    int code;                    /* an OWABI_ code */
    char message[256];           /* NUL-terminated, UTF-8 */
} owabi_error;

/* The version of the library, "MAJOR.MINOR.PATCH"; static storage. */
OWABI_API const char *owabi_version(void);
/* The symbolic name of a code ("NOMEM") and its message ("out of
 * memory"); static storage, never NULL ("UNKNOWN" and "unknown error" for a
 * number that is no code). */
OWABI_API const char *owabi_errname(int code);
OWABI_API const char *owabi_errstr(int code);

/* ---- The engine: the compiled rules, made once. ---- */

typedef struct owabi_engine owabi_engine;

#define OWABI_NO_JIT 0x1u        /* interpret patterns instead of compiling
                                  * them to machine code (slower; for
                                  * valgrind, or where W^X forbids JIT) */
typedef struct owabi_config {
    unsigned flags;              /* OWABI_NO_JIT, or 0 */
} owabi_config;

/* Compiles the rules.  cfg may be NULL (all defaults).  On success *engine
 * is the caller's, to be released with owabi_engine_free; on failure it is
 * NULL.  Takes a few tens of milliseconds: make one and keep it.
 * Errors: OWABI_NOMEM, OWABI_USAGE (engine NULL, unknown flag),
 * OWABI_PATTERN and OWABI_DATA (a build that is broken). */
OWABI_API int owabi_engine_new(const owabi_config *cfg, owabi_engine **engine, owabi_error *err);
/* Releases an engine; NULL is a no-op. */
OWABI_API void owabi_engine_free(owabi_engine *engine);

/* ---- Parsing one notice. ---- */

/* What the caller knows about where the bytes came from.  Every field may
 * be NULL (0 for http_status); the record reports them under "source" and
 * uses content_type to read the bytes. */
typedef struct owabi_source {
    const char *id;              /* the record's source.id */
    const char *path;            /* a local file name */
    const char *url;             /* the URL requested */
    const char *final_url;       /* the URL after redirects */
    const char *content_type;    /* the Content-Type header as received, e.g.
                                  * "text/html; charset=Shift_JIS": its
                                  * charset is a hint, weighed against the
                                  * page's own declaration and its bytes;
                                  * application/pdf reads the bytes as PDF */
    const char *fetched_at;      /* ISO 8601 */
    const char *etag;
    const char *last_modified;
    long http_status;
} owabi_source;

#define OWABI_MAX_INPUT ((size_t)256 << 20)   /* bytes of one notice */
#define OWABI_JSON_INDENT 0x1u   /* two-space indented JSON instead of one line */

/* Parses one notice: nbytes bytes at bytes (not NUL-terminated; read in
 * place, never modified, not kept after the call).  src may be NULL.
 * flags: OWABI_JSON_INDENT or 0.
 * On success *json is the record as NUL-terminated UTF-8 JSON text, the
 * caller's to release with owabi_free, and *json_len (when json_len is not
 * NULL) its length in bytes.  A document with no notice in it, or one that
 * decoded with errors, still gives a record: the record says so
 * (is_incident false, diagnostics).  On failure *json is NULL.
 * Errors: OWABI_TOOBIG (more than OWABI_MAX_INPUT bytes: memory stays
 * bounded), OWABI_EMPTY, OWABI_BINARY, OWABI_DECODE, OWABI_CONTENT_TYPE (an
 * application/octet-stream body that is no PDF), OWABI_PARSE (a damaged
 * PDF), OWABI_NOLIB (a PDF, and poppler-glib is not installed), OWABI_NOMEM,
 * OWABI_USAGE (engine, bytes or json NULL; unknown flag). */
OWABI_API int owabi_parse(const owabi_engine *engine, const void *bytes, size_t nbytes,
                          const owabi_source *src, unsigned flags,
                          char **json, size_t *json_len, owabi_error *err);

/* Releases what owabi_parse returned; NULL is a no-op. */
OWABI_API void owabi_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
