/* extract/text.c — the text model: lines, sentences and their flags,
 * negation scopes, the notice body and the contact block. */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

static size_t span_find(const struct span *v, size_t n, size_t pos)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].s <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

size_t ex_line_of(const struct ctx *c, size_t pos)
{
    return span_find(c->lines, c->nlines, pos);
}

size_t ex_sent_of(const struct ctx *c, size_t pos)
{
    return span_find(c->sents, c->nsents, pos);
}

int ex_in_body(const struct ctx *c, size_t pos)
{
    return pos >= c->body_s && pos < c->body_e &&
           !(pos >= c->contact.s && pos < c->contact.e);
}

int ex_negated(const struct ctx *c, size_t pos)
{
    size_t i = ex_sent_of(c, pos);
    if (c->sflag[i] & SF_NEG)
        return 1;
    if (c->nnegpar) {
        /* negpar is sorted by start; a span never reaches further back than
         * its sentence window, so only a few spans before pos can hold it */
        size_t k = span_find(c->negpar, c->nnegpar, pos);
        for (size_t j = k + 1; j-- > 0;) {
            if (pos >= c->negpar[j].s && pos < c->negpar[j].e)
                return 1;
            if (c->negpar[j].s + 4 * EX_WINDOW < pos)
                break;
        }
    }
    return 0;
}

/* The clause around [ms, me) inside its sentence: from the last clause break
 * (negations.tsv "clause": …ますが、 / ものの / なお、) at or before ms to the
 * first one at or after me.  Bounded by EX_WINDOW on each side. */
void ex_clause(struct ctx *c, size_t ms, size_t me, struct span *out)
{
    size_t i = ex_sent_of(c, ms);
    size_t ss = ex_back(c, c->sents[i].s, ms, EX_WINDOW);
    size_t se = ex_upto(c, me, c->sents[i].e, EX_WINDOW);
    if (se < me)
        se = me;
    out->s = ss;
    out->e = se;
    PCRE2_SIZE *ov;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "negations", "clause"); ru;
         ru = ex_rules_next(c->r, ru, "negations", "clause")) {
        size_t pos = ss;
        while (pos < se && ex_rule_match(c, ru, pos, se, 0, &ov)) {
            size_t bs = ov[0], be = ov[1];
            if (be <= ms && be > out->s)
                out->s = be;
            if (be >= me && be < out->e)
                out->e = be;
            if (be >= me)
                break;
            pos = be > bs ? be : bs + 1;
            while (pos < se && ((unsigned char)c->s[pos] & 0xc0) == 0x80)
                pos++;
        }
    }
}

int ex_heading_says(struct ctx *c, size_t li, size_t max, int heading_only,
                    int (*says)(struct ctx *c, size_t a, size_t b))
{
    for (size_t l = li, seen = 0; l-- > 0 && seen < max;) {
        size_t a = c->lines[l].s, b = c->lines[l].e;
        ex_trim(c->s, &a, &b);
        if (a == b)
            continue;
        seen++;
        int para = ex_nchars(c->s, a, b) > 120 || memmem(c->s + a, b - a, "。", 3);
        if (heading_only && para)
            return 0;
        if (says(c, a, ex_upto(c, a, b, EX_WINDOW)))
            return 1;
        if (para)
            return 0;
    }
    return 0;
}

int ex_mention_ok(const struct ctx *c, size_t pos)
{
    if (!ex_in_body(c, pos) || ex_negated(c, pos))
        return 0;
    unsigned char f = c->sflag[ex_sent_of(c, pos)];
    return !(f & SF_OTHER) && !((f & SF_ADVICE) && !(f & SF_LEAK));
}


/* Does the line [ls, le) break off mid-sentence, so that its sentence runs on
 * into the next line?  Plain-text mail and <br>-broken paragraphs wrap at a
 * fixed width: "お名前やご住所、⏎お電話番号などは含まれておりません" is one
 * sentence, and its negation covers both lines.  A line continues when it
 * ends with 、 or, being long (a heading is short), with a particle or a
 * conjunctive form; a heading ending ("…について") or a sentence-final form
 * (…ます, …ません) never continues, nor does a next line that opens a list,
 * a table row or a date. */
