/* decode/decode.c — picking a page's charset and converting it to UTF-8.
 *
 * Everything goes through ICU's converters, pivoting through UTF-16 in
 * fixed-size chunks, so memory is the output plus a few kilobytes and time
 * is linear.  Candidate charsets are compared by counting the sequences ICU
 * rejects: the count stops early once a candidate is no better than the best
 * so far, so verification costs at most a few passes over the input. */
#include "decode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uchardet/uchardet.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/utypes.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "internal.h"

#define PRESCAN_BYTES 1024       /* WHATWG: <meta> must start in the first KB */
#define DETECT_BYTES (1u << 20)  /* uchardet settles long before this */
#define CHUNK 4096               /* UTF-16 units per conversion step */

/* Labels that must not be left to ICU's alias table, plus the common ones
 * (so that the reported name is stable).  Every Shift_JIS spelling is the
 * Windows mapping, as in the WHATWG Encoding Standard: pages that say
 * Shift_JIS are written with CP932 editors (①, ㈱, 髙, ～). */
static const struct {
    const char *label;
    const char *icu;
    const char *canon;
} labels[] = {
    {"shift_jis", "windows-31j", "windows-31j"},
    {"shift-jis", "windows-31j", "windows-31j"},
    {"sjis", "windows-31j", "windows-31j"},
    {"x-sjis", "windows-31j", "windows-31j"},
    {"ms_kanji", "windows-31j", "windows-31j"},
    {"windows-31j", "windows-31j", "windows-31j"},
    {"cp932", "windows-31j", "windows-31j"},
    {"ms932", "windows-31j", "windows-31j"},
    {"x-ms-cp932", "windows-31j", "windows-31j"},
    {"csshiftjis", "windows-31j", "windows-31j"},
    {"cswindows31j", "windows-31j", "windows-31j"},
    {"euc-jp", "EUC-JP", "EUC-JP"},
    {"x-euc-jp", "EUC-JP", "EUC-JP"},
    {"eucjp", "EUC-JP", "EUC-JP"},
    {"euc_jp", "EUC-JP", "EUC-JP"},
    {"cseucpkdfmtjapanese", "EUC-JP", "EUC-JP"},
    {"iso-2022-jp", "ISO-2022-JP", "ISO-2022-JP"},
    {"csiso2022jp", "ISO-2022-JP", "ISO-2022-JP"},
    {"iso2022jp", "ISO-2022-JP", "ISO-2022-JP"},
    {"utf-8", "UTF-8", "UTF-8"},
    {"utf8", "UTF-8", "UTF-8"},
    {"unicode-1-1-utf-8", "UTF-8", "UTF-8"},
    {"ascii", "UTF-8", "UTF-8"},   /* uchardet's name for pure ASCII */
    {"utf-16le", "UTF-16LE", "UTF-16LE"},
    {"utf-16", "UTF-16LE", "UTF-16LE"},  /* WHATWG: plain utf-16 is LE */
    {"unicode", "UTF-16LE", "UTF-16LE"},
    {"utf-16be", "UTF-16BE", "UTF-16BE"},
};

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_unicode(const struct dec_cs *cs)
{
    return strncmp(cs->canon, "UTF-", 4) == 0;
}

static int is_japanese(const struct dec_cs *cs)
{
    return !strcmp(cs->canon, "windows-31j") || !strcmp(cs->canon, "EUC-JP") ||
           !strcmp(cs->canon, "ISO-2022-JP");
}

/* Copies a label for declared[]: printable ASCII only (it ends up in JSON,
 * and a page's bytes may be anything), truncated to fit. */
