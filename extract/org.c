/* extract/org.c — the publishing organization and its representative.
 *
 * Every legal-form mention (株式会社みなと珈琲, 北星電機株式会社, (株)さくら屋本舗)
 * and every public body written at the start of a line (北浜市 財務部) is a
 * candidate.  A mention scores for looking like a signature: at the start of
 * its own short line, within three lines of a lone date, next to a
 * representative's title; it loses when a vendor word stands before it
 * (決済代行会社「…」).  A news article's subject (「…株式会社Xは9月14日、…と
 * 発表した」) and a source line (出典:…) score too.  The best-scoring name,
 * with a small bonus for repeated mentions, wins. */
#include "internal.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *k)
{
    unsigned char c = (unsigned char)s[i];
    size_t len = ow_utf8_seqlen((const unsigned char *)s + i, n - i);
    *k = len ? len : 1;
    if (!len || c < 0x80)
        return c;
    uint32_t v = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
    for (size_t j = 1; j < len; j++)
        v = (v << 6) | ((unsigned char)s[i + j] & 0x3f);
    return v;
}

static size_t prev_start(const char *s, size_t i)
{
    return ex_char_start(s, i - 1, 0);
}

static int is_han(uint32_t c)
{
    return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
           (c >= 0xf900 && c <= 0xfaff) || c == 0x3005 || c == 0x3006;
}
static int is_hira(uint32_t c) { return c >= 0x3041 && c <= 0x309f; }
static int is_kata(uint32_t c) { return (c >= 0x30a1 && c <= 0x30ff) || c == 0x30fc; }
static int is_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/* name characters that are not hiragana */
static int is_solid(uint32_t c)
{
    return is_han(c) || is_kata(c) || is_alnum(c) || c == '&';
}

/* Particles that end a name read backwards (…の北浜市, …は北浜市). */
static int is_stop_kana(uint32_t c)
{
    static const uint32_t p[] = {0x306e /* の */, 0x306f /* は */, 0x304c /* が */,
                                 0x3092 /* を */, 0x306b /* に */, 0x3078 /* へ */,
                                 0x3068 /* と */, 0x3082 /* も */, 0x3067 /* で */};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (c == p[i])
            return 1;
    return 0;
}

/* A particle right after a solid character ends a name read after its
 * legal form: 株式会社にしき堂は → にしき堂 (but みなと珈琲 keeps its と).
 * や よ か too, which read backwards would cut みやき町. */
static int is_particle(uint32_t c)
{
    return is_stop_kana(c) || c == 0x3084 /* や */ || c == 0x3088 /* よ */ || c == 0x304b /* か */;
}

/* Does a run of three or more hiragana at p end a name: it closes at a
 * bracket, a space or the line's end, and its last kana is no particle
 * (生活協同組合コープやまぐち(以下…; not 株式会社北浜では、)? */
static int kana_tail(const struct ctx *c, size_t p, size_t le)
{
    size_t k, n = 0;
    uint32_t last = 0;
    while (p < le) {
        uint32_t q = cp_at(c->s, c->n, p, &k);
        if (!is_hira(q))
            break;
        last = q;
        p += k;
        n++;
    }
    if (n < 3 || is_particle(last) || last == 0x3066 /* て */ || last == 0x3057 /* し */)
        return 0;
    uint32_t q = p < le ? cp_at(c->s, c->n, p, &k) : 0;
    return q == 0 || q == ' ' || q == '(' || q == ')' || q == 0x300d /* 」 */ || q == 0x300f /* 』 */;
}

/* 都 道 府 県 郡: a prefecture or a district ends here */
static int is_region(uint32_t c)
{
    return c == 0x90fd || c == 0x9053 || c == 0x5e9c || c == 0x770c || c == 0x90e1;
}

/* 市 区 町 村: a municipality ends here */
static int is_municipality(uint32_t c)
{
    return c == 0x5e02 || c == 0x533a || c == 0x753a || c == 0x6751;
}

/* A katakana or Latin letter (not ・, not a digit): a foreign proper name
 * ends in one (ハウステンボス, JTB) */
static int is_foreign_letter(uint32_t c)
{
    return (is_kata(c) && c != 0x30fb) || (c < 0x80 && is_alnum(c) && !(c >= '0' && c <= '9'));
}

/* The length of このたび、 or この度、 opening [a, b) of s, else 0 */
static size_t opener_len(const char *s, size_t a, size_t b)
{
    static const char *const w[] = {"このたび、", "この度、"};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        size_t l = strlen(w[i]);
        if (b - a >= l && !memcmp(s + a, w[i], l))
            return l;
    }
    return 0;
}

/* Does the name at ns open its sentence, after このたび、 or a date
 * (令和6年5月19日に、2024年5月19日(日)、)? */
static int opens_sentence(struct ctx *c, size_t si, size_t ns)
{
    size_t a = c->sents[si].s, b = ns;
    ex_trim(c->s, &a, &b);
    a += opener_len(c->s, a, b);
    size_t i = ex_date_at(c, a);
    if (a < b && i < c->ndates && c->dates[i].s == a) {
        a = c->dates[i].e;
        if (a < b && c->s[a] == '(') {
            const char *q = memchr(c->s + a, ')', b - a);
            if (q && q - (c->s + a) <= 16)
                a = (size_t)(q - c->s) + 1;
        }
        if (b - a >= 3 && (!memcmp(c->s + a, "に", 3) || !memcmp(c->s + a, "、", 3)))
            a += 3;
        if (b - a >= 3 && !memcmp(c->s + a, "、", 3))
            a += 3;
    }
    return a == b;
}

struct cand {
    char name[128];
    size_t s, e;          /* the mention */
    size_t line;
    int score;
    int norep;            /* a news subject: titles nearby are other people's */
    int greet;            /* named by a greeting only: taken when nothing else is */
};

struct cands {
    struct cand *v;
    size_t n, cap;
};

/* A notice names its publisher a few times; a page with more legal-form
 * mentions than this is a list, and the rest are ignored. */
#define MAX_CANDS 512

/* A body an article keeps unnamed is no name: 某私立大学, and one letter
 * for a name (北浜県内のA社, 雑貨店B; 2社 is a count, notname). */
static int anonymous(const char *name)
{
    size_t n = strlen(name);
    if (!strncmp(name, "某", 3))
        return 1;
    if (n >= 3 && !strcmp(name + n - 3, "社"))
        n -= 3;
    return n >= 1 && name[n - 1] >= 'A' && name[n - 1] <= 'Z' &&
           (n == 1 || !is_alnum((unsigned char)name[n - 2]));
}

static ow_err add(struct cands *cs, const char *canon, const char *s, size_t a, size_t b,
                  int form_first, size_t ms, size_t me, size_t line, int score)
{
    if (cs->n >= MAX_CANDS)
        return OW_OK;
    if (cs->n == cs->cap) {
        size_t nc = cs->cap ? cs->cap * 2 : 16;
        struct cand *v = realloc(cs->v, nc * sizeof *v);
        if (!v)
            return OW_NOMEM;
        cs->v = v;
        cs->cap = nc;
    }
    struct cand *cd = &cs->v[cs->n];
    size_t cl = strlen(canon), nl = b - a;
    if (cl + nl >= sizeof cd->name)
        return OW_OK;
    if (form_first) {
        memcpy(cd->name, canon, cl);
        memcpy(cd->name + cl, s + a, nl);
    } else {
        memcpy(cd->name, s + a, nl);
        memcpy(cd->name + nl, canon, cl);
    }
    cd->name[cl + nl] = 0;
    /* no spaces in a name (NFKC already folded U+3000 into ' '), and no
     * bullet before it: 〇北浜県は, a heading's mark in a public body's text */
    char *w = cd->name, *r = cd->name;
    while (!strncmp(r, "〇", 3) || !strncmp(r, "○", 3))
        r += 3;
    /* nor the country a news story puts before a foreign company (米ノース
     * リッジ, 英X): one of 米 英 独 仏 韓 中 豪 露 before katakana or Latin */
    static const char *const country[] = {"米", "英", "独", "仏", "韓", "中", "豪", "露"};
    for (size_t i = 0; i < sizeof country / sizeof *country; i++) {
        size_t k;
        if (!strncmp(r, country[i], 3) && r[3] && strlen(r + 3) >= 6 &&
            is_foreign_letter(cp_at(r, strlen(r), 3, &k)))
            r += 3;
    }
    for (; *r; r++)
        if (*r != ' ' && *r != '\t')
            *w++ = *r;
    *w = 0;
    if (anonymous(cd->name))
        return OW_OK;
    cd->s = ms;
    cd->e = me;
    cd->line = line;
    cd->score = score;
    cd->norep = 0;
    cd->greet = 0;
    cs->n++;
    return OW_OK;
}

/* A name read as a sentence's subject: titles near it are other people's
 * (norep).  add() may refuse a name, so mark only one it took. */
static ow_err add_subject(struct cands *cs, const char *s, size_t ns, size_t ne, size_t li, int sc,
                          int greet)
{
    size_t n = cs->n;
    if (add(cs, "", s, ns, ne, 1, ns, ne, li, sc))
        return OW_NOMEM;
    if (cs->n > n) {
        cs->v[n].norep = 1;
        cs->v[n].greet = greet;
    }
    return OW_OK;
}

static size_t nearest_lone(const struct ctx *c, size_t li)
{
    size_t lo = 0, hi = c->nlone;          /* lone_lines is sorted */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->lone_lines[mid] < li)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t best = SIZE_MAX;
    if (lo < c->nlone)
        best = c->lone_lines[lo] - li;
    if (lo > 0 && li - c->lone_lines[lo - 1] < best)
        best = li - c->lone_lines[lo - 1];
    return best;
}

static int rep_near(struct ctx *c, size_t from, size_t li, struct span *title, struct span *name)
{
    PCRE2_SIZE *ov;
    for (size_t l = li; l < c->nlines && l <= li + 2; l++) {
        size_t a = l == li ? from : c->lines[l].s;
        if (ex_bi_match(c, BI_REP, a, ex_upto(c, a, c->lines[l].e, 200), 0, &ov)) {
            if (title) {
                *title = (struct span){ov[2], ov[3]};
                *name = (struct span){ov[4], ov[5]};
            }
            return 1;
        }
    }
    return 0;
}

