/* cli/report.c — `owabi report`: one self-contained HTML page over the
 * store: charts (inline SVG), a table of notices that sorts and filters in
 * the browser (a little inline script, no library), and each notice's
 * evidence view, embedded and shown when its row's link is followed.
 *
 * The store keeps records, not pages, so the embedded views show each
 * value's quote without the main text around it. */
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "../store/store.h"
#include "args.h"
#include "html.h"

struct notice {
    long long id;
    char *url, *stored_at;
    json_t *rec;
};

struct report {
    struct notice *v;
    size_t n, cap;
    const char *db;
    long corrupt;
    int nomem;
};

static const json_t *at(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    return b ? json_object_get(v, b) : v;
}

static int collect(const struct store_row *row, void *ctx)
{
    struct report *r = ctx;
    json_t *rec = json_loads(row->json, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(rec)) {
        /* named and left out, as export does */
        struct ow_buf u;
        ow_buf_init(&u, 0);
        ow_visible(&u, row->url ? row->url : "?", "");
        fprintf(stderr, "owabi: %s: record %lld (%s revision %d) is corrupt; left out\n", r->db,
                (long long)row->record_id, u.data ? u.data : "?", row->revision);
        ow_buf_free(&u);
        json_decref(rec);
        r->corrupt++;
        return 0;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        struct notice *v = realloc(r->v, cap * sizeof *v);
        if (!v) {
            json_decref(rec);
            r->nomem = 1;
            return 1;
        }
        r->v = v;
        r->cap = cap;
    }
    struct notice *x = &r->v[r->n];
    x->id = row->record_id;
    x->url = strdup(row->url ? row->url : "");
    x->stored_at = strdup(row->created_at ? row->created_at : "");
    x->rec = rec;
    if (!x->url || !x->stored_at) {
        free(x->url);
        free(x->stored_at);
        json_decref(rec);
        r->nomem = 1;
        return 1;
    }
    r->n++;
    return 0;
}

/* ---- charts -------------------------------------------------------------- */

static const char *const palette[] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#7570b3", "#c7c7c7"};

static int method_index(const char *m)
{
    for (int i = 0; html_methods[i]; i++)
        if (m && !strcmp(html_methods[i], m))
            return i;
    return -1;
}

/* The month (year * 12 + month - 1) an incident was published in; 0 when
 * it is no incident or has no month. */