static void copy_label(char dst[40], const char *s, size_t n)
{
    while (n && (is_blank((unsigned char)*s) || *s == '"' || *s == '\''))
        s++, n--;
    while (n && (is_blank((unsigned char)s[n - 1]) || s[n - 1] == '"' || s[n - 1] == '\''))
        n--;
    size_t k = 0;
    for (; k < n && k < 39; k++) {
        unsigned char c = (unsigned char)s[k];
        dst[k] = c > 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[k] = '\0';
}

int dec_lookup(const char *label, size_t n, struct dec_cs *cs)
{
    char name[64];
    while (n && (is_blank((unsigned char)*label) || *label == '"' || *label == '\''))
        label++, n--;
    while (n && (is_blank((unsigned char)label[n - 1]) || label[n - 1] == '"' ||
                 label[n - 1] == '\''))
        n--;
    if (n == 0 || n >= sizeof name)
        return 0;
    /* ICU reads ',' as an option separator and '\0' would cut the name:
     * a label is letters, digits and a little punctuation. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)label[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':' || c == '+'))
            return 0;
        name[i] = (char)c;
    }
    name[n] = '\0';
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        if (strcasecmp(name, labels[i].label) == 0) {
            snprintf(cs->icu, sizeof cs->icu, "%s", labels[i].icu);
            snprintf(cs->canon, sizeof cs->canon, "%s", labels[i].canon);
            cs->sbcs = 0;
            return 1;
        }
    }
    UErrorCode ue = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(name, &ue);
    if (U_FAILURE(ue))
        return 0;
    const char *internal = ucnv_getName(cnv, &ue);
    if (U_FAILURE(ue)) {
        ucnv_close(cnv);
        return 0;
    }
    /* ICU aliases some Shift_JIS names to IBM's table (0x5C → ¥, 0x8160 →
     * 〜): no Japanese page wants that one. */
    if (strncmp(internal, "ibm-943", 7) == 0 || strncmp(internal, "ibm-932", 7) == 0) {
        ucnv_close(cnv);
        return dec_lookup("windows-31j", 11, cs);
    }
    UErrorCode ue2 = U_ZERO_ERROR;
    const char *std = ucnv_getStandardName(internal, "MIME", &ue2);
    if (!std || U_FAILURE(ue2)) {
        ue2 = U_ZERO_ERROR;
        std = ucnv_getStandardName(internal, "IANA", &ue2);
    }
    if (!std || U_FAILURE(ue2))
        std = internal;
    snprintf(cs->icu, sizeof cs->icu, "%s", name);
    snprintf(cs->canon, sizeof cs->canon, "%s", std);
    cs->sbcs = ucnv_getMaxCharSize(cnv) == 1;
    ucnv_close(cnv);
    return 1;
}

/* ---- conversion ---------------------------------------------------------- */

struct sink {
    struct ow_buf *b;   /* NULL: count only */
    size_t errors;      /* U+FFFD written (by ICU's callback or by us) */
    size_t limit;       /* stop counting-only runs here (0: none) */
    int strip_bom;
    int at_start;
    UChar pend;         /* lead surrogate waiting for its trail */
};

/* ICU calls this once per invalid or unmappable sequence: write one U+FFFD
 * and count it (ICU's own substitute may be U+001A for some converters). */
static void sub_cb(const void *ctx, UConverterToUnicodeArgs *args, const char *units,
                   int32_t n, UConverterCallbackReason reason, UErrorCode *err)
{
    (void)units;
    (void)n;
    if (reason != UCNV_UNASSIGNED && reason != UCNV_ILLEGAL && reason != UCNV_IRREGULAR)
        return;
    struct sink *s = (struct sink *)ctx;
    static const UChar fffd = 0xFFFD;
    s->errors++;
    *err = U_ZERO_ERROR;
    ucnv_cbToUWriteUChars(args, &fffd, 1, 0, err);
}

static size_t put_utf8(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | c >> 6);
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | c >> 12);
        o[1] = (char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | c >> 18);
    o[1] = (char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (char)(0x80 | (c >> 6 & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* UTF-16 → UTF-8.  U+0000 becomes U+FFFD (downstream is C strings), as does
 * a lone surrogate (ICU should never produce one; cheap to be sure). */
static ow_err emit(struct sink *s, const UChar *u, size_t n)
{
    char tmp[CHUNK * 3 + 8];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = u[i];
        if (s->pend) {
            uint32_t lead = s->pend;
            s->pend = 0;
            if (c >= 0xDC00 && c <= 0xDFFF) {
                k += put_utf8(tmp + k, 0x10000 + ((lead - 0xD800) << 10) + (c - 0xDC00));
                continue;
            }
            s->errors++;
            k += put_utf8(tmp + k, 0xFFFD);
        }
        if (c >= 0xD800 && c <= 0xDBFF) {
            s->pend = (UChar)c;
            s->at_start = 0;
            continue;
        }
        if ((c >= 0xDC00 && c <= 0xDFFF) || c == 0) {
            s->errors++;
            c = 0xFFFD;
        }
        if (c == 0xFEFF && s->at_start && s->strip_bom) {
            s->at_start = 0;
            continue;
        }
        s->at_start = 0;
        k += put_utf8(tmp + k, c);
    }
    if (s->b && k) {
        ow_err e = ow_buf_append(s->b, tmp, k);
        if (e)
            return e;
    }
    return OW_OK;
}

static ow_err run(const char *icu, const char *in, size_t len, struct sink *s, struct ow_diag *d)
{
    UErrorCode ue = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(icu, &ue);
    if (U_FAILURE(ue))
        return ow_diagf_foreign(d, OW_CHARSET, OW_FOREIGN_ICU, (int)ue,
                                "ICU cannot open charset %s: %s", icu, u_errorName(ue));
    ucnv_setToUCallBack(cnv, sub_cb, s, NULL, NULL, &ue);
    if (U_FAILURE(ue)) {
        ucnv_close(cnv);
        return ow_diagf_foreign(d, OW_DECODE, OW_FOREIGN_ICU, (int)ue,
                                "ICU callback for %s: %s", icu, u_errorName(ue));
    }
    UChar chunk[CHUNK];
    const char *src = in, *end = in + len;
    ow_err e = OW_OK;
    for (;;) {
        UChar *t = chunk;
        ue = U_ZERO_ERROR;
        ucnv_toUnicode(cnv, &t, chunk + CHUNK, &src, end, NULL, 1, &ue);
        if ((e = emit(s, chunk, (size_t)(t - chunk))) != OW_OK) {
            ow_diagf(d, e, "decoded text too large");
            break;
        }
        if (ue == U_BUFFER_OVERFLOW_ERROR) {
            if (!s->b && s->limit && s->errors >= s->limit)
                break;   /* counting only, and already no better than the best */
            continue;
        }
        if (U_FAILURE(ue))
            e = ow_diagf_foreign(d, OW_DECODE, OW_FOREIGN_ICU, (int)ue,
                                 "ICU %s conversion failed at byte %zu: %s", icu,
                                 (size_t)(src - in), u_errorName(ue));
        break;
    }
    if (s->pend && !e) {
        static const UChar fffd = 0xFFFD;
        s->pend = 0;
        s->errors++;
        e = emit(s, &fffd, 1);
    }
    ucnv_close(cnv);
    return e;
}

ow_err dec_convert(const char *icu, const char *in, size_t len, int strip_bom,
                   struct ow_buf *out, size_t *errors, struct ow_diag *d)
{
    /* Valid UTF-8 without NULs converts to itself (less a leading BOM): the
     * common case, copied without the round trip through UTF-16. */
    if (!strcasecmp(icu, "UTF-8") && !memchr(in, 0, len) && ow_utf8_valid(in, len)) {
        size_t skip = strip_bom && len >= 3 && !memcmp(in, "\xef\xbb\xbf", 3) ? 3 : 0;
        ow_err e = ow_buf_append(out, in + skip, len - skip);
        return e ? ow_diagf(d, e, "decoded text too large") : OW_OK;
    }
    struct sink s = {.b = out, .strip_bom = strip_bom, .at_start = 1};
    ow_err e = run(icu, in, len, &s, d);
    if (errors)
        *errors += s.errors;
    return e;
}

/* Errors that `icu` makes on the input, or `limit` or more if it makes at
 * least that many ((size_t)-1 when ICU cannot open it). */
static size_t count_errors(const char *icu, const char *in, size_t len, size_t limit)
{
    struct sink s = {.b = NULL, .limit = limit, .at_start = 1};
    if (run(icu, in, len, &s, NULL) != OW_OK)
        return (size_t)-1;
    return s.errors;
}

/* ---- sniffing ------------------------------------------------------------ */

static int has_high(const char *in, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)in[i] >= 0x80)
            return 1;
    return 0;
}