/* Do the n bytes at p hold a legal form (org.tsv form), or with whole, are
 * they one and nothing else (株式会社 over a template's 株式会社 △△)? */
static int has_form(struct ctx *c, const char *p, size_t n, int whole)
{
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "org", "form"); ru;
         ru = ex_rules_next(c->r, ru, "org", "form")) {
        size_t fl = strlen(ru->arg);
        if (whole ? fl == n && !memcmp(p, ru->arg, n) : memmem(p, n, ru->arg, fl) != NULL)
            return 1;
    }
    return 0;
}

/* Where the clause of a mention at ns begins: up to 36 bytes back on its
 * line, not before a 、 (委託業者へ、北浜県が: a new clause).  A name in
 * brackets has its description before it, and that may be long (業務委託先の
 * 情報処理サービス会社「X」): 72 bytes. */
static size_t clause_back(struct ctx *c, size_t ns, size_t li)
{
    size_t ls = c->lines[li].s;
    int bracket = ns >= ls + 3 && (!memcmp(c->s + ns - 3, "「", 3) || !memcmp(c->s + ns - 3, "『", 3));
    size_t back = bracket ? 72 : 36;
    size_t wa = ex_char_start(c->s, ns > ls + back ? ns - back : ls, ls);
    for (size_t q = wa; q + 3 <= ns; q++)
        if (!memcmp(c->s + q, "、", 3))
            wa = q + 3;
    return wa;
}

/* Does the mention at ns open its line: nothing before it, an opener
 * (このたび、株式会社Xが提供する…: a notice that names itself first), or
 * a label (【…】, …:)? */
static int opens_line(struct ctx *c, size_t ns, size_t li)
{
    size_t a = c->lines[li].s, b = ns;
    ex_trim(c->s, &a, &b);
    if (a == b || opener_len(c->s, a, b) == b - a)
        return 1;
    size_t k;
    uint32_t pc = cp_at(c->s, c->n, prev_start(c->s, b), &k);
    return pc == 0x3011 /* 】 */ || pc == ':' || pc == 0xff1a;
}

/* Is the mention at ns a vendor's: 委託業者の北浜システム (1), or a name
 * opening the line under a short heading 委託事業者 / 【委託先】 (2)? */
static int vendor_mention(struct ctx *c, size_t ns, size_t li)
{
    if (ex_label_match(c, "org", "vendor", clause_back(c, ns, li), ns, 0, NULL))
        return 1;
    if (!opens_line(c, ns, li) || li == 0)
        return 0;
    size_t pl = li;
    while (pl-- > 0 && c->lines[pl].e == c->lines[pl].s)
        ;
    if (pl >= li)
        return 0;
    size_t pa = c->lines[pl].s, pb = c->lines[pl].e;
    ex_trim(c->s, &pa, &pb);
    if (ex_nchars(c->s, pa, pb) > 16 || memmem(c->s + pa, pb - pa, "。", 3))
        return 0;
    return ex_label_match(c, "org", "vendor", pa, pb, 0, NULL) ? 2 : 0;
}

/* Does the page once call the name its contractor in prose (業務委託先の
 * 印刷会社「X」: org.tsv contractor, not any vendor word: 運営会社X is the
 * operator)?  Any mention of the whole name counts, not only the ones read
 * as candidates. */
static int called_vendor(struct ctx *c, const char *name)
{
    size_t nl = strlen(name);
    const char *p = c->s, *end = c->s + c->n;
    for (int seen = 0; nl && seen < 16 && (p = memmem(p, (size_t)(end - p), name, nl)); seen++, p += nl) {
        size_t at = (size_t)(p - c->s), after = at + nl, k;
        /* 長野県 inside 長野県社会福祉協議会 is another name */
        if (after < c->n && is_solid(cp_at(c->s, c->n, after, &k)))
            continue;
        if (ex_label_match(c, "org", "contractor", clause_back(c, at, ex_line_of(c, at)), at, 0, NULL))
            return 1;
    }
    return 0;
}

/* Scores one mention whose name spans [ns, ne) of line li. */
static int score_mention(struct ctx *c, size_t ns, size_t ne, size_t li)
{
    size_t le = c->lines[li].e;
    int sc = 1;
    int at_start = opens_line(c, ns, li);
    if (at_start)
        sc += 3;
    size_t ra = ne, rb = le;
    ex_trim(c->s, &ra, &rb);
    if (at_start && rb - ra <= 60 && !memmem(c->s + ra, rb - ra, "。", 3))
        sc += 2;
    if (nearest_lone(c, li) <= 3)
        sc += 4;
    if (rep_near(c, ne, li, NULL, NULL))
        sc += 3;
    if (li == c->head_line)
        sc += 2;
    /* An article's or a blog's page opens with its site's name
     * (株式会社北浜ネットワークス セキュリティブログ): a name with a word or
     * two after it at the head of a third party's text is the publisher,
     * not the subject (a name alone there may sign a notice that never
     * says 当社) */
    if (at_start && li < c->head_line + 3 && ra < rb && ex_nchars(c->s, ra, rb) <= 12 &&
        !memmem(c->s + ra, rb - ra, "、", 3) && !memmem(c->s + ra, rb - ra, "。", 3) &&
        ex_third_party(c))
        sc -= 8;
    if (vendor_mention(c, ns, li))
        sc -= 8;
    size_t wa = clause_back(c, ns, li);
    if (ex_label_match(c, "org", "source", wa, ns, 0, NULL))
        sc += 4;
    if (ex_label_match(c, "org", "reference", ns, ne, 0, NULL))
        sc -= 6;
    /* 北浜通信株式会社(以下「北浜通信社」): a notice in its own voice
     * (当社, 本市) gives a short name to the others it speaks of */
    if (ne + 3 <= le && c->s[ne] == '(' &&
        ex_label_match(c, "org", "alias", ne, ex_upto(c, ne, le, 90), PCRE2_ANCHORED, NULL) &&
        ex_label_match(c, "incident", "self", 0, c->body_e, 0, NULL))
        sc -= 8;
    /* 株式会社X(京都市)は …発表した, 学習塾運営「X」(京都市)は; with a legal
     * form, …を運営する株式会社Xが、…と発表 too */
    size_t p = ne;
    if (p + 3 <= le && (!memcmp(c->s + p, "」", 3) || !memcmp(c->s + p, "』", 3)))
        p += 3;
    if (p < le && c->s[p] == '(') {
        const char *q = memchr(c->s + p, ')', le - p < 40 ? le - p : 40);
        if (q)
            p = (size_t)(q - c->s) + 1;
    }
    if (p + 3 <= le && (!memcmp(c->s + p, "は", 3) ||
                        (!memcmp(c->s + p, "が", 3) && has_form(c, c->s + ns, ne - ns, 0)))) {
        size_t si = ex_sent_of(c, ns);
        if (ex_label_match(c, "org", "report", p, ex_upto(c, p, c->sents[si].e, EX_WINDOW), 0,
                           NULL))
            sc += 5;
    }
    /* 発表したのは、…「有限会社X」です */
    size_t si0 = ex_sent_of(c, ns);
    struct span w;
    if (ex_label_match(c, "org", "report", ex_back(c, c->sents[si0].s, ns, 120), ns, 0, &w) &&
        w.e + 6 <= ns && !memcmp(c->s + w.e, "したのは", 12))
        sc += 5;
    if (ns >= c->body_e)
        sc -= 2;
    return sc;
}

/* ---- names with no legal form ----------------------------------------- */

/* Is [a, b) shaped like a name rather than a clause, a common noun or a
 * back-reference?  org.tsv lists what is not a name (notname: 業務委託先,
 * 同社, 警察…, matched as the whole name; clause: した, による, のは …
 * anywhere in it) and the placeholders of a template (○○). */
static int plausible_name(struct ctx *c, size_t a, size_t b)
{
    size_t nch = ex_nchars(c->s, a, b);
    if (nch < 2 || nch > 40)
        return 0;
    struct span w;
    if ((ex_label_match(c, "org", "notname", a, b, PCRE2_ANCHORED, &w) && w.e == b) ||
        ex_label_match(c, "org", "notnamehead", a, b, PCRE2_ANCHORED, NULL) ||
        ex_label_match(c, "org", "notnametail", a, b, 0, NULL) ||
        ex_label_match(c, "org", "school", a, b, 0, NULL))
        return 0;
    if (ex_label_match(c, "org", "clause", a, b, 0, NULL))
        return 0;
    if (ex_label_match(c, "org", "reference", a, b, 0, NULL))
        return 0;
    return 1;
}

/* Is a name read from prose, with no legal form, shaped like an
 * organization's: it ends like one (北浜市, くすのき銀行, アオバ商事), or it is
 * a katakana or Latin proper name (ハウステンボス, JTB) that is not a thing
 * (USBメモリ, サーバー)?  A Han word alone (可能性, 事実) is not. */
static int org_shaped(struct ctx *c, size_t a, size_t b)
{
    struct span w;
    if (ex_label_match(c, "org", "orgend", a, b, 0, &w))
        return 1;
    /* the proper name ends the run: カード情報 is a thing */
    size_t k, last = prev_start(c->s, b);
    uint32_t q = cp_at(c->s, c->n, last, &k);
    if (q == 0x30fc && last > a)     /* ー ends many katakana names */
        q = cp_at(c->s, c->n, prev_start(c->s, last), &k);
    int foreign = is_foreign_letter(q);
    /* エヌ・ティ・ティ・データ: katakana spelled out with middle dots is a
     * proper name, whatever word it ends in (財務・会計システム is not) */
    int spelled = memmem(c->s + a, b - a, "・", 3) != NULL;
    for (size_t p = a; p < b && spelled; p += k) {
        uint32_t u = cp_at(c->s, c->n, p, &k);
        spelled = is_kata(u);
    }
    return foreign && (spelled || !ex_label_match(c, "org", "loanword", a, b, 0, NULL));
}

