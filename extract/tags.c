/* extract/tags.c — the fields that are vocabulary look-ups: attack
 * methods, data types, countermeasures (each value with its evidence). */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

struct tagset {
    struct ex_tag *v;
    size_t n, cap;
};

static int tag_has(const struct tagset *t, const char *value)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i].value, value))
            return 1;
    return 0;
}

static ow_err tag_add(struct tagset *t, const char *value, size_t s, size_t e)
{
    if (tag_has(t, value))
        return OW_OK;
    if (ow_array_grow((void **)&t->v, &t->cap, t->n, sizeof *t->v))
        return OW_NOMEM;
    struct ex_tag *g = &t->v[t->n++];
    memset(g, 0, sizeof *g);
    snprintf(g->value, sizeof g->value, "%s", value);
    g->ev.start = s;
    g->ev.end = e;
    return OW_OK;
}

static void tag_drop(struct tagset *t, const char *value)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i].value, value)) {
            memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof *t->v);
            t->n--;
            return;
        }
}

static int tag_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ex_tag *)a)->value, ((const struct ex_tag *)b)->value);
}

struct firstarg {
    struct span at;
    int found;
    int measure;      /* countermeasures.tsv: negation does not apply */
    int types;        /* types.tsv: attack mechanics are not leaked data */
    int methods;      /* methods.tsv: a general or preventive statement is no method */
    int strict;       /* types.tsv @fallback: only a leak verb says the data leaked
                         (the pattern is itself data: クレジットカード情報) */
    const char *value;  /* the value a mention stands for (@unless) */
    struct span vetoed; /* the first mention @unless ruled out */
};

/* A heading says a leak (strict), or also names leaked data. */
static int leak_says(struct ctx *c, size_t a, size_t b)
{
    return ex_label_match(c, "negations", "leak", a, b, 0, NULL);
}

static int leak_or_data_says(struct ctx *c, size_t a, size_t b)
{
    return leak_says(c, a, b) || ex_label_match(c, "negations", "datactx", a, b, 0, NULL);
}

/* Is a data item named where the text says what leaked: in a sentence with
 * a leak verb (negations.tsv leak: 流出, 閲覧可能, 含まれ, 記載され …), or in
 * a list under a heading that has one (【流出した情報】 / 氏名 / 住所)?  A
 * password named in 「パスワードの厳格な管理」 or a phone in 「電話で説明」
 * is not a leaked item. */
static int leak_context(struct ctx *c, size_t pos, int strict)
{
    size_t si = ex_sent_of(c, pos);
    if ((c->sflag[si] & SF_LEAK) ||
        (!strict && ex_label_match(c, "negations", "datactx", c->sents[si].s,
                                   ex_upto(c, c->sents[si].s, c->sents[si].e, EX_WINDOW), 0, NULL)))
        return 1;
    /* an item of a list looks up to the list's heading; a paragraph of
     * prose (…の削除を行いました。) only to a heading right above it */
    size_t li = ex_line_of(c, pos);
    int prose = memmem(c->s + c->lines[li].s, c->lines[li].e - c->lines[li].s, "。", 3) != NULL;
    return ex_heading_says(c, li, prose ? 1 : 12, prose, strict ? leak_says : leak_or_data_says);
}

/* A method named as what a system caught (本件サーバーが感染したランサムウェア
 * が…タイプのものではない): the infection is told, not denied, whatever the
 * sentence goes on to deny of it. */
static int presupposed(struct ctx *c, size_t ms)
{
    size_t si = ex_sent_of(c, ms);
    return ex_in_body(c, ms) && !(c->sflag[si] & (SF_OTHER | SF_GENERIC | SF_ADVICE)) &&
           ex_label_match(c, "negations", "presup", ex_back(c, c->sents[si].s, ms, 24), ms, 0, NULL);
}

/* A data item a negation excepts is affirmed by it: 氏名以外の情報は
 * 含まれておりません says the name is there. */
static int excepted(struct ctx *c, size_t ms, size_t me)
{
    return ex_in_body(c, ms) && me + 6 <= c->n && !memcmp(c->s + me, "以外", 6) &&
           !(c->sflag[ex_sent_of(c, ms)] & SF_ADVICE);
}

/* @unless: words in the mention's sentence that rule its value out there
 * (閲覧できる状態 after 不正アクセスを受け is no misconfiguration; a staff
 * member's password is no customer's).  The same words again (宛先が閲覧
 * できる状態でメールを送信 … 閲覧できる状態にあるとの指摘) tell of the same
 * thing, still ruled out. */
static int unless_vetoes(struct ctx *c, struct firstarg *fa, const char *file, size_t ms, size_t me)
{
    size_t si = ex_sent_of(c, ms);
    size_t a = ex_back(c, c->sents[si].s, ms, EX_WINDOW);
    size_t b = ex_upto(c, me, c->sents[si].e, EX_WINDOW);
    for (const struct rule *ru = ex_rules_next(c->r, NULL, file, "@unless"); ru;
         ru = ex_rules_next(c->r, ru, file, "@unless")) {
        PCRE2_SIZE *uv;
        if (ex_in_list(ru->arg, fa->value) && ex_rule_match(c, ru, a, b, 0, &uv)) {
            if (fa->vetoed.e == fa->vetoed.s)
                fa->vetoed = (struct span){ms, me};
            return 1;
        }
    }
    size_t vl = fa->vetoed.e - fa->vetoed.s;
    return vl && me - ms == vl && !memcmp(c->s + ms, c->s + fa->vetoed.s, vl);
}

