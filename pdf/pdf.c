#include "pdf.h"

#include <dlfcn.h>
#include <poppler.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/util.h"

/* A line of poppler's text (poppler cuts a visual line at wide gaps, so
 * this may be only a piece of one), with the box of its glyphs. */
struct frag {
    size_t off, len;          /* bytes in the page text */
    double x0, y0, x1, y1;    /* PDF points, y downwards */
    double size;              /* largest font size among its glyphs */
    size_t line;              /* the visual line it belongs to */
    size_t src;               /* the poppler line it came from */
};

/* A visual line, or after joining, a block. */
struct line {
    double x0, y0, x1, y1, size;
    size_t src;               /* the poppler line of its first piece */
    int tabular;              /* its pieces had a gap of 0.8 em or more: a label
                                 and its value (会社名　株式会社…), which no
                                 line above runs on into */
    size_t off, len;          /* its text in the page's line buffer */
};

/* A piece's place in its line: sorted by line, then left to right. */
struct key {
    size_t line;
    double x0;
    size_t idx;
};

struct page_scratch {
    struct frag *f;
    size_t nf, capf;
    struct line *l;
    size_t nl, capl;
    struct key *order;
    double *sizes;
    struct ow_buf lines;      /* the text of every line, back to back */
};

/* poppler-glib (with glib and cairo under it) is opened on the first PDF:
 * linked, its eighty-odd libraries would cost every run of owabi about
 * 16 ms of start-up, and PDFs are rare.  OW_POPPLER_SONAME comes from the
 * build (the Makefile reads it off the development library). */
#ifndef OW_POPPLER_SONAME
#define OW_POPPLER_SONAME "libpoppler-glib.so.8"
#endif
#define POPPLER_FUNCTIONS(X)                                                            \
    X(g_bytes_new_static)                                                    \
    X(g_bytes_unref)                                                         \
    X(g_date_time_format)                                                    \
    X(g_date_time_unref)                                                     \
    X(g_error_free)                                                          \
    X(g_error_matches)                                                       \
    X(g_free)                                                                \
    X(g_object_unref)                                                        \
    X(g_utf8_make_valid)                                                     \
    X(poppler_document_get_creation_date_time)                               \
    X(poppler_document_get_creator)                                          \
    X(poppler_document_get_modification_date_time)                           \
    X(poppler_document_get_n_pages)                                          \
    X(poppler_document_get_page)                                             \
    X(poppler_document_get_producer)                                         \
    X(poppler_document_new_from_bytes)                                       \
    X(poppler_error_quark)                                                   \
    X(poppler_page_free_text_attributes)                                     \
    X(poppler_page_get_text)                                                 \
    X(poppler_page_get_text_attributes)                                      \
    X(poppler_page_get_text_layout)

static struct {
#define X(f) __typeof__(f) *f;
    POPPLER_FUNCTIONS(X)
#undef X
} P;

/* Written once by poppler_open (pthread_once), read-only after. */
static pthread_once_t poppler_once = PTHREAD_ONCE_INIT;
static int poppler_ok;
static char poppler_why[160];

static void poppler_open(void)
{
    /* OWABI_LIBPOPPLER names another file (as OWABI_LIBCURL does) */
    const char *name, *missing = NULL;
    void *h = ow_dl_open("OWABI_LIBPOPPLER", OW_POPPLER_SONAME, &name, poppler_why, sizeof poppler_why);
    if (h) {
#define X(f) if (!missing && !(P.f = (__typeof__(P.f))dlsym(h, #f))) missing = #f;
        POPPLER_FUNCTIONS(X)
#undef X
    }
    if (missing)
        snprintf(poppler_why, sizeof poppler_why, "%s has no %s", name, missing);
    poppler_ok = h && !missing;
}

/* Opens poppler-glib once, whichever thread asks first; later calls say
 * what the first one found. */
static ow_err poppler_load(struct ow_diag *d)
{
    pthread_once(&poppler_once, poppler_open);
    if (!poppler_ok)
        return ow_diagf(d, OW_NOLIB, "cannot read PDF: %s (install poppler-glib)", poppler_why);
    return OW_OK;
}

static double dmax(double a, double b) { return a > b ? a : b; }
static double dmin(double a, double b) { return a < b ? a : b; }


