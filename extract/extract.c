/* extract/extract.c — the run (extract_run: every part in order), the
 * incident decision (is_incident, is_update), services and the contact
 * block, and the small helpers every part uses.  The rules are rules.c's,
 * the text model text.c's, the vocabulary look-ups (methods, types,
 * countermeasures) tags.c's; dates live in dates.c, counts in counts.c, the
 * organization in org.c, the document's voice in kind.c.
 *
 * Text model (text.c).  The normalized text is cut into lines (blocks) and
 * sentences (split at 。, at line ends and before a ※ note).  Every
 * vocabulary pattern is run once over the whole text; its matches set
 * per-sentence flags (negated, advice, leak verb, incident cue) that later
 * look-ups consult by binary search, so the work stays linear in the text. */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

/* ---- small helpers ----------------------------------------------------- */

char *ex_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

size_t ex_char_start(const char *s, size_t p, size_t lo)
{
    while (p > lo && ((unsigned char)s[p] & 0xc0) == 0x80)
        p--;
    return p;
}

size_t ex_nchars(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t p = a; p < b; p++)
        n += ((unsigned char)s[p] & 0xc0) != 0x80;
    return n;
}

size_t ex_upto(const struct ctx *c, size_t from, size_t end, size_t max)
{
    if (end <= from || end - from <= max)
        return end;
    return ex_char_start(c->s, from + max, from);
}

size_t ex_back(const struct ctx *c, size_t start, size_t to, size_t max)
{
    if (to <= start || to - start <= max)
        return start;
    size_t p = to - max;
    while (p < to && ((unsigned char)c->s[p] & 0xc0) == 0x80)
        p++;
    return p;
}

size_t ex_date_at(const struct ctx *c, size_t pos)
{
    size_t lo = 0, hi = c->ndates;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->dates[mid].s < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void ex_trim(const char *s, size_t *a, size_t *b)
{
    for (;;) {
        if (*a < *b && (s[*a] == ' ' || s[*a] == '\t' || s[*a] == '\r'))
            (*a)++;
        else if (*b - *a >= 3 && memcmp(s + *a, "\xe3\x80\x80", 3) == 0)
            *a += 3;
        else
            break;
    }
    for (;;) {
        if (*b > *a && (s[*b - 1] == ' ' || s[*b - 1] == '\t' || s[*b - 1] == '\r'))
            (*b)--;
        else if (*b - *a >= 3 && memcmp(s + *b - 3, "\xe3\x80\x80", 3) == 0)
            *b -= 3;
        else
            break;
    }
}

void ex_date_iso(int y, int m, int d, int prec, struct ex_date *out)
{
    out->iso[0] = 0;
    if (y <= 0)
        return;
    if (prec >= 3 && m > 0 && d > 0)
        snprintf(out->iso, sizeof out->iso, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    else if (prec >= 2 && m > 0)
        snprintf(out->iso, sizeof out->iso, "%04d-%02d", y % 10000, m % 100);
    else
        snprintf(out->iso, sizeof out->iso, "%04d", y % 10000);
}

const char *extract_qualifier_name(enum ex_qualifier q)
{
    switch (q) {
    case EX_EXACT: return "exact";
    case EX_APPROX: return "approx";
    case EX_MAX: return "max";
    case EX_MIN: return "min";
    }
    return "exact";
}

/* ---- is_incident, is_update --------------------------------------------- */

/* Does a rule of incident/label match the caller's title?  A "title" that
 * is a sentence (a plain text's first line: 北浜大学は7日、…と発表した。)
 * is read with the body, not as a title. */
static int title_has(struct ctx *c, const char *label)
{
    const char *ts = c->title;
    size_t tlen = ts ? strlen(ts) : 0;
    if (!ts || !ow_utf8_valid(ts, tlen) || strstr(ts, "。"))
        return 0;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "incident", label); ru;
         ru = ex_rules_next(c->r, ru, "incident", label)) {
        const struct pattern *p = &c->r->pat[ru->id];
        size_t ms, me;
        if (ex_pattern_ready(c->r, ru->id) &&
            (p->lit ? ex_literal_match(p->lit, ts, 0, tlen, 0, &ms, &me)
                    : pcre2_match(p->re, (PCRE2_SPTR)ts, tlen, 0, 0, c->md, c->r->mctx) > 0))
            return 1;
    }
    return 0;
}

