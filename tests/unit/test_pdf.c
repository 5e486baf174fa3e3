/* Unit tests for pdf/: PDFs drawn in memory with cairo (a Noto CJK or IPA
 * font from Debian, see tools/deps.sh), read back with pdf_read; and
 * broken inputs.  Every text is invented for the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "pdf/pdf.h"

static const char FONT[] = "Noto Sans CJK JP";

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int n)
{
    return ow_buf_append(closure, data, n) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void text(cairo_t *cr, double size, double x, double y, const char *s)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

static double width(cairo_t *cr, const char *s, size_t n)
{
    char tmp[512];
    assert_true(n < sizeof tmp);
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    cairo_text_extents_t e;
    cairo_text_extents(cr, tmp, &e);
    return e.x_advance;
}

/* Greedy wrap of a UTF-8 paragraph at width w, character by character (as
 * Japanese word processors do); returns the baseline after the last line. */
static double para(cairo_t *cr, double size, double x, double y, double w, const char *s)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    size_t n = strlen(s), start = 0, i = 0;
    char line[512];
    while (start < n) {
        size_t end = start;
        while (end < n) {
            i = end + 1;
            while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
                i++;
            if (end > start && width(cr, s + start, i - start) > w)
                break;
            end = i;
        }
        memcpy(line, s + start, end - start);
        line[end - start] = '\0';
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, line);
        y += size * 1.7;
        start = end;
    }
    return y;
}

static const char PARA[] = "当社の会員管理システムにおいて、2025年6月3日から2025年6月9日までの間、"
                           "会員12,345名分の登録情報が外部から閲覧できる状態になっていたことが判明しました。";
static const char LEFT[] = "左の段には経緯を記します。監視担当者が深夜に異常な通信量を確認し、"
                           "直ちに該当サーバーを切り離しました。";
static const char RIGHT[] = "右の段には対象の情報を記します。対象となるのは氏名と電話番号で、"
                            "決済に関する情報は含まれておりません。";

/* Three pages: an IR-release head, a wrapped paragraph, two columns and a
 * footer page number; a page of text; a page with only a drawing. */
static void make_notice(struct ow_buf *out)
{
    ow_buf_init(out, 0);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, out, 595, 842);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "unit test");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2025-01-02T03:04:05+09:00");
    cairo_t *cr = cairo_create(s);
    text(cr, 10, 460, 60, "2025年6月20日");
    text(cr, 10, 330, 100, "会社名");
    text(cr, 10, 370, 100, "株式会社テスト工業");
    text(cr, 16, 150, 150, "システム障害に関するお知らせ");
    double y = para(cr, 10, 60, 200, 300, PARA);
    para(cr, 10, 60, y + 30, 200, LEFT);
    para(cr, 10, 300, y + 30, 200, RIGHT);
    text(cr, 10, 290, 800, "- 1 -");
    cairo_show_page(cr);
    text(cr, 10, 60, 100, "第二ページの本文です。");
    cairo_show_page(cr);
    cairo_rectangle(cr, 100, 100, 200, 200);
    cairo_fill(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    const char *keep = getenv("OW_PDF_KEEP");   /* a copy to look at */
    FILE *f = keep ? fopen(keep, "wb") : NULL;
    if (f) {
        fwrite(out->data, 1, out->len, f);
        fclose(f);
    }
}

static long find(const struct parse_doc *d, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < d->nblocks; i++)
        if (d->blocks[i].len == n && memcmp(d->text + d->blocks[i].off, s, n) == 0)
            return (long)i;
    return -1;
}

static void dump(const struct pdf_doc *p)
{
    for (size_t i = 0; i < p->doc.nblocks; i++)
        fprintf(stderr, "  %d| %.*s\n", p->block_page[i], (int)p->doc.blocks[i].len,
                p->doc.text + p->doc.blocks[i].off);
}

