#include "html.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/util.h"

/* ---- escaping ------------------------------------------------------------ */

/* in_attr: a control is written as plain "U+XXXX" (markup cannot go in an
 * attribute value), else as a marked-up span. */
static ow_err escape(struct ow_buf *b, const char *s, size_t n, int in_attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;   /* bytes before i that go out as they are */
    ow_err e = OW_OK;
    for (size_t i = 0; i < n && !e;) {
        const char *ref = NULL;
        switch (p[i]) {
        case '&': ref = "&amp;"; break;
        case '<': ref = "&lt;"; break;
        case '>': ref = "&gt;"; break;
        case '"': ref = "&quot;"; break;
        case '\'': ref = "&#39;"; break;
        }
        size_t k = 1;
        unsigned cp = 0;
        if (!ref) {
            k = ow_utf8_seqlen(p + i, n - i);
            if (k && (p[i] == '\n' || p[i] == '\t' || !ow_utf8_control(p + i, n - i, &cp))) {
                run += k;
                i += k;
                continue;
            }
        }
        if (run)
            e = ow_buf_append(b, p + i - run, run);
        run = 0;
        if (e)
            break;
        if (ref)
            e = ow_buf_adds(b, ref);
        else if (!k) {   /* invalid UTF-8: one byte becomes U+FFFD */
            e = ow_buf_adds(b, "\xEF\xBF\xBD");
            k = 1;
        } else
            e = ow_buf_printf(b, in_attr ? "U+%04X" : "<span class=\"ctl\">U+%04X</span>", cp);
        i += k;
    }
    if (!e && run)
        e = ow_buf_append(b, p + n - run, run);
    return e;
}

ow_err html_text(struct ow_buf *b, const char *s, size_t n)
{
    return escape(b, s, n, 0);
}

ow_err html_texts(struct ow_buf *b, const char *s)
{
    return s ? escape(b, s, strlen(s), 0) : OW_OK;
}

ow_err html_attr(struct ow_buf *b, const char *s)
{
    return s ? escape(b, s, strlen(s), 1) : OW_OK;
}

int html_write(FILE *f, const struct ow_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
        return -1;
    return fflush(f) ? -1 : 0;
}

/* ---- page frame ---------------------------------------------------------- */

/* One style for the view and the report (the report embeds views). */
static const char css[] =
    ":root{--fg:#1f1f1f;--dim:#5f6368;--line:#dadce0;--bg:#f4f4f1;--card:#fff;--accent:#0b57d0}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:15px/1.7 system-ui,\"Noto Sans CJK JP\",\"Hiragino Sans\",\"Yu Gothic\",sans-serif}\n"
    "main{max-width:1280px;margin:0 auto;padding:12px 16px 48px}\n"
    "h1{font-size:1.3rem;line-height:1.4;margin:8px 0 4px}\n"
    "h2{font-size:1.05rem;margin:0 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}\n"
    "h3{font-size:.95rem;margin:12px 0 4px}\n"
    "a{color:var(--accent)}\n"
    ".sub{color:var(--dim);margin:0 0 12px;overflow-wrap:anywhere}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;"
    "padding:12px 16px;margin-bottom:16px;min-width:0}\n"
    ".grid{display:grid;grid-template-columns:minmax(320px,440px) minmax(0,1fr);gap:16px;"
    "align-items:start}\n"
    ".grid>aside{position:sticky;top:8px;max-height:calc(100vh - 16px);overflow:auto}\n"
    "@media (max-width:860px){.grid,.charts{grid-template-columns:minmax(0,1fr)}"
    ".grid>aside{position:static;max-height:none}}\n"
    "dl.fields{margin:0}\n"
    "dl.fields dt{font-weight:600;margin-top:8px}\n"
    "dl.fields dt .path{font-weight:400;color:var(--dim);font-size:.8rem;margin-left:6px}\n"
    "dl.fields dd{margin:0 0 0 12px;overflow-wrap:anywhere}\n"
    ".q{display:block;color:var(--dim);font-size:.85rem}\n"
    ".nf{color:var(--dim);font-style:italic}\n"
    ".badge{display:inline-block;border:1px solid var(--line);border-radius:10px;"
    "padding:0 8px;margin:0 4px 2px 0;font-size:.85rem;background:#fafafa}\n"
    ".yes{background:#fde7e7;border-color:#f3b4b4}\n"
    ".text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:1rem;line-height:1.9}\n"
    "mark{background:#fff0a0;border-radius:2px;padding:0 1px;scroll-margin:40vh 0}\n"
    "mark[data-field^=\"incident.\"]{background:#d6e8ff}\n"
    "mark[data-field=\"attack.methods\"]{background:#ffd9d2}\n"
    "mark[data-field=\"data.types\"]{background:#dff3dc}\n"
    "mark[data-field^=\"affected.\"]{background:#efdcff}\n"
    "mark:target{outline:3px solid #e8710a;outline-offset:1px}\n"
    ".ctl{font-size:.75rem;color:#b3261e;border:1px solid #b3261e;border-radius:3px;padding:0 2px}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line);"
    "overflow-wrap:anywhere}\n"
    "table.facts th{width:11em;font-weight:600;color:var(--dim)}\n"
    "svg{display:block;width:100%;height:auto;max-width:100%}\n"
    "svg text{font-size:12px;fill:#3c4043}\n"
    "svg.wide{max-width:960px}\n"
    ".scroll{overflow-x:auto}\n"
    "#notices th button{font:inherit;font-weight:600;border:0;background:none;padding:0;"
    "cursor:pointer;color:var(--fg)}\n"
    "#notices th[aria-sort=ascending] button::after{content:\" \\25B2\"}\n"
    "#notices th[aria-sort=descending] button::after{content:\" \\25BC\"}\n"
    "#notices td.n{text-align:right;white-space:nowrap}\n"
    ".filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin-bottom:8px}\n"
    ".filters select,.filters input{font:inherit}\n"
    ".charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:0 16px}\n"
    "figure{margin:0 0 16px}\n"
    "figcaption{color:var(--dim);font-size:.85rem}\n"
    "#chart-months{grid-column:1/-1}\n"
    "td.d,th.d{white-space:nowrap}\n"
    ".view{display:none}\n"
    ".view:target{display:block}\n"
    "@media (max-width:600px){main{padding:8px}.card{padding:8px 10px}"
    "table.facts th{width:auto}#notices .opt{display:none}}\n";

