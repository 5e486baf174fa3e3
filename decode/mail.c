/* decode/mail.c — e-mail messages (RFC 5322 headers, MIME parts, RFC 2047
 * encoded-words) to "Subject: …\nFrom: …\nDate: …\n\n<body>".
 *
 * Notices are often forwarded or archived as raw messages: an ISO-2022-JP
 * body under a Subject of =?ISO-2022-JP?B?…?= words.  The parser is
 * deliberately small: it reads the header block, walks multipart bodies to
 * the first text/plain part (else text/html), undoes the transfer encoding
 * and hands the bytes to the same charset chain as a page, with the part's
 * charset parameter as the declaration.  Every scan moves forward only;
 * nested multiparts rescan their part, at most MAX_DEPTH times. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "decode.h"
#include "internal.h"

#define MAX_DEPTH 8
#define MAX_HEADER_BYTES (1u << 20)   /* a header block longer than this is not one */

/* Header names that mark a message; one stray "Note: …" line is not enough. */
static const char *const known_names[] = {
    "from", "subject", "date", "mime-version", "content-type", "received",
    "return-path", "to", "cc", "reply-to", "message-id", "sender",
    "content-transfer-encoding", "x-mailer", "delivered-to", "in-reply-to",
    "references", "user-agent", "x-original-to", "dkim-signature",
    "authentication-results", "list-id",
};

/* End of the line starting at i (without its CR LF); *next is where the
 * following line starts. */
static size_t line_end(const char *p, size_t i, size_t n, size_t *next)
{
    const char *q = memchr(p + i, '\n', n - i);
    size_t e = q ? (size_t)(q - p) : n;
    *next = q ? e + 1 : n;
    if (e > i && p[e - 1] == '\r')
        e--;
    return e;
}

/* Length of "Name" when the line is "Name: …", else 0. */
static size_t name_len(const char *p, size_t n)
{
    size_t k = 0;
    while (k < n && p[k] != ':' && (unsigned char)p[k] > 32 && (unsigned char)p[k] < 127)
        k++;
    return k > 0 && k < n && p[k] == ':' ? k : 0;
}

static int is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

int mail_detect(const char *in, size_t len)
{
    size_t i = 0, next, known = 0;
    size_t n = len < MAX_HEADER_BYTES ? len : MAX_HEADER_BYTES;
    if (n >= 5 && memcmp(in, "From ", 5) == 0) {   /* mbox separator line */
        line_end(in, 0, n, &next);
        i = next;
    }
    int first = 1;
    while (i < n) {
        size_t e = line_end(in, i, n, &next);
        if (e == i)
            break;
        if (is_wsp(in[i])) {
            if (first)
                return 0;
        } else {
            size_t k = name_len(in + i, e - i);
            if (!k)
                return 0;
            for (size_t j = 0; j < sizeof known_names / sizeof known_names[0]; j++)
                if (strlen(known_names[j]) == k && strncasecmp(in + i, known_names[j], k) == 0) {
                    known++;
                    break;
                }
        }
        first = 0;
        i = next;
    }
    return known >= 2;
}

/* Splits a part at its blank line: headers [0, *hlen), body from the return
 * value.  A part whose first line is not a header has no headers. */
static size_t split_head(const char *p, size_t n, size_t *hlen)
{
    size_t i = 0, next;
    size_t e = line_end(p, 0, n, &next);
    if (e > 0 && !name_len(p, e)) {
        *hlen = 0;
        return 0;
    }
    while (i < n) {
        e = line_end(p, i, n, &next);
        if (e == i) {
            *hlen = i;
            return next;
        }
        i = next;
    }
    *hlen = n;
    return n;
}