/* Back over one parenthesis, nested ones included, that ends right before
 * p: 栃木北銀行(黒本太郎(くろもとたろう)頭取)は.  Returns its '(' or p. */
static size_t paren_back(const char *s, size_t lo, size_t p)
{
    /* text copied with a space around its brackets: 北浜病院 (北浜市) は */
    size_t e = p;
    while (e > lo && s[e - 1] == ' ')
        e--;
    if (e <= lo || s[e - 1] != ')')
        return p;
    int depth = 0;
    for (size_t q = e; q > lo && e - q < 120; q--) {
        if (s[q - 1] == ')')
            depth++;
        else if (s[q - 1] == '(' && --depth == 0) {
            q--;
            while (q > lo && s[q - 1] == ' ')
                q--;
            return q;
        }
    }
    return p;
}

/* The name that ends at e, read backwards: solid characters, ・ and ー.  A
 * name may open with hiragana (ゆうちょ銀行, 北浜郡みやき町) when nothing but
 * a delimiter, or a prefecture or district, stands before them: in
 * 手掛けるみなと運輸 the kana belong to the verb.  A descriptor at its head
 * is not part of it: 運営会社オズ商会 → オズ商会 (org.tsv descriptor).
 * Returns the start, e when there is no name. */
/* Walks back from p over at most max Han characters, not before lo: the
 * start of the run, with its length in *nch. */
static size_t han_back(const struct ctx *c, size_t lo, size_t p, int max, int *nch)
{
    size_t k;
    int n = 0;
    while (p > lo && n < max && is_han(cp_at(c->s, c->n, prev_start(c->s, p), &k)))
        p = prev_start(c->s, p), n++;
    *nch = n;
    return p;
}

static size_t name_back(struct ctx *c, size_t lo, size_t e)
{
    size_t a = e, k;
    while (a > lo && e - a < 120) {
        size_t p = prev_start(c->s, a);
        uint32_t q = cp_at(c->s, c->n, p, &k);
        /* a dot between letters belongs to the name, and a space after
         * such a dot (N.T.Technology, N.T. Technology) */
        int dot = (q == '.' && p > lo && a < e && is_alnum((unsigned char)c->s[p - 1]) &&
                   (is_alnum((unsigned char)c->s[a]) || c->s[a] == ' ')) ||
                  (q == ' ' && p >= lo + 2 && a < e && c->s[p - 1] == '.' &&
                   is_alnum((unsigned char)c->s[p - 2]) && is_alnum((unsigned char)c->s[a]));
        /* and a space between capitalized Latin words (AB NEWSWIRE) */
        int word = q == ' ' && p > lo && a < e && c->s[a] >= 'A' && c->s[a] <= 'Z' &&
                   ((c->s[p - 1] >= 'A' && c->s[p - 1] <= 'Z') || (c->s[p - 1] >= 'a' && c->s[p - 1] <= 'z'));
        if (!(is_solid(q) || q == 0x30fb || q == 0x30fc || dot || word))
            break;
        a = p;
    }
    if (a == e)
        return e;
    size_t x = a;
    while (x > lo && a - x < 30) {
        size_t p = prev_start(c->s, x);
        uint32_t q = cp_at(c->s, c->n, p, &k);
        /* ー between hiragana is theirs (すかいらーく) */
        int long_vowel = q == 0x30fc && p > lo && is_hira(cp_at(c->s, c->n, prev_start(c->s, p), &k));
        if (!(is_hira(q) || long_vowel) || is_stop_kana(q))
            break;
        x = p;
    }
    /* くすのき台病院, みなと精機: a particle between kana may be inside the
     * name, and then nothing tells where it starts, unless the kana run
     * from the start of a line, a sentence, a bracket or a middle dot (。みなと
     * 精機株式会社によると; not after 、, where a clause may open with kana), or
     * from a public body's 立 (北浜市立みなと中学校) */
    size_t bp = x > lo ? prev_start(c->s, x) : x;
    if (x > lo && is_stop_kana(cp_at(c->s, c->n, bp, &k)) && bp > lo &&
        is_hira(cp_at(c->s, c->n, prev_start(c->s, bp), &k))) {
        size_t y = bp;
        while (y > lo && a - y < 30 && is_hira(cp_at(c->s, c->n, prev_start(c->s, y), &k)))
            y = prev_start(c->s, y);
        uint32_t open = y > lo ? cp_at(c->s, c->n, prev_start(c->s, y), &k) : 0;
        if (open == 0x7acb /* 立 */) {
            /* …市立, …県立: the public body before it is part of the name */
            int nch;
            return han_back(c, lo, prev_start(c->s, y), 6, &nch);
        }
        if (y == lo || open == 0x3002 /* 。 */ || open == 0x300c /* 「 */ || open == '(' ||
            open == 0x30fb /* ・ */)
            x = y;
        else if (x < a)
            return e;
    }
    /* 手がけるアオバ商事: kana that end in る end a verb, not a name's head */
    if (x < a && cp_at(c->s, c->n, prev_start(c->s, a), &k) == 0x308b /* る */)
        x = a;
    if (x < a) {
        bp = x > lo ? prev_start(c->s, x) : x;
        uint32_t before = x > lo ? cp_at(c->s, c->n, bp, &k) : 0;
        /* 生協・ならコープ: a middle dot between words sets the name off */
        if (!is_solid(before) || before == 0x30fb) {
            a = x;
        } else if (is_region(before)) {
            int nch;
            size_t z = han_back(c, lo, x, 5, &nch);
            if (nch <= 4)
                a = z;
        }
    }
    /* the last descriptor inside the run heads the name after it */
    PCRE2_SIZE *ov;
    size_t pos = a;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "org", "descriptor"); ru;
         ru = ex_rules_next(c->r, ru, "org", "descriptor")) {
        size_t from = a;
        while (from < e && ex_rule_match(c, ru, from, e, 0, &ov)) {
            if (ov[1] < e && ov[1] > pos)
                pos = ov[1];
            from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
            while (from < e && ((unsigned char)c->s[from] & 0xc0) == 0x80)
                from++;
        }
    }
    return pos;
}

static int all_han(struct ctx *c, size_t a, size_t b)
{
    size_t k;
    for (size_t p = a; p < b; p += k)
        if (!is_han(cp_at(c->s, c->n, p, &k)))
            return 0;
    return 1;
}

/* Does a date and a comma follow the topic marker (…は4月25日、)? */
static int lead_date(struct ctx *c, size_t p)
{
    size_t d = ex_date_at(c, p);
    if (d >= c->ndates || c->dates[d].s != p)
        return 0;
    size_t e = c->dates[d].e;
    return e + 3 <= c->n && !memcmp(c->s + e, "、", 3);
}

/* 北浜市立小学校において: a school the text does not name stands for the
 * municipality that runs it (org.tsv school).  Returns the end of the
 * municipality's name, or e. */
static size_t school_owner(struct ctx *c, size_t s, size_t e)
{
    struct span w;
    return s < e && ex_label_match(c, "org", "school", s, e, 0, &w) && w.s > s ? w.s : e;
}

/* Is [ns, ne) a ministry or an agency (org.tsv ministry) that the text
 * goes on to call 同省 or 同庁? */
static int called_same(struct ctx *c, size_t ns, size_t ne)
{
    PCRE2_SIZE *ov;
    const struct rule *ru = ex_rules_next(c->r, NULL, "org", "ministry");
    if (!ru || !ex_rule_match(c, ru, ns, ne, PCRE2_ANCHORED, &ov) || ov[1] != ne)
        return 0;
    char same[7] = "同";
    memcpy(same + 3, c->s + ov[2], 3);
    same[6] = 0;
    return memmem(c->s + ne, c->n - ne, same, 6) != NULL;
}

/* Does the sentence after si open by calling the name back as a body
 * (北浜通運にて…被害。同社にて、…: org.tsv refback)? */
static int called_back(struct ctx *c, size_t si)
{
    return si + 1 < c->nsents &&
           ex_label_match(c, "org", "refback", c->sents[si + 1].s,
                          ex_upto(c, c->sents[si + 1].s, c->sents[si + 1].e, 40), PCRE2_ANCHORED, NULL);
}

/* A name an article introduces by what it is: 大手電機メーカーの東芝は. */
static int described(struct ctx *c, size_t ns)
{
    struct span w;
    size_t ls = c->lines[ex_line_of(c, ns)].s;
    if (ns < ls + 3 || memcmp(c->s + ns - 3, "の", 3))
        return 0;
    for (size_t a = ex_back(c, ls, ns - 3, 30); a < ns - 3; a++)
        if (((unsigned char)c->s[a] & 0xc0) != 0x80 &&
            ex_label_match(c, "org", "descriptor", a, ns - 3, PCRE2_ANCHORED, &w) && w.e == ns - 3)
            return 1;
    return 0;
}

/* Subjects of a third party's report: 「北浜市は12日、…と発表した」,
 * 「…を手掛けるアオバ商事(横浜市)は」, 「くすのき大学によると」.  The name is
 * read backwards from the topic marker (org.tsv subject).  A subject of a
 * sentence that reports an announcement scores like a signature; in a text
 * told in a third party's voice every subject mention counts, so a name the
 * article keeps returning to wins over a site's header or a name it quotes. */