/* 'sha256-<base64>' of s, as a CSP source expression wants it. */
static void csp_hash(const char *s, char out[64])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char hex[65];
    unsigned char d[33] = {0};   /* 32 bytes, padded to a multiple of 3 */
    ow_sha256_hex(s, strlen(s), hex);
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        d[i] = (unsigned char)v;
    }
    char *o = out + sprintf(out, "'sha256-");
    for (int i = 0; i < 33; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | d[i + 2];
        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = i + 1 < 32 ? b64[v >> 6 & 63] : '=';
        *o++ = i + 2 < 32 ? b64[v & 63] : '=';
    }
    strcpy(o, "'");
}

ow_err html_page_begin(struct ow_buf *b, const char *title, const char *script)
{
    char sh[64], jh[64];
    csp_hash(css, sh);
    if (script)
        csp_hash(script, jh);
    ow_err e = ow_buf_printf(b,
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src %s; script-src %s; base-uri 'none'; form-action 'none'\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"owabi %s\">\n<title>",
        sh, script ? jh : "'none'", OW_VERSION);
    if (!e)
        e = html_texts(b, title);
    if (!e)
        e = ow_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", css);
    return e;
}

ow_err html_page_end(struct ow_buf *b, const char *script)
{
    if (script)
        return ow_buf_printf(b, "</main>\n<script>%s</script>\n</body>\n</html>\n", script);
    return ow_buf_adds(b, "</main>\n</body>\n</html>\n");
}