/* First header `name` in the block: its raw value (folded lines included). */
static int find_header(const char *h, size_t hn, const char *name, const char **val, size_t *vlen)
{
    size_t i = 0, next, k = strlen(name);
    while (i < hn) {
        size_t e = line_end(h, i, hn, &next);
        if (!is_wsp(h[i]) && e - i > k && h[i + k] == ':' && strncasecmp(h + i, name, k) == 0) {
            size_t vs = i + k + 1;
            size_t ve = e;
            i = next;
            while (i < hn && is_wsp(h[i])) {
                ve = line_end(h, i, hn, &next);
                i = next;
            }
            *val = h + vs;
            *vlen = ve - vs;
            return 1;
        }
        i = next;
    }
    return 0;
}

/* Copies a header value into dst (lower-cased when lc) with folding undone
 * and surrounding blanks trimmed, truncated to fit. */
static void unfold_to(char *dst, size_t cap, const char *v, size_t n, int lc)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char c = v[i];
        if (c == '\r' || c == '\n')
            continue;
        if (c == '\t')
            c = ' ';
        if (k == 0 && c == ' ')
            continue;
        dst[k++] = lc && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    while (k && dst[k - 1] == ' ')
        k--;
    dst[k] = '\0';
}

/* The value of parameter `name` in a Content-Type-like value (already
 * unfolded), quotes and backslash escapes removed; "" when absent. */
static void get_param(const char *v, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    out[0] = '\0';
    const char *p = strchr(v, ';');
    while (p) {
        p++;
        while (*p == ' ')
            p++;
        const char *eq = p;
        while (*eq && *eq != '=' && *eq != ';')
            eq++;
        const char *ne = eq;
        while (ne > p && ne[-1] == ' ')
            ne--;
        if (*eq == '=' && (size_t)(ne - p) == nl && strncasecmp(p, name, nl) == 0) {
            const char *s = eq + 1;
            size_t k = 0;
            while (*s == ' ')
                s++;
            if (*s == '"') {
                for (s++; *s && *s != '"'; s++) {
                    if (*s == '\\' && s[1])
                        s++;
                    if (k + 1 < cap)
                        out[k++] = *s;
                }
            } else {
                for (; *s && *s != ';' && *s != ' '; s++)
                    if (k + 1 < cap)
                        out[k++] = *s;
            }
            out[k] = '\0';
            return;
        }
        p = strchr(p, ';');
    }
}

/* ---- transfer encodings -------------------------------------------------- */

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Base64 into out[] (room for n bytes); characters outside the alphabet
 * (line breaks, junk) are skipped, '=' ends the data. */
static size_t unbase64(const char *p, size_t n, char *out)
{
    size_t k = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '=')
            break;
        int v = b64val((unsigned char)p[i]);
        if (v < 0)
            continue;
        acc = (acc << 6 | (unsigned)v) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (char)(acc >> bits & 0xFF);
        }
    }
    return k;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Quoted-printable (body, or an encoded-word's Q form when q_word, where '_'
 * is a space) into out[] (room for n bytes).  A malformed '=' stays. */
static size_t unqp(const char *p, size_t n, char *out, int q_word)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '=' && !q_word) {
            size_t j = i + 1;
            while (j < n && (p[j] == ' ' || p[j] == '\t'))
                j++;
            if (j < n && (p[j] == '\n' || (p[j] == '\r' && j + 1 < n && p[j + 1] == '\n'))) {
                i = p[j] == '\r' ? j + 1 : j;   /* soft line break */
                continue;
            }
        }
        if (c == '=' && i + 2 < n && hexval((unsigned char)p[i + 1]) >= 0 &&
            hexval((unsigned char)p[i + 2]) >= 0) {
            out[k++] = (char)(hexval((unsigned char)p[i + 1]) << 4 | hexval((unsigned char)p[i + 2]));
            i += 2;
            continue;
        }
        out[k++] = q_word && c == '_' ? ' ' : c;
    }
    return k;
}

/* ---- encoded-words (RFC 2047) -------------------------------------------- */

struct words {
    struct ow_buf *out;
    size_t *invalid;
    struct ow_diag *d;
    struct ow_buf pend;      /* decoded bytes of adjacent words in one charset */
    struct dec_cs pcs;
    int have_pend;
};