int pdf_looks_pdf(const char *b, size_t n)
{
    size_t i = 0;
    while (i < n && i < 1024 && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' ||
                                 b[i] == '\f'))
        i++;
    return n - i >= 5 && !memcmp(b + i, "%PDF-", 5);
}

void pdf_doc_free(struct pdf_doc *p)
{
    if (!p)
        return;
    parse_doc_free(&p->doc);
    free(p->block_page);
    free(p->info.producer);
    free(p->info.creator);
    memset(p, 0, sizeof *p);
}

/* ---- text helpers ------------------------------------------------------ */

/* Is s[0..n) a space that separates (ASCII blank, NBSP, U+3000)? Returns
 * its byte length, 0 if not. */
static size_t space_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if (n >= 2 && c == 0xc2 && (unsigned char)s[1] == 0xa0)
        return 2;
    if (n >= 3 && c == 0xe3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

/* Appends s[0..n) with parse/'s whitespace rule: controls and ASCII blank
 * runs become one space, none at the start or the end of the line (the
 * caller trims the end); U+3000 is kept inside a line but not at its start
 * (a paragraph indent). */
static ow_err add_text(struct ow_buf *b, size_t line_start, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t sp = space_at(s + i, n - i);
        if (sp || c < 0x20 || c == 0x7f) {
            int ideo = sp == 3;
            i += sp ? sp : 1;
            if (b->len == line_start)
                continue;
            char last = b->data[b->len - 1];
            if (ideo) {
                if (last == ' ')
                    b->len--;
                if (ow_buf_adds(b, "\xe3\x80\x80"))
                    return OW_NOMEM;
            } else if (last != ' ' &&
                       !(b->len - line_start >= 3 && !memcmp(b->data + b->len - 3, "\xe3\x80\x80", 3))) {
                if (ow_buf_addc(b, ' '))
                    return OW_NOMEM;
            }
            continue;
        }
        /* C1 controls and bidi overrides are dropped, as parse/ drops them
         * (drop_controls): nothing a record should carry */
        size_t ctl = c >= 0x80 ? ow_utf8_control((const unsigned char *)s + i, n - i, NULL) : 0;
        if (ctl) {
            i += ctl;
            continue;
        }
        if (ow_buf_addc(b, (char)c))
            return OW_NOMEM;
        i++;
    }
    return OW_OK;
}

/* Trims trailing blanks (ASCII space and U+3000) off the line being built. */
static void trim_end(struct ow_buf *b, size_t line_start)
{
    for (;;) {
        if (b->len > line_start && b->data[b->len - 1] == ' ')
            b->len--;
        else if (b->len >= line_start + 3 && !memcmp(b->data + b->len - 3, "\xe3\x80\x80", 3))
            b->len -= 3;
        else
            break;
    }
    if (b->data)
        b->data[b->len] = '\0';
}

/* "- 2 -", "2", "2/3", "(2)": a page number in a header or footer. */
static int page_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    while (i < n && strchr("-( ", s[i]))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (!digits || digits > 4)
        return 0;
    if (i < n && s[i] == '/') {
        i++;
        size_t d2 = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, d2++;
        if (!d2)
            return 0;
    }
    while (i < n && strchr("-) ", s[i]))
        i++;
    return i == n;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t sp = space_at(s + i, n - i);
        if (sp) {
            i += sp;
            continue;
        }
        k += ((unsigned char)s[i] & 0xc0) != 0x80;
        i++;
    }
    return k;
}

/* ---- one page ------------------------------------------------------------ */

static double em_of(double a, double b)
{
    double e = dmax(a, b);
    return e > 0.5 ? e : 10.0;
}


/* Splits the page text into poppler's lines with their glyph boxes.  Without
 * boxes (a layout that does not match the text) every line stands alone. */