static ow_err subjects(struct ctx *c, struct cands *cs, size_t nbefore)
{
    PCRE2_SIZE *ov;
    int third = ex_third_party(c);
    int self = ex_label_match(c, "incident", "self", 0, c->body_e, 0, NULL);
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "org", "subject"); ru;
         ru = ex_rules_next(c->r, ru, "org", "subject")) {
        size_t pos = 0;
        while (pos < c->n && cs->n < MAX_CANDS && ex_rule_match(c, ru, pos, c->n, 0, &ov)) {
            size_t ms = ov[0], me = ov[1];
            pos = me > ms ? me : ms + 1;
            while (pos < c->n && ((unsigned char)c->s[pos] & 0xc0) == 0x80)
                pos++;
            size_t li = ex_line_of(c, ms), ls = c->lines[li].s;
            size_t ne = paren_back(c->s, ls, ms);
            size_t ns = name_back(c, ls, ne);
            ne = school_owner(c, ns, ne);
            /* 北浜市教委と南浜町教委は12日、…: joint announcers, of whom
             * labels name the first */
            if (!strcmp(ru->arg, "topic") && ns >= ls + 6 && !memcmp(c->s + ns - 3, "と", 3)) {
                size_t ps = name_back(c, ls, ns - 3);
                if (ps < ns - 3 && org_shaped(c, ps, ns - 3) && org_shaped(c, ns, ne))
                    ne = ns - 3, ns = ps;
            }
            /* 北浜県警は5日、…と発表した: police as the announcer */
            int police = ns < ne && !strcmp(ru->arg, "topic") &&
                         (ex_label_match(c, "org", "police", ns, ne, PCRE2_ANCHORED, NULL) ||
                          called_same(c, ns, ne)) &&
                         !ex_label_match(c, "org", "notnamehead", ns, ne, PCRE2_ANCHORED, NULL);
            if (ns >= ne || !(plausible_name(c, ns, ne) || police))
                continue;
            /* A name of Han alone (弥生, 日能研) is taken only where the
             * sentence shape says it is an organization: the lead of an
             * announcement (弥生は2006年7月25日、…と発表した) or a source.
             * A paper or a broadcaster (北浜放送) is one only as a dated
             * lead: its own incident, not a story it carries. */
            size_t si = ex_sent_of(c, ms);
            /* a name the next sentence calls 同社 opening its own is a body */
            int back = opens_sentence(c, si, ns) && called_back(c, si);
            if (!police && !back && !org_shaped(c, ns, ne) &&
                !(all_han(c, ns, ne) && (!strcmp(ru->arg, "source") ||
                   (!strcmp(ru->arg, "topic") && (lead_date(c, me) || described(c, ns)))) &&
                  (lead_date(c, me) || !ex_label_match(c, "org", "notsource", ns, ne, PCRE2_ANCHORED, NULL))))
                continue;
            /* a name read already (a legal form, a bracket) wins; one this
             * name holds (北浜市 in 北浜市教育委員会) gives way to it */
            int covered = 0;
            for (size_t i = 0; i < nbefore && !covered; i++)
                covered = cs->v[i].s <= ns && cs->v[i].e >= ne;
            if (covered)
                continue;
            /* a bare institution word (大学は…, 運輸は…) is a back-reference */
            struct span w;
            if ((ex_label_match(c, "org", "suffix", ns, ne, PCRE2_ANCHORED, &w) && w.e == ne) ||
                (ex_label_match(c, "org", "orgend", ns, ne, 0, &w) && w.s == ns))
                continue;
            if (c->sflag[si] & SF_OTHER)
                continue;      /* …を巡っては、北浜市が昨年: another incident */
            /* 北浜新報によれば: a paper or a broadcaster is where the story
             * comes from, whatever its name looks like */
            if (!strcmp(ru->arg, "source") &&
                ex_label_match(c, "org", "notsource", ns, ne, PCRE2_ANCHORED, NULL))
                continue;
            int hearsay = !strcmp(ru->arg, "source") || !strcmp(ru->arg, "found") ||
                          !strcmp(ru->arg, "problem");
            int reports, weak = 0, owner = 0, greet = 0;
            if (!strcmp(ru->arg, "owner")) {
                /* 北浜病院のサーバーが…感染: whose systems were hit; in a
                 * text that never speaks as 弊社/本市, or where the name
                 * opens the sentence, the one it is about (not a unit
                 * written in Latin letters, SYSCO社, …GmbH: a subsidiary
                 * the parent's release names) */
                if (!(c->sflag[si] & SF_CUE))
                    continue;
                reports = 1;
                size_t we = ne >= ns + 3 && !memcmp(c->s + ne - 3, "社", 3) ? ne - 3 : ne;
                int latin = 1;
                for (size_t p = ns; p < we && latin; p++)
                    latin = (unsigned char)c->s[p] < 0x80;
                if ((!self || opens_sentence(c, si, ns)) && !latin)
                    owner = 2;
            } else if (!strcmp(ru->arg, "greeting")) {
                /* a name the readers use (…をご利用いただき) follows 平素より
                 * / 日頃より, not in a quoted mail that opens a line with it */
                if (!ex_label_match(c, "org", "greetopen", ex_back(c, ls, ns, 12), ns, 0, NULL))
                    continue;
                reports = 1;
                greet = 1;
            } else if (!strcmp(ru->arg, "selfintro")) {
                /* 北浜運営事務局でございます。 opens its line */
                size_t a = ls, b = ns;
                ex_trim(c->s, &a, &b);
                if (a != b)
                    continue;
                reports = 1;
                owner = 3;     /* the body speaking for itself */
            } else if (!strcmp(ru->arg, "self")) {
                reports = 1;
                owner = 3;     /* the body speaking for itself: a signature's weight */
            } else if (!strcmp(ru->arg, "members")) {
                /* the body apologizing to its own members: in the sentence
                 * that apologizes, or alone on its line (…会員の皆様へ) */
                size_t rb = c->lines[li].e, ra = me;
                ex_trim(c->s, &ra, &rb);
                reports = ex_label_match(c, "kind", "apology", c->sents[si].s,
                                         ex_upto(c, c->sents[si].s, c->sents[si].e, EX_WINDOW), 0,
                                         NULL) ||
                          (rb - ra <= 3 && ns == c->lines[li].s);
                if (!reports)
                    continue;
            } else if (!strcmp(ru->arg, "intro")) {
                /* an article introduces the company it is about */
                if (!third || !(c->sflag[si] & SF_CUE))
                    continue;
                reports = 1;
            } else if (!strcmp(ru->arg, "at")) {
                /* an article's 本店のある北浜信用組合で…漏えい: a name shaped
                 * like a body's, not a unit of one before it (…組合の東セン
                 * ターで); a municipality before it is a place */
                size_t k;
                if (!third || !(c->sflag[si] & SF_CUE) || !org_shaped(c, ns, ne) ||
                    (ns >= 6 && !memcmp(c->s + ns - 3, "の", 3) &&
                     !is_municipality(cp_at(c->s, c->n, prev_start(c->s, ns - 3), &k))))
                    continue;
                reports = 1;
            } else if (!strcmp(ru->arg, "place")) {
                /* only where it opens a sentence that reports the incident, in
             * the notice's own voice (an article's 子会社X社では is not it) */
                size_t sa = c->sents[si].s, sb = ns;
                ex_trim(c->s, &sa, &sb);
                sa += opener_len(c->s, sa, sb);
                /* (or a headline-like sentence the next one calls back:
                 * 北浜大学にて…の被害。同大にて、…) */
                if (sa != sb || !((c->sflag[si] & SF_CUE) || back))
                    continue;
                /* in an article, a name where it happened ranks below the
                 * company that announced (子会社X社では…) */
                reports = 1;
                if (third)
                    weak = 1;
            } else {
                reports = hearsay || ex_label_match(c, "org", "report", me,
                                                    ex_upto(c, me, c->sents[si].e, EX_WINDOW), 0, NULL);
                /* a lead that opens its sentence reports however long the
                 * sentence is: 北浜商事は、…(a long clause)…ことを発表した。 */
                size_t sa = c->sents[si].s, sb = ns, se = c->sents[si].e;
                ex_trim(c->s, &sa, &sb);
                if (!reports && sa == sb && se > me)
                    reports = ex_label_match(c, "org", "report", ex_back(c, me, se, 60), se, 0, NULL);
                /* 北浜商事は9月24日、…感染。…と発表した: a dated lead whose
                 * report closes the next sentence */
                if (!reports && sa == sb && !strcmp(ru->arg, "topic") && lead_date(c, me) &&
                    si + 1 < c->nsents && c->sline[si + 1] == c->sline[si]) {
                    size_t ne2 = c->sents[si + 1].e;
                    reports = ex_label_match(c, "org", "report", ex_back(c, c->sents[si + 1].s, ne2, 60),
                                             ne2, 0, NULL);
                }
            }
            if ((!reports && !third) ||
                (police && (!reports || ex_label_match(c, "org", "policecase", c->sents[si].s,
                                                       ex_upto(c, c->sents[si].s, c->sents[si].e, EX_WINDOW),
                                                       0, NULL))))
                continue;
            /* a mention with no report adds to the count of a name that has one */
            int sc = !reports ? 0 : weak ? score_mention(c, ns, ne, li) - 1
                                         : score_mention(c, ns, ne, li) + (hearsay ? 2 : 0) + (third ? 4 : 0) + owner;
            /* only a name taken gives way to nothing: one it holds yields */
            for (size_t i = 0; i < nbefore; i++)
                if (cs->v[i].s >= ns && cs->v[i].e <= ne)
                    cs->v[i].score -= 10;
            if (add_subject(cs, c->s, ns, ne, li, sc, greet))
                return OW_NOMEM;
        }
    }
    return OW_OK;
}

/* A public body the text calls by its type alone (org.tsv typeref: 本市が,
 * 町によると) is the first name of that type on the page: 北浜市が保有する…
 * in the title, 北浜県南浜町で、 in an article's lead. */