ow_err html_source_link(struct ow_buf *b, const char *url, const char *label)
{
    if (!url)
        return OW_OK;
    int web = !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
    for (const char *p = url; web && *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            web = 0;
    if (!web)
        return html_texts(b, label ? label : url);
    ow_err e = ow_buf_adds(b, "<a rel=\"noreferrer noopener\" href=\"");
    if (!e)
        e = html_attr(b, url);
    if (!e)
        e = ow_buf_adds(b, "\">");
    if (!e)
        e = html_texts(b, label ? label : url);
    return e ? e : ow_buf_adds(b, "</a>");
}

/* ---- vocabularies -------------------------------------------------------- */

const char *const html_methods[] = {
    "unauthorized_access", "sql_injection", "web_skimming", "vulnerability_exploit",
    "credential_stuffing", "malware", "ransomware", "phishing", "misconfiguration",
    "misdelivery", "loss_or_theft", "insider", NULL};
static const char *const method_ja[] = {
    "不正アクセス", "SQLインジェクション", "Webスキミング", "脆弱性の悪用",
    "リスト型攻撃", "マルウェア", "ランサムウェア", "フィッシング", "設定不備",
    "誤送信・誤配送", "紛失・盗難", "内部不正"};
const char *const html_types[] = {
    "name", "address", "postal_code", "phone", "email", "birth_date", "gender", "login_id",
    "password", "card_number", "card_expiry", "card_security_code", "card_holder_name",
    "bank_account", "employer", "purchase_history", NULL};
static const char *const type_ja[] = {
    "氏名", "住所", "郵便番号", "電話番号", "メールアドレス", "生年月日", "性別", "ログインID",
    "パスワード", "カード番号", "有効期限", "セキュリティコード", "カード名義",
    "口座情報", "勤務先", "購入履歴"};

static const char *label_in(const char *const *vals, const char *const *ja, const char *v)
{
    for (size_t i = 0; v && vals[i]; i++)
        if (!strcmp(vals[i], v))
            return ja[i];
    return v;
}

const char *html_method_label(const char *v) { return label_in(html_methods, method_ja, v); }
const char *html_type_label(const char *v) { return label_in(html_types, type_ja, v); }

static const char *const countermeasure_ja[][2] = {
    {"forensic_investigation", "フォレンジック調査"}, {"card_data_non_retention", "カード情報の非保持化"},
    {"site_suspension", "サイトの停止"}, {"police_report", "警察への届出"},
    {"regulator_report", "個人情報保護委員会等への報告"}};

static const char *countermeasure_label(const char *v)
{
    for (size_t i = 0; v && i < sizeof countermeasure_ja / sizeof countermeasure_ja[0]; i++)
        if (!strcmp(countermeasure_ja[i][0], v))
            return countermeasure_ja[i][1];
    return v;
}

/* ---- record access ------------------------------------------------------- */

static const json_t *at(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    return b ? json_object_get(v, b) : v;
}

static const char *str(const json_t *v)
{
    return json_string_value(v);
}

/* The evidence items of a record, with where each is marked. */
struct ev {
    const char *field, *quote;
    const json_t *value;
    size_t start, end;
    long line;
    int marked;   /* has a mark in the main text */
};

struct view {
    struct ow_buf *b;
    const json_t *rec;
    const char *idp;
    struct ev *ev;
    size_t nev;
};

/* The first evidence item for field (and value, when not NULL). */
static const struct ev *ev_for(const struct view *v, const char *field, const json_t *value)
{
    for (size_t i = 0; i < v->nev; i++) {
        if (strcmp(v->ev[i].field, field))
            continue;
        if (value && !json_equal(v->ev[i].value, (json_t *)value))
            continue;
        return &v->ev[i];
    }
    return NULL;
}

/* A quote cut to about 60 characters (UTF-8 aware), with its link. */
static ow_err quote(struct view *v, const struct ev *x)
{
    if (!x || !x->quote)
        return OW_OK;
    size_t n = strlen(x->quote), cut = 0, chars = 0;
    while (cut < n && chars < 60) {
        size_t k = ow_utf8_seqlen((const unsigned char *)x->quote + cut, n - cut);
        cut += k ? k : 1;
        chars++;
    }
    ow_err e = ow_buf_adds(v->b, "<span class=\"q\">「");
    if (!e)
        e = html_text(v->b, x->quote, cut);
    if (!e)
        e = ow_buf_adds(v->b, cut < n ? "…」" : "」");
    if (!e && x->marked)
        e = ow_buf_printf(v->b, " <a href=\"#%sev-%zu\">本文で見る</a>", v->idp, (size_t)(x - v->ev));
    else if (!e && x->line > 0)
        e = ow_buf_printf(v->b, " (%ld行目)", x->line);
    return e ? e : ow_buf_adds(v->b, "</span>");
}

const char *html_grouped(long long n, char out[32])
{
    char d[24];
    int len = snprintf(d, sizeof d, "%lld", n < 0 ? -n : n), k = 0;
    if (n < 0)
        out[k++] = '-';
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = d[i];
    }
    out[k] = '\0';
    return out;
}

static ow_err field_head(struct view *v, const char *label, const char *path)
{
    return ow_buf_printf(v->b, "<dt>%s<span class=\"path\">%s</span></dt>\n", label, path);
}

static ow_err not_found(struct view *v)
{
    return ow_buf_adds(v->b, "<dd class=\"nf\" data-missing=\"1\">見つかりませんでした (not found)</dd>\n");
}

/* A string or date field: the value, its quote. */
static ow_err scalar(struct view *v, const char *label, const char *path, const json_t *val)
{
    ow_err e = field_head(v, label, path);
    if (e)
        return e;
    if (!val || json_is_null(val))
        return not_found(v);
    e = ow_buf_printf(v->b, "<dd data-value=\"%s\">", path);
    char num[32];
    if (!e && json_is_integer(val))
        e = ow_buf_adds(v->b, html_grouped(json_integer_value(val), num));
    else if (!e)
        e = html_texts(v->b, str(val));
    if (!e)
        e = quote(v, ev_for(v, path, json_is_string(val) || json_is_integer(val) ? val : NULL));
    return e ? e : ow_buf_adds(v->b, "</dd>\n");
}

static ow_err period(struct view *v, const char *label, const char *path, const json_t *p)
{
    ow_err e = field_head(v, label, path);
    if (e)
        return e;
    if (!p || json_is_null(p))
        return not_found(v);
    e = ow_buf_printf(v->b, "<dd data-value=\"%s\">", path);
    if (!e)
        e = html_texts(v->b, str(json_object_get(p, "start")) ?: "?");
    if (!e)
        e = ow_buf_adds(v->b, " – ");
    if (!e)
        e = html_texts(v->b, str(json_object_get(p, "end")) ?: "?");
    if (!e)
        e = quote(v, ev_for(v, path, NULL));
    return e ? e : ow_buf_adds(v->b, "</dd>\n");
}

/* A set field (methods, data types): one line per value with its quote. */
static ow_err set(struct view *v, const char *label, const char *path, const json_t *a,
                  const char *(*ja)(const char *))
{
    ow_err e = field_head(v, label, path);
    if (e || !json_array_size(a))
        return e ? e : not_found(v);
    size_t i;
    const json_t *x;
    json_array_foreach(a, i, x) {
        e = ow_buf_printf(v->b, "<dd data-value=\"%s\"><span class=\"badge\">", path);
        if (!e)
            e = html_texts(v->b, ja(str(x)));
        if (!e)
            e = ow_buf_adds(v->b, "</span> <code>");
        if (!e)
            e = html_texts(v->b, str(x));
        if (!e)
            e = ow_buf_adds(v->b, "</code>");
        if (!e)
            e = quote(v, ev_for(v, path, x));
        if (!e)
            e = ow_buf_adds(v->b, "</dd>\n");
        if (e)
            return e;
    }
    return OW_OK;
}