static int continues(const struct ctx *c, size_t ls, size_t le)
{
    static const char *const heads[] = {"について", "に関して", "に関する", "のお知らせ",
                                        "お願い", "のお詫び", "へのお詫び"};
    static const char particles[] = "へをにでがはやとのもてしりきくびらずつ";
    const char *s = c->s;
    size_t a = ls, b = le;
    ex_trim(s, &a, &b);
    if (b - a < 3 || le >= c->n)
        return 0;
    size_t na = le + 1, nb = na;
    while (nb < c->n && s[nb] != '\n')
        nb++;
    ex_trim(s, &na, &nb);
    if (nb - na < 3)
        return 0;
    /* the next line must open with a letter: Han, kana or 「 (no bullet,
     * digit, date, bracketed heading) */
    unsigned char b0 = (unsigned char)s[na], b1 = (unsigned char)s[na + 1];
    int kana_han = (b0 == 0xe3 && b1 >= 0x81 && b1 <= 0x83) || (b0 >= 0xe4 && b0 <= 0xe9) ||
                   (b0 == 0xe3 && b1 == 0x80 && (unsigned char)s[na + 2] == 0x8c);
    if (!kana_han)
        return 0;
    size_t last = ex_char_start(s, b - 1, a);
    if (b - last == 3 && !memcmp(s + last, "、", 3))
        return 1;
    size_t nch = ex_nchars(s, a, b);
    if (nch < 15 || b - last != 3)
        return 0;
    for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++) {
        size_t hl = strlen(heads[k]);
        if (b - a >= hl && !memcmp(s + b - hl, heads[k], hl))
            return 0;
    }
    /* text wrapped at a fixed width (PDF, plain-text mail) breaks inside
     * words: a long line that does not end a sentence runs on into a line
     * that opens with kana (…宛先欄に入 / ったメールが送信され) */
    /* kana that go on a word or a clause, never open one (not お, ご, この) */
    static const char go_on[] = "っゃゅょんをはがにでとのてるれらりしせずくけげだどべぶいうえ";
    int opens_kana = 0;
    for (size_t k = 0; k + 3 <= sizeof go_on - 1 && !opens_kana; k += 3)
        opens_kana = !memcmp(s + na, go_on + k, 3);
    static const char *const ends[] = {"。", "」", "）", "】", "!", "?"};
    int ended = 0;
    for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++)
        ended |= b - last == strlen(ends[k]) && !memcmp(s + last, ends[k], strlen(ends[k]));
    if (nch >= 25 && opens_kana && !ended)
        return 1;
    for (size_t k = 0; k + 3 <= sizeof particles - 1; k += 3)
        if (!memcmp(s + last, particles + k, 3))
            return 1;
    return 0;
}