/* 1 when at least three quarters of the bytes above 0x7F belong to valid
 * UTF-8 sequences: UTF-8 with a few stray bytes, not text in another
 * charset.  CP932 and EUC-JP pages come to 20-40% (their byte pairs only
 * now and then form UTF-8), UTF-8 pages with stray bytes to 85% and more,
 * while such a page can read as CP932 mojibake with fewer errors than as
 * UTF-8, so the error count alone would pick CP932.  (Counting sequences
 * against four times the bad bytes, as before, missed a short page with six
 * stray bytes among twenty characters.) */
static int mostly_utf8(const char *in, size_t len)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t good = 0, bad = 0, i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = ow_utf8_seqlen(p + i, len - i);
        if (k) {
            good += k;
            i += k;
        } else {
            bad++;
            i++;
        }
    }
    return good >= 3 * bad;
}

/* An ISO-2022-JP designation (ESC $ @, ESC $ B, ESC $ ( D, ESC ( J, ESC ( I):
 * 7-bit text that is valid ASCII and valid UTF-8 but means Japanese. */
static int has_jis_escape(const char *in, size_t len)
{
    const char *p = in, *end = in + len;
    while ((p = memchr(p, 0x1B, (size_t)(end - p))) != NULL) {
        if (end - p >= 3 && ((p[1] == '$' && (p[2] == '@' || p[2] == 'B' || p[2] == '(')) ||
                             (p[1] == '(' && (p[2] == 'J' || p[2] == 'I'))))
            return 1;
        p++;
    }
    return 0;
}