static ow_err by_type(struct ctx *c, struct cands *cs)
{
    PCRE2_SIZE *ov;
    char types[8][4];
    size_t nt = 0;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "org", "typeref"); ru;
         ru = ex_rules_next(c->r, ru, "org", "typeref")) {
        size_t pos = 0;
        while (pos < c->body_e && nt < 8 && ex_rule_match(c, ru, pos, c->body_e, 0, &ov)) {
            pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
            while (pos < c->n && ((unsigned char)c->s[pos] & 0xc0) == 0x80)
                pos++;
            int g = 1;
            while (g < 3 && ov[2 * g] == PCRE2_UNSET)
                g++;
            if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] - ov[2 * g] != 3)
                continue;
            int known = 0;
            for (size_t i = 0; i < nt && !known; i++)
                known = !memcmp(types[i], c->s + ov[2 * g], 3);
            if (!known)
                memcpy(types[nt], c->s + ov[2 * g], 3), types[nt++][3] = 0;
        }
    }
    /* 本学, 当院, 当校 name an institution whose legal form, when the page
     * writes one (学校法人みどり学園), is the better name */
    int formed = 0;
    for (size_t i = 0; i < cs->n && !formed; i++)
        formed = has_form(c, cs->v[i].name, strlen(cs->v[i].name), 0);
    for (size_t i = 0; i < nt && cs->n < MAX_CANDS; i++) {
        if (formed && (!memcmp(types[i], "校", 3) || !memcmp(types[i], "院", 3) ||
                       !memcmp(types[i], "学", 3)))
            continue;
        const char *p = c->s, *end = c->s + c->body_e;
        while ((p = memmem(p, (size_t)(end - p), types[i], 3))) {
            size_t ne = (size_t)(p - c->s) + 3, li = ex_line_of(c, ne - 3);
            p += 3;
            size_t ns = name_back(c, c->lines[li].s, ne), k;
            /* 北の森学園 alone at the start of its line: the の is the name's */
            if (ns >= c->lines[li].s + 6 && !memcmp(c->s + ns - 3, "の", 3)) {
                int nch;
                size_t hs = han_back(c, c->lines[li].s, ns - 3, 3, &nch);
                size_t la = c->lines[li].s, lb = hs;
                ex_trim(c->s, &la, &lb);
                uint32_t lastc = cp_at(c->s, c->n, prev_start(c->s, ns - 3), &k);
                if (nch >= 1 && la == lb && !is_region(lastc) && !is_municipality(lastc))
                    ns = hs;     /* not 北浜県の南浜町 */
            }
            /* 本会: an association's name ends in 会 (北浜畜産会), which
             * is no shape of its own, so only a name opening its line */
            size_t la = c->lines[li].s, lb = ns;
            ex_trim(c->s, &la, &lb);
            int assoc = !memcmp(types[i], "会", 3) && la == lb &&
                        (ne >= c->n || !is_solid(cp_at(c->s, c->n, ne, &k)));
            /* two characters do for a municipality (浜市, 湊区; the bare
             * wards 北区, 中区 are org.tsv notname), three for the rest */
            int muni = memcmp(types[i], "会", 3) && memcmp(types[i], "県", 3);
            if (ne - ns < (muni ? 6u : 9u) || !plausible_name(c, ns, ne) ||
                !(org_shaped(c, ns, ne) || assoc))
                continue;
            /* a Han or katakana name ends in the type: 県政資料・県 is a list,
             * and so is 固定資産税・都市(計画税): no municipality has a ・ */
            uint32_t q = cp_at(c->s, c->n, prev_start(c->s, ne - 3), &k);
            if ((!is_han(q) && !(is_kata(q) && q != 0x30fb && q != 0x30fc)) ||
                (muni && memmem(c->s + ns, ne - ns, "・", 3)))
                continue;
            /* and no other body's name goes on from it: 北浜県警, 北浜市立病院 */
            uint32_t after = ne < c->n ? cp_at(c->s, c->n, ne, &k) : 0;
            if (after == 0x8b66 /* 警 */ || after == 0x7acb /* 立 */)
                continue;
            int sc = score_mention(c, ns, ne, li) + 3;
            if (add_subject(cs, c->s, ns, ne, li, sc, 0))
                return OW_NOMEM;
            break;
        }
    }
    return OW_OK;
}