/* ---- the time axis ------------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

/* An ISO date at any precision ("2021", "2021-05", "2021-05-18") as a day:
 * its first day, or its last when last.  0 when s is no such date. */
static int iso_day(const char *s, int last, long *out)
{
    int y, m = 0, d = 0;
    if (!s)
        return 0;
    int n = sscanf(s, "%4d-%2d-%2d", &y, &m, &d);
    if (n < 1 || y < 1000 || y > 9999 || (n >= 2 && (m < 1 || m > 12)) || (n == 3 && (d < 1 || d > 31)))
        return 0;
    if (n == 1)
        *out = last ? days_from_civil(y, 12, 31) : days_from_civil(y, 1, 1);
    else if (n == 2)
        *out = last ? days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : (unsigned)m + 1, 1) - 1
                    : days_from_civil(y, (unsigned)m, 1);
    else
        *out = days_from_civil(y, (unsigned)m, (unsigned)d);
    return 1;
}

struct mark_row {
    const char *label, *start, *end;   /* end NULL: a point */
    int is_period;
    const char *colour;
};

/* Exposure and attack periods as bars, discovery and publication as points,
 * on one axis from the earliest to the latest day. */
static ow_err timeline_svg(struct view *v)
{
    const json_t *inc = at(v->rec, "incident", NULL);
    const json_t *ep = json_object_get(inc, "exposure_period"), *ap = json_object_get(inc, "attack_period");
    struct mark_row rows[4];
    size_t n = 0;
    if (json_is_object(ep))
        rows[n++] = (struct mark_row){"影響期間", str(json_object_get(ep, "start")),
                                      str(json_object_get(ep, "end")), 1, "#8ab4f8"};
    if (json_is_object(ap))
        rows[n++] = (struct mark_row){"攻撃期間", str(json_object_get(ap, "start")),
                                      str(json_object_get(ap, "end")), 1, "#f28b82"};
    if (str(json_object_get(inc, "discovered")))
        rows[n++] = (struct mark_row){"発覚", str(json_object_get(inc, "discovered")), NULL, 0, "#fbbc04"};
    if (str(at(v->rec, "notice", "published")))
        rows[n++] = (struct mark_row){"公表", str(at(v->rec, "notice", "published")), NULL, 0, "#34a853"};

    long lo = 0, hi = 0, d;
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ends[2] = {rows[i].start, rows[i].is_period ? rows[i].end : rows[i].start};
        for (int k = 0; k < 2; k++)
            if (iso_day(ends[k], k, &d)) {
                if (!any || d < lo) lo = d;
                if (!any || d > hi) hi = d;
                any = 1;
            }
    }
    ow_err e = ow_buf_adds(v->b, "<section class=\"card\"><h2>日付の流れ</h2>\n");
    if (e)
        return e;
    if (!any)
        return ow_buf_adds(v->b, "<p class=\"nf\">日付は見つかりませんでした (no dates)</p></section>\n");
    if (hi - lo < 2) {
        lo -= 1;
        hi += 1;
    }
    const double x0 = 110, x1 = 580, span = (double)(hi - lo);
    const int rowh = 30, top = 10;
    int h = top + (int)n * rowh + 30;
    e = ow_buf_printf(v->b, "<svg class=\"timeline\" viewBox=\"0 0 640 %d\" role=\"img\" "
                      "aria-label=\"日付の流れ\">\n", h);
    for (size_t i = 0; !e && i < n; i++) {
        int y = top + (int)i * rowh;
        long a, z;
        int has_a = iso_day(rows[i].start, 0, &a);
        int has_z = rows[i].is_period ? iso_day(rows[i].end, 1, &z) : iso_day(rows[i].start, 1, &z);
        e = ow_buf_printf(v->b, "<text x=\"4\" y=\"%d\">%s</text>\n", y + 17, rows[i].label);
        if (e)
            break;
        if (!has_a && !has_z)
            continue;
        /* an open end runs to the edge, drawn dashed */
        double xa = has_a ? x0 + (double)(a - lo) / span * (x1 - x0) : x0 - 20;
        double xz = has_z ? x0 + (double)(z - lo) / span * (x1 - x0) : x1 + 20;
        if (rows[i].is_period) {
            e = ow_buf_printf(v->b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" rx=\"3\" fill=\"%s\"%s/>\n",
                              xa, y + 6, xz - xa < 3 ? 3 : xz - xa, rows[i].colour,
                              has_a && has_z ? "" : " stroke=\"#5f6368\" stroke-dasharray=\"4 3\"");
        } else {
            e = ow_buf_printf(v->b, "<circle cx=\"%.1f\" cy=\"%d\" r=\"6\" fill=\"%s\"/>\n",
                              (xa + xz) / 2, y + 13, rows[i].colour);
        }
        if (!e) {
            /* the label stays inside the axis: left of what is right of the middle */
            double mid = (x0 + x1) / 2, xm = (xa + xz) / 2;
            int right = rows[i].is_period ? xa > mid : xm > mid;
            double xl = rows[i].is_period ? (right ? xz : xa) : (right ? xm - 10 : xm + 10);
            e = ow_buf_printf(v->b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">", xl,
                              y + (rows[i].is_period ? 2 : 17), right ? "end" : "start");
            if (!e)
                e = html_texts(v->b, rows[i].start ? rows[i].start : "?");
            if (!e && rows[i].is_period) {
                e = ow_buf_adds(v->b, " – ");
                if (!e)
                    e = html_texts(v->b, rows[i].end ? rows[i].end : "?");
            }
            if (!e)
                e = ow_buf_adds(v->b, "</text>\n");
        }
    }
    if (!e)
        e = ow_buf_printf(v->b, "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"#9aa0a6\"/>\n",
                          x0, h - 24, x1, h - 24);
    char da[32], dz[32];
    long ends[2] = {lo, hi};
    for (int k = 0; !e && k < 2; k++) {
        /* civil_from_days, for the axis labels */
        long z = ends[k] + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
        unsigned doe = (unsigned)(z - era * 146097);
        unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = (long)yoe + era * 400;
        unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        unsigned dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
        snprintf(k ? dz : da, 32, "%04ld-%02u-%02u", y + (mm <= 2), mm, dd);
    }
    if (!e)
        e = ow_buf_printf(v->b, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"start\">%s</text>\n"
                          "<text x=\"%.0f\" y=\"%d\" text-anchor=\"end\">%s</text>\n</svg>\n",
                          x0, h - 8, da, x1, h - 8, dz);
    return e ? e : ow_buf_adds(v->b, "</section>\n");
}