/* Converting adjacent words together mends characters that a careless
 * encoder split across two words. */
static ow_err flush_words(struct words *w)
{
    if (!w->have_pend)
        return OW_OK;
    w->have_pend = 0;
    ow_err e = dec_convert(w->pcs.icu, w->pend.data ? w->pend.data : "", w->pend.len, 1,
                           w->out, w->invalid, w->d);
    ow_buf_reset(&w->pend);
    return e;
}

static ow_err raw_text(struct words *w, const char *p, size_t n)
{
    if (n == 0)
        return OW_OK;
    struct dec_cs cs;
    dec_guess(p, n, &cs);   /* 8-bit or ISO-2022-JP text sent without words */
    return dec_convert(cs.icu, p, n, 0, w->out, w->invalid, w->d);
}

/* Parses "=?charset?X?text?=" at p; fills the spans and returns its length,
 * or 0 when p does not start a well-formed word. */
static size_t parse_word(const char *p, size_t n, const char **cs, size_t *csn, char *enc,
                         const char **txt, size_t *txtn)
{
    if (n < 8 || p[0] != '=' || p[1] != '?')
        return 0;
    size_t i = 2;
    while (i < n && p[i] != '?' && !is_wsp(p[i]) && i < 66)
        i++;
    if (i >= n || p[i] != '?' || i == 2)
        return 0;
    *cs = p + 2;
    *csn = i - 2;
    if (i + 2 >= n || p[i + 2] != '?')
        return 0;
    *enc = p[i + 1];
    if (*enc != 'B' && *enc != 'b' && *enc != 'Q' && *enc != 'q')
        return 0;
    size_t t = i + 3, j = t;
    while (j < n && p[j] != '?' && !is_wsp(p[j]))
        j++;
    if (j + 1 >= n || p[j] != '?' || p[j + 1] != '=')
        return 0;
    *txt = p + t;
    *txtn = j - t;
    return j + 2;
}

static int all_wsp(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_wsp(p[i]))
            return 0;
    return 1;
}

static ow_err decode_words(const char *v, size_t n, struct ow_buf *out, size_t *invalid,
                           struct ow_diag *d)
{
    char *u = malloc(n + 1), *tmp = malloc(n + 1);
    if (!u || !tmp) {
        free(u);
        free(tmp);
        return ow_diagf(d, OW_NOMEM, "out of memory");
    }
    size_t un = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != '\r' && v[i] != '\n')
            u[un++] = v[i];
    size_t s = 0;
    while (s < un && is_wsp(u[s]))
        s++;
    while (un > s && is_wsp(u[un - 1]))
        un--;

    struct words w = {.out = out, .invalid = invalid, .d = d};
    ow_buf_init(&w.pend, 0);
    ow_err e = OW_OK;
    size_t rs = s, i = s;
    while (i < un && !e) {
        const char *cs, *txt;
        size_t csn, txtn, wl;
        char enc;
        if (u[i] != '=' || !(wl = parse_word(u + i, un - i, &cs, &csn, &enc, &txt, &txtn))) {
            i++;
            continue;
        }
        /* whitespace between two words is folding, not text */
        if (!(w.have_pend && all_wsp(u + rs, i - rs))) {
            if ((e = flush_words(&w)) != OW_OK || (e = raw_text(&w, u + rs, i - rs)) != OW_OK)
                break;
        }
        size_t bn = enc == 'B' || enc == 'b' ? unbase64(txt, txtn, tmp) : unqp(txt, txtn, tmp, 1);
        const char *star = memchr(cs, '*', csn);   /* RFC 2231 language suffix */
        struct dec_cs wcs;
        if (dec_lookup(cs, star ? (size_t)(star - cs) : csn, &wcs)) {
            /* Stateful ISO-2022 words each end in ASCII; joined, the
             * "ESC ( B ESC $ B" seam counts as an error (ICU, WHATWG). */
            if (w.have_pend && (strcmp(w.pcs.canon, wcs.canon) != 0 ||
                                strncmp(wcs.canon, "ISO-2022", 8) == 0))
                e = flush_words(&w);
            if (!e) {
                w.pcs = wcs;
                w.have_pend = 1;
                e = ow_buf_append(&w.pend, tmp, bn);
            }
        } else if (!(e = flush_words(&w))) {
            e = raw_text(&w, tmp, bn);
        }
        i += wl;
        rs = i;
    }
    if (!e)
        e = flush_words(&w);
    if (!e)
        e = raw_text(&w, u + rs, un - rs);
    ow_buf_free(&w.pend);
    free(u);
    free(tmp);
    if (e == OW_NOMEM || e == OW_TOOBIG)
        ow_diagf(d, e, "out of memory decoding a header");
    return e;
}