static ow_err forms(struct ctx *c, struct cands *cs)
{
    PCRE2_SIZE *ov;
    size_t pos = 0;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_ORGFORM, pos, c->n, 0, &ov)) {
        size_t fs = ov[0], fe = ov[1], k;
        pos = fe > fs ? fe : fs + 1;
        char canon[64];
        size_t fl = fe - fs < sizeof canon ? fe - fs : sizeof canon - 1;
        memcpy(canon, c->s + fs, fl);
        canon[fl] = 0;
        for (const struct rule *ru = ex_rules_next(c->r, NULL, "org", "abbr"); ru;
             ru = ex_rules_next(c->r, ru, "org", "abbr"))
            if (!strcmp(ru->arg, canon))
                snprintf(canon, sizeof canon, "%s", ru->arg2);
        size_t li = ex_line_of(c, fs), ls = c->lines[li].s, le = c->lines[li].e;
        uint32_t pc = fs > ls ? cp_at(c->s, c->n, prev_start(c->s, fs), &k) : 0;
        size_t a, b;
        int form_first;
        if (pc && (is_solid(pc) || pc == 0x30fb)) {
            /* 北星電機株式会社: the name is the solid run before the form */
            a = fs;
            int nch = 0;
            while (a > ls && nch < 30) {
                size_t p = prev_start(c->s, a);
                uint32_t q = cp_at(c->s, c->n, p, &k);
                /* H&F BELX NET株式会社: Latin words split by single spaces */
                if (q == ' ' && p > ls && a < fs && (is_alnum((unsigned char)c->s[a]) || c->s[a] == '&') &&
                    (is_alnum((unsigned char)c->s[p - 1]) || c->s[p - 1] == '&')) {
                    a = p;
                    continue;
                }
                if (!(is_solid(q) || q == 0x30fb))
                    break;
                a = p;
                nch++;
            }
            /* ことり電子(株): a name may begin with hiragana when it starts its
             * line or sentence (or follows a delimiter) and has no particle after a solid
             * character — 当社は北星電機株式会社 stays 北星電機. */
            size_t x = a;
            nch = 0;
            while (x > ls && nch < 30) {
                size_t p = prev_start(c->s, x);
                uint32_t q = cp_at(c->s, c->n, p, &k);
                if (!(is_solid(q) || is_hira(q) || q == 0x30fb))
                    break;
                x = p;
                nch++;
            }
            if (x < a) {
                size_t tx = ls, ta = x;
                ex_trim(c->s, &tx, &ta);
                uint32_t before = x > ls ? cp_at(c->s, c->n, prev_start(c->s, x), &k) : 0;
                int delim = tx == ta || before == ' ' || before == 0x300c /* 「 */ ||
                            before == '(' || before == ':' || before == '|' ||
                            before == 0x3011 /* 】 */ || before == 0x3001 /* 、 */ ||
                            before == 0x3002 /* 。 */;
                uint32_t prev = 0;
                for (size_t p = x; p < fs && delim; p += k) {
                    uint32_t q = cp_at(c->s, c->n, p, &k);
                    if (is_particle(q) && prev && is_solid(prev))
                        delim = 0;
                    prev = q;
                }
                if (delim && plausible_name(c, x, fs))
                    a = x;
            }
            b = fs;
            form_first = 0;
        } else {
            /* 株式会社みなと珈琲 (or 株式会社 東玉, 特定非営利活動法人・北浜ネット):
             * the name follows */
            a = b = fe;
            if (a < le && (c->s[a] == ' ' || (le - a >= 3 && !memcmp(c->s + a, "・", 3)))) {
                size_t skip = c->s[a] == ' ' ? 1 : 3;
                uint32_t q = a + skip < le ? cp_at(c->s, c->n, a + skip, &k) : 0;
                if (is_solid(q) || is_hira(q))
                    a = b = a + skip;
            }
            /* 株式会社 筑 波 銀 行: text from a PDF spaces out every character */
            int spaced = 0;
            if (le - a >= 5) {
                size_t k1, k2;
                uint32_t q1 = cp_at(c->s, c->n, a, &k1);
                uint32_t q2 = a + k1 + 1 < le ? cp_at(c->s, c->n, a + k1 + 1, &k2) : 0;
                spaced = is_han(q1) && c->s[a + k1] == ' ' && is_han(q2);
            }
            int nch = 0;
            uint32_t prev = 0;
            while (b < le && nch < 30) {
                uint32_t q = cp_at(c->s, c->n, b, &k);
                if (spaced && q == ' ' && b + 1 < le) {
                    size_t k2;
                    uint32_t q2 = cp_at(c->s, c->n, b + 1, &k2);
                    if (is_solid(q2) && (b + 1 + k2 >= le || c->s[b + 1 + k2] == ' ')) {
                        b++;
                        continue;
                    }
                }
                if (!(is_solid(q) || is_hira(q) || q == 0x30fb))
                    break;
                if (is_particle(q) && prev && is_solid(prev) && !kana_tail(c, b, le))
                    break;
                prev = q;
                b += k;
                nch++;
            }
            /* 社会福祉法人の北浜福祉事業団は: the form describes the name
             * after の, which the subject reading takes (株式会社のぞみ
             * keeps its の: ぞみ is no organization's name) */
            if (b - a > 3 && !memcmp(c->s + a, "の", 3) && org_shaped(c, a + 3, b))
                continue;
            /* 公益社団法人北浜学会会長 三村一郎: the title is not the name */
            if (ex_bi_match(c, BI_REP, a, le, 0, &ov) && ov[2] > a && ov[2] < b &&
                ov[3] == b)
                b = ov[2];
            form_first = 1;
            /* 医療法人みどり会 みどり病院 closing a signature line: the
             * hospital the corporation runs is the publisher as written */
            size_t ta = b, tb = le;
            ex_trim(c->s, &ta, &tb);
            size_t xa = ls, xb = fs;
            ex_trim(c->s, &xa, &xb);
            if (ta > b && tb - ta <= 45 && xa == xb) {
                size_t q = ta;
                int solid = 1;
                uint32_t prevu = 0;
                while (q < tb && solid) {
                    uint32_t u = cp_at(c->s, c->n, q, &k);
                    solid = is_solid(u) || is_hira(u) || u == 0x30fb || u == 0x30fc;
                    if (is_particle(u) && prevu && is_solid(prevu))
                        solid = 0;
                    prevu = u;
                    q += k;
                }
                /* only a medical institution that speaks as 当院: a school
                 * under 学校法人 is published by the corporation */
                static const char *const med[] = {"病院", "医院", "クリニック", "診療所"};
                int ismed = 0;
                for (size_t i = 0; i < sizeof med / sizeof med[0] && !ismed; i++) {
                    size_t ml = strlen(med[i]);
                    ismed = tb - ta > ml && !memcmp(c->s + tb - ml, med[i], ml);
                }
                if (solid && ismed &&
                    (memmem(c->s, c->n, "当院", 6) || memmem(c->s, c->n, "弊院", 6) ||
                     memmem(c->s, c->n, "本院", 6)))
                    b = tb;
            }
        }
        if (b <= a)
            continue;
        /* NPO法人ポータルサイト, 株式会社Xのサイト: a page, not a company */
        static const char *const pages[] = {"サイト", "ページ"};
        int page = 0;
        for (size_t i = 0; i < sizeof pages / sizeof pages[0] && !page; i++) {
            size_t pl = strlen(pages[i]);
            page = b - a > pl && !memcmp(c->s + b - pl, pages[i], pl);
        }
        if (page)
            continue;
        /* (株式会社X提供): the name of a supplier */
        int supplier = 0;
        if (form_first && b - a > 6 && !memcmp(c->s + b - 6, "提供", 6)) {
            b -= 6;
            supplier = 1;
        }
        int sc = score_mention(c, form_first ? fs : a, form_first ? b : fe, li) - 8 * supplier;
        if (add(cs, canon, c->s, a, b, form_first, form_first ? fs : a, form_first ? b : fe, li,
                sc))
            return OW_NOMEM;
    }
    /* 市立みなと病院 / ひかり歯科医院 on a line of its own: a signature with
     * no legal form.  A legal-form name wins a tie. */
    pos = 0;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_NAMED, pos, c->n, 0, &ov)) {
        size_t ns = ov[2], ne = ov[3];
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        size_t li = ex_line_of(c, ns);
        size_t ra = ne, rb = c->lines[li].e;
        ex_trim(c->s, &ra, &rb);
        /* the name, or the name and a short department/title after it; a
         * news subject (東京みなと大学は…と発表) is judged by score_mention */
        size_t pe = ne;          /* みなと病院(北浜市)は…と発表, みなと病院 (北浜市) は */
        while (pe < rb && c->s[pe] == ' ')
            pe++;
        if (pe < rb && c->s[pe] == '(') {
            const char *q = memchr(c->s + pe, ')', rb - pe);
            if (q)
                pe = (size_t)(q - c->s) + 1;
            while (pe < rb && c->s[pe] == ' ')
                pe++;
        }
        int subject = pe + 3 <= rb && !memcmp(c->s + pe, "は", 3);
        size_t hs = c->lines[li].s, he = ns;
        ex_trim(c->s, &hs, &he);
        int header = he > hs && !memcmp(c->s + hs, "【", 3);   /* 【…】name title */
        /* a subject is a plain name: not 新潟県内にある…大学, 今後当社 */
        if (subject && (memmem(c->s + ns, ne - ns, "にある", 9) || memmem(c->s + ns, ne - ns, "で", 3) ||
                        memmem(c->s + ns, ne - ns, "する", 6) || memmem(c->s + ns, ne - ns, "当社", 6) ||
                        memmem(c->s + ns, ne - ns, "弊社", 6) || memmem(c->s + ns, ne - ns, "会社", 6)))
            continue;
        /* 北浜大学 外部サイトにおける個人情報の漏えいについ: the page's title
         * line opens with the publisher's name */
        int title = 0;
        if (rb - ra > 45 && ra > ne && !subject && !header) {
            size_t fl = 0;
            while (fl < c->nlines && c->lines[fl].e == c->lines[fl].s)
                fl++;
            title = li == fl && ex_label_match(c, "periods", "titleline", ra,
                                               ex_upto(c, ra, rb, EX_WINDOW), 0, NULL);
        }
        if (!plausible_name(c, ns, ne))
            continue;
        if ((rb - ra > 45 && !subject && !header && !title) || memmem(c->s + ns, ne - ns, "窓口", 6) ||
            memmem(c->s + ns, ne - ns, "コール", 9) || memmem(c->s + ns, ne - ns, "相談", 6) ||
            memmem(c->s + ns, ne - ns, "合わせ", 9) || memmem(c->s + ns, ne - ns, "受付", 6) ||
            memmem(c->s + ns, ne - ns, "合せ", 6))
            continue;
        int sc = score_mention(c, ns, ne, li) - 1;
        if (add(cs, "", c->s, ns, ne, 1, ns, ne, li, sc))
            return OW_NOMEM;
    }
    /* 日本赤十字社(以下「当社」): the publisher defines its own short name.
     * Every match holds "(以下"; the pattern's leading name class retries up
     * to 24 characters at every position, so look for the literal first. */
    pos = memmem(c->s, c->n, "(以下", strlen("(以下")) ? 0 : c->n;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_HEREAFTER, pos, c->n, 0, &ov)) {
        size_t ns = ov[2], ne = ov[3], k;
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        if (!ex_in_body(c, ns))
            continue;
        /* 弊社が運営するこけし会(以下…): the name starts after the last
         * particle or verb ending that follows another character */
        uint32_t prev = 0;
        for (size_t p = ns; p < ne; p += k) {
            uint32_t q = cp_at(c->s, c->n, p, &k);
            if (prev && ((is_particle(q) && is_solid(prev)) ||
                         ((q == 0x308b /* る */ || q == 0x305f /* た */) && is_hira(prev))))
                ns = p + k;
            prev = q;
        }
        /* 当法人(以下、弊団体): a word for itself, not its name */
        if (ne - ns < 6 || !plausible_name(c, ns, ne))
            continue;
        int boosted = 0;
        for (size_t i = 0; i < cs->n; i++)
            if (cs->v[i].e == ne) {
                cs->v[i].score += 6;
                boosted = 1;
            }
        if (boosted)
            continue;
        size_t li = ex_line_of(c, ns);
        int sc = score_mention(c, ns, ne, li) + 6;
        if (add(cs, "", c->s, ns, ne, 1, ns, ne, li, sc))
            return OW_NOMEM;
    }
    /* 当社(関西みなと送配電)は: the notice names itself in parentheses
     * (org.tsv selfparen) */
    for (const struct rule *ru = ex_rules_next(c->r, NULL, "org", "selfparen"); ru;
         ru = ex_rules_next(c->r, ru, "org", "selfparen")) {
        pos = 0;
        while (pos < c->n && cs->n < MAX_CANDS && ex_rule_match(c, ru, pos, c->n, 0, &ov)) {
            size_t ns = ov[2], ne = ov[3];
            pos = ov[1];
            if (!ex_in_body(c, ns) || name_back(c, ns, ne) != ns || !plausible_name(c, ns, ne))
                continue;
            size_t li = ex_line_of(c, ns);
            if (add(cs, "", c->s, ns, ne, 1, ns, ne, li, score_mention(c, ns, ne, li) + 6))
                return OW_NOMEM;
        }
    }
    pos = 0;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_PUBLIC, pos, c->n, 0, &ov)) {
        size_t ns = ov[2], ne = ov[3];
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        /* 送信元が市公式…: a clause, not a town's kana name (みやき町) */
        if (!plausible_name(c, ns, ne))
            continue;
        size_t li = ex_line_of(c, ns);
        int sc = score_mention(c, ns, ne, li);
        if (add(cs, "", c->s, ns, ne, 1, ns, ne, li, sc))
            return OW_NOMEM;
    }
    /* A title that ends with its site's name, a public body's (…誤送信に
     * ついて - 北浜県, …のお詫び|北浜市): the body publishes the page */
    if (c->head_line < c->nlines && cs->n < MAX_CANDS) {
        size_t a = c->lines[c->head_line].s, b = c->lines[c->head_line].e, k;
        ex_trim(c->s, &a, &b);
        size_t cut = SIZE_MAX;
        for (size_t q = a; q < b; q += k) {
            uint32_t ch = cp_at(c->s, c->n, q, &k);
            if (ch == '|' || ch == 0xff5c || (ch == '-' && q > a && c->s[q - 1] == ' '))
                cut = q + k;
        }
        while (cut < b && c->s[cut] == ' ')
            cut++;
        if (cut < b && b - cut <= 8 * 3) {
            size_t ns = cut, ne = b;
            uint32_t last = cp_at(c->s, c->n, prev_start(c->s, ne), &k);
            int han = 1;
            for (size_t q = ns; q < ne && han; q += k)
                han = is_han(cp_at(c->s, c->n, q, &k));
            if (han && (is_municipality(last) || is_region(last)) && ex_nchars(c->s, ns, ne) >= 2 &&
                plausible_name(c, ns, ne) &&
                add(cs, "", c->s, ns, ne, 1, ns, ne, c->head_line, score_mention(c, ns, ne, c->head_line) + 3))
                return OW_NOMEM;
        }
    }
    /* 教育関連企業「あさぎ出版」で / 「青葉木工所」社が: a name in brackets */
    size_t nbefore = cs->n;
    pos = 0;
    while (pos < c->n && cs->n < MAX_CANDS && ex_bi_match(c, BI_SUBJECT, pos, c->n, 0, &ov)) {
        size_t ns = ov[2], ne = ov[3];
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        /* 「X」社 and 学習塾「X」 say what X is (BI_SUBJECT's group 2); a
         * name after a place or の「 must look like an organization's */
        int sha = ov[4] != PCRE2_UNSET || (ne + 6 <= c->n && !memcmp(c->s + ne + 3, "社", 3));
        if (ns >= ne || !plausible_name(c, ns, ne) || !(sha || org_shaped(c, ns, ne)))
            continue;
        size_t si = ex_sent_of(c, ns);
        size_t sa = c->sents[si].s, sb = ex_upto(c, ns, c->sents[si].e, EX_WINDOW);
        if (!(c->sflag[si] & SF_CUE) && !ex_label_match(c, "org", "report", sa, sb, 0, NULL))
            continue;
        size_t li = ex_line_of(c, ns);
        int sc = score_mention(c, ns, ne, li) + 4;
        if (add_subject(cs, c->s, ns, ne, li, sc, 0))
            return OW_NOMEM;
    }
    if (subjects(c, cs, nbefore) || by_type(c, cs))
        return OW_NOMEM;
    return OW_OK;
}

/* The start of two place names right before p, each of two to four Han
 * characters ending in 都 道 府 県 郡 市 区 町 村, the first after a
 * character that is not Han (相模原市中央区), else p. */