static void reads_layout(void **state)
{
    struct ow_buf b;
    make_notice(&b);
    struct pdf_doc p;
    struct ow_diag d = {0};
    assert_int_equal(pdf_read(b.data, b.len, &p, &d), OW_OK);
    if (find(&p.doc, PARA) < 0 || find(&p.doc, "会社名 株式会社テスト工業") < 0)
        dump(&p);
    assert_int_equal(p.info.pages, 3);
    assert_int_equal(p.info.pages_read, 3);
    assert_string_equal(p.info.creator, "unit test");
    assert_string_equal(p.info.created, "2025-01-02T03:04:05+09:00");
    assert_non_null(p.info.producer);
    assert_memory_equal(p.info.producer, "cairo", 5);
    assert_int_equal(find(&p.doc, "2025年6月20日"), 0);
    /* label and value, drawn as two pieces a character apart: one line */
    assert_true(find(&p.doc, "会社名 株式会社テスト工業") > 0);
    assert_non_null(p.doc.title);
    assert_string_equal(p.doc.title, "システム障害に関するお知らせ");
    /* the wrapped paragraph reads whole: 12,345 and the dates are not cut */
    long para_at = find(&p.doc, PARA);
    assert_true(para_at > 0);
    /* column by column, each whole */
    long l = find(&p.doc, LEFT), r = find(&p.doc, RIGHT);
    assert_true(l > para_at);
    assert_true(r > l);
    assert_int_equal(find(&p.doc, "- 1 -"), -1);
    long p2 = find(&p.doc, "第二ページの本文です。");
    assert_int_equal(p2, (long)p.doc.nblocks - 1);
    assert_int_equal(p.block_page[p2], 2);
    assert_int_equal(p.block_page[r], 1);
    assert_int_equal(p.doc.is_html, 0);
    assert_true(p.info.text_chars > 150);
    /* blocks are lines of the text */
    for (size_t i = 0; i < p.doc.nblocks; i++) {
        const struct parse_block *k = &p.doc.blocks[i];
        assert_null(memchr(p.doc.text + k->off, '\n', k->len));
        if (i + 1 < p.doc.nblocks)
            assert_int_equal(p.doc.text[k->off + k->len], '\n');
    }
    pdf_doc_free(&p);
    pdf_doc_free(&p);   /* a freed doc is zero: freeing again is safe */
    ow_buf_free(&b);
}

static void image_only(void **state)
{
    struct ow_buf b;
    ow_buf_init(&b, 0);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, &b, 595, 842);
    cairo_t *cr = cairo_create(s);
    cairo_rectangle(cr, 50, 50, 300, 100);
    cairo_fill(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    struct pdf_doc p;
    struct ow_diag d = {0};
    assert_int_equal(pdf_read(b.data, b.len, &p, &d), OW_OK);
    assert_int_equal(p.info.pages, 1);
    assert_int_equal(p.doc.nblocks, 0);
    assert_int_equal(p.doc.len, 0);
    assert_string_equal(p.doc.text, "");
    assert_int_equal(p.info.text_chars, 0);
    assert_null(p.doc.title);
    assert_null(p.info.creator);
    pdf_doc_free(&p);
    ow_buf_free(&b);
}

static void expect_error(const char *in, size_t n, const char *msg_prefix)
{
    struct pdf_doc p;
    struct ow_diag d = {0};
    assert_int_equal(pdf_read(in, n, &p, &d), OW_PARSE);
    assert_memory_equal(d.msg, msg_prefix, strlen(msg_prefix));
    assert_null(p.doc.text);
    assert_int_equal(p.doc.nblocks, 0);
    assert_null(p.block_page);
    pdf_doc_free(&p);
}

static void broken(void **state)
{
    expect_error("", 0, "damaged PDF: no %PDF- header");
    expect_error("<html>%%EOF", 11, "damaged PDF: no %PDF- header");
    expect_error("%PDF-1.7\n", 9, "truncated PDF: no %%EOF marker at the end");
    const char junk[] = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nnonsense\n%%EOF\n";
    expect_error(junk, sizeof junk - 1, "damaged PDF: ");

    struct ow_buf b;
    make_notice(&b);
    expect_error(b.data, b.len / 2, "truncated PDF: no %%EOF marker at the end");
    /* Bytes overwritten all over a valid PDF (its %%EOF kept): poppler
     * repairs what it can; any outcome but a crash or a hang is fine. */
    char *bad = malloc(b.len);
    assert_non_null(bad);
    unsigned seed = 12345;
    for (int round = 0; round < 20; round++) {
        memcpy(bad, b.data, b.len);
        for (int k = 0; k < 40; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = 9 + (seed >> 8) % (b.len - 40);
            bad[at] = (char)(seed >> 3);
        }
        struct pdf_doc p;
        struct ow_diag d = {0};
        ow_err e = pdf_read(bad, b.len, &p, &d);
        assert_true(e == OW_OK || e == OW_PARSE);
        if (e == OW_OK)
            assert_non_null(p.doc.text);
        pdf_doc_free(&p);
    }
    free(bad);
    ow_buf_free(&b);
}

static void sniff(void **state)
{
    assert_true(pdf_looks_pdf("%PDF-1.7\n", 9));
    assert_true(pdf_looks_pdf(" \r\n\t%PDF-1.4", 12));
    assert_false(pdf_looks_pdf("%PDF", 4));
    assert_false(pdf_looks_pdf("", 0));
    assert_false(pdf_looks_pdf("<html>%PDF-1.4", 14));
    assert_false(pdf_looks_pdf("x%PDF-1.4", 9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sniff),
        cmocka_unit_test(reads_layout),
        cmocka_unit_test(image_only),
        cmocka_unit_test(broken),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* cairo's font caches are process-wide: drop them, so that LeakSanitizer
     * reports only what the tests themselves leave behind. */
    cairo_debug_reset_static_data();
    return failed;
}