/* Byte-order mark: its length, and the charset in *cs. */
static size_t bom(const char *in, size_t len, struct dec_cs *cs)
{
    const unsigned char *p = (const unsigned char *)in;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return dec_lookup("UTF-8", 5, cs) ? 3 : 0;
    if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE)
        return dec_lookup("UTF-16LE", 8, cs) ? 2 : 0;
    if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF)
        return dec_lookup("UTF-16BE", 8, cs) ? 2 : 0;
    return 0;
}

/* UTF-16 without a BOM: ASCII characters (markup, digits, newlines) leave a
 * zero byte on one side of each pair and almost never on the other; the
 * units must also read as text (few controls). */
static int sniff_utf16(const char *in, size_t len, struct dec_cs *cs)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t n = (len < PRESCAN_BYTES ? len : PRESCAN_BYTES) & ~(size_t)1;
    if (n < 8)
        return 0;
    size_t ze = 0, zo = 0, pairs = n / 2;
    for (size_t i = 0; i < n; i += 2) {
        ze += p[i] == 0;
        zo += p[i + 1] == 0;
    }
    int le;
    if (zo * 5 >= pairs && ze * 8 <= zo)
        le = 1;
    else if (ze * 5 >= pairs && zo * 8 <= ze)
        le = 0;
    else
        return 0;
    size_t bad = 0;
    for (size_t i = 0; i < n; i += 2) {
        unsigned u = le ? (unsigned)(p[i] | p[i + 1] << 8) : (unsigned)(p[i] << 8 | p[i + 1]);
        if (u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != '\f')
            bad++;
    }
    if (bad * 20 > pairs)
        return 0;
    return dec_lookup(le ? "UTF-16LE" : "UTF-16BE", 8, cs);
}

/* Not text: a known file signature, or control bytes all over the first KB. */
static const char *binary_kind(const char *in, size_t len)
{
    static const struct {
        const char *sig;
        size_t n;
        const char *what;
    } sigs[] = {
        {"%PDF-", 5, "a PDF document"},
        {"\x89PNG\r\n\x1a\n", 8, "a PNG image"},
        {"GIF87a", 6, "a GIF image"},
        {"GIF89a", 6, "a GIF image"},
        {"\xff\xd8\xff", 3, "a JPEG image"},
        {"PK\x03\x04", 4, "a ZIP archive (or an Office file)"},
        {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an old Office (OLE) file"},
        {"\x1f\x8b", 2, "gzip data"},
        {"7z\xbc\xaf\x27\x1c", 6, "a 7-Zip archive"},
        {"Rar!\x1a\x07", 6, "a RAR archive"},
        {"\x7f" "ELF", 4, "an ELF executable"},
        {"RIFF", 4, "a RIFF (WebP/WAV/AVI) file"},
    };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (len >= sigs[i].n && memcmp(in, sigs[i].sig, sigs[i].n) == 0)
            return sigs[i].what;
    size_t n = len < PRESCAN_BYTES ? len : PRESCAN_BYTES, bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        /* ESC stays: ISO-2022-JP is built from it. */
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B)
            bad++;
    }
    /* One stray NUL is a damaged text file; more than 1 in 20 is not text. */
    if (bad >= 2 && bad * 20 > n)
        return "binary data (control bytes in the first KB)";
    return NULL;
}

