#include "record.h"

#include <string.h>

#include "../core/util.h"

/* JSON string or null: the record never holds "" for an unknown fact. */
static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *date_or_null(const struct ex_date *dt)
{
    return str_or_null(dt->iso);
}

static json_t *period(const struct ex_period *p)
{
    if (!p->present)
        return json_null();
    return json_pack("{s:o, s:o}", "start", date_or_null(&p->start), "end", date_or_null(&p->end));
}

/* 1-based block number of a byte offset of the main text. */
static size_t line_of(const struct parse_doc *doc, size_t off)
{
    size_t lo = 0, hi = doc->nblocks;
    while (lo < hi) {          /* first block starting after off */
        size_t mid = lo + (hi - lo) / 2;
        if (doc->blocks[mid].off <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo : 1;
}

/* Appends {field, value, quote, start, end, line} for a span of normalized
 * text, quoting the original main text it came from. */
static int add_evidence(json_t *ev, const struct parse_doc *doc, const struct norm_text *norm,
                        const struct record_source *src, const char *field, json_t *value,
                        struct ex_span sp)
{
    if (sp.end <= sp.start || sp.end > norm->len) {
        json_decref(value);
        return 0;
    }
    size_t s, e;
    norm_span_to_input(norm, sp.start, sp.end, &s, &e);
    if (e > doc->len)
        e = doc->len;
    if (s > e)
        s = e;
    size_t line = line_of(doc, s);
    json_t *page = src->block_page && line <= doc->nblocks
                       ? json_integer(src->block_page[line - 1]) : json_null();
    json_t *item = json_pack("{s:s, s:o, s:s%, s:I, s:I, s:I, s:o}", "field", field,
                             "value", value ? value : json_null(),
                             "quote", doc->text + s, e - s,
                             "start", (json_int_t)s, "end", (json_int_t)e,
                             "line", (json_int_t)line, "page", page);
    return item ? json_array_append_new(ev, item) : -1;
}

static json_t *tags(const struct ex_tag *t, size_t n, json_t *ev, const struct parse_doc *doc,
                    const struct norm_text *norm, const struct record_source *src,
                    const char *field)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_array_append_new(a, json_string(t[i].value));
        if (ev)
            add_evidence(ev, doc, norm, src, field, json_string(t[i].value), t[i].ev);
    }
    return a;
}

/* source.pdf: the document info of a PDF, null for other inputs. */
static json_t *pdf_info(const struct pdf_info *p)
{
    if (!p)
        return json_null();
    return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:I}",
                     "pages", (json_int_t)p->pages,
                     "pages_read", (json_int_t)p->pages_read,
                     "producer", str_or_null(p->producer),
                     "creator", str_or_null(p->creator),
                     "created", str_or_null(p->created),
                     "modified", str_or_null(p->modified),
                     "text_chars", (json_int_t)p->text_chars);
}

static json_t *source(const struct record_source *src, const struct decode_result *dec,
                      const struct parse_doc *doc)
{
    char sha[65];
    ow_sha256_hex(src->bytes, src->nbytes, sha);
    const char *format = src->pdf ? "pdf" : dec->is_mail ? "mail" : doc->is_html ? "html" : "text";
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:I, s:s, s:o, s:s,"
                     " s:b, s:I, s:s, s:o}",
                     "id", str_or_null(src->id),
                     "path", str_or_null(src->path),
                     "url", str_or_null(src->url),
                     "final_url", str_or_null(src->final_url),
                     "http_status", src->http_status ? json_integer(src->http_status) : json_null(),
                     "content_type", str_or_null(src->content_type),
                     "fetched_at", str_or_null(src->fetched_at),
                     "etag", str_or_null(src->etag),
                     "last_modified", str_or_null(src->last_modified),
                     "sha256", sha,
                     "bytes", (json_int_t)src->nbytes,
                     "charset", dec->charset,
                     "charset_declared", str_or_null(dec->declared),
                     "charset_source", src->pdf ? "pdf" : decode_source_name(dec->source),
                     "charset_fallback", dec->fallback,
                     "decode_errors", (json_int_t)dec->invalid,
                     "format", format,
                     "pdf", pdf_info(src->pdf));
}