/* ---- the main text with its marks ---------------------------------------- */

static int starts_char(const char *t, size_t len, size_t i)
{
    return i >= len || ((unsigned char)t[i] & 0xC0) != 0x80;
}

static ow_err open_mark(struct view *v, size_t i, int first)
{
    ow_err e = ow_buf_printf(v->b, "<mark data-field=\"%s\" data-ev=\"%zu\"", v->ev[i].field, i);
    const json_t *val = v->ev[i].value;
    char num[32];
    if (!e && (json_is_string(val) || json_is_integer(val))) {
        e = ow_buf_adds(v->b, " data-value=\"");
        if (!e && json_is_integer(val))
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(val));
        if (!e)
            e = html_attr(v->b, json_is_string(val) ? str(val) : num);
        if (!e)
            e = ow_buf_adds(v->b, "\"");
    }
    if (!e && first)
        e = ow_buf_printf(v->b, " id=\"%sev-%zu\"", v->idp, i);
    return e ? e : ow_buf_adds(v->b, ">");
}

static int by_span(const void *a, const void *b, void *ctx)
{
    const struct ev *ev = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (ev[x].start != ev[y].start)
        return ev[x].start < ev[y].start ? -1 : 1;
    if (ev[x].end != ev[y].end)
        return ev[x].end > ev[y].end ? -1 : 1;   /* the longer one outside */
    return x < y ? -1 : x > y;
}

/* The text with each evidence span in a <mark>.  Spans that nest give
 * nested marks; a span that crosses another is closed and reopened around
 * the boundary, each piece with the same data-ev (only the first has the
 * id), so that the pieces of one span still read as its quote. */
static ow_err marked_text(struct view *v, const char *t, size_t len)
{
    size_t *order = malloc((v->nev + 1) * sizeof *order), *stack = malloc((v->nev + 1) * sizeof *stack);
    size_t n = 0, depth = 0;
    ow_err e = OW_OK;
    if (!order || !stack) {
        free(order);
        free(stack);
        return OW_NOMEM;
    }
    for (size_t i = 0; i < v->nev; i++) {
        struct ev *x = &v->ev[i];
        if (x->start < x->end && x->end <= len && starts_char(t, len, x->start) && starts_char(t, len, x->end)) {
            x->marked = 1;
            order[n++] = i;
        }
    }
    qsort_r(order, n, sizeof *order, by_span, v->ev);
    size_t pos = 0, k = 0;
    while (!e && pos <= len) {
        /* close what ends here; reopen what was inside it and goes on */
        size_t j = depth;
        for (size_t s = 0; s < depth; s++)
            if (v->ev[stack[s]].end <= pos) {
                j = s;
                break;
            }
        if (j < depth) {
            for (size_t s = depth; !e && s > j; s--)
                e = ow_buf_adds(v->b, "</mark>");
            size_t keep = j;
            for (size_t s = j; !e && s < depth; s++)
                if (v->ev[stack[s]].end > pos) {
                    stack[keep++] = stack[s];
                    e = open_mark(v, stack[s], 0);
                }
            depth = keep;
        }
        if (e || pos == len)
            break;
        while (!e && k < n && v->ev[order[k]].start == pos) {
            stack[depth++] = order[k];
            e = open_mark(v, order[k++], 1);
        }
        size_t next = k < n ? v->ev[order[k]].start : len;
        for (size_t s = 0; s < depth; s++)
            if (v->ev[stack[s]].end < next)
                next = v->ev[stack[s]].end;
        if (!e)
            e = html_text(v->b, t + pos, next - pos);
        pos = next;
    }
    free(order);
    free(stack);
    return e;
}