/* The head of the page: the title line and the headings right under it —
 * at most HEAD_LINES lines of at most HEAD_MAXLEN characters before the first
 * paragraph.  A menu line (several items split by | or >) is not a heading. */
#define HEAD_LINES 4
#define HEAD_MAXLEN 45

static int head_has(struct ctx *c, const char *label)
{
    for (size_t li = c->head_line, seen = 0; li < c->nlines && seen < HEAD_LINES; li++) {
        size_t a = c->lines[li].s, b = c->lines[li].e;
        ex_trim(c->s, &a, &b);
        if (a == b)
            continue;
        if (ex_nchars(c->s, a, b) > HEAD_MAXLEN || memmem(c->s + a, b - a, "。", 3))
            break;                          /* a paragraph */
        seen++;
        size_t bars = 0;
        for (size_t p = a; p < b; p++)
            bars += c->s[p] == '|' || c->s[p] == '>';
        if (bars > 1)
            continue;
        if (ex_label_match(c, "incident", label, a, b, 0, NULL))
            return 1;
    }
    return 0;
}

static void incident(struct ctx *c, struct extract_result *res)
{
    /* The title says what the page is: "…にご注意ください" or a privacy
     * policy is not a notice, unless it also names an incident. */
    int neg_title = title_has(c, "nottitle") || head_has(c, "nottitle");
    int cue_title = title_has(c, "cue") || head_has(c, "cue");
    /* A page whose title and headings carry no incident word at all (a
     * campaign, a product page) needs a cue sentence that reports an event
     * (…を受け, 判明, 発生), not a mere mention. */
    int topic = cue_title || title_has(c, "topic") || head_has(c, "topic");
    size_t cues = 0, first = SIZE_MAX;
    for (size_t i = 0; i < c->nsents; i++)
        if ((c->sflag[i] & SF_CUE) && !(c->sflag[i] & (SF_NEG | SF_GENERIC | SF_OTHER)) &&
            c->sents[i].s < c->body_e && (topic || (c->sflag[i] & SF_EVENT))) {
            if (first == SIZE_MAX)
                first = i;
            cues++;
        }
    /* Whose incident: a notice speaks of itself (弊社, 本市), a news story
     * reports somebody's disclosure, the page apologizes, or it is signed by
     * an organization (checked in extract_run).  A page with none of these
     * (statistics, a card association's account of a processor's leak)
     * tells somebody else's story; an explainer or a fill-in template is not
     * a notice however it reads. */
    int owned = 0, expl = 0;
    if (cues > 0) {
        owned = ex_label_match(c, "incident", "self", 0, c->body_e, 0, NULL) ||
                ex_label_match(c, "incident", "report", 0, c->body_e, 0, NULL) ||
                ex_label_match(c, "incident", "apology", 0, c->body_e, 0, NULL) ||
                ex_label_match(c, "incident", "pressrelease", 0, c->body_e, 0, NULL) || c->faqleak ||
                title_has(c, "owntitle") || head_has(c, "owntitle") ||
                title_has(c, "apology");
        expl = ex_label_match(c, "incident", "explainer", 0, c->body_e, 0, NULL) ||
               (ex_label_match(c, "incident", "explainweak", 0, c->body_e, 0, NULL) &&
                !ex_label_match(c, "incident", "report", 0, c->body_e, 0, NULL));
    }
    c->unowned = cues > 0 && !owned;     /* settled once the organization is known */
    /* A title that reads like a warning (なりすましメールに関するお詫び)
     * makes a notice only when the body says the organization's own
     * systems or data were hit (incident.tsv owncue), whatever else the
     * title says. */
    int own_hit = 0;
    for (size_t i = 0; neg_title && cues > 0 && i < c->nsents && !own_hit; i++) {
        unsigned char f = c->sflag[i];
        if ((f & SF_CUE) && !(f & (SF_NEG | SF_GENERIC | SF_ADVICE)) && c->sents[i].s < c->body_e)
            own_hit = ex_label_match(c, "incident", "owncue", c->sents[i].s,
                                     ex_upto(c, c->sents[i].s, c->sents[i].e, EX_WINDOW), 0, NULL);
    }
    res->is_incident = cues > 0 && !expl && !(neg_title && !own_hit);
    if (first != SIZE_MAX) {
        res->incident_ev.start = c->sents[first].s;
        res->incident_ev.end = c->sents[first].e;
    }
    struct span w;
    if (ex_label_match(c, "incident", "update", 0, c->body_e, 0, &w))
        res->is_update = 1;
}