static size_t places_back(const struct ctx *c, size_t p)
{
    size_t pos = p, k;
    for (int piece = 0; piece < 2; piece++) {
        uint32_t last = pos > 0 ? cp_at(c->s, c->n, prev_start(c->s, pos), &k) : 0;
        if (!is_region(last) && !is_municipality(last))
            return p;
        size_t q = pos, next = p;
        for (int j = 1; j <= 4 && q > 0; j++) {
            q = prev_start(c->s, q);
            uint32_t before = q > 0 ? cp_at(c->s, c->n, prev_start(c->s, q), &k) : 0;
            if (j < 2)
                continue;
            if (!is_han(before))
                return piece == 1 ? q : p;
            if (piece == 0 && next == p && (is_region(before) || is_municipality(before)))
                next = q;
        }
        if (next == p)
            return p;
        pos = next;
    }
    return p;
}

/* Are a's characters all in b, in order (北電監 in 北浜電波監理委員会)? */
static int subsequence(const char *a, const char *b)
{
    size_t al = strlen(a), bl = strlen(b), i = 0, j = 0, k;
    while (i < al && j < bl) {
        size_t n = ow_utf8_seqlen((const unsigned char *)a + i, al - i);
        n = n ? n : 1;
        if (j + n <= bl && !memcmp(a + i, b + j, n))
            i += n;
        cp_at(b, bl, j, &k);
        j += k;
    }
    return i == al;
}

/* The full name a short one abbreviates where the text gives both: 北浜
 * 産業振興機構(北浜機構): a name ending as an organization's does, right
 * before the short one in brackets, with its characters in order (or a
 * katakana name before Latin capitals).  Writes it to out (size outsz),
 * or returns 0. */
static int expanded(struct ctx *c, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name), k;
    const char *p = c->s, *end = c->s + c->n;
    for (int seen = 0; seen < 64 && (p = memmem(p, (size_t)(end - p), name, nl)); seen++, p += nl) {
        size_t at = (size_t)(p - c->s), after = at + nl;
        if (at == 0 || c->s[at - 1] != '(' || after >= c->n || c->s[after] != ')')
            continue;
        size_t e = at - 1, a = e;
        while (a > 0 && e - a < outsz - 1) {
            size_t q = prev_start(c->s, a);
            uint32_t ch = cp_at(c->s, c->n, q, &k);
            if (!(is_solid(ch) || ch == 0x30fb || ch == 0x30fc))
                break;
            a = q;
        }
        if (e - a <= nl || e - a >= outsz)
            continue;
        memcpy(out, c->s + a, e - a);
        out[e - a] = 0;
        /* ミナト・システムズ(MNS): capitals for a name in katakana */
        int caps = nl >= 2 && nl <= 6, kata = 1;
        for (size_t i = 0; i < nl && caps; i++)
            caps = name[i] >= 'A' && name[i] <= 'Z';
        for (size_t q = a; q < e && kata; q += k)
            kata = is_kata(cp_at(c->s, c->n, q, &k));
        if ((caps && kata) ||
            (ex_label_match(c, "org", "orgend", a, e, 0, NULL) && subsequence(name, out)))
            return 1;
    }
    return 0;
}

/* The fullest form in which the text writes the chosen name: a news subject
 * read without its legal form (アオバ商事) is written 株式会社アオバ商事 in
 * the next paragraph; a bureau (上下水道局) with its city (北浜市上下水道局).
 * A municipality's own prefecture goes again in drop_prefecture.  Returns an
 * owned string. */
static char *fullest(struct ctx *c, const char *name)
{
    char full[128];
    if (expanded(c, name, full, sizeof full))
        name = full;
    size_t nl = strlen(name);
    char bpre[96] = "", bpost[64] = "";
    if (has_form(c, name, nl, 0) || nl == 0)
        return ex_strndup(name, nl);
    const char *p = c->s, *end = c->s + c->n;
    for (int seen = 0; seen < 64 && (p = memmem(p, (size_t)(end - p), name, nl)); seen++, p += nl) {
        size_t at = (size_t)(p - c->s), after = at + nl, k;
        char pre[96] = "", post[64] = "";
        /* 社会福祉法人長野県社会福祉協議会: a form before a longer name is
         * not this name's */
        int ends = after >= c->n || !is_solid(cp_at(c->s, c->n, after, &k));
        for (const struct rule *ru = ex_rules_next(c->r, NULL, "org", "form"); ru;
             ru = ex_rules_next(c->r, ru, "org", "form")) {
            size_t fl = strlen(ru->arg);
            size_t q = at;
            if (q > 0 && c->s[q - 1] == ' ')
                q--;
            else if (q >= 3 && (!memcmp(c->s + q - 3, "・", 3) || !memcmp(c->s + q - 3, "「", 3)))
                q -= 3;
            if (ends && q >= fl && !memcmp(c->s + q - fl, ru->arg, fl) && fl > strlen(pre))
                snprintf(pre, sizeof pre, "%s", ru->arg);
            if (after + fl <= c->n && !memcmp(c->s + after, ru->arg, fl) && fl > strlen(post))
                snprintf(post, sizeof post, "%s", ru->arg);
        }
        if (!post[0]) {
            /* トヨタ written トヨタ自動車 elsewhere: the name and a Han word
             * that ends an organization's name (org.tsv orgend); a bare
             * name, one that does not end so itself, also takes a katakana
             * one (アオバ written アオバホールディングス) */
            size_t q = after;
            int nch = 0;
            while (q < c->n && nch < 6 && is_han(cp_at(c->s, c->n, q, &k)))
                q += k, nch++;
            int ok = nch > 0 && nch < 6;
            uint32_t ch;
            if (nch == 0 && q < c->n && is_kata(ch = cp_at(c->s, c->n, q, &k)) && ch != 0x30fb &&
                !ex_label_match(c, "org", "orgend", at, after, 0, NULL)) {
                while (q < c->n && nch < 10 && is_kata(ch = cp_at(c->s, c->n, q, &k)) && ch != 0x30fb)
                    q += k, nch++;
                /* (not グループ: the group is more than the body) */
                ok = nch < 10 && (q >= c->n || !is_solid(cp_at(c->s, c->n, q, &k))) &&
                     !(q - after == strlen("グループ") && !memcmp(c->s + after, "グループ", q - after));
            }
            struct span w;
            if (ok && q - after < sizeof post &&
                ex_label_match(c, "org", "orgend", after, q, 0, &w) && w.s == after)
                memcpy(post, c->s + after, q - after), post[q - after] = 0;
        }
        if (!pre[0] && !post[0] && at > 0) {
            /* a prefecture, district or city right before: at most four
             * Han characters ending in 県 都 道 府 郡 市 町 村 区, after a
             * non-Han one (北浜市上下水道局; not 本市, 同市) */
            int nch;
            size_t q = han_back(c, 0, at, 5, &nch);
            size_t last = prev_start(c->s, at);
            uint32_t lc = cp_at(c->s, c->n, last, &k);
            uint32_t fc = cp_at(c->s, c->n, q, &k);
            if (nch > 4) {
                /* or a city and its ward (相模原市中央区選挙管理委員会) */
                q = places_back(c, at);
                nch = q < at ? 4 : 0;
            }
            if (nch >= 2 && nch <= 4 &&
                (is_region(lc) ||
                 (is_municipality(lc) && fc != 0x672c /* 本 */ && fc != 0x5f53 /* 当 */ &&
                  fc != 0x540c /* 同 */ && fc != 0x5404 /* 各 */ && fc != 0x5168 /* 全 */)) &&
                at - q < sizeof pre)
                memcpy(pre, c->s + q, at - q), pre[at - q] = 0;
        }
        if (strlen(pre) + strlen(post) > strlen(bpre) + strlen(bpost)) {
            memcpy(bpre, pre, sizeof pre);
            memcpy(bpost, post, sizeof post);
        }
    }
    size_t pl = strlen(bpre), sl = strlen(bpost);
    char *out = malloc(pl + nl + sl + 1);
    if (out) {
        memcpy(out, bpre, pl);
        memcpy(out + pl, name, nl);
        memcpy(out + pl + nl, bpost, sl + 1);
    }
    return out;
}

/* ファストブッキング社, Acme社: an article's 社 after a foreign name says what
 * the name is, it is not part of it (日本赤十字社, 北浜新聞社 keep theirs,
 * and so does a notice signed ミナトタイムス社); so is 社 after a name the
 * article writes in brackets, 「北浜製網」社. */
static void drop_sha(struct ctx *c, char *name)
{
    size_t n = strlen(name), k;
    if (n < 6 || memcmp(name + n - 3, "社", 3) || has_form(c, name, n, 0))
        return;
    uint32_t q = cp_at(name, n - 3, prev_start(name, n - 3), &k);
    char quoted[256];
    if ((ex_third_party(c) && is_foreign_letter(q)) ||
        (n + 6 < sizeof quoted && snprintf(quoted, sizeof quoted, "「%.*s」社", (int)(n - 3), name) > 0 &&
         memmem(c->s, c->n, quoted, strlen(quoted))))
        name[n - 3] = 0;
}

/* A unit read with its organization's name: a site (株式会社北浜HPから), its
 * head office (北浜住宅公社本社), its secretariat (北浜学会事務局) or a campus
 * (北浜大学南浜キャンパスのシステム) is the organization's. */
static void drop_unit(char *name)
{
    size_t n = strlen(name);
    if (n > 5 && !strcmp(name + n - 2, "HP") && (unsigned char)name[n - 3] >= 0x80) {
        name[n - 2] = 0;
        return;
    }
    /* 北浜住宅公社本社, 北浜学会事務局: its head office or its secretariat,
     * after a word that ends a body's name (not 北浜グループ本社, a
     * company's name) */
    static const char *const body[] = {"会社", "公社", "協会", "組合", "機構", "法人"};
    if (n >= 18 && !strcmp(name + n - 6, "本社")) {
        for (size_t i = 0; i < sizeof body / sizeof body[0]; i++)
            if (!memcmp(name + n - 12, body[i], 6)) {
                name[n - 6] = 0;
                return;
            }
    }
    if (n >= 18 && !strcmp(name + n - 9, "事務局") && !memcmp(name + n - 12, "会", 3)) {
        name[n - 9] = 0;
        return;
    }
    static const char campus[] = "キャンパス";
    size_t cl = sizeof campus - 1;
    if (n <= cl || strcmp(name + n - cl, campus))
        return;
    /* the last 大 (大学) before the campus's place name ends the university's */
    for (size_t p = n - cl; p > 0;) {
        p = prev_start(name, p);
        if (!memcmp(name + p, "大学", 6) && p + 6 < n - cl) {
            name[p + 6] = 0;
            return;
        }
        if (!memcmp(name + p, "大", 3) && p + 3 < n - cl && memcmp(name + p + 3, "学", 3)) {
            name[p + 3] = 0;
            return;
        }
    }
}