static int first_ok(struct ctx *c, PCRE2_SIZE *ov, void *arg)
{
    struct firstarg *fa = arg;
    /* the mention; ov itself is reused by every match made below */
    size_t ms = ov[0], me = ov[1];
    if (fa->measure) {
        /* A countermeasure is often worded as a negation (カード情報を保持しない
         * 方式に変更): only advice to the reader is left out. */
        unsigned char f = c->sflag[ex_sent_of(c, ms)];
        if (!ex_in_body(c, ms) || ((f & SF_ADVICE) && !(f & SF_LEAK)))
            return 0;
    } else if (!ex_mention_ok(c, ms) && !(fa->methods && presupposed(c, ms)) &&
               !(fa->types && excepted(c, ms, me))) {
        return 0;
    } else if (fa->types) {
        /* Data named while explaining how an attack works (the sender name
         * and address an Emotet mail shows, the IDs a list attack tries)
         * count only when the same sentence says they leaked. */
        size_t si = ex_sent_of(c, ms);
        size_t a = c->sents[si].s, b = ex_upto(c, a, c->sents[si].e, EX_WINDOW);
        if (ex_label_match(c, "incident", "mechanism", a, b, 0, NULL) &&
            !ex_label_match(c, "incident", "mechleak", a, b, 0, NULL))
            return 0;
        if (!leak_context(c, ms, fa->strict) || unless_vetoes(c, fa, "types", ms, me))
            return 0;
    } else if (fa->methods) {
        /* "不正アクセスを防止するため", "感染すると…" say nothing of this
         * incident */
        size_t si = ex_sent_of(c, ms);
        unsigned char f = c->sflag[si];
        if ((f & SF_GENERIC) || ((f & SF_POLICY) && !(f & SF_EVENT)))
            return 0;
        if (unless_vetoes(c, fa, "methods", ms, me))
            return 0;
    }
    fa->at = (struct span){ms, me};
    fa->found = 1;
    return 1;
}

/* Every rule of `file` whose label is a value (not an @directive): the first
 * mention that counts becomes the tag's evidence. */
static ow_err collect_tags(struct ctx *c, const char *file, struct tagset *t)
{
    for (const struct rule *ru = ex_rules_next(c->r, NULL, file, NULL); ru;
         ru = ex_rules_next(c->r, ru, file, NULL)) {
        if (ru->label[0] == '@' || !ru->text || tag_has(t, ru->label) ||
            (ru->gate && !ex_gate_open(c, ru)))
            continue;
        struct firstarg fa = {.measure = !strcmp(file, "countermeasures"),
                              .types = !strcmp(file, "types"),
                              .methods = !strcmp(file, "methods"),
                              .value = ru->label};
        ex_scan(c, ru->id, c->body_s, c->body_e, first_ok, &fa);
        if (fa.found && tag_add(t, ru->label, fa.at.s, fa.at.e))
            return OW_NOMEM;
    }
    return OW_OK;
}

/* @implies / @supersedes / @fallback directives of a vocabulary file. */
static ow_err apply_directives(struct ctx *c, const char *file, struct tagset *t, int card)
{
    for (const struct rule *ru = ex_rules_next(c->r, NULL, file, "@implies"); ru;
         ru = ex_rules_next(c->r, ru, file, "@implies"))
        for (size_t i = 0; i < t->n; i++)
            if (!strcmp(t->v[i].value, ru->arg)) {
                struct ex_span ev = t->v[i].ev;
                if (tag_add(t, ru->arg2, ev.start, ev.end))
                    return OW_NOMEM;
                break;
            }
    for (const struct rule *ru = ex_rules_next(c->r, NULL, file, "@supersedes"); ru;
         ru = ex_rules_next(c->r, ru, file, "@supersedes"))
        if (tag_has(t, ru->arg))
            tag_drop(t, ru->arg2);
    for (const struct rule *ru = ex_rules_next(c->r, NULL, file, "@fallback"); ru;
         ru = ex_rules_next(c->r, ru, file, "@fallback")) {
        int blocked = 0;
        for (size_t i = 0; i < t->n; i++)
            if (!strncmp(t->v[i].value, ru->arg2, strlen(ru->arg2)))
                blocked = 1;
        if (blocked || tag_has(t, ru->arg) || (ru->gate && !ex_gate_open(c, ru)))
            continue;
        struct firstarg fa = {.types = !strcmp(file, "types"), .methods = !strcmp(file, "methods"),
                              .strict = 1, .value = ru->arg};
        ex_scan(c, ru->id, c->body_s, c->body_e, first_ok, &fa);
        if (fa.found && tag_add(t, ru->arg, fa.at.s, fa.at.e))
            return OW_NOMEM;
    }
    /* @ifcard: a method that card data leaked tells (a tampered site that
     * leaked card numbers is skimming), when the text has its pattern */
    for (const struct rule *ru = ex_rules_next(c->r, NULL, file, "@ifcard"); ru && card;
         ru = ex_rules_next(c->r, ru, file, "@ifcard")) {
        if (tag_has(t, ru->arg) || (ru->gate && !ex_gate_open(c, ru)))
            continue;
        struct firstarg fa = {.methods = 1, .value = ru->arg};
        ex_scan(c, ru->id, c->body_s, c->body_e, first_ok, &fa);
        if (fa.found && tag_add(t, ru->arg, fa.at.s, fa.at.e))
            return OW_NOMEM;
    }
    return OW_OK;
}

/* card: card numbers are among the leaked data (for methods.tsv @ifcard) */
ow_err ex_tags(struct ctx *c, const char *file, int card, struct ex_tag **out, size_t *nout)
{
    struct tagset t = {0};
    if (collect_tags(c, file, &t) || apply_directives(c, file, &t, card)) {
        free(t.v);
        return OW_NOMEM;
    }
    if (t.n)
        qsort(t.v, t.n, sizeof *t.v, tag_cmp);
    *out = t.v;
    *nout = t.n;
    return OW_OK;
}

