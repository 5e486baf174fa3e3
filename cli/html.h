/* cli/html.h — owabi's pages for people: the evidence view of one record
 * (`owabi parse --format html`) and the report over a store (`owabi report`).
 *
 * Pages are self-contained: one file, inline CSS (and, for the report, one
 * inline script), no external resource of any kind, and a
 * Content-Security-Policy that allows only that style and script, by their
 * SHA-256, so that nothing a page's strings might smuggle in can load or run.
 *
 * Every string that came from a page or a record (names, titles, quotes, the
 * main text, URLs) is escaped: & < > " ' become references; controls and
 * bidi overrides are shown as "U+XXXX" (they would reorder what a line seems
 * to say); invalid UTF-8 becomes U+FFFD.  Links to a source are made only for
 * http: and https: URLs; any other URL is shown as text.
 *
 * Errors: OW_NOMEM, or OW_TOOBIG past the buffer's cap. */
#ifndef OW_HTML_H
#define OW_HTML_H

#include <jansson.h>

#include "../core/buf.h"

/* Appends s[0..n) as HTML text. */
ow_err html_text(struct ow_buf *b, const char *s, size_t n);
ow_err html_texts(struct ow_buf *b, const char *s);   /* NUL-terminated; NULL appends nothing */
/* The same for a quoted attribute value: controls as plain "U+XXXX". */
ow_err html_attr(struct ow_buf *b, const char *s);

/* "<!DOCTYPE html>…<body>": the head with title, the shared style and, when
 * script is not NULL, that script (run at the end of the body by
 * html_page_end).  The CSP names both by hash. */
ow_err html_page_begin(struct ow_buf *b, const char *title, const char *script);
ow_err html_page_end(struct ow_buf *b, const char *script);

/* The evidence view of one record as an <article>: the core fields, each
 * with its quote and a link to its mark; the rest of the record; the dates
 * on one axis (inline SVG); the source facts and diagnostics; and the main
 * text with every evidence span marked (<mark data-field="organization.name"
 * data-ev="3" id="<idp>ev-3">).  text is the main text the evidence offsets
 * index (NULL when it was not kept: the quotes are shown alone).  idp
 * prefixes every id, so that several views can share a page. */
ow_err html_view(struct ow_buf *b, const json_t *rec, const char *text, size_t len,
                 const char *idp);

/* A whole page holding html_view of rec; written to f.  Returns 0, or -1
 * with errno set. */
int html_view_page(FILE *f, const json_t *rec, const char *text, size_t len);

/* The link to a source: <a href> for an http(s) URL, plain text otherwise. */
ow_err html_source_link(struct ow_buf *b, const char *url, const char *label);

/* Japanese labels of the vocabularies' values ("unauthorized_access" →
 * "不正アクセス"); the value itself when it has none. */
const char *html_method_label(const char *v);
const char *html_type_label(const char *v);
/* The vocabularies in schema order, NULL-terminated. */
extern const char *const html_methods[];
extern const char *const html_types[];

/* 4519 → "4,519" in out, as notices write counts; returns out. */
const char *html_grouped(long long n, char out[32]);

/* Writes b to f; 0, or -1 with errno set. */
int html_write(FILE *f, const struct ow_buf *b);

#endif