static ow_err split_frags(struct page_scratch *ps, const char *t, size_t tlen,
                          const PopplerRectangle *r, size_t nr, GList *attrs)
{
    size_t nchars = 0;
    for (size_t i = 0; i < tlen; i++)
        nchars += ((unsigned char)t[i] & 0xc0) != 0x80;
    int geo = r && nr == nchars;
    if (geo) {
        double *s = realloc(ps->sizes, (nchars ? nchars : 1) * sizeof *s);
        if (!s)
            return OW_NOMEM;
        ps->sizes = s;
        for (size_t i = 0; i < nchars; i++)
            s[i] = 0;
        for (GList *a = attrs; a; a = a->next) {
            const PopplerTextAttributes *at = a->data;
            if (at->start_index < 0 || at->end_index < at->start_index)
                continue;
            for (size_t i = (size_t)at->start_index; i <= (size_t)at->end_index && i < nchars; i++)
                s[i] = at->font_size;
        }
    }
    size_t ci = 0, start = 0, src = 0, last_end = 0;
    struct frag cur = {0};
    int inked = 0;
    for (size_t i = 0; i <= tlen;) {
        int eol = i == tlen || t[i] == '\n';
        size_t sp = eol ? 0 : space_at(t + i, tlen - i);
        size_t step = eol ? 1 : sp ? sp : ow_utf8_seqlen((const unsigned char *)t + i, tlen - i);
        if (!step)
            step = 1;
        int ink = !eol && !sp && (unsigned char)t[i] >= 0x20;
        double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
        if (ink && geo) {
            const PopplerRectangle *g = &r[ci];
            x0 = dmin(g->x1, g->x2), x1 = dmax(g->x1, g->x2);
            y0 = dmin(g->y1, g->y2), y1 = dmax(g->y1, g->y2);
        }
        /* poppler keeps two columns of a short passage on one line: a
         * gutter (two characters of nothing, or a step back) cuts it */
        double em = em_of(cur.size, geo && ci < nchars ? ps->sizes[ci] : 0);
        int cut = ink && geo && inked && (x0 - cur.x1 >= 2.0 * em || x1 < cur.x0);
        if (eol || cut) {
            if (inked) {
                cur.off = start;
                cur.len = (cut ? last_end : i) - start;
                cur.src = src;
                if (ow_array_grow((void **)&ps->f, &ps->capf, ps->nf, sizeof *ps->f))
                    return OW_NOMEM;
                ps->f[ps->nf++] = cur;
            }
            memset(&cur, 0, sizeof cur);
            inked = 0;
            if (eol) {
                ci++;
                src++;
                start = ++i;
                continue;
            }
            start = i;
        }
        if (ink) {
            if (geo) {
                if (!inked) {
                    cur.x0 = x0, cur.x1 = x1, cur.y0 = y0, cur.y1 = y1;
                } else {
                    cur.x0 = dmin(cur.x0, x0), cur.x1 = dmax(cur.x1, x1);
                    cur.y0 = dmin(cur.y0, y0), cur.y1 = dmax(cur.y1, y1);
                }
                cur.size = dmax(cur.size, ps->sizes[ci]);
            }
            inked = 1;
            last_end = i + step;
        }
        i += step;
        ci++;
    }
    if (!geo)
        for (size_t k = 0; k < ps->nf; k++)
            ps->f[k].size = -1;   /* no geometry: nothing merges or joins */
    return OW_OK;
}

/* Do piece f and line l sit on one baseline, close enough to be one line? */
static int same_line(const struct frag *f, const struct line *l, double *gap)
{
    if (f->size <= 0 || l->size <= 0)
        return 0;
    double lo = dmin(f->size, l->size), hi = dmax(f->size, l->size);
    if (lo < 0.8 * hi)
        return 0;
    double ov = dmin(f->y1, l->y1) - dmax(f->y0, l->y0);
    double h = dmin(f->y1 - f->y0, l->y1 - l->y0);
    if (ov < 0.5 * h)
        return 0;
    double em = em_of(f->size, l->size);
    if (f->x0 >= l->x1 - 0.3 * em && f->x0 - l->x1 <= 2.0 * em) {
        *gap = f->x0 - l->x1;
        return 1;
    }
    if (f->x1 <= l->x0 + 0.3 * em && l->x0 - f->x1 <= 2.0 * em) {
        *gap = l->x0 - f->x1;
        return 1;
    }
    return 0;
}

static int by_line_x(const void *a, const void *b)
{
    const struct key *ka = a, *kb = b;
    if (ka->line != kb->line)
        return ka->line < kb->line ? -1 : 1;
    if (ka->x0 != kb->x0)
        return ka->x0 < kb->x0 ? -1 : 1;
    return ka->idx < kb->idx ? -1 : ka->idx > kb->idx;
}