/* ---- the view ------------------------------------------------------------ */

static ow_err facts_row(struct ow_buf *b, const char *label, const char *value)
{
    ow_err e = ow_buf_printf(b, "<tr><th>%s</th><td>", label);
    if (!e)
        e = value ? html_texts(b, value) : ow_buf_adds(b, "<span class=\"nf\">—</span>");
    return e ? e : ow_buf_adds(b, "</td></tr>\n");
}

static ow_err source_facts(struct view *v)
{
    const json_t *s = at(v->rec, "source", NULL), *dg = at(v->rec, "diagnostics", NULL);
    struct ow_buf *b = v->b;
    char num[64];
    ow_err e = ow_buf_adds(b, "<section class=\"card\"><h2>出典 (source)</h2>\n<table class=\"facts\">\n"
                              "<tr><th>URL</th><td>");
    if (!e)
        e = str(at(s, "url", NULL)) ? html_source_link(b, str(at(s, "url", NULL)), NULL)
                                    : ow_buf_adds(b, "<span class=\"nf\">—</span>");
    if (!e)
        e = ow_buf_adds(b, "</td></tr>\n<tr><th>最終URL</th><td>");
    if (!e)
        e = str(at(s, "final_url", NULL)) ? html_source_link(b, str(at(s, "final_url", NULL)), NULL)
                                          : ow_buf_adds(b, "<span class=\"nf\">—</span>");
    if (!e)
        e = ow_buf_adds(b, "</td></tr>\n");
    if (!e)
        e = facts_row(b, "ファイル", str(at(s, "path", NULL)));
    if (!e)
        e = facts_row(b, "取得日時", str(at(s, "fetched_at", NULL)));
    if (!e && json_is_integer(at(s, "http_status", NULL))) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(at(s, "http_status", NULL)));
        e = facts_row(b, "HTTPステータス", num);
    }
    if (!e)
        e = facts_row(b, "Content-Type", str(at(s, "content_type", NULL)));
    if (!e) {
        const char *cs = str(at(s, "charset", NULL)), *decl = str(at(s, "charset_declared", NULL));
        e = ow_buf_adds(b, "<tr><th>文字コード</th><td>");
        if (!e)
            e = html_texts(b, cs ? cs : "—");
        if (!e)
            e = ow_buf_adds(b, " (決め手: ");
        if (!e)
            e = html_texts(b, str(at(s, "charset_source", NULL)) ?: "?");
        if (!e && decl) {
            e = ow_buf_adds(b, "; 宣言: ");
            if (!e)
                e = html_texts(b, decl);
        }
        if (!e && json_is_true(at(s, "charset_fallback", NULL)))
            e = ow_buf_adds(b, "; 代替");
        if (!e)
            e = ow_buf_printf(b, "; 復号エラー %lld)</td></tr>\n",
                              (long long)json_integer_value(at(s, "decode_errors", NULL)));
    }
    if (!e)
        e = facts_row(b, "SHA-256", str(at(s, "sha256", NULL)));
    if (!e) {
        snprintf(num, sizeof num, "%lld バイト, %s", (long long)json_integer_value(at(s, "bytes", NULL)),
                 str(at(s, "format", NULL)) ?: "?");
        e = facts_row(b, "大きさ・形式", num);
    }
    if (!e) {
        const char *mc = str(at(dg, "main_content", NULL));
        const char *how = !mc ? NULL : !strcmp(mc, "markup") ? "本文要素 (article/main など) から"
                        : !strcmp(mc, "score") ? "ブロックの文章量と語彙の得点で"
                        : !strcmp(mc, "text") ? "テキスト全体" : mc;
        e = facts_row(b, "本文の選び方", how);
    }
    if (!e) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(at(dg, "blocks", NULL)));
        e = facts_row(b, "ブロック数", num);
    }
    if (!e) {
        const char *warn = json_is_true(at(dg, "no_text", NULL)) ? "本文がありません"
                         : json_is_true(at(dg, "text_truncated", NULL)) ? "本文が長すぎるため途中までを読みました"
                         : json_integer_value(at(dg, "match_limited", NULL)) > 0
                             ? "照合の上限に達した規則があります" : "なし";
        e = facts_row(b, "注意", warn);
    }
    return e ? e : ow_buf_adds(b, "</table></section>\n");
}

