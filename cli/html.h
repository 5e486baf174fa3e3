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
 * A page is written into a struct html whose error is sticky (SQLite's
 * sqlite3_str): after the first failure (out of memory) every write does
 * nothing, so writers check once, at the end (html_write does). */
#ifndef OW_HTML_H
#define OW_HTML_H

#include <jansson.h>
#include <stdio.h>

#include "../core/buf.h"

struct html {
    struct ow_buf b;
    ow_err err;   /* the first failure; OW_OK while all is well */
};

void html_init(struct html *h);
void html_free(struct html *h);

/* Markup owabi wrote (never a page's string). */
void html_raw(struct html *h, const char *s);
void html_rawn(struct html *h, const char *s, size_t n);
void html_fmt(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A string from a page or record, as text (NULL writes nothing). */
void html_text(struct html *h, const char *s);
void html_textn(struct html *h, const char *s, size_t n);
/* The same inside a quoted attribute value: controls as plain "U+XXXX". */
void html_attr(struct html *h, const char *s);

/* "<!DOCTYPE html>…<main>": the head with title, the shared style and, when
 * script is not NULL, the CSP hash of that script (html_page_end writes it
 * at the end of the body). */
void html_page_begin(struct html *h, const char *title, const char *script);
void html_page_end(struct html *h, const char *script);

/* The evidence view of one record as an <article>: the core fields, each
 * with its quote and a link to its mark; the rest of the record; the dates
 * on one axis (inline SVG); the source facts and diagnostics; and the main
 * text with every evidence span marked (<mark data-field="organization.name"
 * data-ev="3" data-value="…" id="<idp>ev-3">).  text is the main text the
 * evidence offsets index (NULL when it was not kept: the quotes are shown
 * alone).  idp prefixes every id, so that several views can share a page. */
void html_view(struct html *h, const json_t *rec, const char *text, size_t len, const char *idp);

/* A whole page holding html_view of rec, written to f.  Returns 0, or -1
 * with errno set. */
int html_view_page(FILE *f, const json_t *rec, const char *text, size_t len);

/* The link to a source: <a href> for an http(s) URL, label (or the URL) as
 * plain text otherwise. */
void html_source_link(struct html *h, const char *url, const char *label);

/* Japanese labels of the vocabularies' values ("unauthorized_access" →
 * "不正アクセス"); the value itself when it has none. */
const char *html_method_label(const char *v);
const char *html_type_label(const char *v);
/* The vocabularies in schema order, NULL-terminated. */
extern const char *const html_methods[];
extern const char *const html_types[];

/* 4519 → "4,519" in out, as notices write counts; returns out. */
const char *html_grouped(long long n, char out[32]);

/* Writes the page to f and flushes it; 0, or -1 with errno set (ENOMEM when
 * the page could not be made). */
int html_write(FILE *f, const struct html *h);

#endif