/* ---- <meta> prescan (after the WHATWG "prescan a byte stream") ---------- */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int starts_ci(const char *p, const char *end, const char *s)
{
    for (; *s; p++, s++)
        if (p >= end || lower((unsigned char)*p) != *s)
            return 0;
    return 1;
}

/* One attribute at *pp; 0 at '>' or the end.  Name lower-cased into name[],
 * value borrowed from the input. */
static int get_attr(const char **pp, const char *end, char name[16], const char **val,
                    size_t *vlen)
{
    const char *p = *pp;
    while (p < end && (is_blank((unsigned char)*p) || *p == '/'))
        p++;
    if (p >= end || *p == '>')
        return 0;
    size_t k = 0;
    while (p < end && *p != '=' && *p != '>' && *p != '/' && !is_blank((unsigned char)*p)) {
        if (k < 15)
            name[k++] = (char)lower((unsigned char)*p);
        p++;
    }
    name[k] = '\0';
    *val = p;
    *vlen = 0;
    while (p < end && is_blank((unsigned char)*p))
        p++;
    if (p < end && *p == '=') {
        p++;
        while (p < end && is_blank((unsigned char)*p))
            p++;
        if (p < end && (*p == '"' || *p == '\'')) {
            char q = *p++;
            *val = p;
            while (p < end && *p != q)
                p++;
            *vlen = (size_t)(p - *val);
            if (p < end)
                p++;
        } else {
            *val = p;
            while (p < end && *p != '>' && !is_blank((unsigned char)*p))
                p++;
            *vlen = (size_t)(p - *val);
        }
    }
    *pp = p;
    return 1;
}

/* "text/html; charset=Shift_JIS" → the label (WHATWG's algorithm for
 * extracting a character encoding from a meta element). */
static int charset_from_content(const char *s, size_t n, const char **lab, size_t *lablen)
{
    const char *p = s, *end = s + n;
    while (p < end) {
        if (!starts_ci(p, end, "charset")) {
            p++;
            continue;
        }
        p += 7;
        while (p < end && is_blank((unsigned char)*p))
            p++;
        if (p >= end || *p != '=')
            continue;
        p++;
        while (p < end && is_blank((unsigned char)*p))
            p++;
        if (p < end && (*p == '"' || *p == '\'')) {
            char q = *p++;
            const char *v = p;
            while (p < end && *p != q)
                p++;
            if (p >= end)
                return 0;
            *lab = v;
            *lablen = (size_t)(p - v);
            return *lablen > 0;
        }
        const char *v = p;
        while (p < end && !is_blank((unsigned char)*p) && *p != ';')
            p++;
        *lab = v;
        *lablen = (size_t)(p - v);
        return *lablen > 0;
    }
    return 0;
}

/* The charset label a <meta> (or an XML declaration) gives in the first KB. */
static int prescan(const char *in, size_t len, const char **lab, size_t *lablen)
{
    size_t lim = len < PRESCAN_BYTES ? len : PRESCAN_BYTES;
    /* a tag that starts inside the first KB may finish a little later */
    const char *p = in, *stop = in + lim, *end = in + (len < lim + 512 ? len : lim + 512);
    if (starts_ci(p, end, "<?xml")) {
        const char *q = memchr(p, '>', (size_t)(end - p));
        if (q) {
            char name[16];
            const char *v;
            size_t vn;
            const char *a = p + 5;
            while (a < q && get_attr(&a, q, name, &v, &vn)) {
                if (!strcmp(name, "encoding") && vn) {
                    *lab = v;
                    *lablen = vn;
                    return 1;
                }
                if (a < q && *a == '?')
                    a++;
            }
        }
    }
    while (p < stop) {
        if (*p != '<') {
            p++;
            continue;
        }
        if (starts_ci(p, end, "<!--")) {
            const char *q = p + 4;
            while (q + 2 < end && !(q[0] == '-' && q[1] == '-' && q[2] == '>'))
                q++;
            p = q + 2 < end ? q + 3 : end;
            continue;
        }
        if (starts_ci(p, end, "<meta") && p + 5 < end &&
            (is_blank((unsigned char)p[5]) || p[5] == '/')) {
            const char *a = p + 5, *v, *cs = NULL;
            size_t vn, csn = 0;
            char name[16];
            int got_pragma = 0, need_pragma = 0; /* 0 unset, 1 no, 2 yes */
            while (get_attr(&a, end, name, &v, &vn)) {
                if (!strcmp(name, "http-equiv")) {
                    if (vn == 12 && strncasecmp(v, "content-type", 12) == 0)
                        got_pragma = 1;
                } else if (!strcmp(name, "content")) {
                    if (!cs && charset_from_content(v, vn, &cs, &csn))
                        need_pragma = 2;
                } else if (!strcmp(name, "charset") && vn) {
                    cs = v;
                    csn = vn;
                    need_pragma = 1;
                }
            }
            if (cs && (need_pragma == 1 || (need_pragma == 2 && got_pragma))) {
                *lab = cs;
                *lablen = csn;
                return 1;
            }
            p = a;
            continue;
        }
        if (p + 1 < end && (p[1] == '!' || p[1] == '?' || p[1] == '/' ||
                            (lower((unsigned char)p[1]) >= 'a' && lower((unsigned char)p[1]) <= 'z'))) {
            /* skip the tag, quotes included, so '<meta' in an attribute
             * value does not count */
            const char *a = p + 2, *v;
            size_t vn;
            char name[16];
            if (p[1] == '!' || p[1] == '?') {
                const char *q = memchr(p, '>', (size_t)(end - p));
                p = q ? q + 1 : end;
                continue;
            }
            while (a < end && *a != '>' && !is_blank((unsigned char)*a))
                a++;
            while (get_attr(&a, end, name, &v, &vn))
                ;
            p = a;
            continue;
        }
        p++;
    }
    return 0;
}