/* Pieces → visual lines, in the order of each line's first piece. */
static ow_err build_lines(struct page_scratch *ps, const char *t)
{
    ps->nl = 0;
    for (size_t i = 0; i < ps->nf; i++) {
        struct frag *f = &ps->f[i];
        size_t lo = ps->nl > 64 ? ps->nl - 64 : 0;
        size_t hit = SIZE_MAX;
        double gap = 0;
        for (size_t j = ps->nl; j-- > lo;)
            if (same_line(f, &ps->l[j], &gap)) {
                hit = j;
                break;
            }
        if (hit == SIZE_MAX) {
            if (ow_array_grow((void **)&ps->l, &ps->capl, ps->nl, sizeof *ps->l))
                return OW_NOMEM;
            ps->l[ps->nl] = (struct line){f->x0, f->y0, f->x1, f->y1, f->size, f->src, 0, 0, 0};
            f->line = ps->nl++;
        } else {
            struct line *l = &ps->l[hit];
            if (gap >= 0.8 * em_of(f->size, l->size))
                l->tabular = 1;
            l->x0 = dmin(l->x0, f->x0), l->x1 = dmax(l->x1, f->x1);
            l->y0 = dmin(l->y0, f->y0), l->y1 = dmax(l->y1, f->y1);
            l->size = dmax(l->size, f->size);
            f->line = hit;
        }
    }
    struct key *ord = realloc(ps->order, (ps->nf ? ps->nf : 1) * sizeof *ord);
    if (!ord)
        return OW_NOMEM;
    ps->order = ord;
    for (size_t i = 0; i < ps->nf; i++)
        ord[i] = (struct key){ps->f[i].line, ps->f[i].x0, i};
    qsort(ord, ps->nf, sizeof *ord, by_line_x);
    ow_buf_reset(&ps->lines);
    for (size_t k = 0; k < ps->nf;) {
        size_t li = ps->f[ord[k].idx].line, start = ps->lines.len;
        double prev_x1 = 0;
        for (; k < ps->nf && ps->f[ord[k].idx].line == li; k++) {
            const struct frag *f = &ps->f[ord[k].idx];
            if (ps->lines.len > start && f->x0 - prev_x1 >= 0.2 * em_of(f->size, 0)) {
                if (ow_buf_addc(&ps->lines, ' '))
                    return OW_NOMEM;
            }
            if (add_text(&ps->lines, start, t + f->off, f->len))
                return OW_NOMEM;
            prev_x1 = f->x1;
        }
        trim_end(&ps->lines, start);
        ps->l[li].off = start;
        ps->l[li].len = ps->lines.len - start;
    }
    return OW_OK;
}

/* The column of a line among the x positions cols[0..k), or -1. */
static int column_of(const struct line *l, const double *cols, int k)
{
    double em = em_of(l->size, 0);
    for (int c = 0; c < k; c++)
        if (l->x0 - cols[c] <= 1.5 * em && cols[c] - l->x0 <= 1.5 * em)
            return c;
    return -1;
}

/* poppler lays a short two-column passage out row by row: once cut at the
 * gutter (split_frags), its lines come left, right, left, right…  A run of
 * such rows, and the rows below that carry on in the same columns, is
 * reordered column by column, left column first. */