static ow_err rest_of_record(struct view *v)
{
    struct ow_buf *b = v->b;
    const json_t *rep = at(v->rec, "organization", "representative");
    ow_err e = ow_buf_adds(b, "<section class=\"card\"><h2>そのほか</h2>\n<dl class=\"fields\">\n"
                              "<dt>代表者</dt>");
    if (!e && json_is_object(rep)) {
        e = ow_buf_adds(b, "<dd>");
        if (!e)
            e = html_texts(b, str(json_object_get(rep, "title")));
        if (!e)
            e = ow_buf_adds(b, " ");
        if (!e)
            e = html_texts(b, str(json_object_get(rep, "name")));
        if (!e)
            e = ow_buf_adds(b, "</dd>\n");
    } else if (!e)
        e = not_found(v);
    size_t i;
    const json_t *x;
    const json_t *cm = at(v->rec, "countermeasures", NULL), *sv = at(v->rec, "services", NULL);
    if (!e)
        e = ow_buf_adds(b, "<dt>対策</dt>");
    if (!e && !json_array_size(cm))
        e = not_found(v);
    json_array_foreach(cm, i, x) {
        if (!e)
            e = ow_buf_adds(b, "<dd>");
        if (!e)
            e = html_texts(b, countermeasure_label(str(x)));
        if (!e)
            e = ow_buf_adds(b, "</dd>\n");
    }
    if (!e)
        e = ow_buf_adds(b, "<dt>サービス</dt>");
    if (!e && !json_array_size(sv))
        e = not_found(v);
    json_array_foreach(sv, i, x) {
        if (!e)
            e = ow_buf_adds(b, "<dd>");
        if (!e)
            e = html_texts(b, str(x));
        if (!e)
            e = ow_buf_adds(b, "</dd>\n");
    }
    if (!e)
        e = ow_buf_adds(b, "<dt>問い合わせ先</dt>");
    if (!e && str(at(v->rec, "contact", NULL))) {
        e = ow_buf_adds(b, "<dd class=\"text\">");
        if (!e)
            e = html_texts(b, str(at(v->rec, "contact", NULL)));
        if (!e)
            e = ow_buf_adds(b, "</dd>\n");
    } else if (!e)
        e = not_found(v);
    const json_t *tl = at(v->rec, "incident", "timeline");
    if (!e)
        e = ow_buf_adds(b, "<dt>経緯</dt>");
    if (!e && !json_array_size(tl))
        e = not_found(v);
    json_array_foreach(tl, i, x) {
        if (!e)
            e = ow_buf_adds(b, "<dd><b>");
        if (!e)
            e = html_texts(b, str(json_object_get(x, "date")) ?: "日付なし");
        if (!e)
            e = ow_buf_adds(b, "</b> ");
        if (!e)
            e = html_texts(b, str(json_object_get(x, "event")));
        if (!e)
            e = ow_buf_adds(b, "</dd>\n");
    }
    return e ? e : ow_buf_adds(b, "</dl></section>\n");
}

static ow_err counts(struct view *v)
{
    const json_t *a = at(v->rec, "affected", "counts");
    ow_err e = field_head(v, "件数の内訳", "affected.counts");
    if (e || !json_array_size(a))
        return e ? e : not_found(v);
    static const char *const qual[][2] = {{"approx", "約"}, {"max", "最大"}, {"min", "以上"}};
    size_t i;
    const json_t *c;
    json_array_foreach(a, i, c) {
        const char *q = str(json_object_get(c, "qualifier")), *pre = "";
        for (size_t k = 0; q && k < 3; k++)
            if (!strcmp(q, qual[k][0]))
                pre = qual[k][1];
        const json_t *n = json_object_get(c, "count");
        char num[32];
        e = ow_buf_printf(v->b, "<dd data-value=\"affected.counts\">%s%s", pre,
                          html_grouped(json_integer_value(n), num));
        if (!e)
            e = html_texts(v->b, str(json_object_get(c, "unit")));
        if (!e && str(json_object_get(c, "subject"))) {
            e = ow_buf_adds(v->b, " (");
            if (!e)
                e = html_texts(v->b, html_type_label(str(json_object_get(c, "subject"))));
            if (!e)
                e = ow_buf_adds(v->b, ")");
        }
        /* the i-th count's own evidence: counts are recorded in order */
        const struct ev *x = NULL;
        size_t seen = 0;
        for (size_t k = 0; k < v->nev && !x; k++)
            if (!strcmp(v->ev[k].field, "affected.counts") && seen++ == i)
                x = &v->ev[k];
        if (!e)
            e = quote(v, x);
        if (!e)
            e = ow_buf_adds(v->b, "</dd>\n");
        if (e)
            return e;
    }
    return OW_OK;
}

static const char *kind_ja(const char *k)
{
    static const char *const t[][2] = {{"own_notice", "当事者のお知らせ"}, {"release", "適時開示"},
                                       {"news", "報道"}, {"blog", "ブログ・解説"}, {"repost", "転載"},
                                       {"faq", "FAQ"}, {"other", "その他"}};
    for (size_t i = 0; k && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i][0], k))
            return t[i][1];
    return k;
}