/* ---- detection ----------------------------------------------------------- */

/* uchardet's answer, resolved; 0 when it has none ICU knows. */
static int uchardet_guess(const char *in, size_t len, struct dec_cs *cs)
{
    uchardet_t ud = uchardet_new();
    if (!ud)
        return 0;
    size_t n = len < DETECT_BYTES ? len : DETECT_BYTES;
    int ok = 0;
    if (uchardet_handle_data(ud, in, n) == 0) {
        uchardet_data_end(ud);
        const char *name = uchardet_get_charset(ud);
        if (name && *name) {
            if (strcasecmp(name, "UTF-16") == 0)
                ok = sniff_utf16(in, len, cs) || dec_lookup("UTF-16LE", 8, cs);
            else
                ok = dec_lookup(name, strlen(name), cs);
        }
    }
    uchardet_delete(ud);
    return ok;
}

/* The candidate with the fewest errors: ISO-2022-JP when its escapes occur,
 * the detector's answer when it is Japanese or Unicode, then UTF-8, EUC-JP,
 * windows-31j, and a non-Japanese detector answer last (a single-byte
 * charset never fails, so on a tie the Japanese reading wins).  EUC-JP
 * comes before windows-31j because EUC-JP text often happens to be valid
 * CP932, not the other way round.  Candidates equal to `skip` are left out;
 * only answers with fewer than `limit` errors count.  Returns 1 and fills
 * *best / *best_err. */
static int pick_best(const char *in, size_t len, const struct dec_cs *skip, size_t limit,
                     struct dec_cs *best, size_t *best_err)
{
    struct dec_cs cand[6], det;
    size_t nc = 0;
    int jis = has_jis_escape(in, len < DETECT_BYTES ? len : DETECT_BYTES);
    /* 7-bit text with ISO-2022-JP escapes reads as clean ASCII in every
     * other candidate, which says nothing about it: ISO-2022-JP is its only
     * reading, invalid bytes and all (and when that is the reading being
     * replaced, there is no better one). */
    if (jis && !has_high(in, len)) {
        if ((skip && !strcmp(skip->canon, "ISO-2022-JP")) || !dec_lookup("ISO-2022-JP", 11, best))
            return 0;
        *best_err = count_errors(best->icu, in, len, (size_t)-1);
        return 1;
    }
    if (jis && dec_lookup("ISO-2022-JP", 11, &cand[nc]))
        nc++;
    int have_det = uchardet_guess(in, len, &det);
    if (have_det && (is_japanese(&det) || is_unicode(&det)))
        cand[nc++] = det;
    static const char *const fixed[] = {"UTF-8", "EUC-JP", "windows-31j"};
    for (size_t i = 0; i < 3; i++)
        if (dec_lookup(fixed[i], strlen(fixed[i]), &cand[nc]))
            nc++;
    if (have_det && !is_japanese(&det) && !is_unicode(&det))
        cand[nc++] = det;
    int found = 0;
    size_t lim = limit;
    for (size_t i = 0; i < nc; i++) {
        if (skip && !strcmp(cand[i].canon, skip->canon))
            continue;
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= !strcmp(cand[i].canon, cand[j].canon);
        if (dup)
            continue;
        size_t e = count_errors(cand[i].icu, in, len, lim);
        if (e < lim) {
            *best = cand[i];
            *best_err = e;
            lim = e;
            found = 1;
            if (e == 0)
                break;
        }
    }
    return found;
}

