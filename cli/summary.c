#include "summary.h"

#include <string.h>

#include "../core/util.h"

struct style {
    const char *bold, *dim, *warn, *off;
};

/* First evidence quote recorded for a field (and value, when given). */
static const char *quote_for(const json_t *rec, const char *field, const json_t *value)
{
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(rec, "evidence"), i, ev) {
        if (strcmp(json_string_value(json_object_get(ev, "field")) ?: "", field))
            continue;
        if (value && !json_equal(json_object_get(ev, "value"), (json_t *)value))
            continue;
        return json_string_value(json_object_get(ev, "quote"));
    }
    return NULL;
}

static void quote_line(FILE *f, const struct style *st, const char *q)
{
    if (q)
        fprintf(f, "      %s「%s」%s\n", st->dim, q, st->off);
}

static const json_t *at(const json_t *rec, const char *a, const char *b)
{
    return json_object_get(json_object_get(rec, a), b);
}

/* Prints "label: text" with the evidence of field, or records the miss. */
static void scalar(FILE *f, const struct style *st, const json_t *rec, const char *label,
                   const char *field, const json_t *v, char *missing, size_t cap)
{
    if (!v || json_is_null(v)) {
        if (*missing)
            strncat(missing, ", ", cap - strlen(missing) - 1);
        strncat(missing, label, cap - strlen(missing) - 1);
        return;
    }
    char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    fprintf(f, "  %s%-16s%s %s\n", st->bold, label, st->off, s ? s : json_string_value(v));
    free(s);
    quote_line(f, st, quote_for(rec, field, json_is_string(v) || json_is_integer(v) ? v : NULL));
}

static void period(FILE *f, const struct style *st, const json_t *rec, const char *label,
                   const char *field, char *missing, size_t cap)
{
    const json_t *p = json_object_get(json_object_get(rec, "incident"), strchr(field, '.') + 1);
    if (!p || json_is_null(p)) {
        scalar(f, st, rec, label, field, NULL, missing, cap);
        return;
    }
    const char *s = json_string_value(json_object_get(p, "start"));
    const char *e = json_string_value(json_object_get(p, "end"));
    fprintf(f, "  %s%-16s%s %s ~ %s\n", st->bold, label, st->off, s ? s : "?", e ? e : "?");
    quote_line(f, st, quote_for(rec, field, NULL));
}

static void list(FILE *f, const struct style *st, const json_t *rec, const char *label,
                 const char *field, const json_t *a, char *missing, size_t cap)
{
    if (!json_array_size(a)) {
        scalar(f, st, rec, label, field, NULL, missing, cap);
        return;
    }
    fprintf(f, "  %s%-16s%s", st->bold, label, st->off);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
        fprintf(f, "%s%s", i ? ", " : " ", json_string_value(v));
    fputc('\n', f);
    json_array_foreach(a, i, v) {
        const char *q = quote_for(rec, field, v);
        if (q)
            fprintf(f, "      %s%s「%s」%s\n", st->dim, json_string_value(v), q, st->off);
    }
}

/* A copy of v whose strings show their controls as "<U+XXXX>": the digest
 * goes to a terminal, where a C1 CSI or OSC from a page would move the
 * cursor or retitle the window, and U+202E would reorder the line.  NULL
 * when out of memory. */
static json_t *visible(json_t *v)
{
    json_t *r = NULL, *x;
    if (json_is_string(v)) {
        struct ow_buf b;
        ow_buf_init(&b, 0);
        if (!ow_visible(&b, json_string_value(v), ""))
            r = json_stringn(b.data ? b.data : "", b.len);
        ow_buf_free(&b);
    } else if (json_is_object(v)) {
        const char *k;
        r = json_object();
        json_object_foreach(v, k, x) if (r && json_object_set_new(r, k, visible(x))) {
            json_decref(r);
            r = NULL;
        }
    } else if (json_is_array(v)) {
        size_t i;
        r = json_array();
        json_array_foreach(v, i, x) if (r && json_array_append_new(r, visible(x))) {
            json_decref(r);
            r = NULL;
        }
    } else {
        r = json_incref(v);
    }
    return r;
}

