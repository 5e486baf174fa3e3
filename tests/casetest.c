/* tests/casetest.c — runs the data-driven case files (jq.test style).
 *
 *   casetest FILE...
 *
 * Two formats, told apart by content:
 *
 * normalize.test  cases of two lines — the input text, then the expected
 *                 output of norm_text() — separated by blank lines.
 *
 * extract.test    cases that open with "%%CASE name", then input lines (raw
 *                 text: it goes through norm_text, then extract_run), then
 *                 "%%EXPECT" and "field: value" lines.  Only the listed
 *                 fields are checked; see the head of tests/extract.test.
 *
 * Lines starting with '#' are comments everywhere.  Prints one line per
 * failure (file:line, case, what differed) and a last line
 * "N passed, M failed"; exits 1 when anything failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "../extract/extract.h"
#include "../normalize/norm.h"

static int passed, failed;

struct lines {
    char **v;
    int *no;              /* 1-based line numbers */
    size_t n;
};

static int read_lines(const char *path, struct lines *L)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0, vcap = 0;
    ssize_t got;
    int no = 0;
    memset(L, 0, sizeof *L);
    while ((got = getline(&line, &cap, f)) >= 0) {
        no++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = 0;
        if (L->n == vcap) {
            vcap = vcap ? vcap * 2 : 256;
            L->v = realloc(L->v, vcap * sizeof *L->v);
            L->no = realloc(L->no, vcap * sizeof *L->no);
            if (!L->v || !L->no) {
                fclose(f);
                free(line);
                return -1;
            }
        }
        L->v[L->n] = strdup(line);
        L->no[L->n++] = no;
    }
    free(line);
    fclose(f);
    return 0;
}

static void free_lines(struct lines *L)
{
    for (size_t i = 0; i < L->n; i++)
        free(L->v[i]);
    free(L->v);
    free(L->no);
}

static void fail(const char *file, int line, const char *name, const char *fmt, const char *a,
                 const char *b)
{
    failed++;
    printf("%s:%d: %s: ", file, line, name);
    printf(fmt, a, b);
    printf("\n");
}

/* ---- normalize.test ---------------------------------------------------- */

static void run_normalize(const char *file, struct lines *L)
{
    size_t i = 0;
    while (i < L->n) {
        if (L->v[i][0] == 0 || L->v[i][0] == '#') {
            i++;
            continue;
        }
        if (i + 1 >= L->n || L->v[i + 1][0] == 0) {
            fail(file, L->no[i], "case", "%s%s", "input without an expected line", "");
            i++;
            continue;
        }
        const char *in = L->v[i], *want = L->v[i + 1];
        struct norm_text t;
        struct ow_diag d = {0};
        if (norm_text(in, strlen(in), &t, &d) != OW_OK) {
            fail(file, L->no[i], in, "norm_text failed: %s%s", d.msg, "");
        } else if (strcmp(t.s, want) != 0) {
            fail(file, L->no[i], in, "got \"%s\", want \"%s\"", t.s, want);
        } else {
            passed++;
        }
        norm_text_free(&t);
        i += 2;
    }
}

/* ---- extract.test ------------------------------------------------------ */

/* Splits s on spaces and commas into words (modifies s). */
static size_t words(char *s, char **w, size_t max)
{
    size_t n = 0;
    for (char *p = strtok(s, " ,"); p && n < max; p = strtok(NULL, " ,"))
        w[n++] = p;
    return n;
}

static int list_matches(char *want, const char *const *have, size_t nhave)
{
    char *w[64];
    size_t n = (strcmp(want, "-") == 0) ? 0 : words(want, w, 64);
    if (n != nhave)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t j = 0; j < nhave; j++)
            if (!strcmp(w[i], have[j]))
                found = 1;
        if (!found)
            return 0;
    }
    return 1;
}

static void fmt_tags(const struct ex_tag *t, size_t n, struct ow_buf *b)
{
    if (!n)
        ow_buf_adds(b, "-");
    for (size_t i = 0; i < n; i++)
        ow_buf_printf(b, "%s%s", i ? " " : "", t[i].value);
}

static int tags_match(char *want, const struct ex_tag *t, size_t n)
{
    const char *have[64];
    size_t k = n < 64 ? n : 64;
    for (size_t i = 0; i < k; i++)
        have[i] = t[i].value;
    return list_matches(want, have, k);
}

static const char *date_or_null(const struct ex_date *d)
{
    return d->iso[0] ? d->iso : "null";
}

static void fmt_period(const struct ex_period *p, struct ow_buf *b)
{
    if (!p->present)
        ow_buf_adds(b, "null");
    else
        ow_buf_printf(b, "%s %s", date_or_null(&p->start), date_or_null(&p->end));
}