void dec_guess(const char *in, size_t len, struct dec_cs *cs)
{
    size_t err;
    if ((!has_jis_escape(in, len) && mostly_utf8(in, len)) ||
        !pick_best(in, len, NULL, (size_t)-1, cs, &err))
        dec_lookup("UTF-8", 5, cs);
}

/* ---- the chain ----------------------------------------------------------- */

static void set_used(struct decode_result *r, const struct dec_cs *cs, enum decode_source src)
{
    snprintf(r->charset, sizeof r->charset, "%s", cs->canon);
    r->source = src;
}

/* Decodes with a declared charset, or with a better one when the bytes
 * contradict the declaration. */
static ow_err declared_convert(const char *in, size_t len, const struct dec_cs *cs,
                               enum decode_source src, struct ow_buf *out,
                               struct decode_result *r, struct ow_diag *d)
{
    size_t start = out->len, err = 0;
    ow_err e = dec_convert(cs->icu, in, len, 1, out, &err, d);
    if (e)
        return e;
    /* A clean single-byte reading of 8-bit text, or an ASCII-compatible
     * reading of ISO-2022-JP escapes, is wrong without a single error. */
    int suspect = err > 0 || (cs->sbcs && has_high(in, len)) ||
                  (strcmp(cs->canon, "ISO-2022-JP") != 0 && strncmp(cs->canon, "UTF-16", 6) != 0 &&
                   has_jis_escape(in, len < DETECT_BYTES ? len : DETECT_BYTES));
    if (err > 0 && !strcmp(cs->canon, "UTF-8") && mostly_utf8(in, len))
        suspect = 0;
    struct dec_cs alt;
    size_t alt_err;
    if (suspect && pick_best(in, len, cs, err ? err : 1, &alt, &alt_err)) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        err = 0;
        if ((e = dec_convert(alt.icu, in, len, 1, out, &err, d)) != OW_OK)
            return e;
        set_used(r, &alt, DECODE_SRC_DETECTOR);
        r->fallback = 1;
    } else {
        set_used(r, cs, src);
    }
    r->invalid += err;
    return OW_OK;
}

ow_err dec_text(const char *in, size_t len, const char *override, const char *declared,
                enum decode_source dsrc, int prescan_meta, struct ow_buf *out,
                struct decode_result *r, struct ow_diag *d)
{
    struct dec_cs cs;
    size_t err = 0, skip;
    ow_err e;