ow_err ex_segment(struct ctx *c)
{
    size_t lcap = 0, scap = 0, slcap = 0;
    size_t ls = 0, ss = 0, sl = 0;   /* sl: the line the open sentence starts on */
    size_t depth = 0, open = 0;      /* brackets open on this line, the outermost */
    size_t quotes = 0;               /* of them, 「 quotations */
    const char *s = c->s;
    for (size_t i = 0; i <= c->n; i++) {
        int eol = i == c->n || s[i] == '\n';
        int quote_open = !eol && i + 3 <= c->n && !memcmp(s + i, "「", 3);
        int quote_close = !eol && i + 3 <= c->n && !memcmp(s + i, "」", 3);
        if (eol)
            depth = quotes = 0;
        else if (s[i] == '(' || quote_open) {
            if (depth++ == 0)
                open = i;
            quotes += quote_open;
        } else if (depth && (s[i] == ')' || quote_close)) {
            depth--;
            if (quote_close && quotes)
                quotes--;
        }
        if (eol && i < c->n && continues(c, ls, i)) {
            if (ow_array_grow((void **)&c->lines, &lcap, c->nlines, sizeof *c->lines))
                return OW_NOMEM;
            c->lines[c->nlines++] = (struct span){ls, i};
            ls = i + 1;
            continue;
        }
        int eos = 0;
        size_t next = i + 1;
        if (!eol && i + 3 <= c->n && (unsigned char)s[i] == 0xe3 &&
            (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x82 &&
            (!depth || i - open > 240 ||
             (depth == quotes && !(i + 6 <= c->n && !memcmp(s + i + 3, "」", 3))))) {
            /* 。 ends a sentence after it, but not inside parentheses
             * ((以下「A社」という。)); a bracket left open runs no further
             * than a long clause.  A quotation of several sentences
             * (「…と推測している。…変更してほしい」と呼びかけ) is split
             * at its inner stops, not at the one that closes it. */
            eos = 1;
            next = i + 3;
        } else if (!eol && i > ss && i + 3 <= c->n && (unsigned char)s[i] == 0xe2 &&
                   (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0xbb &&
                   s[i - 1] != '(') {
            /* ※ starts a new statement: close the sentence before it (a
             * note mark in parentheses, 指導要録(※1)の写し, is no statement) */
            if (ow_array_grow((void **)&c->sents, &scap, c->nsents, sizeof *c->sents) ||
                ow_array_grow((void **)&c->sline, &slcap, c->nsents, sizeof *c->sline))
                return OW_NOMEM;
            c->sents[c->nsents] = (struct span){ss, i};
            c->sline[c->nsents++] = sl;
            ss = i;
            sl = c->nlines;
            continue;
        }
        if (eol || eos) {
            size_t se = eos ? next : i;
            if (se > ss || eol) {
                if (ow_array_grow((void **)&c->sents, &scap, c->nsents, sizeof *c->sents) ||
                    ow_array_grow((void **)&c->sline, &slcap, c->nsents, sizeof *c->sline))
                    return OW_NOMEM;
                c->sents[c->nsents] = (struct span){ss, se};
                c->sline[c->nsents++] = sl;
            }
            ss = eos ? next : i + 1;
            sl = eos ? c->nlines : c->nlines + 1;
            if (eos)
                i = next - 1;
        }
        if (eol) {
            if (ow_array_grow((void **)&c->lines, &lcap, c->nlines, sizeof *c->lines))
                return OW_NOMEM;
            c->lines[c->nlines++] = (struct span){ls, i};
            ls = i + 1;
        }
    }
    c->sflag = calloc(c->nsents ? c->nsents : 1, 1);
    return c->sflag ? OW_OK : OW_NOMEM;
}

struct flagarg {
    unsigned char flag;
    size_t negcap;
    ow_err err;
    size_t sent;      /* the sentence of the last match */
};

static int mark_flag(struct ctx *c, PCRE2_SIZE *ov, void *arg)
{
    struct flagarg *fa = arg;
    size_t ms = ov[0], me = ov[1];
    size_t i = ex_sent_of(c, ms);
    fa->sent = i;
    if (fa->flag == SF_CUE || fa->flag == SF_EVENT) {
        /* a cue in a negated clause, or in a prevention / policy statement
         * ("不正アクセス、紛失、漏えい等の防止に努め"), is not a report */
        if (!(c->sflag[i] & SF_POLICY) && !ex_negated(c, ms))
            c->sflag[i] |= fa->flag;
        return 0;
    }
    if (fa->flag != SF_NEG) {
        c->sflag[i] |= fa->flag;
        return 0;
    }
    /* A negation covers its clause: "氏名、住所が流出した可能性がありますが、
     * カード情報は含まれておりません" negates the card only.  Inside
     * parentheses it stays inside them: "流出した情報: 氏名 (カード情報は
     * 含まれておりません)", "(番号・有効期限で、セキュリティコードは含まれない)". */
    size_t ss = ex_back(c, c->sents[i].s, ms, EX_WINDOW);
    size_t se = ex_upto(c, me, c->sents[i].e, EX_WINDOW);
    size_t open = SIZE_MAX, close = SIZE_MAX;
    int depth = 0;
    for (size_t p = ms; p > ss; p--) {
        char ch = c->s[p - 1];
        if (ch == ')') {
            depth++;
        } else if (ch == '(') {
            if (depth == 0) {
                open = p - 1;
                break;
            }
            depth--;
        }
    }
    depth = 0;
    for (size_t p = me; open != SIZE_MAX && p < se; p++) {
        if (c->s[p] == '(') {
            depth++;
        } else if (c->s[p] == ')') {
            if (depth == 0) {
                close = p;
                break;
            }
            depth--;
        }
    }
    struct span cl;
    ex_clause(c, ms, me, &cl);
    /* a parenthesis that holds the whole sentence is the sentence */
    int paren = close != SIZE_MAX && !(open <= c->sents[i].s + 3 && close + 4 >= c->sents[i].e);
    if (paren) {
        cl.s = cl.s > open ? cl.s : open;
        cl.e = cl.e < close + 1 ? cl.e : close + 1;
    }
    size_t sa = c->sents[i].s, sb = c->sents[i].e;
    ex_trim(c->s, &sa, &sb);
    if (paren || cl.s > sa || cl.e < sb) {
        if (ow_array_grow((void **)&c->negpar, &fa->negcap, c->nnegpar, sizeof *c->negpar)) {
            fa->err = OW_NOMEM;
            return 1;
        }
        c->negpar[c->nnegpar++] = cl;
        return 0;
    }
    c->sflag[i] |= SF_NEG;
    return 0;
}

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s ? 1 : 0;
}

ow_err ex_flag_sentences(struct ctx *c)
{
    static const struct {
        const char *file, *label;
        unsigned char flag;
    } kinds[] = {
        /* negations first: a cue inside a negated clause does not count */
        {"negations", "neg", SF_NEG},
        {"negations", "advice", SF_ADVICE},
        {"negations", "leak", SF_LEAK},
        {"incident", "policy", SF_POLICY},
        {"incident", "cue", SF_CUE},
        {"incident", "event", SF_EVENT},
        {"incident", "generic", SF_GENERIC},
        {"incident", "other", SF_OTHER},
    };
    struct flagarg fa = {0, 0, OW_OK, 0};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        fa.flag = kinds[k].flag;
        for (const struct rule *ru = ex_rules_next(c->r, NULL, kinds[k].file, kinds[k].label); ru;
             ru = ex_rules_next(c->r, ru, kinds[k].file, kinds[k].label)) {
            if (ru->gate && !ex_gate_open(c, ru))
                continue;
            if (kinds[k].flag == SF_NEG) {
                ex_scan(c, ru->id, 0, c->n, mark_flag, &fa);
            } else {
                /* a flag is a flag: once a sentence has it, the scan goes
                 * on from the sentence's end */
                PCRE2_SIZE *ov;
                size_t pos = 0;
                while (pos < c->n && ex_match(c, ru->id, pos, c->n, 0, &ov)) {
                    size_t ms = ov[0], me = ov[1];
                    mark_flag(c, ov, &fa);
                    /* (a cue in a negated clause set nothing: look on) */
                    size_t next = c->sflag[fa.sent] & fa.flag ? c->sents[fa.sent].e : me;
                    pos = next > ms ? next : ms + 1;
                    while (pos < c->n && ((unsigned char)c->s[pos] & 0xc0) == 0x80)
                        pos++;
                }
            }
            if (fa.err)
                return fa.err;
        }
        if (kinds[k].flag == SF_NEG && c->nnegpar > 1)
            qsort(c->negpar, c->nnegpar, sizeof *c->negpar, span_cmp);
    }
    return OW_OK;
}

