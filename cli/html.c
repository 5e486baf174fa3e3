#include "html.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/util.h"

/* ---- the sticky writer --------------------------------------------------- */

void html_init(struct html *h)
{
    ow_buf_init(&h->b, 0);
    h->err = OW_OK;
}

void html_free(struct html *h)
{
    ow_buf_free(&h->b);
}

void html_rawn(struct html *h, const char *s, size_t n)
{
    if (!h->err)
        h->err = ow_buf_append(&h->b, s, n);
}

void html_raw(struct html *h, const char *s)
{
    html_rawn(h, s, strlen(s));
}

void html_fmt(struct html *h, const char *fmt, ...)
{
    if (h->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        h->err = OW_NOMEM;
        return;
    }
    html_rawn(h, s, (size_t)n);
    free(s);
}

/* in_attr: a control is written as plain "U+XXXX" (markup cannot go in an
 * attribute value), else as a marked-up span. */
static void escape(struct html *h, const char *s, size_t n, int in_attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;   /* bytes before i that go out as they are */
    for (size_t i = 0; i < n && !h->err;) {
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
        html_rawn(h, s + i - run, run);
        run = 0;
        if (ref)
            html_raw(h, ref);
        else if (!k) {   /* invalid UTF-8: one byte becomes U+FFFD */
            html_raw(h, "\xEF\xBF\xBD");
            k = 1;
        } else
            html_fmt(h, in_attr ? "U+%04X" : "<span class=\"ctl\">U+%04X</span>", cp);
        i += k;
    }
    html_rawn(h, s + n - run, run);
}

void html_textn(struct html *h, const char *s, size_t n)
{
    escape(h, s, n, 0);
}

void html_text(struct html *h, const char *s)
{
    if (s)
        escape(h, s, strlen(s), 0);
}

void html_attr(struct html *h, const char *s)
{
    if (s)
        escape(h, s, strlen(s), 1);
}