static void fmt_counts(const struct extract_result *x, struct ow_buf *b)
{
    if (!x->ncounts)
        ow_buf_adds(b, "-");
    for (size_t i = 0; i < x->ncounts; i++)
        ow_buf_printf(b, "%s%lld %s %s%s%s", i ? ", " : "", x->counts[i].count, x->counts[i].unit,
                      extract_qualifier_name(x->counts[i].qualifier),
                      x->counts[i].subject[0] ? " " : "", x->counts[i].subject);
}

/* "263 件 exact card_number, 248 件": each listed item must match a count on
 * the tokens it gives, and there must be as many counts as items. */
static int counts_match(const char *want, const struct extract_result *x)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", want);
    if (!strcmp(buf, "-"))
        return x->ncounts == 0;
    size_t items = 0;
    char *save = NULL;
    for (char *it = strtok_r(buf, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
        char *tok[4], *s2 = NULL;
        size_t nt = 0;
        for (char *p = strtok_r(it, " ", &s2); p && nt < 4; p = strtok_r(NULL, " ", &s2))
            tok[nt++] = p;
        if (!nt)
            continue;
        items++;
        int ok = 0;
        for (size_t i = 0; i < x->ncounts && !ok; i++) {
            const struct ex_count *c = &x->counts[i];
            ok = c->count == atoll(tok[0]) && (nt < 2 || !strcmp(c->unit, tok[1])) &&
                 (nt < 3 || !strcmp(extract_qualifier_name(c->qualifier), tok[2])) &&
                 (nt < 4 || !strcmp(c->subject, tok[3]));
        }
        if (!ok)
            return 0;
    }
    return items == x->ncounts;
}

/* Checks one "field: value" line; fills got with what was found on mismatch. */
static int check_field(const char *field, char *value, const struct extract_result *x,
                       struct ow_buf *got)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", value);
    if (!strcmp(field, "is_incident")) {
        ow_buf_adds(got, x->is_incident ? "true" : "false");
        return !strcmp(value, x->is_incident ? "true" : "false");
    }
    if (!strcmp(field, "kind")) {
        ow_buf_adds(got, extract_kind_name(x->kind));
        return !strcmp(value, got->data);
    }
    if (!strcmp(field, "update")) {
        ow_buf_adds(got, x->is_update ? "true" : "false");
        return !strcmp(value, x->is_update ? "true" : "false");
    }
    if (!strcmp(field, "organization")) {
        ow_buf_adds(got, x->org ? x->org : "null");
        return !strcmp(value, x->org ? x->org : "null");
    }
    if (!strcmp(field, "rep")) {
        ow_buf_printf(got, "%s %s", x->rep_title ? x->rep_title : "null",
                      x->rep_name ? x->rep_name : "null");
        return !strcmp(value, got->data);
    }
    if (!strcmp(field, "published")) {
        ow_buf_adds(got, date_or_null(&x->published));
        return !strcmp(value, got->data);
    }
    if (!strcmp(field, "discovered")) {
        ow_buf_adds(got, date_or_null(&x->discovered));
        return !strcmp(value, got->data);
    }
    if (!strcmp(field, "total")) {
        if (x->total < 0)
            ow_buf_adds(got, "null");
        else
            ow_buf_printf(got, "%lld", x->total);
        return !strcmp(value, got->data);
    }
    if (!strcmp(field, "attack_period") || !strcmp(field, "exposure_period")) {
        fmt_period(!strcmp(field, "attack_period") ? &x->attack_period : &x->exposure_period, got);
        return !strcmp(value, got->data);
    }
    if (!strcmp(field, "counts")) {
        fmt_counts(x, got);
        return counts_match(value, x);
    }
    if (!strcmp(field, "methods")) {
        fmt_tags(x->methods, x->nmethods, got);
        return tags_match(tmp, x->methods, x->nmethods);
    }
    if (!strcmp(field, "types")) {
        fmt_tags(x->types, x->ntypes, got);
        return tags_match(tmp, x->types, x->ntypes);
    }
    if (!strcmp(field, "countermeasures")) {
        fmt_tags(x->countermeasures, x->ncountermeasures, got);
        return tags_match(tmp, x->countermeasures, x->ncountermeasures);
    }
    if (!strcmp(field, "services")) {
        if (!x->nservices)
            ow_buf_adds(got, "-");
        for (size_t i = 0; i < x->nservices; i++)
            ow_buf_printf(got, "%s%s", i ? ", " : "", x->services[i]);
        return list_matches(tmp, (const char *const *)x->services, x->nservices);
    }
    if (!strcmp(field, "contact")) {
        ow_buf_adds(got, x->contact ? "present" : "null");
        return !strcmp(value, got->data);
    }
    if (!strcmp(field, "timeline")) {
        if (!x->ntimeline)
            ow_buf_adds(got, "-");
        for (size_t i = 0; i < x->ntimeline; i++)
            ow_buf_printf(got, "%s%s", i ? " " : "", x->timeline[i].date.iso);
        return !strcmp(value, got->data);
    }
    ow_buf_printf(got, "unknown field \"%s\"", field);
    return 0;
}