static int incident_month(const json_t *rec, int *k)
{
    const char *p = json_string_value(at(rec, "notice", "published"));
    int y, m;
    if (!json_is_true(at(rec, "is_incident", NULL)) || !p || sscanf(p, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
        return 0;
    *k = y * 12 + m - 1;
    return 1;
}

/* Notices per month (per year past four years), each bar stacked by attack
 * method; a notice with several methods counts once in each. */
static void chart_months(struct html *h, const struct report *r)
{
    enum { NM = 12 };   /* methods, then "none" at NM */
    int lo = 0, hi = 0, any = 0, undated = 0, k;
    for (size_t i = 0; i < r->n; i++) {
        if (!incident_month(r->v[i].rec, &k)) {
            undated += json_is_true(at(r->v[i].rec, "is_incident", NULL));
            continue;
        }
        if (!any || k < lo) lo = k;
        if (!any || k > hi) hi = k;
        any = 1;
    }
    html_raw(h, "<figure class=\"card\" id=\"chart-months\"><h2>月ごとの公表件数 (攻撃手法別)</h2>\n");
    if (!any) {
        html_raw(h, "<p class=\"nf\">公表日のあるインシデントはありません</p></figure>\n");
        return;
    }
    int yearly = hi - lo >= 48, nb = yearly ? hi / 12 - lo / 12 + 1 : hi - lo + 1;
    int (*cnt)[NM + 1] = calloc((size_t)nb, sizeof *cnt);
    if (!cnt) {
        h->err = OW_NOMEM;
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (!incident_month(r->v[i].rec, &k))
            continue;
        int bin = yearly ? k / 12 - lo / 12 : k - lo, counted = 0;
        size_t j;
        const json_t *x;
        json_array_foreach(at(r->v[i].rec, "attack", "methods"), j, x) {
            int mi = method_index(json_string_value(x));
            if (mi >= 0) {
                cnt[bin][mi]++;
                counted = 1;
            }
        }
        if (!counted)
            cnt[bin][NM]++;
    }
    int top = 1;
    for (int i = 0; i < nb; i++) {
        int s = 0;
        for (int m = 0; m <= NM; m++)
            s += cnt[i][m];
        if (s > top)
            top = s;
    }
    const double x0 = 40, x1 = 700, y0 = 20, y1 = 200, bw = (x1 - x0) / nb;
    html_raw(h, "<svg class=\"wide\" viewBox=\"0 0 720 270\" role=\"img\" aria-label=\"月ごとの公表件数\">\n");
    for (int i = 0; i < nb; i++) {
        double y = y1;
        for (int m = 0; m <= NM; m++) {
            if (!cnt[i][m])
                continue;
            double bh = (y1 - y0) * cnt[i][m] / top;
            y -= bh;
            html_fmt(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                     "<title>%d件: %s</title></rect>\n",
                     x0 + i * bw + bw * 0.1, y, bw * 0.8, bh, palette[m], cnt[i][m],
                     m < NM ? html_method_label(html_methods[m]) : "手法不明");
        }
        /* a label under every bar that has room, else every few */
        int step = nb <= 12 ? 1 : nb <= 24 ? 3 : 6, at_k = yearly ? lo / 12 + i : lo + i;
        if (i % step)
            continue;
        if (yearly)
            html_fmt(h, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d</text>\n",
                     x0 + (i + 0.5) * bw, y1 + 16, at_k);
        else
            html_fmt(h, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d-%02d</text>\n",
                     x0 + (i + 0.5) * bw, y1 + 16, at_k / 12, at_k % 12 + 1);
    }
    html_fmt(h, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#9aa0a6\"/>\n"
             "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%d</text>\n"
             "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">0</text>\n",
             x0, y1, x1, y1, x0 - 6, y0 + 4, top, x0 - 6, y1);
    /* the legend: the methods that occur */
    double lx = x0, ly = y1 + 40;
    for (int m = 0; m <= NM; m++) {
        int used = 0;
        for (int i = 0; i < nb; i++)
            used |= cnt[i][m] != 0;
        if (!used)
            continue;
        const char *name = m < NM ? html_method_label(html_methods[m]) : "手法不明";
        double w = 22;   /* the box, then about 12 px a wide character, 7 an ASCII one */
        for (const unsigned char *c = (const unsigned char *)name; *c; c++)
            w += *c < 0x80 ? 7 : (*c & 0xC0) == 0xC0 ? 12 : 0;
        if (lx + w > x1) {
            lx = x0;
            ly += 18;
        }
        html_fmt(h, "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                 "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", lx, ly - 9, palette[m], lx + 14, ly, name);
        lx += w;
    }
    free(cnt);
    html_fmt(h, "</svg>\n<figcaption>インシデントの公表日ごと%s。手法が複数ある通知はそれぞれに数えます。"
             "%s</figcaption></figure>\n", yearly ? " (年単位)" : "", undated ? "公表日のない通知は含みません。" : "");
}

/* How many incidents leaked each data type, most frequent first. */
static void chart_types(struct html *h, const struct report *r)
{
    enum { NT = 16 };
    int cnt[NT] = {0}, order[NT], n = 0, top = 1;
    for (size_t i = 0; i < r->n; i++) {
        if (!json_is_true(at(r->v[i].rec, "is_incident", NULL)))
            continue;
        size_t j;
        const json_t *x;
        json_array_foreach(at(r->v[i].rec, "data", "types"), j, x)
            for (int k = 0; k < NT && html_types[k]; k++)
                if (json_string_value(x) && !strcmp(html_types[k], json_string_value(x)))
                    cnt[k]++;
    }
    for (int k = 0; k < NT && html_types[k]; k++)
        if (cnt[k]) {
            int p = n++;
            while (p > 0 && cnt[order[p - 1]] < cnt[k]) {
                order[p] = order[p - 1];
                p--;
            }
            order[p] = k;
            if (cnt[k] > top)
                top = cnt[k];
        }
    html_raw(h, "<figure class=\"card\" id=\"chart-types\"><h2>漏えいした情報の種類</h2>\n");
    if (!n)
        html_raw(h, "<p class=\"nf\">データの種類が分かるインシデントはありません</p>");
    else
        html_fmt(h, "<svg viewBox=\"0 0 480 %d\" role=\"img\" aria-label=\"漏えいした情報の種類\">\n",
                 n * 22 + 10);
    for (int i = 0; i < n; i++) {
        int k = order[i];
        double w = 280.0 * cnt[k] / top;
        html_fmt(h, "<text x=\"150\" y=\"%d\" text-anchor=\"end\">%s</text>"
                          "<rect x=\"158\" y=\"%d\" width=\"%.1f\" height=\"15\" fill=\"%s\"/>"
                          "<text x=\"%.1f\" y=\"%d\">%d</text>\n",
                          i * 22 + 20, html_type_label(html_types[k]), i * 22 + 8, w < 1 ? 1 : w,
                          palette[0], 164 + w, i * 22 + 20, cnt[k]);
    }
    if (n)
        html_raw(h, "</svg>\n");
    html_raw(h, "<figcaption>インシデントごとに一度数えます。</figcaption></figure>\n");
}

/* Affected totals on a log scale: how many incidents fall in each decade. */
static void chart_totals(struct html *h, const struct report *r)
{
    static const char *const decade[] = {"1–9", "10–", "100–", "1千–", "1万–", "10万–", "100万–",
                                         "1千万–", "1億–", "10億–"};
    enum { ND = 10 };
    int cnt[ND] = {0}, top = 1, lo = ND, hi = -1;
    for (size_t i = 0; i < r->n; i++) {
        const json_t *t = at(r->v[i].rec, "affected", "total");
        if (!json_is_true(at(r->v[i].rec, "is_incident", NULL)) || !json_is_integer(t) || json_integer_value(t) < 1)
            continue;
        int d = (int)floor(log10((double)json_integer_value(t)));
        if (d >= ND)
            d = ND - 1;
        if (++cnt[d] > top)
            top = cnt[d];
        if (d < lo) lo = d;
        if (d > hi) hi = d;
    }
    html_raw(h, "<figure class=\"card\" id=\"chart-totals\"><h2>影響件数の分布 (対数目盛)</h2>\n");
    if (hi < 0)
        html_raw(h, "<p class=\"nf\">件数の分かるインシデントはありません</p>");
    else {
        int nb = hi - lo + 1;
        double x0 = 20, x1 = 460, y0 = 20, y1 = 200, bw = (x1 - x0) / nb;
        html_raw(h, "<svg viewBox=\"0 0 480 240\" role=\"img\" aria-label=\"影響件数の分布\">\n");
        for (int i = 0; i < nb; i++) {
            int c = cnt[lo + i];
            double bh = (y1 - y0) * c / top;
            html_fmt(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
                     "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>"
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n",
                     x0 + i * bw + bw * 0.1, y1 - bh, bw * 0.8, bh, palette[2],
                     x0 + (i + 0.5) * bw, y1 + 16, decade[lo + i],
                     x0 + (i + 0.5) * bw, y1 - bh - 4, c);
        }
        html_fmt(h, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#9aa0a6\"/>\n</svg>\n",
                              x0, y1, x1, y1);
    }
    html_raw(h, "<figcaption>横軸は件数の桁 (1, 10, 100, …)、縦軸はインシデントの数。</figcaption></figure>\n");
}

/* ---- the table ----------------------------------------------------------- */

/* The page's one script: sorting by a column, filtering by method, data
 * type, incident and text.  Rows carry their values in data- attributes. */
static const char script[] =
    "(function(){\n"
    "var tb=document.querySelector('#notices tbody');if(!tb)return;\n"
    "var rows=Array.prototype.slice.call(tb.rows);\n"
    "var fm=document.getElementById('f-method'),ft=document.getElementById('f-type'),\n"
    "fi=document.getElementById('f-incident'),fq=document.getElementById('f-q'),\n"
    "shown=document.getElementById('shown');\n"
    "function has(list,v){return !v||(' '+list+' ').indexOf(' '+v+' ')>=0;}\n"
    "function apply(){var q=fq.value.trim().toLowerCase(),n=0;\n"
    "rows.forEach(function(r){var ok=has(r.dataset.methods,fm.value)&&has(r.dataset.types,ft.value)\n"
    "&&(!fi.checked||r.dataset.incident==='1')&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);\n"
    "r.hidden=!ok;if(ok)n++;});shown.textContent=String(n);}\n"
    "[fm,ft,fi,fq].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});\n"
    "var ths=document.querySelectorAll('#notices thead th');\n"
    "ths.forEach(function(th,col){var b=th.querySelector('button');if(!b)return;\n"
    "b.addEventListener('click',function(){var asc=th.getAttribute('aria-sort')!=='ascending',\n"
    "num=th.dataset.type==='num';\n"
    "ths.forEach(function(o){o.removeAttribute('aria-sort');});\n"
    "th.setAttribute('aria-sort',asc?'ascending':'descending');\n"
    "rows.sort(function(x,y){var a=x.cells[col].dataset.key,c=y.cells[col].dataset.key,d;\n"
    "if(num){d=(+a)-(+c);}else{d=a<c?-1:a>c?1:0;}\n"
    "return asc?d:-d;});\n"
    "rows.forEach(function(r){tb.appendChild(r);});});});\n"
    "apply();})();\n";

/* values joined by sep; labels maps each to its words (NULL: the value,
 * written for an attribute). */
static void joined(struct html *h, const json_t *a, const char *sep, const char *(*label)(const char *))
{
    size_t i;
    const json_t *x;
    json_array_foreach(a, i, x) {
        if (i)
            html_raw(h, sep);
        if (label)
            html_text(h, label(json_string_value(x)));
        else
            html_attr(h, json_string_value(x));
    }
}

static void select_of(struct html *h, const char *id, const char *label,
                      const char *const *vals, const char *(*ja)(const char *))
{
    html_fmt(h, "<label>%s <select id=\"%s\"><option value=\"\">すべて</option>", label, id);
    for (size_t i = 0; vals[i]; i++)
        html_fmt(h, "<option value=\"%s\">%s</option>", vals[i], ja(vals[i]));
    html_raw(h, "</select></label>\n");
}

/* A cell whose sort key is key (an attribute) and whose text is text (or
 * "—" on NULL). */
static void cell(struct html *h, const char *class, const char *key, const char *text)
{
    html_fmt(h, "<td%s%s%s data-key=\"", class ? " class=\"" : "", class ? class : "", class ? "\"" : "");
    html_attr(h, key ? key : "");
    html_raw(h, "\">");
    if (text)
        html_text(h, text);
    else
        html_raw(h, "<span class=\"nf\">—</span>");
    html_raw(h, "</td>");
}

static void row(struct html *h, const struct notice *x)
{
    const json_t *r = x->rec, *total = at(r, "affected", "total");
    const json_t *methods = at(r, "attack", "methods"), *types = at(r, "data", "types");
    const char *org = json_string_value(at(r, "organization", "name"));
    const char *pub = json_string_value(at(r, "notice", "published"));
    int inc = json_is_true(at(r, "is_incident", NULL));
    char key[32], num[32];
    html_raw(h, "<tr data-methods=\"");
    joined(h, methods, " ", NULL);
    html_raw(h, "\" data-types=\"");
    joined(h, types, " ", NULL);
    html_fmt(h, "\" data-incident=\"%d\">\n", inc);
    cell(h, NULL, org, org);
    cell(h, "d", pub, pub);
    snprintf(key, sizeof key, "%lld", json_is_integer(total) ? (long long)json_integer_value(total) : -1LL);
    cell(h, "n", key, json_is_integer(total) ? html_grouped(json_integer_value(total), num) : NULL);
    html_raw(h, "<td data-key=\"");
    joined(h, methods, " ", NULL);
    html_raw(h, "\">");
    joined(h, methods, "、", html_method_label);
    html_raw(h, "</td><td class=\"opt\" data-key=\"");
    joined(h, types, " ", NULL);
    html_raw(h, "\">");
    joined(h, types, "、", html_type_label);
    html_fmt(h, "</td><td data-key=\"%d\">%s</td><td class=\"opt d\">", inc, inc ? "はい" : "いいえ");
    html_source_link(h, x->url, "出典");
    html_fmt(h, "</td><td class=\"d\"><a href=\"#n%lld\">根拠</a></td></tr>\n", x->id);
}

static void build(struct html *h, const struct report *r, const char *since)
{
    char now[32];
    store_now(now);
    size_t incidents = 0;
    for (size_t i = 0; i < r->n; i++)
        incidents += json_is_true(at(r->v[i].rec, "is_incident", NULL));
    html_page_begin(h, "owabi レポート", script);
    html_fmt(h, "<h1>owabi レポート</h1>\n<p class=\"sub\">%zu件の通知 (うちインシデント%zu件)、"
             "各ページの最新の記録%s%s%s。作成 %s、ストア ", r->n, incidents,
             since ? "、" : "", since ? since : "", since ? " 以降に保存" : "", now);
    html_text(h, r->db);
    html_raw(h, "</p>\n<div class=\"charts\">\n");
    chart_months(h, r);
    chart_types(h, r);
    chart_totals(h, r);
    html_raw(h, "</div>\n<section class=\"card\"><h2>通知の一覧</h2>\n<div class=\"filters\">\n");
    select_of(h, "f-method", "攻撃手法", html_methods, html_method_label);
    select_of(h, "f-type", "情報の種類", html_types, html_type_label);
    html_fmt(h, "<label><input type=\"checkbox\" id=\"f-incident\"> インシデントのみ</label>\n"
             "<label>検索 <input type=\"search\" id=\"f-q\" placeholder=\"組織名など\"></label>\n"
             "<span><output id=\"shown\">%zu</output> / %zu件</span>\n</div>\n", r->n, r->n);
    html_raw(h, "<div class=\"scroll\"><table id=\"notices\">\n<thead><tr>"
             "<th><button type=\"button\">組織</button></th>"
             "<th class=\"d\"><button type=\"button\">公表日</button></th>"
             "<th data-type=\"num\"><button type=\"button\">件数</button></th>"
             "<th><button type=\"button\">攻撃手法</button></th>"
             "<th class=\"opt\"><button type=\"button\">漏えいした情報</button></th>"
             "<th><button type=\"button\">インシデント</button></th>"
             "<th class=\"opt d\">出典</th><th class=\"d\">根拠</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->n; i++)
        row(h, &r->v[i]);
    html_raw(h, "</tbody></table></div></section>\n");
    for (size_t i = 0; i < r->n; i++) {
        char idp[40];
        snprintf(idp, sizeof idp, "n%lld-", r->v[i].id);
        html_fmt(h, "<section class=\"view card\" id=\"n%lld\">\n<p><a href=\"#notices\">一覧へ戻る</a> · ",
                 r->v[i].id);
        html_source_link(h, r->v[i].url, NULL);
        html_raw(h, " · 保存 ");
        html_text(h, r->v[i].stored_at);
        html_raw(h, "</p>\n");
        html_view(h, r->v[i].rec, NULL, 0, idp);
        html_raw(h, "</section>\n");
    }
    html_page_end(h, script);
}

/* ---- the command --------------------------------------------------------- */

static const char report_usage[] =
    "usage: owabi report [options]\n"
    "\n"
    "Writes one self-contained HTML page over the store: charts of notices per\n"
    "month by attack method, of leaked data types and of affected totals; a\n"
    "table of notices that sorts and filters in the browser; and each notice's\n"
    "evidence (its values with the quotes they came from).  The latest revision\n"
    "of each page is shown.\n"
    "\n"
    "  --db PATH          the store (default as for ingest)\n"
    "  --since DATE       only records stored on or after DATE (YYYY-MM-DD, or\n"
    "                     YYYY-MM-DDTHH:MM:SSZ, UTC)\n"
    "  -o, --output FILE  write to FILE (replaced whole, never left half\n"
    "                     written) instead of standard output\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 done, 1 the store cannot be read, a record is corrupt (the\n"
    "others are still shown) or the page cannot be written, 2 usage error.\n";

static void report_free(struct report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].url);
        free(r->v[i].stored_at);
        json_decref(r->v[i].rec);
    }
    free(r->v);
}

/* Writes the page to path through a temporary file in the same directory,
 * renamed over it once complete. */
static int write_file(const char *path, const struct html *h)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int rc = -1;
    if (f) {
        rc = html_write(f, h);
        if (fclose(f) && !rc)
            rc = -1;
        if (!rc && rename(tmp, path))
            rc = -1;
        if (rc) {
            int saved = errno;
            unlink(tmp);
            errno = saved;
        }
    }
    free(tmp);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_SINCE };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"since", required_argument, NULL, OPT_SINCE},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *since = NULL, *out = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_DB:
            if (!*optarg) return cli_usage_error("report", "empty --db%s", "");
            db = optarg;
            break;
        case OPT_SINCE:
            if (!cli_valid_since(optarg))
                return cli_usage_error("report", "bad --since '%s' (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", optarg);
            since = optarg;
            break;
        case 'o':
            if (!*optarg) return cli_usage_error("report", "empty --output%s", "");
            out = optarg;
            break;
        case 'h': fputs(report_usage, stdout); return 0;
        default: fprintf(stderr, "Try 'owabi report --help'.\n"); return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
    char *dbpath = cli_db_path(db);
    if (!dbpath)
        return EXIT_USAGE;
    struct ow_diag d = {0};
    struct store *s = NULL;
    struct report r = {.db = dbpath};
    struct html h;
    html_init(&h);
    int rc = EXIT_SOME_FAILED;
    ow_err e = store_open(dbpath, 0, &s, &d);
    if (!e)
        e = store_export(s, 0, since, collect, &r, &d);
    if (e) {
        fprintf(stderr, "owabi: %s\n", r.nomem ? ow_strerror(OW_NOMEM) : d.msg);
        goto done;
    }
    build(&h, &r, since);
    if (out && strcmp(out, "-") ? write_file(out, &h) : html_write(stdout, &h)) {
        fprintf(stderr, "owabi: %s: %s\n", out && strcmp(out, "-") ? out : "stdout", strerror(errno));
        goto done;
    }
    rc = r.corrupt ? EXIT_SOME_FAILED : 0;
done:
    html_free(&h);
    report_free(&r);
    store_close(s);
    free(dbpath);
    return rc;
}