int html_write(FILE *f, const struct html *h)
{
    if (h->err) {
        errno = h->err == OW_NOMEM ? ENOMEM : EFBIG;
        return -1;
    }
    if (h->b.len && fwrite(h->b.data, 1, h->b.len, f) != h->b.len)
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
    unsigned char d[33] = {0};   /* 32 bytes, padded to a multiple of 3 */
    ow_sha256(s, strlen(s), d);
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

void html_page_begin(struct html *h, const char *title, const char *script)
{
    char sh[64], jh[64];
    csp_hash(css, sh);
    if (script)
        csp_hash(script, jh);
    html_fmt(h, "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             "style-src %s; script-src %s; base-uri 'none'; form-action 'none'\">\n"
             "<meta name=\"referrer\" content=\"no-referrer\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"generator\" content=\"owabi %s\">\n<title>",
             sh, script ? jh : "'none'", OW_VERSION);
    html_text(h, title);
    html_fmt(h, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", css);
}

void html_page_end(struct html *h, const char *script)
{
    if (script)
        html_fmt(h, "</main>\n<script>%s</script>\n</body>\n</html>\n", script);
    else
        html_raw(h, "</main>\n</body>\n</html>\n");
}

void html_source_link(struct html *h, const char *url, const char *label)
{
    if (!url)
        return;
    int web = !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
    for (const char *p = url; web && *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            web = 0;
    if (!web) {
        html_text(h, label ? label : url);
        return;
    }
    html_raw(h, "<a rel=\"noreferrer noopener\" href=\"");
    html_attr(h, url);
    html_raw(h, "\">");
    html_text(h, label ? label : url);
    html_raw(h, "</a>");
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
    struct html *h;
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

/* s as text, cut after max characters with "…". */
static void text_cut(struct html *h, const char *s, size_t max)
{
    size_t n = strlen(s), cut = 0, chars = 0;
    while (cut < n && chars < max) {
        size_t k = ow_utf8_seqlen((const unsigned char *)s + cut, n - cut);
        cut += k ? k : 1;
        chars++;
    }
    html_textn(h, s, cut);
    if (cut < n)
        html_raw(h, "…");
}

/* A quote cut to about 60 characters, with its link. */
static void quote(struct view *v, const struct ev *x)
{
    if (!x || !x->quote)
        return;
    html_raw(v->h, "<span class=\"q\">「");
    text_cut(v->h, x->quote, 60);
    html_raw(v->h, "」");
    if (x->marked)
        html_fmt(v->h, " <a href=\"#%sev-%zu\">本文で見る</a>", v->idp, (size_t)(x - v->ev));
    else if (x->line > 0)
        html_fmt(v->h, " (%ld行目)", x->line);
    html_raw(v->h, "</span>");
}

static void field_head(struct view *v, const char *label, const char *path)
{
    html_fmt(v->h, "<dt>%s<span class=\"path\">%s</span></dt>\n", label, path);
}

static void not_found(struct view *v)
{
    html_raw(v->h, "<dd class=\"nf\" data-missing=\"1\">見つかりませんでした (not found)</dd>\n");
}

/* A string or date field: the value, its quote. */
static void scalar(struct view *v, const char *label, const char *path, const json_t *val)
{
    char num[32];
    field_head(v, label, path);
    if (!val || json_is_null(val)) {
        not_found(v);
        return;
    }
    html_fmt(v->h, "<dd data-value=\"%s\">", path);
    if (json_is_integer(val))
        html_raw(v->h, html_grouped(json_integer_value(val), num));
    else
        html_text(v->h, str(val));
    quote(v, ev_for(v, path, json_is_string(val) || json_is_integer(val) ? val : NULL));
    html_raw(v->h, "</dd>\n");
}

static void period(struct view *v, const char *label, const char *path, const json_t *p)
{
    field_head(v, label, path);
    if (!p || json_is_null(p)) {
        not_found(v);
        return;
    }
    html_fmt(v->h, "<dd data-value=\"%s\">", path);
    html_text(v->h, str(json_object_get(p, "start")) ?: "?");
    html_raw(v->h, " – ");
    html_text(v->h, str(json_object_get(p, "end")) ?: "?");
    quote(v, ev_for(v, path, NULL));
    html_raw(v->h, "</dd>\n");
}

/* A set field (methods, data types): one line per value with its quote. */
static void set(struct view *v, const char *label, const char *path, const json_t *a,
                const char *(*ja)(const char *))
{
    size_t i;
    const json_t *x;
    field_head(v, label, path);
    if (!json_array_size(a))
        not_found(v);
    json_array_foreach(a, i, x) {
        html_fmt(v->h, "<dd data-value=\"%s\"><span class=\"badge\">", path);
        html_text(v->h, ja(str(x)));
        html_raw(v->h, "</span> <code>");
        html_text(v->h, str(x));
        html_raw(v->h, "</code>");
        quote(v, ev_for(v, path, x));
        html_raw(v->h, "</dd>\n");
    }
}

static void counts(struct view *v)
{
    static const char *const qual[][2] = {{"approx", "約"}, {"max", "最大"}, {"min", "以上"}};
    const json_t *a = at(v->rec, "affected", "counts");
    size_t i;
    const json_t *c;
    field_head(v, "件数の内訳", "affected.counts");
    if (!json_array_size(a))
        not_found(v);
    json_array_foreach(a, i, c) {
        const char *q = str(json_object_get(c, "qualifier")), *pre = "";
        for (size_t k = 0; q && k < 3; k++)
            if (!strcmp(q, qual[k][0]))
                pre = qual[k][1];
        char num[32];
        html_fmt(v->h, "<dd data-value=\"affected.counts\">%s%s", pre,
                 html_grouped(json_integer_value(json_object_get(c, "count")), num));
        html_text(v->h, str(json_object_get(c, "unit")));
        if (str(json_object_get(c, "subject"))) {
            html_raw(v->h, " (");
            html_text(v->h, html_type_label(str(json_object_get(c, "subject"))));
            html_raw(v->h, ")");
        }
        /* the i-th count's own evidence: counts are recorded in order */
        const struct ev *x = NULL;
        size_t seen = 0;
        for (size_t k = 0; k < v->nev && !x; k++)
            if (!strcmp(v->ev[k].field, "affected.counts") && seen++ == i)
                x = &v->ev[k];
        quote(v, x);
        html_raw(v->h, "</dd>\n");
    }
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

/* The civil date of a day since 1970-01-01, as YYYY-MM-DD in out. */
static void civil_from_days(long days, char out[32])
{
    long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    snprintf(out, 32, "%04ld-%02u-%02u", y + (m <= 2), m, d);
}

struct mark_row {
    const char *label, *start, *end;
    int is_period;   /* else a point: start only */
    const char *colour;
};

/* Exposure and attack periods as bars, discovery and publication as points,
 * on one axis from the earliest to the latest day. */
static void timeline_svg(struct view *v)
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
    html_raw(v->h, "<section class=\"card\"><h2>日付の流れ</h2>\n");
    if (!any) {
        html_raw(v->h, "<p class=\"nf\">日付は見つかりませんでした (no dates)</p></section>\n");
        return;
    }
    if (hi - lo < 2) {
        lo -= 1;
        hi += 1;
    }
    const double x0 = 110, x1 = 580, span = (double)(hi - lo);
    const int rowh = 30, top = 10;
    int height = top + (int)n * rowh + 30;
    html_fmt(v->h, "<svg class=\"timeline\" viewBox=\"0 0 640 %d\" role=\"img\" aria-label=\"日付の流れ\">\n",
             height);
    for (size_t i = 0; i < n; i++) {
        const struct mark_row *r = &rows[i];
        int y = top + (int)i * rowh;
        long a, z;
        int has_a = iso_day(r->start, 0, &a);
        int has_z = iso_day(r->is_period ? r->end : r->start, 1, &z);
        html_fmt(v->h, "<text x=\"4\" y=\"%d\">%s</text>\n", y + 17, r->label);
        if (!has_a && !has_z)
            continue;
        /* an open end runs to the edge, drawn dashed */
        double xa = has_a ? x0 + (double)(a - lo) / span * (x1 - x0) : x0 - 20;
        double xz = has_z ? x0 + (double)(z - lo) / span * (x1 - x0) : x1 + 20;
        if (r->is_period)
            html_fmt(v->h, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" rx=\"3\" fill=\"%s\"%s/>\n",
                     xa, y + 6, xz - xa < 3 ? 3 : xz - xa, r->colour,
                     has_a && has_z ? "" : " stroke=\"#5f6368\" stroke-dasharray=\"4 3\"");
        else
            html_fmt(v->h, "<circle cx=\"%.1f\" cy=\"%d\" r=\"6\" fill=\"%s\"/>\n", (xa + xz) / 2, y + 13,
                     r->colour);
        /* the label stays inside the axis: left of what is right of the middle */
        double mid = (x0 + x1) / 2, xm = (xa + xz) / 2;
        int right = r->is_period ? xa > mid : xm > mid;
        double xl = r->is_period ? (right ? xz : xa) : (right ? xm - 10 : xm + 10);
        html_fmt(v->h, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">", xl, y + (r->is_period ? 2 : 17),
                 right ? "end" : "start");
        html_text(v->h, r->start ? r->start : "?");
        if (r->is_period) {
            html_raw(v->h, " – ");
            html_text(v->h, r->end ? r->end : "?");
        }
        html_raw(v->h, "</text>\n");
    }
    char da[32], dz[32];
    civil_from_days(lo, da);
    civil_from_days(hi, dz);
    html_fmt(v->h, "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"#9aa0a6\"/>\n"
             "<text x=\"%.0f\" y=\"%d\" text-anchor=\"start\">%s</text>\n"
             "<text x=\"%.0f\" y=\"%d\" text-anchor=\"end\">%s</text>\n</svg>\n</section>\n",
             x0, height - 24, x1, height - 24, x0, height - 8, da, x1, height - 8, dz);
}

/* ---- the main text with its marks ---------------------------------------- */

static int starts_char(const char *t, size_t len, size_t i)
{
    return i >= len || ((unsigned char)t[i] & 0xC0) != 0x80;
}

static void open_mark(struct view *v, struct html *h, size_t i, int first)
{
    const json_t *val = v->ev[i].value;
    html_fmt(h, "<mark data-field=\"%s\" data-ev=\"%zu\"", v->ev[i].field, i);
    if (json_is_string(val) || json_is_integer(val)) {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(val));
        html_raw(h, " data-value=\"");
        html_attr(h, json_is_string(val) ? str(val) : num);
        html_raw(h, "\"");
    }
    if (first)
        html_fmt(h, " id=\"%sev-%zu\"", v->idp, i);
    html_raw(h, ">");
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

/* The text with each evidence span in a <mark>, into h.  Spans that nest
 * give nested marks; a span that crosses another is closed and reopened
 * around the boundary, each piece with the same data-ev (only the first has
 * the id), so that the pieces of one span still read as its quote. */
static void marked_text(struct view *v, struct html *h, const char *t, size_t len)
{
    size_t *order = malloc((v->nev + 1) * sizeof *order), *stack = malloc((v->nev + 1) * sizeof *stack);
    size_t n = 0, depth = 0;
    if (!order || !stack) {
        free(order);
        free(stack);
        h->err = OW_NOMEM;
        return;
    }
    for (size_t i = 0; i < v->nev; i++) {
        struct ev *x = &v->ev[i];
        if (x->start < x->end && x->end <= len && starts_char(t, len, x->start) && starts_char(t, len, x->end)) {
            x->marked = 1;
            order[n++] = i;
        }
    }
    qsort_r(order, n, sizeof *order, by_span, v->ev);
    for (size_t pos = 0, k = 0; !h->err;) {
        /* close what ends here; reopen what was inside it and goes on */
        size_t j = depth;
        for (size_t s = 0; s < depth; s++)
            if (v->ev[stack[s]].end <= pos) {
                j = s;
                break;
            }
        if (j < depth) {
            for (size_t s = depth; s > j; s--)
                html_raw(h, "</mark>");
            size_t keep = j;
            for (size_t s = j; s < depth; s++)
                if (v->ev[stack[s]].end > pos) {
                    stack[keep++] = stack[s];
                    open_mark(v, h, stack[s], 0);
                }
            depth = keep;
        }
        if (pos == len)
            break;
        while (k < n && v->ev[order[k]].start == pos) {
            stack[depth++] = order[k];
            open_mark(v, h, order[k++], 1);
        }
        size_t next = k < n ? v->ev[order[k]].start : len;
        for (size_t s = 0; s < depth; s++)
            if (v->ev[stack[s]].end < next)
                next = v->ev[stack[s]].end;
        html_textn(h, t + pos, next - pos);
        pos = next;
    }
    free(order);
    free(stack);
}

/* ---- the view ------------------------------------------------------------ */

static void facts_row(struct html *h, const char *label, const char *value)
{
    html_fmt(h, "<tr><th>%s</th><td>", label);
    if (value)
        html_text(h, value);
    else
        html_raw(h, "<span class=\"nf\">—</span>");
    html_raw(h, "</td></tr>\n");
}

static void url_row(struct html *h, const char *label, const char *url)
{
    html_fmt(h, "<tr><th>%s</th><td>", label);
    if (url)
        html_source_link(h, url, NULL);
    else
        html_raw(h, "<span class=\"nf\">—</span>");
    html_raw(h, "</td></tr>\n");
}

static void source_facts(struct view *v)
{
    const json_t *s = at(v->rec, "source", NULL), *dg = at(v->rec, "diagnostics", NULL);
    struct html *h = v->h;
    char num[64];
    html_raw(h, "<section class=\"card\"><h2>出典 (source)</h2>\n<table class=\"facts\">\n");
    url_row(h, "URL", str(at(s, "url", NULL)));
    url_row(h, "最終URL", str(at(s, "final_url", NULL)));
    facts_row(h, "ファイル", str(at(s, "path", NULL)));
    facts_row(h, "取得日時", str(at(s, "fetched_at", NULL)));
    if (json_is_integer(at(s, "http_status", NULL))) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(at(s, "http_status", NULL)));
        facts_row(h, "HTTPステータス", num);
    }
    facts_row(h, "Content-Type", str(at(s, "content_type", NULL)));

    const char *cs = str(at(s, "charset", NULL)), *decl = str(at(s, "charset_declared", NULL));
    html_raw(h, "<tr><th>文字コード</th><td>");
    html_text(h, cs ? cs : "—");
    html_raw(h, " (決め手: ");
    html_text(h, str(at(s, "charset_source", NULL)) ?: "?");
    if (decl) {
        html_raw(h, "; 宣言: ");
        html_text(h, decl);
    }
    if (json_is_true(at(s, "charset_fallback", NULL)))
        html_raw(h, "; 代替");
    html_fmt(h, "; 復号エラー %lld)</td></tr>\n", (long long)json_integer_value(at(s, "decode_errors", NULL)));

    facts_row(h, "SHA-256", str(at(s, "sha256", NULL)));
    snprintf(num, sizeof num, "%lld バイト, %s", (long long)json_integer_value(at(s, "bytes", NULL)),
             str(at(s, "format", NULL)) ?: "?");
    facts_row(h, "大きさ・形式", num);
    const char *mc = str(at(dg, "main_content", NULL));
    facts_row(h, "本文の選び方", !mc ? NULL : !strcmp(mc, "markup") ? "本文要素 (article/main など) から"
                                 : !strcmp(mc, "score") ? "ブロックの文章量と語彙の得点で"
                                 : !strcmp(mc, "text") ? "テキスト全体" : mc);
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(at(dg, "blocks", NULL)));
    facts_row(h, "ブロック数", num);
    facts_row(h, "注意", json_is_true(at(dg, "no_text", NULL)) ? "本文がありません"
                         : json_is_true(at(dg, "text_truncated", NULL)) ? "本文が長すぎるため途中までを読みました"
                         : json_integer_value(at(dg, "match_limited", NULL)) > 0
                             ? "照合の上限に達した規則があります" : "なし");
    html_raw(h, "</table></section>\n");
}

/* A list of strings, each its own <dd> (label maps a value to its words). */
static void list(struct view *v, const char *label, const json_t *a, const char *(*words)(const char *))
{
    size_t i;
    const json_t *x;
    html_fmt(v->h, "<dt>%s</dt>", label);
    if (!json_array_size(a))
        not_found(v);
    json_array_foreach(a, i, x) {
        html_raw(v->h, "<dd>");
        html_text(v->h, words ? words(str(x)) : str(x));
        html_raw(v->h, "</dd>\n");
    }
}

static void rest_of_record(struct view *v)
{
    struct html *h = v->h;
    const json_t *rep = at(v->rec, "organization", "representative");
    html_raw(h, "<section class=\"card\"><h2>そのほか</h2>\n<dl class=\"fields\">\n<dt>代表者</dt>");
    if (json_is_object(rep)) {
        html_raw(h, "<dd>");
        html_text(h, str(json_object_get(rep, "title")));
        html_raw(h, " ");
        html_text(h, str(json_object_get(rep, "name")));
        html_raw(h, "</dd>\n");
    } else
        not_found(v);
    list(v, "対策", at(v->rec, "countermeasures", NULL), countermeasure_label);
    list(v, "サービス", at(v->rec, "services", NULL), NULL);
    html_raw(h, "<dt>問い合わせ先</dt>");
    if (str(at(v->rec, "contact", NULL))) {
        html_raw(h, "<dd class=\"text\">");
        html_text(h, str(at(v->rec, "contact", NULL)));
        html_raw(h, "</dd>\n");
    } else
        not_found(v);
    const json_t *tl = at(v->rec, "incident", "timeline"), *x;
    size_t i;
    html_raw(h, "<dt>経緯</dt>");
    if (!json_array_size(tl))
        not_found(v);
    json_array_foreach(tl, i, x) {
        html_raw(h, "<dd><b>");
        html_text(h, str(json_object_get(x, "date")) ?: "日付なし");
        html_raw(h, "</b> ");
        html_text(h, str(json_object_get(x, "event")));
        html_raw(h, "</dd>\n");
    }
    html_raw(h, "</dl></section>\n");
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

static void core_fields(struct view *v)
{
    const json_t *r = v->rec, *inc = at(r, "incident", NULL);
    int is_incident = json_is_true(at(r, "is_incident", NULL));
    html_fmt(v->h, "<section class=\"card\"><h2>読み取った内容</h2>\n<p>"
             "<span class=\"badge%s\">%s</span><span class=\"badge\">%s</span><span class=\"badge\">",
             is_incident ? " yes" : "", is_incident ? "インシデントの公表" : "インシデントではない",
             json_is_true(at(r, "is_update", NULL)) ? "続報" : "第一報または単独");
    html_text(v->h, kind_ja(str(at(r, "notice", "kind"))));
    html_raw(v->h, "</span></p>\n<dl class=\"fields\">\n");
    scalar(v, "組織", "organization.name", at(r, "organization", "name"));
    scalar(v, "公表日", "notice.published", at(r, "notice", "published"));
    scalar(v, "発覚日", "incident.discovered", json_object_get(inc, "discovered"));
    period(v, "攻撃期間", "incident.attack_period", json_object_get(inc, "attack_period"));
    period(v, "影響期間", "incident.exposure_period", json_object_get(inc, "exposure_period"));
    scalar(v, "影響件数", "affected.total", at(r, "affected", "total"));
    counts(v);
    set(v, "攻撃手法", "attack.methods", at(r, "attack", "methods"), html_method_label);
    set(v, "漏えいした情報", "data.types", at(r, "data", "types"), html_type_label);
    html_raw(v->h, "</dl></section>\n");
}

void html_view(struct html *h, const json_t *rec, const char *text, size_t len, const char *idp)
{
    const json_t *ev = json_object_get(rec, "evidence"), *x;
    struct view v = {h, rec, idp ? idp : "", NULL, 0};
    size_t n = json_array_size(ev), i;
    if (n && !(v.ev = calloc(n, sizeof *v.ev))) {
        h->err = OW_NOMEM;
        return;
    }
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
    struct html body;
    html_init(&body);
    if (text)
        marked_text(&v, &body, text, len);
    if (body.err && !h->err)
        h->err = body.err;
    const char *org = str(at(rec, "organization", "name")), *title = str(at(rec, "notice", "title"));
    html_fmt(h, "<article class=\"notice\" data-record=\"%s\">\n<h1>", v.idp);
    html_text(h, org ? org : "組織名なし");
    html_raw(h, "</h1>\n<p class=\"sub\">");
    /* a text file's "title" is its first line, however long */
    text_cut(h, title ? title : "(表題なし)", 120);
    html_raw(h, "</p>\n<div class=\"grid\">\n<aside>\n");
    core_fields(&v);
    html_raw(h, "</aside>\n<div>\n");
    timeline_svg(&v);
    html_raw(h, "<section class=\"card\"><h2>本文 (owabi が読んだもの)</h2>\n");
    if (text) {
        html_fmt(h, "<div class=\"text\" id=\"%stext\">", v.idp);
        html_rawn(h, body.b.data ? body.b.data : "", body.b.len);
        html_raw(h, "</div>");
    } else
        html_raw(h, "<p class=\"nf\">本文は保存されていません。引用だけを示します。</p>");
    html_raw(h, "</section>\n");
    rest_of_record(&v);
    source_facts(&v);
    html_raw(h, "</div>\n</div>\n</article>\n");
    html_free(&body);
    free(v.ev);
}

int html_view_page(FILE *f, const json_t *rec, const char *text, size_t len)
{
    const char *org = str(at(rec, "organization", "name")), *title = str(at(rec, "notice", "title"));
    struct html h, t;
    html_init(&h);
    html_init(&t);
    html_fmt(&t, "%s — owabi", org ? org : title ? title : "owabi");
    html_page_begin(&h, t.err ? "owabi" : t.b.data, NULL);
    html_view(&h, rec, text, len, "");
    html_page_end(&h, NULL);
    int rc = html_write(f, &h);
    html_free(&t);
    html_free(&h);
    return rc;
}