static ow_err core_fields(struct view *v)
{
    const json_t *r = v->rec;
    const json_t *inc = at(r, "incident", NULL);
    ow_err e = ow_buf_printf(v->b, "<section class=\"card\"><h2>読み取った内容</h2>\n<p>"
                             "<span class=\"badge%s\">%s</span>"
                             "<span class=\"badge\">%s</span>",
                             json_is_true(at(r, "is_incident", NULL)) ? " yes" : "",
                             json_is_true(at(r, "is_incident", NULL)) ? "インシデントの公表" : "インシデントではない",
                             json_is_true(at(r, "is_update", NULL)) ? "続報" : "第一報または単独");
    if (!e)
        e = ow_buf_adds(v->b, "<span class=\"badge\">");
    if (!e)
        e = html_texts(v->b, kind_ja(str(at(r, "notice", "kind"))));
    if (!e)
        e = ow_buf_adds(v->b, "</span></p>\n<dl class=\"fields\">\n");
    if (!e)
        e = scalar(v, "組織", "organization.name", at(r, "organization", "name"));
    if (!e)
        e = scalar(v, "公表日", "notice.published", at(r, "notice", "published"));
    if (!e)
        e = scalar(v, "発覚日", "incident.discovered", json_object_get(inc, "discovered"));
    if (!e)
        e = period(v, "攻撃期間", "incident.attack_period", json_object_get(inc, "attack_period"));
    if (!e)
        e = period(v, "影響期間", "incident.exposure_period", json_object_get(inc, "exposure_period"));
    if (!e)
        e = scalar(v, "影響件数", "affected.total", at(r, "affected", "total"));
    if (!e)
        e = counts(v);
    if (!e)
        e = set(v, "攻撃手法", "attack.methods", at(r, "attack", "methods"), html_method_label);
    if (!e)
        e = set(v, "漏えいした情報", "data.types", at(r, "data", "types"), html_type_label);
    return e ? e : ow_buf_adds(v->b, "</dl></section>\n");
}

ow_err html_view(struct ow_buf *b, const json_t *rec, const char *text, size_t len, const char *idp)
{
    const json_t *ev = json_object_get(rec, "evidence");
    struct view v = {b, rec, idp ? idp : "", NULL, 0};
    size_t n = json_array_size(ev), i;
    const json_t *x;
    if (n && !(v.ev = calloc(n, sizeof *v.ev)))
        return OW_NOMEM;
    json_array_foreach(ev, i, x) {
        const char *f = str(json_object_get(x, "field"));
        if (!f)
            continue;
        v.ev[v.nev++] = (struct ev){f, str(json_object_get(x, "quote")), json_object_get(x, "value"),
                                    (size_t)json_integer_value(json_object_get(x, "start")),
                                    (size_t)json_integer_value(json_object_get(x, "end")),
                                    (long)json_integer_value(json_object_get(x, "line")), 0};
    }
    /* The marks are placed first: the field list links only to placed ones. */
    struct ow_buf body;
    ow_buf_init(&body, b->max);
    ow_err e = OW_OK;
    if (text) {
        struct view tv = v;
        tv.b = &body;
        e = marked_text(&tv, text, len);
    }
    const char *org = str(at(rec, "organization", "name")), *title = str(at(rec, "notice", "title"));
    if (!e)
        e = ow_buf_printf(b, "<article class=\"notice\" data-record=\"%s\">\n<h1>", v.idp);
    if (!e)
        e = html_texts(b, org ? org : "組織名なし");
    if (!e)
        e = ow_buf_adds(b, "</h1>\n<p class=\"sub\">");
    if (!e)
        e = html_texts(b, title ? title : "(表題なし)");
    if (!e)
        e = ow_buf_adds(b, "</p>\n<div class=\"grid\">\n<aside>\n");
    if (!e)
        e = core_fields(&v);
    if (!e)
        e = ow_buf_adds(b, "</aside>\n<div>\n");
    if (!e)
        e = timeline_svg(&v);
    if (!e)
        e = ow_buf_printf(b, "<section class=\"card\"><h2>本文 (owabi が読んだもの)</h2>\n");
    if (!e && text)
        e = ow_buf_printf(b, "<div class=\"text\" id=\"%stext\">", v.idp);
    if (!e && text)
        e = ow_buf_append(b, body.data ? body.data : "", body.len);
    if (!e && text)
        e = ow_buf_adds(b, "</div>");
    else if (!e)
        e = ow_buf_adds(b, "<p class=\"nf\">本文は保存されていません。引用だけを示します。</p>");
    if (!e)
        e = ow_buf_adds(b, "</section>\n");
    if (!e)
        e = rest_of_record(&v);
    if (!e)
        e = source_facts(&v);
    if (!e)
        e = ow_buf_adds(b, "</div>\n</div>\n</article>\n");
    ow_buf_free(&body);
    free(v.ev);
    return e;
}

int html_view_page(FILE *f, const json_t *rec, const char *text, size_t len)
{
    struct ow_buf b;
    ow_buf_init(&b, 0);
    const char *org = str(at(rec, "organization", "name")), *title = str(at(rec, "notice", "title"));
    struct ow_buf t;
    ow_buf_init(&t, 0);
    ow_err e = ow_buf_printf(&t, "%s — owabi", org ? org : title ? title : "owabi");
    if (!e)
        e = html_page_begin(&b, t.data, NULL);
    if (!e)
        e = html_view(&b, rec, text, len, "");
    if (!e)
        e = html_page_end(&b, NULL);
    int rc = e ? (errno = ENOMEM, -1) : html_write(f, &b);
    ow_buf_free(&t);
    ow_buf_free(&b);
    return rc;
}