/* 北浜県私学振興課 → 北浜県: a section (課 係 室 班) of a public body speaks
 * for the body; a bureau or board (局, 委員会) keeps its name. */
static void drop_section(char *name)
{
    size_t n = strlen(name), k;
    static const char *const sect[] = {"課", "係", "室", "班"};
    int is_sect = 0;
    for (size_t i = 0; i < sizeof sect / sizeof sect[0] && !is_sect; i++)
        is_sect = n > 3 && !memcmp(name + n - 3, sect[i], 3);
    if (!is_sect)
        return;
    for (size_t p = n - 3; p > 0;) {
        p = prev_start(name, p);
        uint32_t q = cp_at(name, n, p, &k);
        if (!is_han(q))
            return;
        if (((is_region(q) && q != 0x90e1 /* not 郡 */) || is_municipality(q)) && p >= 6 &&
            n - 3 - (p + k) >= 6) {
            name[p + k] = 0;     /* 都 道 府 県 市 区 町 村, two or more characters before */
            return;
        }
    }
}

/* 北浜県浦添野市 → 浦添野市, 南浜郡みなと町 → みなと町: a municipality is
 * named without the prefecture or district (…郡) a news lead puts before it
 * to say where it is; so is its board of education or assembly.  北浜県町村会
 * and 北浜県立病院 are not municipalities and keep theirs. */
static void drop_prefecture(char *name)
{
    size_t n = strlen(name), p = 0, k;
    if (!strncmp(name, "北海道", 9) || !strncmp(name, "京都府", 9)) {
        p = 9;     /* (都 of 京都府 is no prefecture's end) */
    } else {
        int nch = 0;
        while (p < n && nch < 4 && is_han(cp_at(name, n, p, &k)) && !is_region(cp_at(name, n, p, &k)))
            p += k, nch++;
        uint32_t r = p < n ? cp_at(name, n, p, &k) : 0;
        if (nch >= 2 && nch <= 3 && (r == 0x90fd || r == 0x5e9c || r == 0x770c)) /* 都 府 県 */
            p += k;
        else
            p = 0;     /* no prefecture: a district may still open it */
    }
    size_t from = p;
    /* a district: 北浜郡 */
    for (size_t q = p, nch = 0; q < n && nch < 5; nch++) {
        uint32_t ch = cp_at(name, n, q, &k);
        if (!is_han(ch))
            break;
        q += k;
        if (ch == 0x90e1 /* 郡 */ && nch >= 1) {
            from = q;
            break;
        }
    }
    /* the municipality: one to five Han characters or kana (さいたま市),
     * then 市 区 町 村 */
    size_t q = from;
    int nch = 0;
    while (q < n && nch < 6) {
        uint32_t ch = cp_at(name, n, q, &k);
        if (!(is_han(ch) || is_hira(ch) || is_kata(ch)) || (nch == 0 && is_municipality(ch)))
            return;
        q += k, nch++;
        if (nch >= 2 && is_municipality(ch))
            break;
    }
    if (from == 0 || nch < 2 || !is_municipality(cp_at(name, n, prev_start(name, q), &k)))
        return;
    static const char *const rest[] = {"", "教育委員会", "教委", "議会", "役所", "役場"};
    int ok = 0;
    for (size_t i = 0; i < sizeof rest / sizeof rest[0] && !ok; i++)
        ok = !strcmp(name + q, rest[i]);
    if (ok)
        memmove(name, name + from, n - from + 1);
}

/* A news story names the body in full, then by a short name of its Han
 * characters in order (北浜地方調停委員会, then 北調委): the full name
 * stands, where it came first and is a candidate too.  A longer name the
 * short one begins (北浜市, 北浜市立病院) is another body. */
static const struct cand *unabbreviated(struct ctx *c, const struct cands *cs,
                                        const unsigned char *vendor, const struct cand *best)
{
    size_t nl = strlen(best->name), first = best->s, k, n = 0;
    for (size_t p = 0; p < nl; p += k, n++)
        if (!is_han(cp_at(best->name, nl, p, &k)))
            return best;
    if (n < 2 || n > 5)
        return best;
    for (size_t i = 0; i < cs->n; i++)
        if (!strcmp(cs->v[i].name, best->name) && cs->v[i].s < first)
            first = cs->v[i].s;
    const struct cand *full = best;
    for (size_t i = 0; i < cs->n; i++) {
        const struct cand *f = &cs->v[i];
        if (f->s >= first || f->score <= 0 || vendor[i] || strlen(f->name) <= nl ||
            !strncmp(f->name, best->name, nl) || strncmp(f->name, best->name, 3) ||
            !subsequence(best->name, f->name) || has_form(c, f->name, strlen(f->name), 1))
            continue;
        if (full == best || f->s < full->s)
            full = f;
    }
    return full;
}

ow_err ex_org(struct ctx *c, struct extract_result *res)
{
    struct cands cs = {0};
    if (forms(c, &cs)) {
        free(cs.v);
        return OW_NOMEM;
    }
    /* a name in the caller's title counts like one on the first line */
    if (c->title)
        for (size_t i = 0; i < cs.n; i++)
            if (strstr(c->title, cs.v[i].name) && cs.v[i].line != c->head_line)
                cs.v[i].score += 1;
    /* 北浜市 and 北浜市教育委員会 read from one mention: the longer reading
     * is the name, with the better score of the two */
    for (size_t i = 0; i < cs.n; i++)
        for (size_t j = 0; j < cs.n; j++) {
            struct cand *sh = &cs.v[i], *lo = &cs.v[j];
            size_t sl = strlen(sh->name);
            if (i == j || sh->s != lo->s || lo->e <= sh->e || sh->line != lo->line ||
                strncmp(lo->name, sh->name, sl) || !lo->name[sl])
                continue;
            if (sh->score > lo->score)
                lo->score = sh->score;
            sh->score = INT_MIN / 2;
        }
    /* 本社:北浜市中央区…: a place named as an address is no body */
    for (size_t i = 0; i < cs.n; i++)
        if (cs.v[i].s > c->lines[cs.v[i].line].s &&
            ex_label_match(c, "org", "addresslabel", c->lines[cs.v[i].line].s, cs.v[i].s, 0, NULL))
            cs.v[i].score = INT_MIN / 2;
    /* a name the page once calls its contractor in prose (委託している
     * 株式会社X) stays a vendor wherever else it stands; a heading
     * (決済代行) may only sort a list */
    unsigned char *vendor = cs.n ? calloc(cs.n, 1) : NULL;
    if (cs.n && !vendor) {
        free(cs.v);
        return OW_NOMEM;
    }
    for (size_t i = 0; i < cs.n; i++)
        vendor[i] = (unsigned char)vendor_mention(c, cs.v[i].s, cs.v[i].line);
    const struct cand *best = NULL, *greeted = NULL;
    int bestsc = 2;
    for (size_t i = 0; i < cs.n; i++) {
        if (has_form(c, cs.v[i].name, strlen(cs.v[i].name), 1))
            continue;
        if (cs.v[i].greet) {
            if (!greeted && cs.v[i].score > 0)
                greeted = &cs.v[i];
            continue;
        }
        int top = cs.v[i].score, count = 0;
        const struct cand *topc = &cs.v[i];
        for (size_t j = 0; j < cs.n; j++)
            if (!strcmp(cs.v[j].name, cs.v[i].name)) {
                count++;
                if (cs.v[j].score > top) {
                    top = cs.v[j].score;
                    topc = &cs.v[j];
                }
            }
        if (topc != &cs.v[i])
            continue;
        int sc = top + (count > 3 ? 3 : count) - 1;
        if (sc <= bestsc)
            continue;               /* (the text is searched only for a name that may win) */
        /* a candidate's name may be written otherwise in the text (spaces,
         * ㈱): its own mentions are asked too */
        int once = 0;
        for (size_t j = 0; j < cs.n && !once; j++)
            once = vendor[j] == 1 && !strcmp(cs.v[j].name, cs.v[i].name);
        if (!vendor[topc - cs.v] && (once || called_vendor(c, cs.v[i].name)))
            sc -= 8;
        if (sc > bestsc) {
            bestsc = sc;
            best = topc;
        }
    }
    /* the service a greeting names (平素よりXをご利用いただき) is the body
     * only where no other name qualifies */
    if (!best)
        best = greeted;
    if (best)
        best = unabbreviated(c, &cs, vendor, best);
    ow_err e = OW_OK;
    if (best) {
        res->org = fullest(c, best->name);
        if (!res->org) {
            e = OW_NOMEM;
            goto out;
        }
        drop_sha(c, res->org);
        drop_unit(res->org);
        drop_section(res->org);
        drop_prefecture(res->org);
        res->org_ev.start = best->s;
        res->org_ev.end = best->e;
        c->org_line = best->line;
        struct span t, n;
        if (!best->norep && rep_near(c, best->e, best->line, &t, &n)) {
            res->rep_title = ex_strndup(c->s + t.s, t.e - t.s);
            res->rep_name = ex_strndup(c->s + n.s, n.e - n.s);
            if (!res->rep_title || !res->rep_name) {
                e = OW_NOMEM;
                goto out;
            }
            char *w = res->rep_name;
            for (char *r = res->rep_name; *r; r++)
                if (*r != ' ' && *r != '\t')
                    *w++ = *r;
            *w = 0;
            res->rep_ev.start = t.s;
            res->rep_ev.end = n.e;
        }
    }
out:
    free(vendor);
    free(cs.v);
    return e;
}