/* ---- services, contact -------------------------------------------------- */

static int service_hit(struct ctx *c, PCRE2_SIZE *ov, void *arg)
{
    struct extract_result *res = arg;
    int g = ov[2] != PCRE2_UNSET ? 1 : 2;
    size_t ms = ov[0], a = ov[2 * g], b = ov[2 * g + 1];   /* ov is reused below */
    if (!ex_in_body(c, ms) || res->nservices >= 16)
        return res->nservices >= 16;
    size_t wa = ex_char_start(c->s, ms > 36 ? ms - 36 : 0, 0);
    int named = ex_label_match(c, "sections", "service", a, b, 0, NULL);
    int before = ex_label_match(c, "sections", "servicebefore", wa, ms, 0, NULL);
    if (!(named || before) || ex_label_match(c, "sections", "notservice", a, b, 0, NULL))
        return 0;
    char *name = ex_strndup(c->s + a, b - a);
    if (!name)
        return 1;
    for (size_t i = 0; i < res->nservices; i++)
        if (!strcmp(res->services[i], name)) {
            free(name);
            return 0;
        }
    char **v = realloc(res->services, (res->nservices + 1) * sizeof *v);
    if (!v) {
        free(name);
        return 1;
    }
    res->services = v;
    res->services[res->nservices++] = name;
    return 0;
}

static ow_err contact(struct ctx *c, struct extract_result *res)
{
    if (c->contact.e <= c->contact.s)
        return OW_OK;
    res->contact = ex_strndup(c->s + c->contact.s, c->contact.e - c->contact.s);
    if (!res->contact)
        return OW_NOMEM;
    res->contact_ev.start = c->contact.s;
    res->contact_ev.end = c->contact.e;
    return OW_OK;
}

/* ---- the run ------------------------------------------------------------ */

static void ctx_free(struct ctx *c)
{
    pcre2_match_data_free(c->md);
    free(c->skipped);
    free(c->chars);
    free(c->gated);
    free(c->lines);
    free(c->sents);
    free(c->sline);
    free(c->sflag);
    free(c->negpar);
    free(c->dates);
    free(c->ranges);
    free(c->lone_lines);
}

/* The incident fields are null on a page that is not an incident notice. */
static void clear_incident_fields(struct extract_result *res)
{
    free(res->counts);
    res->counts = NULL;
    res->ncounts = 0;
    res->total = -1;
    res->total_ev = (struct ex_span){0, 0};
    free(res->methods);
    res->methods = NULL;
    res->nmethods = 0;
    free(res->types);
    res->types = NULL;
    res->ntypes = 0;
    memset(&res->attack_period, 0, sizeof res->attack_period);
    memset(&res->exposure_period, 0, sizeof res->exposure_period);
    memset(&res->discovered, 0, sizeof res->discovered);
    memset(&res->discovered_ev, 0, sizeof res->discovered_ev);
    free(res->countermeasures);
    res->countermeasures = NULL;
    res->ncountermeasures = 0;
}