/* ---- parts --------------------------------------------------------------- */

struct pick {
    const char *body;
    size_t n;
    char charset[64];
    char cte[32];
    int html;
    int found;
};

static void consider(const char *h, size_t hn, const char *body, size_t bn, int depth,
                     struct pick *plain, struct pick *html);

/* Calls consider() on each part between "--boundary" lines. */
static void walk_multipart(const char *p, size_t n, const char *boundary, int depth,
                           struct pick *plain, struct pick *html)
{
    size_t bl = strlen(boundary), i = 0, next, start = 0;
    int in_part = 0;
    while (i < n && !(plain->found)) {
        size_t e = line_end(p, i, n, &next);
        if (e - i >= bl + 2 && p[i] == '-' && p[i + 1] == '-' &&
            memcmp(p + i + 2, boundary, bl) == 0) {
            size_t r = i + 2 + bl;
            int close = e - r >= 2 && p[r] == '-' && p[r + 1] == '-';
            if (close || all_wsp(p + r, e - r)) {
                if (in_part) {
                    size_t pe = i;   /* the line break before a delimiter belongs to it */
                    if (pe > start && p[pe - 1] == '\n')
                        pe--;
                    if (pe > start && p[pe - 1] == '\r')
                        pe--;
                    size_t hl, bo = split_head(p + start, pe - start, &hl);
                    consider(p + start, hl, p + start + bo, pe - start - bo, depth + 1, plain, html);
                }
                if (close)
                    return;
                in_part = 1;
                start = next;
            }
        }
        i = next;
    }
    if (in_part && !plain->found && start < n) {   /* no closing delimiter */
        size_t hl, bo = split_head(p + start, n - start, &hl);
        consider(p + start, hl, p + start + bo, n - start - bo, depth + 1, plain, html);
    }
}

static void consider(const char *h, size_t hn, const char *body, size_t bn, int depth,
                     struct pick *plain, struct pick *html)
{
    char ct[512], type[64], disp[32];
    const char *v;
    size_t vn;
    if (find_header(h, hn, "content-type", &v, &vn))
        unfold_to(ct, sizeof ct, v, vn, 0);
    else
        snprintf(ct, sizeof ct, "text/plain");
    size_t tl = strcspn(ct, "; ");
    unfold_to(type, sizeof type, ct, tl < sizeof type - 1 ? tl : sizeof type - 1, 1);
    disp[0] = '\0';
    if (find_header(h, hn, "content-disposition", &v, &vn))
        unfold_to(disp, sizeof disp, v, vn, 1);

    if (strncmp(type, "multipart/", 10) == 0) {
        char boundary[128];
        get_param(ct, "boundary", boundary, sizeof boundary);
        if (boundary[0] && depth < MAX_DEPTH)
            walk_multipart(body, bn, boundary, depth, plain, html);
        return;
    }
    if (strncmp(disp, "attachment", 10) == 0)
        return;
    struct pick *pk = !strcmp(type, "text/plain") ? plain : !strcmp(type, "text/html") ? html : NULL;
    if (!pk || pk->found)
        return;
    pk->found = 1;
    pk->body = body;
    pk->n = bn;
    pk->html = pk == html;
    get_param(ct, "charset", pk->charset, sizeof pk->charset);
    pk->cte[0] = '\0';
    if (find_header(h, hn, "content-transfer-encoding", &v, &vn))
        unfold_to(pk->cte, sizeof pk->cte, v, vn, 1);
}