/* ---- page structure: body and contact block ----------------------------- */

static int line_matches(struct ctx *c, const char *label, size_t li)
{
    size_t a = c->lines[li].s, b = c->lines[li].e;
    ex_trim(c->s, &a, &b);
    if (a == b)
        return 0;
    PCRE2_SIZE *ov;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "sections", label); ru;
         ru = ex_rules_next(c->r, ru, "sections", label))
        if (ex_rule_match(c, ru, a, b, PCRE2_ANCHORED, &ov) && ov[1] == b)
            return 1;
    return 0;
}

static int line_has(struct ctx *c, const char *label, size_t li)
{
    size_t a = c->lines[li].s;
    return ex_label_match(c, "sections", label, a, ex_upto(c, a, c->lines[li].e, EX_WINDOW), 0,
                          NULL);
}

/* A page copied as text may open with its site's chrome: a menu, a
 * breadcrumb, a skip link, a section name (メニュー, ホーム > 市政情報 >
 * 個人情報, ここから本文です, お知らせ).  The page's head, where its title,
 * date line and publisher stand, comes after them (sections.tsv lead). */
#define LEAD_MAX 12

static size_t head_line(struct ctx *c)
{
    for (size_t li = 0, seen = 0; li < c->nlines && seen < LEAD_MAX; li++) {
        if (c->lines[li].e == c->lines[li].s)
            continue;
        seen++;
        if (!line_matches(c, "lead", li))
            return li;
    }
    return 0;
}

/* Is line li shaped like the headline of an incident story, not a line of
 * the notice: 12 to 80 characters with an incident word (incident.tsv
 * topic), and no full stop, no field label (件数:約3,400件), no table
 * cell, no list marker, no contact line, no date that opens it? */
static int headline(struct ctx *c, size_t li)
{
    size_t a = c->lines[li].s, b = c->lines[li].e;
    ex_trim(c->s, &a, &b);
    size_t nch = ex_nchars(c->s, a, b);
    if (nch < 12 || nch > 80)
        return 0;
    static const char *const marks[] = {"。", ":", "：", "|", "｜"};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        if (memmem(c->s + a, b - a, marks[k], strlen(marks[k])))
            return 0;
    if (ex_label_match(c, "sections", "bullet", a, b, PCRE2_ANCHORED, NULL) ||
        line_has(c, "contactline", li) || line_matches(c, "contact", li))
        return 0;
    /* a dated row (• 2023年9月12日(火) 原因を特定し、公表) is the notice's
     * timeline */
    if (ex_label_match(c, "sections", "datedrow", a, b, PCRE2_ANCHORED, NULL))
        return 0;
    return ex_label_match(c, "incident", "topic", a, b, 0, NULL);
}