#define MAX_COLS 8
static ow_err reorder_columns(struct page_scratch *ps)
{
    struct line *tmp = NULL;
    int *col = NULL;
    ow_err e = OW_OK;
    for (size_t i = 0; i < ps->nl;) {
        size_t j = i + 1;
        while (j < ps->nl && ps->l[j].src == ps->l[i].src)
            j++;
        int k = (int)(j - i);
        if (k < 2 || k > MAX_COLS) {
            i = j;
            continue;
        }
        double cols[MAX_COLS];
        int sorted = 1;
        for (int c = 0; c < k; c++) {
            cols[c] = ps->l[i + (size_t)c].x0;
            if (c && cols[c] <= ps->l[i + (size_t)c - 1].x1)
                sorted = 0;
        }
        if (!sorted) {
            i = j;
            continue;
        }
        /* extend the run over the rows below that sit in these columns */
        size_t end = j;
        double bottom = 0;
        for (size_t q = i; q < j; q++)
            bottom = dmax(bottom, ps->l[q].y1);
        while (end < ps->nl) {
            size_t g = end + 1;
            while (g < ps->nl && ps->l[g].src == ps->l[end].src)
                g++;
            int fits = 1;
            double top = ps->l[end].y0, low = 0;
            for (size_t q = end; q < g && fits; q++) {
                fits = column_of(&ps->l[q], cols, k) >= 0;
                top = dmin(top, ps->l[q].y0);
                low = dmax(low, ps->l[q].y1);
            }
            if (!fits || top < bottom - 0.5 * em_of(ps->l[end].size, 0) ||
                top - bottom > 3.0 * em_of(ps->l[end].size, 0))
                break;
            bottom = low;
            end = g;
        }
        size_t n = end - i;
        if (!(tmp = realloc(tmp, n * sizeof *tmp)) || !(col = realloc(col, n * sizeof *col))) {
            e = OW_NOMEM;
            break;
        }
        for (size_t q = 0; q < n; q++)
            col[q] = column_of(&ps->l[i + q], cols, k);
        size_t w = 0;
        for (int c = 0; c < k; c++)
            for (size_t q = 0; q < n; q++)
                if (col[q] == c)
                    tmp[w++] = ps->l[i + q];
        memcpy(ps->l + i, tmp, n * sizeof *tmp);
        i = end;
    }
    free(tmp);
    free(col);
    return e;
}

/* Does line i reach the right edge of its paragraph?  The paragraph is
 * the lines right above and below it (less than 1 em apart) that start at
 * the same left edge, a first-line indent allowed. */
static int near_below(const struct line *a, const struct line *b)
{
    double em = em_of(a->size, b->size);
    return b->y0 > a->y0 && b->y0 - a->y1 <= 1.0 * em && b->x0 - a->x0 <= 1.5 * em &&
           a->x0 - b->x0 <= 1.5 * em && !b->tabular && !a->tabular;
}

static int reaches_right(const struct page_scratch *ps, size_t i)
{
    const struct line *a = &ps->l[i];
    double right = a->x1;
    for (size_t k = i; k > 0 && i - k < 200 && near_below(&ps->l[k - 1], &ps->l[k]); k--)
        right = dmax(right, ps->l[k - 1].x1);
    for (size_t k = i; k + 1 < ps->nl && k - i < 200 && near_below(&ps->l[k], &ps->l[k + 1]); k++)
        right = dmax(right, ps->l[k + 1].x1);
    return a->x1 >= right - 1.2 * em_of(a->size, 0);
}

/* Does line a run on into line b (wrapped at the column width)? */
static int wraps_into(const struct page_scratch *ps, size_t i, const char *ta, const char *tb)
{
    const struct line *a = &ps->l[i], *b = &ps->l[i + 1];
    if (a->size <= 0 || b->size <= 0 || b->tabular || !a->len || !b->len)
        return 0;
    double em = a->size;
    if (dmin(a->size, b->size) < 0.9 * dmax(a->size, b->size))
        return 0;
    if (a->x1 - a->x0 < 15 * em || count_chars(ta, a->len) < 12)
        return 0;
    if (b->y0 <= a->y0 || b->y0 - a->y1 > 1.0 * em)
        return 0;
    if (b->x0 > a->x0 + 0.5 * em || b->x0 < a->x0 - 1.5 * em)
        return 0;
    if (parse_opens_item(tb, b->len))
        return 0;
    return reaches_right(ps, i);
}

/* Appends the page's blocks (a line and the lines it wraps into) to the
 * document, with each block's page and font size. */
static ow_err emit_page(struct page_scratch *ps, int page, struct parse_builder *out,
                        int **pages, size_t *capp, double **bsize, size_t *caps)
{
    const char *lt = ps->lines.data;
    for (size_t i = 0; i < ps->nl;) {
        const struct line *l = &ps->l[i];
        if (!l->len || page_number(lt + l->off, l->len)) {
            i++;
            continue;
        }
        double size = l->size;
        if (parse_builder_open(out) || parse_builder_append(out, lt + l->off, l->len))
            return OW_NOMEM;
        while (i + 1 < ps->nl && wraps_into(ps, i, lt + ps->l[i].off, lt + ps->l[i + 1].off)) {
            const struct line *b = &ps->l[i + 1];
            if (parse_builder_join(out, lt + b->off, b->len))
                return OW_NOMEM;
            size = dmax(size, b->size);
            i++;
        }
        i++;
        if (ow_array_grow((void **)pages, capp, out->n, sizeof **pages) ||
            ow_array_grow((void **)bsize, caps, out->n, sizeof **bsize))
            return OW_NOMEM;
        (*pages)[out->n] = page;
        (*bsize)[out->n] = size;
        parse_builder_close(out, PARSE_PARA);
    }
    return OW_OK;
}

