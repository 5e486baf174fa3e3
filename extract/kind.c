/* extract/kind.c — what kind of document the text is: the organization's own
 * notice, a listed company's release, a news article, a third party's blog
 * or analysis, a repost, a FAQ, or something else.
 *
 * The kind decides how the rest is read.  An own notice names its publisher
 * in a signature and speaks of itself (弊社, 当院, 本市); a news article names
 * it as the subject of an announcement (北浜市は12日、…と発表した) and speaks
 * of it as 同社 / 同市; a release has its header fields (各位, 会社名,
 * 代表者名, コード番号).  Counting the two voices over the body is robust to
 * the chrome around them: a news page quoting the company's apology still
 * has far more 発表した / 同社 / という than 弊社.
 *
 * Cues are vocabulary (incident.tsv self and report, kind.tsv); this file
 * holds only the decision. */
#include "internal.h"

#include <string.h>

/* Matches of file/label in [from, to), outside 「…」 quotations (a news
 * article quoting the company's 「弊社は…」 speaks in its own voice), at
 * most `cap`. */
static size_t count_label(struct ctx *c, const char *file, const char *label, size_t from,
                          size_t to, size_t cap)
{
    size_t n = 0;
    PCRE2_SIZE *ov;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, file, label); ru && n < cap;
         ru = ex_rules_next(c->r, ru, file, label)) {
        size_t pos = from;
        while (n < cap && pos < to && ex_rule_match(c, ru, pos, to, 0, &ov)) {
            size_t ms = ov[0], me = ov[1];
            /* inside a quotation: an open 「 after the last 」 before it on
             * its line (looked for in a bounded window) */
            size_t ls = ex_back(c, c->lines[ex_line_of(c, ms)].s, ms, 240);
            int quoted = 0;
            for (size_t p = ls; p + 3 <= ms; p++) {
                if (!memcmp(c->s + p, "「", 3))
                    quoted = 1;
                else if (!memcmp(c->s + p, "」", 3))
                    quoted = 0;
            }
            if (!quoted)
                n++;
            pos = me > ms ? me : ms + 1;
            while (pos < to && ((unsigned char)c->s[pos] & 0xc0) == 0x80)
                pos++;
        }
    }
    return n;
}

/* Does some line among the first `lines` non-blank ones match file/label
 * (as a whole, or anywhere in it when `part`)? */
static int head_line(struct ctx *c, const char *label, size_t lines, int part)
{
    PCRE2_SIZE *ov;
    for (size_t li = 0, seen = 0; li < c->nlines && seen < lines; li++) {
        size_t a = c->lines[li].s, b = c->lines[li].e;
        ex_trim(c->s, &a, &b);
        if (a == b)
            continue;
        seen++;
        if (b - a > EX_WINDOW)
            continue;
        for (const struct rule *ru = ex_rules_next(c->r, NULL, "kind", label); ru;
             ru = ex_rules_next(c->r, ru, "kind", label))
            if (part ? ex_rule_match(c, ru, a, b, 0, &ov)
                     : ex_rule_match(c, ru, a, b, PCRE2_ANCHORED, &ov) && ov[1] == b)
                return 1;
    }
    return 0;
}

void ex_kind_scan(struct ctx *c)
{
    /* The voice is counted in the first 3 KiB, the markers in the first
     * 2: a notice states itself in its first paragraphs, and a repost says
     * so at its head. */
    size_t to = ex_upto(c, 0, c->body_e, 3u << 10), head = ex_upto(c, 0, c->body_e, 2u << 10);
    size_t self = count_label(c, "incident", "self", 0, to, 16) +
                  2 * count_label(c, "kind", "apology", 0, to, 2) +
                  2 * count_label(c, "incident", "pressrelease", 0, head, 1) +
                  count_label(c, "kind", "ownhead", 0, to, 3);
    size_t report = count_label(c, "incident", "report", 0, to, 16) +
                    count_label(c, "kind", "hearsay", 0, to, 16);
    c->nself = self;
    c->nreport = report;
    c->release = head_line(c, "addressee", 12, 0) && head_line(c, "releasefield", 24, 0);
    c->faq = head_line(c, "faqhead", 6, 1) || count_label(c, "kind", "question", 0, head, 2) >= 2;
    c->faqleak = c->faq && count_label(c, "kind", "faqleak", 0, to, 1) > 0;
    c->repost = count_label(c, "kind", "repost", 0, head, 1) > 0;
    c->blog = count_label(c, "kind", "blog", 0, head, 1) > 0;
}

int ex_third_party(const struct ctx *c)
{
    return !c->release && c->nreport > c->nself;
}

enum ex_kind ex_kind_decide(const struct ctx *c, int is_incident)
{
    if (!is_incident)
        return EX_KIND_OTHER;
    if (c->faq)
        return EX_KIND_FAQ;
    if (c->release)
        return EX_KIND_RELEASE;
    if (c->nself > 0 && c->nself >= c->nreport)
        return c->repost ? EX_KIND_REPOST : EX_KIND_OWN;
    if (c->nreport > 0)
        return c->repost ? EX_KIND_REPOST : c->blog ? EX_KIND_BLOG : EX_KIND_NEWS;
    return EX_KIND_OWN;
}

const char *extract_kind_name(enum ex_kind k)
{
    switch (k) {
    case EX_KIND_OWN: return "own_notice";
    case EX_KIND_RELEASE: return "release";
    case EX_KIND_NEWS: return "news";
    case EX_KIND_BLOG: return "blog";
    case EX_KIND_REPOST: return "repost";
    case EX_KIND_FAQ: return "faq";
    case EX_KIND_OTHER: return "other";
    }
    return "other";
}