/* News pages close with lists of other stories (関連記事, あわせて読みたい,
 * ランキング), under any heading or none: after the last sentence of the
 * page, two headlines in a row start chrome. */
static size_t headlines_after(struct ctx *c)
{
    size_t last = SIZE_MAX;
    for (size_t li = c->nlines; li-- > c->head_line;)
        if (memmem(c->s + c->lines[li].s, c->lines[li].e - c->lines[li].s, "。", 3)) {
            last = li;
            break;
        }
    if (last == SIZE_MAX)
        return c->n;          /* no sentence at all: nothing to come after */
    size_t prev = SIZE_MAX;
    for (size_t li = last + 1; li < c->nlines; li++) {
        if (c->lines[li].e == c->lines[li].s)
            continue;
        if (!headline(c, li)) {
            prev = SIZE_MAX;
            continue;
        }
        if (prev != SIZE_MAX)
            return c->lines[prev].s;
        prev = li;
    }
    return c->n;
}

void ex_find_structure(struct ctx *c)
{
    c->head_line = head_line(c);
    /* The first incident cue after the title line opens the body; the first
     * closing line after it ("以上", "関連ニュース", "コメント" …) ends it. */
    c->first_cue_line = c->head_line;
    for (size_t i = 0; i < c->nsents; i++)
        if ((c->sflag[i] & SF_CUE) && !(c->sflag[i] & SF_NEG) && c->sline[i] > c->head_line) {
            c->first_cue_line = c->sline[i];
            break;
        }
    c->body_s = c->lines[c->head_line].s;
    c->body_e = c->n;
    /* A closing line before the first cue still closes the body when prose
     * comes before it: a news story that never says 流出 or 不正アクセス,
     * then its related headlines, which do */
    size_t from = c->first_cue_line + 1, stops = 0;
    for (size_t li = c->head_line + 1; li < c->first_cue_line; li++) {
        for (const char *q = c->s + c->lines[li - 1].s, *e = c->s + c->lines[li - 1].e;
             (q = memmem(q, (size_t)(e - q), "。", 3)); q += 3)
            stops++;
        if (stops >= 2 && line_matches(c, "end", li)) {
            from = li;
            break;
        }
    }
    for (size_t li = from; li < c->nlines; li++)
        if (line_matches(c, "end", li)) {
            c->body_e = c->lines[li].s;
            break;
        }
    size_t h = headlines_after(c);
    if (h < c->body_e)
        c->body_e = h;
    /* The contact block: the last contact heading inside the body that is
     * followed by at least one contact line; it runs while lines look like
     * contact lines. */
    c->contact = (struct span){0, 0};
    size_t lend = ex_line_of(c, c->body_e ? c->body_e - 1 : 0) + 1;
    for (size_t li = c->first_cue_line; li < lend && li < c->nlines; li++) {
        size_t len = c->lines[li].e - c->lines[li].s;
        if (len == 0 || len > 90 || !line_matches(c, "contact", li))
            continue;
        size_t j = li + 1;
        while (j < lend && j < c->nlines && line_has(c, "contactline", j))
            j++;
        if (j > li + 1) {
            c->contact.s = c->lines[li].s;
            c->contact.e = c->lines[j - 1].e;
            li = j - 1;
        }
    }
    /* An IR release puts the contact in its header, label and value on one
     * line (問合せ先　取締役管理本部長　森田 葵), before the body starts. */
    for (size_t li = 0; c->contact.e <= c->contact.s && li < c->first_cue_line && li < c->nlines;
         li++) {
        size_t len = c->lines[li].e - c->lines[li].s;
        if (len == 0 || len > 120 || !line_matches(c, "contactfield", li))
            continue;
        size_t j = li + 1;
        while (j < c->first_cue_line && j < c->nlines && line_has(c, "contactline", j))
            j++;
        c->contact.s = c->lines[li].s;
        c->contact.e = c->lines[j - 1].e;
    }
    /* A contact block in the second half of the body closes the notice:
     * what follows is a signature or page chrome. */
    if (c->contact.e > c->contact.s && c->contact.s > c->body_s + (c->body_e - c->body_s) / 2 &&
        c->contact.e < c->body_e)
        c->body_e = c->contact.e;
}