    if (override) {
        if (!dec_lookup(override, strlen(override), &cs))
            return ow_diagf(d, OW_CHARSET, "unknown charset \"%s\"", override);
        /* "utf-16" as given by a user means "whichever the BOM says" */
        struct dec_cs b;
        if (is_unicode(&cs) && strcmp(cs.canon, "UTF-8") != 0 && bom(in, len, &b) == 2)
            cs = b;
        if ((e = dec_convert(cs.icu, in, len, 1, out, &err, d)) != OW_OK)
            return e;
        set_used(r, &cs, DECODE_SRC_OVERRIDE);
        r->invalid += err;
        return OW_OK;
    }
    if (declared)
        copy_label(r->declared, declared, strlen(declared));
    /* A BOM beats the HTTP header (WHATWG, and every browser): it is never
     * there by accident, while server defaults often are. */
    if ((skip = bom(in, len, &cs)) != 0) {
        if (declared) {
            struct dec_cs dc;
            r->fallback = !dec_lookup(declared, strlen(declared), &dc) || strcmp(dc.canon, cs.canon);
        }
        if ((e = dec_convert(cs.icu, in + skip, len - skip, 1, out, &err, d)) != OW_OK)
            return e;
        set_used(r, &cs, DECODE_SRC_BOM);
        r->invalid += err;
        return OW_OK;
    }
    if (declared) {
        if (dec_lookup(declared, strlen(declared), &cs))
            return declared_convert(in, len, &cs, dsrc, out, r, d);
        r->fallback = 1;   /* a label nobody knows: carry on down the chain */
    }
    const char *lab;
    size_t labn;
    if (prescan_meta && prescan(in, len, &lab, &labn)) {
        if (!r->declared[0])
            copy_label(r->declared, lab, labn);
        if (dec_lookup(lab, labn, &cs)) {
            /* a page that can say "<meta" in ASCII is not UTF-16 (WHATWG) */
            if (strncmp(cs.canon, "UTF-16", 6) == 0)
                dec_lookup("UTF-8", 5, &cs);
            return declared_convert(in, len, &cs, DECODE_SRC_META, out, r, d);
        }
        r->fallback = 1;
    }
    /* Nothing usable was declared: (nearly) valid UTF-8 is UTF-8 (no other
     * Japanese charset produces it by accident), then the detector. */
    enum decode_source src = DECODE_SRC_DETECTOR;
    int jis = has_jis_escape(in, len < DETECT_BYTES ? len : DETECT_BYTES);
    size_t best_err;
    if (!sniff_utf16(in, len, &cs)) {
        if (!jis && !has_high(in, len)) {
            dec_lookup("UTF-8", 5, &cs);   /* plain ASCII: nothing to detect */
            src = DECODE_SRC_DEFAULT;
        } else if (!jis && mostly_utf8(in, len)) {
            dec_lookup("UTF-8", 5, &cs);
        } else if (!pick_best(in, len, NULL, (size_t)-1, &cs, &best_err)) {
            dec_lookup("UTF-8", 5, &cs);
            src = DECODE_SRC_DEFAULT;
        }
    }
    if ((e = dec_convert(cs.icu, in, len, 1, out, &err, d)) != OW_OK)
        return e;
    set_used(r, &cs, src);
    r->invalid += err;
    return OW_OK;
}

/* ---- public -------------------------------------------------------------- */

ow_err decode_bytes(const char *in, size_t len, const struct decode_hints *hints,
                    struct decode_result *out, struct ow_diag *d)
{
    memset(out, 0, sizeof *out);
    if (len == 0 || !in)
        return ow_diagf(d, OW_EMPTY, "input is empty");
    struct dec_cs cs;
    int utf16 = (bom(in, len, &cs) && strcmp(cs.canon, "UTF-8") != 0) || sniff_utf16(in, len, &cs);
    if (!utf16) {
        const char *what = binary_kind(in, len);
        if (what)
            return ow_diagf(d, OW_BINARY, "input is not text: %s", what);
    }
    const char *override = hints ? hints->override : NULL;
    if (!utf16 && mail_detect(in, len))
        return mail_decode(in, len, override, out, d);

    struct ow_buf b;
    ow_buf_init(&b, 0);
    ow_err e = dec_text(in, len, override, hints ? hints->http_charset : NULL,
                        DECODE_SRC_HTTP, 1, &b, out, d);
    if (e == OW_OK) {
        size_t bom3 = len >= 3 && !memcmp(in, "\xef\xbb\xbf", 3) ? 3 : 0;
        if (hints && hints->share_input && b.len == len - bom3 && !memcmp(b.data, in + bom3, b.len)) {
            ow_buf_free(&b);
            out->text = in + bom3;
            out->len = len - bom3;
        } else if (!(out->text = out->own = ow_buf_take(&b, &out->len))) {
            e = ow_diagf(d, OW_NOMEM, "out of memory");
        }
        if (!e && out->len == 0)
            e = ow_diagf(d, OW_EMPTY, "input holds no text (only a byte-order mark)");
    }
    if (e) {
        ow_buf_free(&b);
        decode_result_free(out);
        memset(out, 0, sizeof *out);
    }
    return e;
}

void decode_result_free(struct decode_result *r)
{
    if (!r)
        return;
    free(r->own);
    r->own = NULL;
    r->text = NULL;
    r->len = 0;
}

const char *decode_source_name(enum decode_source s)
{
    switch (s) {
    case DECODE_SRC_OVERRIDE: return "override";
    case DECODE_SRC_HTTP: return "http";
    case DECODE_SRC_BOM: return "bom";
    case DECODE_SRC_META: return "meta";
    case DECODE_SRC_MAIL: return "mail";
    case DECODE_SRC_DETECTOR: return "detector";
    case DECODE_SRC_DEFAULT: return "default";
    }
    return "default";
}