/* Drops the CR of every CR LF (messages travel with CR LF line ends). */
static void crlf_to_lf(struct ow_buf *b)
{
    size_t k = 0;
    for (size_t i = 0; i < b->len; i++)
        if (!(b->data[i] == '\r' && i + 1 < b->len && b->data[i + 1] == '\n'))
            b->data[k++] = b->data[i];
    b->len = k;
    if (b->data)
        b->data[k] = '\0';
}

ow_err mail_decode(const char *in, size_t len, const char *override, struct decode_result *out,
                   struct ow_diag *d)
{
    static const char *const shown[] = {"Subject", "From", "Date"};
    memset(out, 0, sizeof *out);
    size_t start = 0, next;
    if (len >= 5 && memcmp(in, "From ", 5) == 0) {
        line_end(in, 0, len, &next);
        start = next;
    }
    size_t hn, bo = split_head(in + start, len - start, &hn);
    const char *h = in + start, *body = in + start + bo;
    size_t bn = len - start - bo;

    struct ow_buf b;
    ow_buf_init(&b, 0);
    ow_err e = OW_OK;
    const char *v;
    size_t vn;
    for (size_t i = 0; i < 3 && !e; i++) {
        if (!find_header(h, hn, shown[i], &v, &vn))
            continue;
        if ((e = ow_buf_printf(&b, "%s: ", shown[i])) != OW_OK)
            break;
        if ((e = decode_words(v, vn, &b, &out->invalid, d)) != OW_OK)
            break;
        e = ow_buf_addc(&b, '\n');
    }
    if (!e)
        e = ow_buf_addc(&b, '\n');
    crlf_to_lf(&b);   /* (an encoded-word may hold one) */
    out->body_off = b.len;

    struct pick plain = {0}, html = {0};
    if (!e)
        consider(h, hn, body, bn, 0, &plain, &html);
    struct pick *pk = plain.found ? &plain : html.found ? &html : NULL;
    snprintf(out->charset, sizeof out->charset, "UTF-8");
    out->source = DECODE_SRC_DEFAULT;
    if (!e && pk) {
        const char *bytes = pk->body;
        size_t nbytes = pk->n;
        char *tmp = NULL;
        int b64 = !strcmp(pk->cte, "base64"), qp = !strcmp(pk->cte, "quoted-printable");
        if (b64 || qp) {
            tmp = malloc(pk->n + 1);
            if (!tmp)
                e = ow_diagf(d, OW_NOMEM, "out of memory");
            else {
                nbytes = b64 ? unbase64(pk->body, pk->n, tmp) : unqp(pk->body, pk->n, tmp, 0);
                bytes = tmp;
            }
        }
        if (!e)
            e = dec_text(bytes, nbytes, override, pk->charset[0] ? pk->charset : NULL,
                         DECODE_SRC_MAIL, pk->html, &b, out, d);
        free(tmp);
    } else if (!e && override) {
        struct dec_cs cs;   /* an unknown override is an error even without a body */
        if (!dec_lookup(override, strlen(override), &cs))
            e = ow_diagf(d, OW_CHARSET, "unknown charset \"%s\"", override);
    }
    if (!e) {
        crlf_to_lf(&b);
        out->text = out->own = ow_buf_take(&b, &out->len);
        if (!out->text)
            e = ow_diagf(d, OW_NOMEM, "out of memory");
    }
    if (e) {
        ow_buf_free(&b);
        free(out->own);
        memset(out, 0, sizeof *out);
        return e;
    }
    out->is_mail = 1;
    out->body_html = pk && pk->html;
    return OW_OK;
}