static ow_err read_page(PopplerPage *pg, struct page_scratch *ps)
{
    ps->nf = 0;
    gchar *t = P.poppler_page_get_text(pg);
    if (!t)
        return OW_OK;
    size_t tlen = strlen(t);
    if (!ow_utf8_valid(t, tlen)) {
        gchar *v = P.g_utf8_make_valid(t, (gssize)tlen);
        P.g_free(t);
        t = v;
        tlen = strlen(t);
    }
    PopplerRectangle *r = NULL;
    guint nr = 0;
    if (!P.poppler_page_get_text_layout(pg, &r, &nr)) {
        r = NULL;
        nr = 0;
    }
    GList *attrs = r ? P.poppler_page_get_text_attributes(pg) : NULL;
    ow_err e = split_frags(ps, t, tlen, r, nr, attrs);
    if (!e)
        e = build_lines(ps, t);
    if (!e)
        e = reorder_columns(ps);
    P.poppler_page_free_text_attributes(attrs);
    P.g_free(r);
    P.g_free(t);
    return e;
}

/* ---- the document ---------------------------------------------------- */

/* A document-info string as owned, valid UTF-8 without controls; NULL when
 * absent or blank. */
static ow_err info_str(gchar *g, char **out)
{
    *out = NULL;
    if (!g)
        return OW_OK;
    gchar *v = P.g_utf8_make_valid(g, -1);
    P.g_free(g);
    struct ow_buf b;
    ow_buf_init(&b, 0);
    ow_err e = add_text(&b, 0, v, strlen(v));
    P.g_free(v);
    if (!e && b.len) {
        trim_end(&b, 0);
        if (b.len && !(*out = ow_buf_take(&b, NULL)))
            e = OW_NOMEM;
    }
    ow_buf_free(&b);
    return e;
}

static void info_date(GDateTime *dt, char out[32])
{
    out[0] = '\0';
    if (!dt)
        return;
    gchar *s = P.g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z");
    if (s && strlen(s) < 32)
        strcpy(out, s);
    P.g_free(s);
    P.g_date_time_unref(dt);
}

/* The title: the run of blocks (at most 3) in the largest font on the first
 * page that has text, when that font is clearly larger than the body's. */
static ow_err pick_title(struct pdf_doc *p, const double *bsize)
{
    struct parse_doc *doc = &p->doc;
    if (!doc->nblocks)
        return OW_OK;
    /* the body size: the size that carries the most characters */
    double body = 0, best = 0;
    for (size_t i = 0; i < doc->nblocks && i < 2000; i++) {
        double w = 0;
        for (size_t k = 0; k < doc->nblocks && k < 2000; k++)
            if (bsize[k] > 0 && bsize[k] > bsize[i] - 0.25 && bsize[k] < bsize[i] + 0.25)
                w += (double)doc->blocks[k].len;
        if (w > best)
            best = w, body = bsize[i];
    }
    int first = p->block_page[0];
    size_t top = SIZE_MAX;
    for (size_t i = 0; i < doc->nblocks && p->block_page[i] == first; i++)
        if (bsize[i] > 0 && (top == SIZE_MAX || bsize[i] > bsize[top] + 0.25))
            top = i;
    if (top == SIZE_MAX || bsize[top] < 1.15 * body)
        return OW_OK;
    size_t end = top + 1;
    while (end < doc->nblocks && end < top + 3 && p->block_page[end] == first &&
           bsize[end] > bsize[top] - 0.25)
        end++;
    struct ow_buf b;
    ow_buf_init(&b, 0);
    for (size_t i = top; i < end; i++)
        if (ow_buf_append(&b, doc->text + doc->blocks[i].off, doc->blocks[i].len)) {
            ow_buf_free(&b);
            return OW_NOMEM;
        }
    doc->title = ow_buf_take(&b, NULL);
    return doc->title ? OW_OK : OW_NOMEM;
}