static int print(FILE *f, const json_t *rec, int colour);

int summary_print(FILE *f, const json_t *rec, int colour)
{
    json_t *shown = visible((json_t *)rec);
    if (!shown)
        return -1;
    int rc = print(f, shown, colour);
    json_decref(shown);
    return rc;
}

static int print(FILE *f, const json_t *rec, int colour)
{
    struct style st = colour ? (struct style){"\033[1m", "\033[2m", "\033[33m", "\033[0m"}
                             : (struct style){"", "", "", ""};
    char missing[512] = "";
    const json_t *src = json_object_get(rec, "source");
    const char *where = json_string_value(json_object_get(src, "url"));
    if (!where)
        where = json_string_value(json_object_get(src, "path"));
    fprintf(f, "%s%s%s\n", st.bold, where ? where : json_string_value(json_object_get(src, "id")), st.off);
    const char *title = json_string_value(at(rec, "notice", "title"));
    if (title)
        fprintf(f, "  %s\n", title);
    int incident = json_is_true(json_object_get(rec, "is_incident"));
    fprintf(f, "  %s%-16s%s %s%s%s\n", st.bold, "incident", st.off, incident ? "" : st.warn,
            incident ? "yes" : "no (not an incident disclosure)", incident ? "" : st.off);
    static const char *const kinds[][2] = {
        {"own_notice", "the organization's own notice"}, {"release", "listed-company release"},
        {"news", "news article"}, {"blog", "blog or analysis"}, {"repost", "repost of a notice"},
        {"faq", "FAQ"}, {"other", "other"}};
    const char *kind = json_string_value(at(rec, "notice", "kind"));
    for (size_t k = 0; kind && k < sizeof kinds / sizeof kinds[0]; k++)
        if (!strcmp(kind, kinds[k][0]))
            fprintf(f, "  %s%-16s%s %s\n", st.bold, "document", st.off, kinds[k][1]);
    scalar(f, &st, rec, "organization", "organization.name", at(rec, "organization", "name"), missing, sizeof missing);
    scalar(f, &st, rec, "published", "notice.published", at(rec, "notice", "published"), missing, sizeof missing);
    scalar(f, &st, rec, "discovered", "incident.discovered", at(rec, "incident", "discovered"), missing, sizeof missing);
    period(f, &st, rec, "attack period", "incident.attack_period", missing, sizeof missing);
    period(f, &st, rec, "exposure period", "incident.exposure_period", missing, sizeof missing);
    scalar(f, &st, rec, "affected total", "affected.total", at(rec, "affected", "total"), missing, sizeof missing);
    size_t i;
    json_t *c;
    json_array_foreach(at(rec, "affected", "counts"), i, c) {
        const char *subject = json_string_value(json_object_get(c, "subject"));
        fprintf(f, "      %" JSON_INTEGER_FORMAT "%s (%s%s%s)\n",
                json_integer_value(json_object_get(c, "count")),
                json_string_value(json_object_get(c, "unit")),
                json_string_value(json_object_get(c, "qualifier")),
                subject ? ", " : "", subject ? subject : "");
    }
    list(f, &st, rec, "attack methods", "attack.methods", at(rec, "attack", "methods"), missing, sizeof missing);
    list(f, &st, rec, "data types", "data.types", at(rec, "data", "types"), missing, sizeof missing);
    if (*missing)
        fprintf(f, "  %s%-16s%s %s%s%s\n", st.bold, "not found", st.off, st.warn, missing, st.off);
    const json_t *dec = json_object_get(src, "decode_errors");
    if (json_integer_value(dec) > 0)
        fprintf(f, "  %swarning: %" JSON_INTEGER_FORMAT " undecodable byte sequences%s\n", st.warn,
                json_integer_value(dec), st.off);
    return ferror(f) ? -1 : 0;
}
