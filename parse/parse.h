/* parse/parse.h — a page's main text as blocks (libxml2 HTML parser).
 *
 * Input:  UTF-8 text (from decode/).  HTML is parsed by libxml2 with the
 *         encoding forced to UTF-8, no network, recover mode; plain text is
 *         split into line blocks, the lines of a paragraph wrapped at a
 *         fixed width joined back into one.
 * Output: the notice's main text: one string in which every block is one line
 *         (blocks joined by '\n', no '\n' inside a block), and the block list.
 *         The title comes first.  Scripts, styles, comments, navigation,
 *         headers/footers, sidebars, ads and comment sections are dropped;
 *         the main content is picked by markup and by what it says.
 *         Inside a block, ASCII whitespace and U+00A0 runs are one space
 *         (none where a source line break falls between two CJK
 *         characters), trimmed; U+3000 is kept.  Empty input or a page with
 *         no text gives zero blocks and OW_OK.  The text is valid UTF-8:
 *         invalid input bytes become U+FFFD.
 * Errors: OW_NOMEM; OW_TOOBIG for HTML over INT_MAX bytes (libxml2's
 *         limit).  Any markup gives a tree (libxml2 recovers from
 *         everything).  On error *out is empty (parse_doc_free is still
 *         safe).
 * Cost:   linear in the input; memory about 50 bytes a node (element or
 *         text run) plus the page's text once, and no copy of the markup
 *         (libxml2 reads it a chunk at a time); markup that would make libxml2 quadratic
 *         (thousands of unmatched end tags under deep nesting, tags with
 *         thousands of attributes) is trimmed before parsing.
 * Ownership: the parse_doc owns everything; release with parse_doc_free.
 * Deterministic. */
#ifndef OW_PARSE_H
#define OW_PARSE_H

#include <stddef.h>

#include "../core/buf.h"
#include "../core/err.h"

enum parse_kind {
    PARSE_TITLE,    /* <title>, or the first <h1> when there is no <title> */
    PARSE_HEADING,  /* h1-h6, dt (a <br> inside is a space) */
    PARSE_PARA,     /* p, div text, br-separated lines, dd; a plain-text line or wrapped paragraph */
    PARSE_ITEM,     /* li */
    PARSE_ROW,      /* a table row: its cells joined by " " (tab-free) */
    PARSE_PRE       /* a line of <pre> */
};

struct parse_block {
    enum parse_kind kind;
    size_t off;   /* byte offset of the block in parse_doc.text */
    size_t len;   /* byte length, excluding the '\n' */
};

struct parse_doc {
    char *text;                 /* blocks joined by '\n'; NUL-terminated */
    size_t len;
    struct parse_block *blocks;
    size_t nblocks;
    char *title;                /* the page title (NULL if none), owned */
    int is_html;                /* 0 for plain text input */
    int main_by_markup;         /* 1: main/article/#content chose the main block; 0: by content score or whole body */
};

/* Building a parse_doc's text and block list a block at a time: the one
 * builder of parse/ (HTML, plain text, mail) and pdf/.  A block is added
 * whole, or opened, appended to in pieces (a PDF's wrapped lines) and
 * closed.  Blocks are joined by '\n'.  Errors: OW_NOMEM. */
struct parse_builder {
    struct ow_buf text;
    struct parse_block *blocks;
    size_t n, cap;
    size_t open;                /* offset of the open block's text */
};
void parse_builder_init(struct parse_builder *b);
ow_err parse_builder_add(struct parse_builder *b, enum parse_kind kind, const char *s, size_t len);
ow_err parse_builder_open(struct parse_builder *b);
ow_err parse_builder_append(struct parse_builder *b, const char *s, size_t len);
ow_err parse_builder_close(struct parse_builder *b, enum parse_kind kind);
/* Appends a line that a wrapped line runs on into to the open block: a
 * space between two Latin words, nothing between Japanese characters. */
ow_err parse_builder_join(struct parse_builder *b, const char *s, size_t len);
/* Moves text and blocks into out (text, len, blocks, nblocks); the builder
 * is then empty.  parse_builder_free releases what is left either way. */
ow_err parse_builder_finish(struct parse_builder *b, struct parse_doc *out);
void parse_builder_free(struct parse_builder *b);
/* Does a line open a list item, a numbered or bracketed heading or a note
 * (・, ①, 1., (2), 【, ※, 第3): a line of its own, never the run-on of a
 * wrapped one? */
int parse_opens_item(const char *s, size_t n);

/* Guesses from the first bytes whether text is HTML (a tag among the first
 * non-blank characters, or <html/<body/<p/<div/<br anywhere early). */
int parse_looks_html(const char *text, size_t len);
/* HTML to main-text blocks.  `text` must be valid UTF-8 (decode/ makes it so). */
ow_err parse_html(const char *text, size_t len, struct parse_doc *out, struct ow_diag *d);
/* Plain text (or a decoded e-mail) to one block per non-empty line
 * (PARSE_PARA, whitespace collapsed, "[PR]" ad lines left out); the title is
 * the first line. */
ow_err parse_plain(const char *text, size_t len, struct parse_doc *out, struct ow_diag *d);
/* A decoded e-mail (decode/'s text: header lines, a blank line, the body
 * from body_off): the header lines as plain text (the first is the title),
 * then the body as plain text or, when html, as HTML (its title block
 * becomes a heading; main_by_markup is the body's). */
ow_err parse_mail(const char *text, size_t len, size_t body_off, int html, struct parse_doc *out,
                  struct ow_diag *d);
void parse_doc_free(struct parse_doc *doc);

#endif
