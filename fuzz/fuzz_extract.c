/* fuzz/fuzz_extract.c — extract_run on normalized text.
 *
 * Rules are compiled once (they are read-only and shared, as in a batch).
 * The input is made valid UTF-8 by skipping invalid inputs, normalized with
 * norm_text, and extracted with its first line as the title (as parse/ puts
 * the title first) unless the input starts with byte 0x01 (then no title).
 * Checks: every evidence span lies within the text, every string is valid
 * UTF-8, dates have the documented shapes, tag lists are sorted without
 * duplicates, and counts are not negative. */
#include <stdlib.h>

#include "fuzz.h"

#include "../extract/extract.h"
#include "../normalize/norm.h"

static struct extract_rules *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct ow_diag d = {0};
    rules = extract_rules_compile(getenv("OWABI_NO_JIT") ? EXTRACT_NO_JIT : 0, &d);
    if (!rules) {
        fprintf(stderr, "fuzz_extract: extract_rules_compile: %s\n", d.msg);
        abort();
    }
    return 0;
}

static size_t text_len;

static void span(const char *what, size_t i, struct ex_span s)
{
    FUZZ_CHECK(s.start <= s.end && s.end <= text_len, "%s[%zu] span [%zu,%zu) outside text of %zu",
               what, i, s.start, s.end, text_len);
}

static void str(const char *what, const char *s)
{
    if (s)
        FUZZ_CHECK(ow_utf8_valid(s, strlen(s)), "%s is not valid UTF-8", what);
}

static void date(const char *what, const struct ex_date *dt)
{
    const char *s = dt->iso;
    FUZZ_CHECK(fuzz_terminated(s, sizeof dt->iso), "%s unterminated", what);
    size_t n = strlen(s);
    int ok = n == 0 || n == 4 || n == 7 || n == 10;
    for (size_t i = 0; ok && i < n; i++)
        ok = (i == 4 || i == 7) ? s[i] == '-' : (s[i] >= '0' && s[i] <= '9');
    if (ok && n >= 7)
        ok = memcmp(s + 5, "01", 2) >= 0 && memcmp(s + 5, "12", 2) <= 0;
    if (ok && n == 10)
        ok = memcmp(s + 8, "01", 2) >= 0 && memcmp(s + 8, "31", 2) <= 0;
    FUZZ_CHECK(ok, "%s '%s' is not YYYY, YYYY-MM or YYYY-MM-DD", what, s);
}

static void tags(const char *what, const struct ex_tag *t, size_t n)
{
    FUZZ_CHECK(n == 0 || t, "%s: n %zu but no array", what, n);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(fuzz_terminated(t[i].value, sizeof t[i].value) && t[i].value[0],
                   "%s[%zu] value empty or unterminated", what, i);
        span(what, i, t[i].ev);
        if (i)
            FUZZ_CHECK(strcmp(t[i - 1].value, t[i].value) < 0, "%s not sorted/unique: '%s' then '%s'",
                       what, t[i - 1].value, t[i].value);
    }
}

static void check_result(const struct extract_result *r)
{
    span("incident_ev", 0, r->incident_ev);
    str("org", r->org);
    span("org_ev", 0, r->org_ev);
    str("rep_title", r->rep_title);
    str("rep_name", r->rep_name);
    span("rep_ev", 0, r->rep_ev);
    date("published", &r->published);
    span("published_ev", 0, r->published_ev);
    FUZZ_CHECK(r->total >= -1, "total %lld", r->total);
    span("total_ev", 0, r->total_ev);
    FUZZ_CHECK(r->ncounts == 0 || r->counts, "ncounts %zu but no array", r->ncounts);
    for (size_t i = 0; i < r->ncounts; i++) {
        const struct ex_count *c = &r->counts[i];
        FUZZ_CHECK(c->count >= 0, "counts[%zu] = %lld", i, c->count);
        FUZZ_CHECK(fuzz_terminated(c->unit, sizeof c->unit) && ow_utf8_valid(c->unit, strlen(c->unit)),
                   "counts[%zu].unit unterminated or not UTF-8", i);
        FUZZ_CHECK(fuzz_terminated(c->subject, sizeof c->subject) &&
                       ow_utf8_valid(c->subject, strlen(c->subject)),
                   "counts[%zu].subject unterminated or not UTF-8", i);
        FUZZ_CHECK(c->qualifier <= EX_MIN, "counts[%zu].qualifier %d", i, (int)c->qualifier);
        FUZZ_CHECK(extract_qualifier_name(c->qualifier) != NULL, "no qualifier name");
        span("counts", i, c->ev);
    }
    tags("methods", r->methods, r->nmethods);
    tags("types", r->types, r->ntypes);
    const struct ex_period *p[2] = {&r->attack_period, &r->exposure_period};
    for (int i = 0; i < 2; i++) {
        date("period.start", &p[i]->start);
        date("period.end", &p[i]->end);
        span("period", (size_t)i, p[i]->ev);
    }
    date("discovered", &r->discovered);
    span("discovered_ev", 0, r->discovered_ev);
    FUZZ_CHECK(r->nservices == 0 || r->services, "nservices %zu but no array", r->nservices);
    for (size_t i = 0; i < r->nservices; i++) {
        FUZZ_CHECK(r->services[i] != NULL, "services[%zu] NULL", i);
        str("services[]", r->services[i]);
    }
    str("contact", r->contact);
    span("contact_ev", 0, r->contact_ev);
    /* Countermeasures: the header promises a closed set, not an order. */
    for (size_t i = 0; i < r->ncountermeasures; i++) {
        FUZZ_CHECK(fuzz_terminated(r->countermeasures[i].value, sizeof r->countermeasures[i].value),
                   "countermeasures[%zu] unterminated", i);
        span("countermeasures", i, r->countermeasures[i].ev);
    }
    FUZZ_CHECK(r->ntimeline == 0 || r->timeline, "ntimeline %zu but no array", r->ntimeline);
    for (size_t i = 0; i < r->ntimeline; i++) {
        date("timeline.date", &r->timeline[i].date);
        str("timeline.text", r->timeline[i].text);
        span("timeline", i, r->timeline[i].ev);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int want_title = !(size && data[0] == 0x01);
    if (!want_title)
        data++, size--;
    if (!ow_utf8_valid((const char *)data, size))
        return 0;
    char *in = fuzz_strndup(data, size);
    struct norm_text t = {0};
    struct ow_diag d = {0};
    if (norm_text(in, size, &t, &d)) {
        free(in);
        return 0;
    }
    char *title = want_title ? strndup(t.s, strcspn(t.s, "\n")) : NULL;
    struct extract_result r;
    memset(&r, 0, sizeof r);
    text_len = t.len;
    ow_err e = extract_run(rules, t.s, t.len, title, &r, &d);
    if (e == OW_OK)
        check_result(&r);
    else
        FUZZ_CHECK(e == OW_NOMEM, "extract_run gave %s: %s", ow_errname(e), d.msg);
    extract_result_free(&r);
    free(title);
    norm_text_free(&t);
    free(in);
    return 0;
}