static int has_eof_marker(const char *b, size_t n)
{
    size_t from = n > 1024 ? n - 1024 : 0;
    return memmem(b + from, n - from, "%%EOF", 5) != NULL;
}

/* One PDF at a time: each PopplerDocument is independent, but poppler's
 * global state (font and CMap caches made on first use) is only as
 * thread-safe as the build it comes from.  PDFs are a small part of a
 * run; ingest's workers still parse HTML side by side. */
static pthread_mutex_t poppler_mu = PTHREAD_MUTEX_INITIALIZER;

static ow_err read_pdf(const char *bytes, size_t n, struct pdf_doc *out, struct ow_diag *d);

ow_err pdf_read(const char *bytes, size_t n, struct pdf_doc *out, struct ow_diag *d)
{
    memset(out, 0, sizeof *out);
    if (!pdf_looks_pdf(bytes, n))
        return ow_diagf(d, OW_PARSE, "damaged PDF: no %%PDF- header");
    if (!has_eof_marker(bytes, n))
        return ow_diagf(d, OW_PARSE, "truncated PDF: no %%%%EOF marker at the end");
    ow_err e = poppler_load(d);
    if (e)
        return e;
    pthread_mutex_lock(&poppler_mu);
    e = read_pdf(bytes, n, out, d);
    pthread_mutex_unlock(&poppler_mu);
    return e;
}

static ow_err read_pdf(const char *bytes, size_t n, struct pdf_doc *out, struct ow_diag *d)
{
    GBytes *gb = P.g_bytes_new_static(bytes, n);
    GError *gerr = NULL;
    PopplerDocument *pd = P.poppler_document_new_from_bytes(gb, NULL, &gerr);
    P.g_bytes_unref(gb);
    if (!pd) {
        ow_err e;
        if (gerr && P.g_error_matches(gerr, P.poppler_error_quark(), POPPLER_ERROR_ENCRYPTED))
            e = ow_diagf(d, OW_PARSE, "encrypted PDF: a password is needed to open it");
        else
            e = ow_diagf(d, OW_PARSE, "damaged PDF: %s",
                         gerr && gerr->message ? gerr->message : "poppler cannot open it");
        if (gerr)
            P.g_error_free(gerr);
        return e;
    }

    ow_err e = OW_OK;
    struct pdf_info *in = &out->info;
    struct page_scratch ps = {0};
    struct parse_builder text;
    size_t capp = 0, caps = 0;
    double *bsize = NULL;
    parse_builder_init(&text);
    ow_buf_init(&ps.lines, 0);

    in->pages = P.poppler_document_get_n_pages(pd);
    if (in->pages < 0)
        in->pages = 0;
    in->pages_read = in->pages < PDF_MAX_PAGES ? in->pages : PDF_MAX_PAGES;
    if ((e = info_str(P.poppler_document_get_producer(pd), &in->producer)) ||
        (e = info_str(P.poppler_document_get_creator(pd), &in->creator)))
        goto fail;
    info_date(P.poppler_document_get_creation_date_time(pd), in->created);
    info_date(P.poppler_document_get_modification_date_time(pd), in->modified);

    for (int i = 0; i < in->pages_read; i++) {
        PopplerPage *pg = P.poppler_document_get_page(pd, i);
        if (!pg)
            continue;
        e = read_page(pg, &ps);
        P.g_object_unref(pg);
        if (!e)
            e = emit_page(&ps, i + 1, &text, &out->block_page, &capp, &bsize, &caps);
        if (e)
            goto fail;
    }
    if ((e = parse_builder_finish(&text, &out->doc)))
        goto fail;
    in->text_chars = count_chars(out->doc.text, out->doc.len);
    if ((e = pick_title(out, bsize)))
        goto fail;
    goto done;
fail:
    pdf_doc_free(out);
    ow_diagf(d, e, "%s", ow_strerror(e));
done:
    free(bsize);
    free(ps.f);
    free(ps.l);
    free(ps.order);
    free(ps.sizes);
    ow_buf_free(&ps.lines);
    parse_builder_free(&text);
    P.g_object_unref(pd);
    return e;
}
