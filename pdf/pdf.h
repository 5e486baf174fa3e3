/* pdf/pdf.h — a PDF notice's text as blocks, page by page (poppler-glib).
 *
 * Input:  the raw bytes of a PDF, read straight from memory (no temp file).
 * Output: the same struct parse_doc that parse/ gives for a page (blocks
 *         joined by '\n', one line per block, no '\n' inside one), so that
 *         normalize → extract → record run unchanged; plus the page of each
 *         block and the document info.
 *         Text comes in poppler's reading order (a two-column page reads
 *         column by column), then is rebuilt line by line from the glyph
 *         boxes, because poppler splits a line at wide gaps: the
 *         「会社名　株式会社…」「代表者名　代表取締役社長　…」 block at the top right
 *         of an IR release would otherwise come out label column first and
 *         value column after.  Pieces on one baseline less than two
 *         characters apart are one line (a wider gap is a column gutter).
 *         Lines a word processor wrapped at the column width are joined
 *         into one block (a count or a date cut at the line end reads
 *         whole again): a line that reaches its column's right edge runs on
 *         into the next when that one starts at the same left edge, close
 *         below, in the same font size, and opens no list item or heading.
 *         A lone page number ("- 2 -", "2/3") is dropped.  Whitespace as in
 *         parse/: ASCII runs are one space, trimmed; U+3000 kept.
 *         The title is the line in the largest font on the first page with
 *         text, when it is clearly larger than the body text; else NULL.
 *         An image-only (scanned) PDF gives zero blocks and text_chars 0:
 *         not an error, the record says so.
 * Errors: OW_PARSE with d saying which: "encrypted PDF: a password is
 *         needed to open it", "truncated PDF: no %%EOF marker at the end",
 *         "damaged PDF: <poppler's reason>"; OW_NOMEM.  On error *out is
 *         zero (pdf_doc_free is still safe).
 * Cost:   at most PDF_MAX_PAGES pages are read (the rest is counted in
 *         info.pages but not read; info.pages_read says how many were);
 *         linear in the text of those pages.
 * Ownership: the pdf_doc owns everything; release with pdf_doc_free.
 * Deterministic.  Library state: poppler keeps process-wide font tables;
 *         nothing of owabi's is global. */
#ifndef OW_PDF_H
#define OW_PDF_H

#include <stddef.h>

#include "../core/err.h"
#include "../parse/parse.h"

#define PDF_MAX_PAGES 100   /* a notice is a few pages; a 100-page report reads in about a second */

struct pdf_info {
    int pages;               /* page count of the document */
    int pages_read;          /* pages whose text was read: min(pages, PDF_MAX_PAGES) */
    char *producer;          /* document info, valid UTF-8, NULL if absent; owned */
    char *creator;
    char created[32];        /* "2025-06-20T09:30:00+09:00", "" if absent */
    char modified[32];
    size_t text_chars;       /* characters of text read, spaces excluded (0: image-only) */
};

struct pdf_doc {
    struct parse_doc doc;    /* is_html = 0, main_by_markup = 0 */
    int *block_page;         /* 1-based page of each block (doc.nblocks entries) */
    struct pdf_info info;
};

/* 1 when bytes start with "%PDF-" (after optional ASCII whitespace). */
int pdf_looks_pdf(const char *bytes, size_t n);
/* Reads the PDF in bytes[0..n).  On success *out owns its contents. */
ow_err pdf_read(const char *bytes, size_t n, struct pdf_doc *out, struct ow_diag *d);
/* Frees what p owns and zeroes it; NULL and a zeroed doc are no-ops. */
void pdf_doc_free(struct pdf_doc *p);

#endif