ow_err extract_run(const struct extract_rules *r, const char *text, size_t len,
                   const char *title, struct extract_result *out, struct ow_diag *d)
{
    struct ctx c;
    char *copy = NULL, *head_title = NULL;
    ow_err e = OW_OK;

    memset(out, 0, sizeof *out);
    out->total = -1;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.s = text ? text : "";
    c.n = text ? len : 0;
    c.title = title;
    c.org_line = SIZE_MAX;
    if (c.n > EXTRACT_MAX_TEXT) {
        size_t cut = ex_char_start(c.s, EXTRACT_MAX_TEXT, 0);
        const char *nl = memrchr(c.s, '\n', cut);
        if (nl && (size_t)(nl - c.s) > cut / 2)
            cut = (size_t)(nl - c.s);
        c.n = cut;
        out->truncated = 1;
    }
    /* Any bytes in: invalid UTF-8 (or a NUL) becomes '?' in a private copy of
     * the same length, so offsets still index the caller's text. */
    if (memchr(c.s, 0, c.n) || !ow_utf8_valid(c.s, c.n)) {
        copy = malloc(c.n + 1);
        if (!copy)
            return ow_diagf(d, OW_NOMEM, "out of memory");
        for (size_t i = 0; i < c.n;) {
            size_t k = ow_utf8_seqlen((const unsigned char *)c.s + i, c.n - i);
            if (k == 0 || c.s[i] == 0) {
                copy[i++] = '?';
            } else {
                memcpy(copy + i, c.s + i, k);
                i += k;
            }
        }
        copy[c.n] = 0;
        c.s = copy;
    }
    c.md = pcre2_match_data_create(EX_MAX_GROUPS + 1, NULL);
    c.skipped = calloc(r->npat, 1);
    if (!c.md || !c.skipped) {
        e = OW_NOMEM;
        goto done;
    }
    if ((e = ex_gate_scan(&c)) || (e = ex_segment(&c)) || (e = ex_flag_sentences(&c)))
        goto done;
    ex_find_structure(&c);
    /* A text's title is its first line; when that is a menu, the title is
     * the first line after the menus (ex_find_structure) */
    if (c.head_line && c.title) {
        size_t a = c.lines[0].s, b = c.lines[0].e;
        ex_trim(c.s, &a, &b);
        if (strlen(c.title) == b - a && !memcmp(c.title, c.s + a, b - a)) {
            a = c.lines[c.head_line].s, b = c.lines[c.head_line].e;
            ex_trim(c.s, &a, &b);
            if (!(head_title = ex_strndup(c.s + a, b - a))) {
                e = OW_NOMEM;
                goto done;
            }
            c.title = head_title;
        }
    }
    ex_kind_scan(&c);    /* incident() asks whether the page is a FAQ */
    incident(&c, out);
    if ((e = ex_dates_scan(&c)) || (e = ex_org(&c, out)) || (e = ex_published(&c, out)))
        goto done;
    if (c.unowned && !out->org)
        out->is_incident = 0;
    out->kind = ex_kind_decide(&c, out->is_incident);
    if ((e = ex_tags(&c, "types", 0, &out->types, &out->ntypes)))
        goto done;
    int card = 0;
    for (size_t i = 0; i < out->ntypes; i++)
        card |= !strcmp(out->types[i].value, "card_number");
    if ((e = ex_tags(&c, "methods", card, &out->methods, &out->nmethods)) ||
        (e = ex_tags(&c, "countermeasures", 0, &out->countermeasures, &out->ncountermeasures)))
        goto done;
    if ((e = ex_counts(&c, out)) || (e = ex_periods(&c, out)) || (e = ex_timeline(&c, out)) ||
        (e = contact(&c, out)))
        goto done;
    ex_scan(&c, (unsigned)(r->n + BI_BRACKET), 0, c.n, service_hit, out);
    if (!out->is_incident)
        clear_incident_fields(out);
    out->limited = c.limited;
done:
    ctx_free(&c);
    free(head_title);
    free(copy);
    if (e) {
        extract_result_free(out);
        return ow_diagf(d, e, "%s while extracting", ow_strerror(e));
    }
    return OW_OK;
}

void extract_result_free(struct extract_result *res)
{
    if (!res)
        return;
    free(res->org);
    free(res->rep_title);
    free(res->rep_name);
    free(res->counts);
    free(res->methods);
    free(res->types);
    for (size_t i = 0; i < res->nservices; i++)
        free(res->services[i]);
    free(res->services);
    free(res->contact);
    free(res->countermeasures);
    for (size_t i = 0; i < res->ntimeline; i++)
        free(res->timeline[i].text);
    free(res->timeline);
    memset(res, 0, sizeof *res);
    res->total = -1;
}