json_t *schema_record_build(const struct record_source *src, const struct decode_result *dec,
                            const struct parse_doc *doc, const struct norm_text *norm,
                            const struct extract_result *ex)
{
    json_t *ev = json_array();
    if (!ev)
        return NULL;

    if (ex->org)
        add_evidence(ev, doc, norm, src, "organization.name", json_string(ex->org), ex->org_ev);
    if (ex->published.iso[0])
        add_evidence(ev, doc, norm, src, "notice.published", json_string(ex->published.iso), ex->published_ev);
    if (ex->total >= 0)
        add_evidence(ev, doc, norm, src, "affected.total", json_integer(ex->total), ex->total_ev);

    json_t *counts = json_array();
    for (size_t i = 0; counts && i < ex->ncounts; i++) {
        const struct ex_count *c = &ex->counts[i];
        json_array_append_new(counts, json_pack("{s:I, s:s, s:o, s:s}",
                                                "count", (json_int_t)c->count,
                                                "unit", c->unit,
                                                "subject", str_or_null(c->subject),
                                                "qualifier", extract_qualifier_name(c->qualifier)));
        add_evidence(ev, doc, norm, src, "affected.counts", json_integer(c->count), c->ev);
    }
    if (ex->attack_period.present)
        add_evidence(ev, doc, norm, src, "incident.attack_period", NULL, ex->attack_period.ev);
    if (ex->exposure_period.present)
        add_evidence(ev, doc, norm, src, "incident.exposure_period", NULL, ex->exposure_period.ev);
    if (ex->discovered.iso[0])
        add_evidence(ev, doc, norm, src, "incident.discovered", json_string(ex->discovered.iso),
                     ex->discovered_ev);

    json_t *timeline = json_array();
    for (size_t i = 0; timeline && i < ex->ntimeline; i++)
        json_array_append_new(timeline, json_pack("{s:o, s:s}", "date",
                                                  date_or_null(&ex->timeline[i].date),
                                                  "event", ex->timeline[i].text ? ex->timeline[i].text : ""));
    json_t *services = json_array();
    for (size_t i = 0; services && i < ex->nservices; i++)
        json_array_append_new(services, json_string(ex->services[i]));

    json_t *rep = ex->rep_name || ex->rep_title
                      ? json_pack("{s:o, s:o}", "title", str_or_null(ex->rep_title),
                                  "name", str_or_null(ex->rep_name))
                      : json_null();

    json_t *rec = json_pack(
        "{s:s, s:o, s:b, s:b,"
        " s:{s:o, s:o},"
        " s:{s:s, s:o, s:o},"
        " s:{s:o, s:o},"
        " s:{s:o}, s:{s:o},"
        " s:{s:o, s:o, s:o, s:o},"
        " s:o, s:o, s:o,"
        " s:o,"
        " s:{s:s, s:I, s:b, s:I, s:b}}",
        "owabi_version", OW_VERSION,
        "source", source(src, dec, doc),
        "is_incident", ex->is_incident,
        "is_update", ex->is_update,
        "organization", "name", str_or_null(ex->org), "representative", rep,
        "notice", "kind", extract_kind_name(ex->kind), "published", date_or_null(&ex->published), "title", str_or_null(doc->title),
        "affected", "total", ex->total >= 0 ? json_integer(ex->total) : json_null(), "counts", counts,
        "attack", "methods", tags(ex->methods, ex->nmethods, ev, doc, norm, src, "attack.methods"),
        "data", "types", tags(ex->types, ex->ntypes, ev, doc, norm, src, "data.types"),
        "incident", "attack_period", period(&ex->attack_period),
        "exposure_period", period(&ex->exposure_period),
        "discovered", date_or_null(&ex->discovered), "timeline", timeline,
        "services", services,
        "contact", str_or_null(ex->contact),
        "countermeasures", tags(ex->countermeasures, ex->ncountermeasures, NULL, doc, norm, src, NULL),
        "evidence", ev,
        "diagnostics", "main_content", !doc->is_html ? "text" : doc->main_by_markup ? "markup" : "score",
        "blocks", (json_int_t)doc->nblocks, "no_text", doc->nblocks == 0, "match_limited", (json_int_t)ex->limited,
        "text_truncated", ex->truncated);
    return rec;
}