static void run_case(const char *file, const struct extract_rules *rules, const char *name,
                     int line, struct lines *L, size_t in0, size_t in1, size_t ex0, size_t ex1)
{
    struct ow_buf text;
    ow_buf_init(&text, 0);
    for (size_t i = in0; i < in1; i++) {
        if (L->v[i][0] == '#')
            continue;
        if (text.len)
            ow_buf_addc(&text, '\n');
        ow_buf_adds(&text, L->v[i]);
    }
    struct norm_text t;
    struct ow_diag d = {0};
    struct extract_result x;
    if (norm_text(text.data ? text.data : "", text.len, &t, &d) != OW_OK) {
        fail(file, line, name, "norm_text failed: %s%s", d.msg, "");
        ow_buf_free(&text);
        return;
    }
    if (extract_run(rules, t.s, t.len, NULL, &x, &d) != OW_OK) {
        fail(file, line, name, "extract_run failed: %s%s", d.msg, "");
        norm_text_free(&t);
        ow_buf_free(&text);
        return;
    }
    int ok = 1;
    for (size_t i = ex0; i < ex1; i++) {
        char *l = L->v[i];
        if (l[0] == '#' || l[0] == 0)
            continue;
        char *colon = strstr(l, ": ");
        char field[64], value[1024];
        if (!colon) {
            /* "field:" with nothing after it means an empty list */
            size_t n = strlen(l);
            if (n && l[n - 1] == ':') {
                snprintf(field, sizeof field, "%.*s", (int)(n - 1), l);
                snprintf(value, sizeof value, "-");
            } else {
                fail(file, L->no[i], name, "bad expectation line \"%s\"%s", l, "");
                ok = 0;
                continue;
            }
        } else {
            snprintf(field, sizeof field, "%.*s", (int)(colon - l), l);
            snprintf(value, sizeof value, "%s", colon + 2);
        }
        struct ow_buf got;
        ow_buf_init(&got, 0);
        if (!check_field(field, value, &x, &got)) {
            char what[1200];
            snprintf(what, sizeof what, "%s: got \"%s\"", field, got.data ? got.data : "");
            fail(file, L->no[i], name, "%s, want \"%s\"", what, value);
            ok = 0;
        }
        ow_buf_free(&got);
    }
    if (ok)
        passed++;
    extract_result_free(&x);
    norm_text_free(&t);
    ow_buf_free(&text);
}

static void run_extract(const char *file, struct lines *L, const struct extract_rules *rules)
{
    size_t i = 0;
    while (i < L->n) {
        if (strncmp(L->v[i], "%%CASE", 6) != 0) {
            i++;
            continue;
        }
        const char *name = L->v[i][6] ? L->v[i] + 7 : "(unnamed)";
        int line = L->no[i];
        size_t in0 = i + 1, j = in0;
        while (j < L->n && L->v[j][0] && strcmp(L->v[j], "%%EXPECT") != 0)
            j++;
        if (j >= L->n || strcmp(L->v[j], "%%EXPECT") != 0) {
            fail(file, line, name, "no %%%%EXPECT line before the blank line%s%s", "", "");
            i = j;
            continue;
        }
        size_t ex0 = j + 1, k = ex0;
        while (k < L->n && L->v[k][0] && strncmp(L->v[k], "%%CASE", 6) != 0)
            k++;
        run_case(file, rules, name, line, L, in0, j, ex0, k);
        i = k;
    }
}

int main(int argc, char **argv)
{
    struct ow_diag d = {0};
    struct extract_rules *rules = extract_rules_compile(getenv("OWABI_NO_JIT") ? EXTRACT_NO_JIT : 0, &d);
    if (!rules) {
        printf("extract_rules_compile: %s\n0 passed, 1 failed\n", d.msg);
        return 1;
    }
    for (int a = 1; a < argc; a++) {
        struct lines L;
        if (read_lines(argv[a], &L) != 0) {
            printf("%s: cannot read\n", argv[a]);
            failed++;
            continue;
        }
        int is_extract = 0;
        for (size_t i = 0; i < L.n; i++)
            if (!strncmp(L.v[i], "%%CASE", 6))
                is_extract = 1;
        if (is_extract)
            run_extract(argv[a], &L, rules);
        else
            run_normalize(argv[a], &L);
        free_lines(&L);
    }
    extract_rules_free(rules);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
