/* extract/extract.c — the rules (vocabulary loading and compiling), the
 * per-document text model, and the fields that are plain vocabulary look-ups:
 * is_incident, attack methods, data types, countermeasures, services, the
 * contact block.  Dates live in dates.c, counts in counts.c, the
 * organization in org.c.
 *
 * Text model.  The normalized text is cut into lines (blocks) and sentences
 * (split at 。, at line ends and before a ※ note).  Every vocabulary pattern
 * is run once over the whole text; its matches set per-sentence flags
 * (negated, advice, leak verb, incident cue) that later look-ups consult by
 * binary search, so the work stays linear in the text. */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../core/vocab.h"

/* Limits for every match: a runaway pattern costs at most this much and is
 * then skipped for the document.  Generous for notice text, small enough that
 * a hostile 20 MB input cannot stall a batch. */
#define MATCH_LIMIT 2000000
#define JIT_AFTER 16        /* KB of work before a pattern is JIT-compiled */
#define DEPTH_LIMIT 20000
#define HEAP_LIMIT_KIB 20000

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

/* ---- compiling --------------------------------------------------------- */

#define COMPILE_OPTS (PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_DOLLAR_ENDONLY)

/* Wraps a vocabulary pattern so that it must end where the subject ends
 * ("before" windows: the text right before a number). */
static char *end_anchored(const char *p)
{
    size_t n = strlen(p);
    char *q = malloc(n + 16);
    if (q)
        snprintf(q, n + 16, "(?:%s)[ \\t]*$", p);
    return q;
}

/* Is the last field of this vocabulary line a literal rather than a pattern? */
static int literal_line(const char *file, const char *label)
{
    if (label[0] == '@')
        return strcmp(label, "@fallback") && strcmp(label, "@unless") && strcmp(label, "@ifcard");
    if (strcmp(file, "org") == 0)
        return !strcmp(label, "form") || !strcmp(label, "abbr") || !strcmp(label, "public") ||
               !strcmp(label, "rep") || !strcmp(label, "repqual");
    /* (rep and repqual are alternations: builtins use their src) */
    if (strcmp(file, "counts") == 0)
        return !strcmp(label, "unit");
    return 0;
}

struct ruleset {
    struct rule *v;
    size_t n, cap;
};

static ow_err add_rule(struct ruleset *rs, struct rule **out)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        struct rule *v = realloc(rs->v, cap * sizeof *v);
        if (!v)
            return OW_NOMEM;
        rs->v = v;
        rs->cap = cap;
    }
    *out = &rs->v[rs->n];
    memset(*out, 0, sizeof **out);
    (*out)->id = (unsigned)rs->n;
    rs->n++;
    return OW_OK;
}

static void copy_field(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

/* Parses one vocabulary file into rules. */
/* The labels each vocabulary file may use: the ones the code reads (by
 * name, or as values of the record: attack methods, data types,
 * countermeasures).  A row under any other label could never match and
 * would fail silently, so the loader refuses it, naming the line. */
static const struct {
    const char *file;
    const char *labels;   /* space-separated */
} vocab_labels[] = {
    {"countermeasures",
     "card_data_non_retention forensic_investigation police_report regulator_report site_suspension"},
    {"counts", "exclude recipient subject unit"},
    {"incident",
     "apology cue event explainer explainweak generic mechanism mechleak nottitle other owncue "
     "owntitle policy pressrelease report self supersede topic update"},
    {"kind", "addressee apology blog faqhead faqleak hearsay question releasefield repost"},
    {"methods",
     "@ifcard @implies @supersedes @unless credential_stuffing insider loss_or_theft malware "
     "misconfiguration misdelivery phishing ransomware sql_injection unauthorized_access "
     "vulnerability_exploit web_skimming"},
    {"negations", "advice clause datactx leak neg"},
    {"org",
     "abbr clause descriptor form loanword notname notnamehead notnametail notsource orgend public "
     "reference rep replabel report repqual selfparen source subject suffix typeref vendor"},
    {"periods",
     "andday announcedon attack attackact attackbefore attackday bound boundary cleftend discovered "
     "event expafter exposure expweak issueof labelann labeldisc labelend labelevent labelpub "
     "labelupd noteventpost noteventpre notpub openday pubafter published titleend titleline"},
    {"qualifiers", "approx max min"},
    {"sections", "bullet contact contactfield contactline end notservice service servicebefore"},
    {"types",
     "@fallback address bank_account birth_date card_expiry card_holder_name card_number "
     "card_security_code email employer gender login_id name password phone postal_code "
     "purchase_history"},
};

/* The known labels of file, or NULL for a file the extractor does not know. */
static const char *known_labels(const char *file)
{
    for (size_t i = 0; i < sizeof vocab_labels / sizeof vocab_labels[0]; i++)
        if (!strcmp(vocab_labels[i].file, file))
            return vocab_labels[i].labels;
    return NULL;
}

static int label_known(const char *labels, const char *label)
{
    size_t n = strlen(label);
    for (const char *p = labels; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && !memcmp(p, label, n))
            return 1;
        p += k;
        p += *p == ' ';
    }
    return 0;
}

static ow_err load_file(struct ruleset *rs, const struct ow_vocab_file *f, struct ow_diag *d)
{
    const char *labels = known_labels(f->name);
    if (!labels)
        return ow_diagf(d, OW_DATA, "%s: not a vocabulary file the extractor knows", f->path);
    const char *p = f->text, *end = f->text + f->len;
    int lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        lineno++;
        const char *fld[5];
        size_t fl[5];
        int nf = 0;
        const char *q = p;
        if (le > p && le[-1] == '\r')
            le--;
        if (q < le && *q != '#') {
            while (nf < 5) {
                const char *t = memchr(q, '\t', (size_t)(le - q));
                const char *fe = t ? t : le;
                fld[nf] = q;
                fl[nf] = (size_t)(fe - q);
                nf++;
                if (!t)
                    break;
                q = t + 1;
            }
        }
        p = nl ? nl + 1 : end;
        if (nf == 0 || (nf == 1 && fl[0] == 0))
            continue;
        char where[200];
        snprintf(where, sizeof where, "%s:%d", f->path, lineno);
        if (nf < 2)
            return ow_diagf(d, OW_PATTERN, "%s: expected label<TAB>pattern", where);
        struct rule *ru;
        if (add_rule(rs, &ru))
            return ow_diagf(d, OW_NOMEM, "out of memory loading %s", f->path);
        copy_field(ru->file, sizeof ru->file, f->name, strlen(f->name));
        copy_field(ru->label, sizeof ru->label, fld[0], fl[0]);
        if (fl[0] >= sizeof ru->label || !label_known(labels, ru->label))
            return ow_diagf(d, OW_DATA, "%s: unknown label \"%.*s\" (%s.tsv knows: %s)", where,
                            (int)(fl[0] < 40 ? fl[0] : 40), fld[0], f->name, labels);
        if (nf >= 3)
            copy_field(ru->arg, sizeof ru->arg, fld[1], fl[1]);
        if (nf >= 4)
            copy_field(ru->arg2, sizeof ru->arg2, fld[2], fl[2]);
        ru->src = ex_strndup(fld[nf - 1], fl[nf - 1]);
        if (!ru->src)
            return ow_diagf(d, OW_NOMEM, "out of memory loading %s", f->path);
        if (literal_line(ru->file, ru->label)) {
            /* keep the literal columns: arg = field 1, arg2 = field 2 */
            copy_field(ru->arg, sizeof ru->arg, fld[1], fl[1]);
            if (nf >= 3)
                copy_field(ru->arg2, sizeof ru->arg2, fld[2], fl[2]);
            continue;
        }
        const char *pat = fld[nf - 1];
        size_t plen = fl[nf - 1];
        int before = (!strcmp(ru->file, "qualifiers") && !strcmp(ru->arg, "before"));
        if (!strcmp(ru->file, "counts") &&
            (!strcmp(ru->label, "exclude") || !strcmp(ru->label, "recipient"))) {
            if (nf != 3)
                return ow_diagf(d, OW_PATTERN, "%s: expected exclude<TAB>before<TAB>after", where);
            pat = fld[1];
            plen = fl[1];
            before = 1;
            if (!(fl[2] == 1 && fld[2][0] == '-') && !(ru->text2 = ex_strndup(fld[2], fl[2])))
                return ow_diagf(d, OW_NOMEM, "out of memory loading %s", f->path);
            if (plen == 1 && pat[0] == '-')
                continue;
        }
        if (before) {
            char *tmp = ex_strndup(pat, plen);
            ru->text = tmp ? end_anchored(tmp) : NULL;
            free(tmp);
        } else {
            ru->text = ex_strndup(pat, plen);
        }
        if (!ru->text)
            return ow_diagf(d, OW_NOMEM, "out of memory loading %s", f->path);
        /* the gate reads the pattern as written; an end-anchored "before"
         * pattern and an exclude pair keep theirs off (they run on a window) */
        if (!before && ex_gate_compile(ru))
            return ow_diagf(d, OW_NOMEM, "out of memory loading %s", f->path);
    }
    return OW_OK;
}

static unsigned group_hash(const char *file, const char *label)
{
    uint32_t h = ow_fnv32(OW_FNV32_INIT, file);
    h = (h ^ 0xff) * 16777619u;   /* a byte no name holds, between the two */
    return ow_fnv32(h, label);
}

/* Slot of (file, label) in r->group: its own, or the empty one it would take. */
static size_t group_slot(const struct extract_rules *r, const char *file, const char *label)
{
    size_t i = group_hash(file, label) % EX_GROUPS;
    for (size_t k = 0; k < EX_GROUPS; k++, i = (i + 1) % EX_GROUPS) {
        size_t f = r->group[i];
        if (f == SIZE_MAX || (!strcmp(r->v[f].file, file) && !strcmp(r->v[f].label, label)))
            return i;
    }
    return SIZE_MAX;
}

/* Links every rule to the next one of its (file, label), so that look-ups by
 * label do not walk the whole table. */
static ow_err index_rules(struct extract_rules *r, struct ow_diag *d)
{
    size_t last[EX_GROUPS];
    for (size_t i = 0; i < EX_GROUPS; i++)
        r->group[i] = last[i] = SIZE_MAX;
    for (size_t i = 0; i < r->n; i++) {
        r->v[i].next = SIZE_MAX;
        size_t g = group_slot(r, r->v[i].file, r->v[i].label);
        if (g == SIZE_MAX)
            return ow_diagf(d, OW_PATTERN, "more than %d vocabulary labels", EX_GROUPS);
        if (r->group[g] == SIZE_MAX)
            r->group[g] = i;
        else
            r->v[last[g]].next = i;
        last[g] = i;
    }
    return OW_OK;
}

const struct rule *ex_rules_next(const struct extract_rules *r, const struct rule *prev,
                                 const char *file, const char *label)
{
    if (label) {
        size_t i;
        if (prev) {
            i = prev->next;
        } else {
            size_t g = group_slot(r, file, label);
            i = g == SIZE_MAX ? SIZE_MAX : r->group[g];
        }
        return i == SIZE_MAX ? NULL : &r->v[i];
    }
    size_t i = prev ? (size_t)(prev - r->v) + 1 : 0;
    for (; i < r->n; i++)
        if (!strcmp(r->v[i].file, file) && (!label || !strcmp(r->v[i].label, label)))
            return &r->v[i];
    return NULL;
}

/* Escapes a literal for use inside a pattern. */
static ow_err put_literal(struct ow_buf *b, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\^$.|?*+()[]{}", *s) && ow_buf_addc(b, '\\'))
            return OW_NOMEM;
        if (ow_buf_addc(b, *s))
            return OW_NOMEM;
    }
    return OW_OK;
}

/* Alternation of the literal (arg) or pattern (arg, when pattern) column of
 * every rule of file/label, longest literal first so that 代表取締役社長 wins
 * over 代表取締役. */
static ow_err put_alternation(struct ow_buf *b, const struct extract_rules *r, const char *file,
                              const char *label, int literal)
{
    const struct rule *list[128];
    size_t n = 0;
    for (const struct rule *ru = ex_rules_next(r, NULL, file, label); ru && n < 128;
         ru = ex_rules_next(r, ru, file, label))
        list[n++] = ru;
    for (size_t i = 1; i < n; i++)      /* insertion sort by length, descending */
        for (size_t j = i; j > 0 && strlen(list[j]->arg) > strlen(list[j - 1]->arg); j--) {
            const struct rule *t = list[j];
            list[j] = list[j - 1];
            list[j - 1] = t;
        }
    if (ow_buf_adds(b, "(?:"))
        return OW_NOMEM;
    for (size_t i = 0; i < n; i++) {
        if (i && ow_buf_addc(b, '|'))
            return OW_NOMEM;
        if (literal ? put_literal(b, list[i]->arg) : ow_buf_adds(b, list[i]->src))
            return OW_NOMEM;
    }
    if (n == 0 && ow_buf_adds(b, "(*FAIL)"))
        return OW_NOMEM;
    return ow_buf_adds(b, ")") ? OW_NOMEM : OW_OK;
}

/* The structural patterns.  Dates: the alternatives are tried left to right
 * at each position, so the full forms come first. */
#define TIME_PAT \
    "(?:(?:午前|午後|深夜|未明|早朝|朝|昼|夕方|夜間?|正午)?\\s?" \
    "(?:[0-9]{1,2}\\s?(?:時|:)\\s?(?:[0-9]{1,2}\\s?分?|半)?)?\\s?(?:頃|ごろ|過ぎ)?)"
#define WDAY_PAT "(?:\\((?:月|火|水|木|金|土|日|祝)[^)\\n]{0,4}\\))"

static const char *const GAP_PAT =
    "\\s?" WDAY_PAT "?\\s?" TIME_PAT "\\s?(?:~|から|より|-|–|—|―)\\s?(?:翌|同年)?\\s?$";
static const char *const DAYEND_PAT =
    "\\s?" WDAY_PAT "?\\s?" TIME_PAT "\\s?(?:~|から|—|―)\\s?(?:翌)?([0-9]{1,2})\\s?日";
static const char *const TIMERANGE_PAT =
    "\\s?" WDAY_PAT "?\\s?(?:午前|午後|深夜|未明|早朝|朝|夜)?\\s?[0-9]{1,2}\\s?(?:時|:)[^~\\n]{0,12}?"
    "\\s?(?:~|から)\\s?(?:同日)?\\s?(?:午前|午後|深夜|未明|早朝|朝|夜)?\\s?[0-9]{1,2}\\s?(?:時|:)";
static const char *const LONEPRE_PAT =
    "[\\s]*(?:[▼■□●○〇◎◆◇・*>【\\[\\-•‐]\\s*)?(?:(?:最終)?更新日|掲載日|公開日|発表日|発行日|公表日|作成日|日付|発信日|日時)?"
    "\\s?:?\\s*$";
static const char *const LONESUF_PAT =
    "\\s?(?:" WDAY_PAT "|(?:月|火|水|木|金|土|日)曜日?)?\\s?" TIME_PAT "\\s?"
    "(?:更新|掲載|発表|公開|付|現在)?\\s?[\\]】]?\\s?:?\\s*$";
static const char *const BRACKET_PAT = "「([^「」\\n]{1,40})」|『([^『』\\n]{1,40})』";

static ow_err build_builtins(struct extract_rules *r, struct ow_diag *d)
{
    struct ow_buf b;
    ow_err e = OW_OK;
    ow_buf_init(&b, 0);
    const char *fixed[BI_NBUILTIN] = {0};
    fixed[BI_GAP] = GAP_PAT;
    fixed[BI_DAYEND] = DAYEND_PAT;
    fixed[BI_TIMERANGE] = TIMERANGE_PAT;
    fixed[BI_LONEPRE] = LONEPRE_PAT;
    fixed[BI_LONESUF] = LONESUF_PAT;
    fixed[BI_BRACKET] = BRACKET_PAT;
    for (int i = 0; i < BI_NBUILTIN; i++) {
        ow_buf_reset(&b);
        if (fixed[i]) {
            if (ow_buf_adds(&b, fixed[i]))
                goto nomem;
        } else if (i == BI_DATE) {
            if (ex_date_pattern(&b))
                goto nomem;
        } else if (i == BI_COUNT) {
            /* a number not glued to other digits, a counter from counts.tsv */
            if (ow_buf_adds(&b, "(?<![0-9\\-/])(?<![0-9]\\.)([0-9]{1,9})(?![0-9.])\\s?(") ||
                put_alternation(&b, r, "counts", "unit", 1) || ow_buf_adds(&b, ")"))
                goto nomem;
        } else if (i == BI_ORGFORM) {
            if (ow_buf_adds(&b, "(") || put_alternation(&b, r, "org", "form", 1) ||
                ow_buf_adds(&b, "|") || put_alternation(&b, r, "org", "abbr", 1) ||
                ow_buf_adds(&b, ")"))
                goto nomem;
        } else if (i == BI_PUBLIC) {
            /* a blog header "【事件簿#12】北浜県 …" counts as the line start;
             * "北浜市は、…と公表" is a news subject (not 当市は / 本市は) */
            if (ow_buf_adds(&b, "^[ \\t]*(?:【[^】\\n]{0,40}】[ \\t]*|この度、|このたび、)?(?!当|本|同|各|貴|弊|全|他)"
                                "((?:(?!の)[\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}ー]){1,6}?") ||
                put_alternation(&b, r, "org", "public", 0) ||
                ow_buf_adds(&b, ")(?=[ \\t]|$|役所|役場|ホームページ|公式|教育委員会|議会|長\\s|は"
                                "|[\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}ー]{1,10}?(?:課|部|局|室|係)"
                                "(?:[ \\t]|$|から|で|において|は|が))"))
                goto nomem;
        } else if (i == BI_NAMED) {
            /* a signature after its date (平成30年3月 北浜病院 院長 …) */
            if (ow_buf_adds(&b, "^[ \\t]*(?:【[^】\\n]{0,40}】[ \\t]*|[^ \\t\\n0-9]{0,2}[0-9元]{1,4}年[0-9]{1,2}月"
                                "(?:[0-9]{1,2}日)?(?:\\([^)\\n]{1,4}\\))?[ \\t]+)?(?!当|本|同|各|貴|弊|全|他)"
                                "([\\p{sc=Han}\\p{sc=Katakana}\\p{sc=Hiragana}ーA-Za-z0-9&・]{2,20}?") ||
                put_alternation(&b, r, "org", "suffix", 0) ||
                ow_buf_adds(&b, ")(?=[ \\t]|$|は|\\([^()\\n]{1,24}\\)は)"))
                goto nomem;
        } else if (i == BI_HEREAFTER) {
            if (ow_buf_adds(&b, "([\\p{sc=Han}\\p{sc=Katakana}ーA-Za-z0-9&・][\\p{sc=Han}\\p{sc=Katakana}\\p{sc=Hiragana}ーA-Za-z0-9&・]{1,23})"
                                "\\s?\\(以下、?\\s?[「『]?(?:当|弊|本)(?:社|会|法人|院|学|校|園|機構|協会|組合|団体|財団|市|町|村|区|県|店|塾|館|所|センター|クラブ)[」』]?"))
                goto nomem;
        } else if (i == BI_SUBJECT) {
            /* a name in brackets after an organization word (教育関連企業
             * 「あさぎ出版」で, 東京都「みなと病院」において), or 「X」社が */
            /* (the bracket is matched first and what stands before it
             * is looked behind: a lookbehind that opens a pattern is tried
             * at every character) */
            if (ow_buf_adds(&b, "[「『](?|(?<=企業.|会社.|法人.|団体.|病院.|医院.|大学.|学校.|学園.|協会.|組合.|施設.|事業者."
                                "|店.|都.|道.|府.|県.|市.|町.|村.|区.|塾.|チーム.|メーカー.)"
                                "([\\p{sc=Han}\\p{sc=Katakana}ー・A-Za-z0-9&]{2,24})[」』](?:\\([^()\\n]{1,24}\\))?(?=で|において|が|は|に|社)"
                                "|(?<=の.|^.|。.)([\\p{sc=Han}\\p{sc=Katakana}ー・A-Za-z0-9&]{2,24})[」』](?:\\([^()\\n]{1,24}\\))?(?=は|が|で|において)"
                                "|([\\p{sc=Han}\\p{sc=Katakana}ー・A-Za-z0-9&]{2,24})[」』]社が)"))
                goto nomem;
        } else if (i == BI_REP) {
            /* An IR release labels the line: 代表者名　代表取締役社長　桜井 直人;
             * the label is not the title. */
            if (ow_buf_adds(&b, "(?:") || put_alternation(&b, r, "org", "replabel", 0) ||
                ow_buf_adds(&b, "\\s?[:：]?\\s?)?(") ||
                put_alternation(&b, r, "org", "rep", 0) ||
                ow_buf_adds(&b, ")\\s?:?\\s?(?:") ||
                put_alternation(&b, r, "org", "repqual", 0) ||
                ow_buf_adds(&b, "\\s)?([\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}ー]{1,8}"
                                "(?:[ \\t][\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}ー]{1,8})?)(?=[\\s、。,)]|$)"))
                goto nomem;
        }
        if (!(r->bi_text[i] = ex_strndup(b.data, b.len)))
            goto nomem;
    }
    goto out;
nomem:
    e = ow_diagf(d, OW_NOMEM, "out of memory compiling patterns");
out:
    ow_buf_free(&b);
    return e;
}

struct extract_rules *extract_rules_compile(unsigned flags, struct ow_diag *d)
{
    struct extract_rules *r = calloc(1, sizeof *r);
    struct ruleset rs = {0};
    if (!r) {
        ow_diagf(d, OW_NOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    for (const struct ow_vocab_file *f = ow_vocab; f->name; f++) {
        if (strncmp(f->path, "extract/", 8))
            continue;   /* another stage's words (ingest/vocab/links.tsv) */
        if (load_file(&rs, f, d)) {
            r->v = rs.v;
            r->n = rs.n;
            extract_rules_free(r);
            return NULL;
        }
    }
    r->v = rs.v;
    r->n = rs.n;
    if (index_rules(r, d)) {
        extract_rules_free(r);
        return NULL;
    }
    r->mctx = pcre2_match_context_create(NULL);
    if (!r->mctx) {
        ow_diagf(d, OW_NOMEM, "out of memory");
        extract_rules_free(r);
        return NULL;
    }
    /* No JIT makes memcheck runs meaningful: machine code generated at run
     * time is opaque to valgrind and shows up as false reports. */
    r->jit = !(flags & EXTRACT_NO_JIT);
    pcre2_set_match_limit(r->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(r->mctx, DEPTH_LIMIT);
    pcre2_set_heap_limit(r->mctx, HEAP_LIMIT_KIB);
    if (build_builtins(r, d)) {
        extract_rules_free(r);
        return NULL;
    }
    r->npat = 2 * r->n + BI_NBUILTIN;
    r->pat = calloc(r->npat, sizeof *r->pat);
    if (!r->pat) {
        ow_diagf(d, OW_NOMEM, "out of memory");
        extract_rules_free(r);
        return NULL;
    }
    for (size_t i = 0; i < r->n; i++) {
        struct rule *ru = &r->v[i];
        ru->id2 = (unsigned)(r->n + BI_NBUILTIN + i);
        r->pat[ru->id].text = ru->text;
        r->pat[ru->id2].text = ru->text2;
    }
    for (int i = 0; i < BI_NBUILTIN; i++)
        r->pat[r->n + i].text = r->bi_text[i];
    for (size_t i = 0; i < r->npat; i++)
        r->pat[i].len = r->pat[i].text ? strlen(r->pat[i].text) : 0;
    return r;
}

/* The rules are shared and read-only to their users; what is made lazily
 * (struct pattern) is made under the lock, so the pointer is cast once here. */
static struct pattern *pattern_of(const struct extract_rules *r, unsigned id)
{
    return (struct pattern *)&r->pat[id];
}

static void lock(const struct extract_rules *r)
{
    pthread_mutex_lock((pthread_mutex_t *)&r->lock);
}

static void unlock(const struct extract_rules *r)
{
    pthread_mutex_unlock((pthread_mutex_t *)&r->lock);
}

int ex_pattern_ready(const struct extract_rules *r, unsigned id)
{
    struct pattern *p = pattern_of(r, id);
    int st = atomic_load_explicit(&p->state, memory_order_acquire);
    if (st != 0)
        return st == 1;
    lock(r);
    st = atomic_load_explicit(&p->state, memory_order_relaxed);
    if (st == 0) {
        st = -1;
        if (p->text && (p->lit = ex_literal_compile(p->text, p->len)))
            st = 1;
        else if (p->text) {
            int ec;
            PCRE2_SIZE eo;
            uint32_t groups = 0;
            p->re = pcre2_compile((PCRE2_SPTR)p->text, p->len, COMPILE_OPTS, &ec, &eo, NULL);
            /* match data holds EX_MAX_GROUPS: with too few pairs
             * pcre2_match returns 0, which would read as no match */
            if (p->re && (pcre2_pattern_info(p->re, PCRE2_INFO_CAPTURECOUNT, &groups) != 0 ||
                          groups > EX_MAX_GROUPS)) {
                pcre2_code_free(p->re);
                p->re = NULL;
            }
            if (p->re)
                st = 1;
        }
        atomic_store_explicit(&p->state, st, memory_order_release);
    }
    unlock(r);
    return st == 1;
}

/* Stands in pattern.jit and pattern.anchored for "tried, no JIT here", so
 * that a platform without JIT tries once per pattern, not once per match. */
static pcre2_code *const no_jit = (pcre2_code *)&no_jit;

/* Compiles anchored (or copies the unanchored code), JIT-compiles it and
 * publishes it in *slot, once; the code, or NULL when JIT is not available
 * here (the interpreted re serves then). */
static pcre2_code *jit_once(const struct extract_rules *r, struct pattern *p, _Atomic(pcre2_code *) *slot,
                            int anchored)
{
    pcre2_code *j = atomic_load_explicit(slot, memory_order_acquire);
    if (!j) {
        lock(r);
        if (!(j = atomic_load_explicit(slot, memory_order_relaxed))) {
            int ec;
            PCRE2_SIZE eo;
            j = anchored ? pcre2_compile((PCRE2_SPTR)p->text, p->len, COMPILE_OPTS | PCRE2_ANCHORED, &ec,
                                         &eo, NULL)
                         : pcre2_code_copy(p->re);
            if (!j || pcre2_jit_compile(j, PCRE2_JIT_COMPLETE) != 0) {
                pcre2_code_free(j);
                j = no_jit;
            }
            atomic_store_explicit(slot, j, memory_order_release);
        }
        unlock(r);
    }
    return j == no_jit ? NULL : j;
}

ow_err extract_rules_check(const struct extract_rules *r, struct ow_diag *d)
{
    for (size_t id = 0; id < r->npat; id++) {
        if (!r->pat[id].text || ex_pattern_ready(r, (unsigned)id))
            continue;
        const char *what = "built-in", *label = "";
        for (size_t i = 0; i < r->n; i++)
            if (r->v[i].id == id || r->v[i].id2 == id) {
                what = r->v[i].file;
                label = r->v[i].label;
            }
        int ec;
        PCRE2_SIZE eo = 0;
        PCRE2_UCHAR msg[160] = "more than EX_MAX_GROUPS capture groups";
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)r->pat[id].text, r->pat[id].len, COMPILE_OPTS,
                                       &ec, &eo, NULL);
        if (!re)
            pcre2_get_error_message(ec, msg, sizeof msg);
        pcre2_code_free(re);
        return ow_diagf(d, OW_PATTERN, "vocabulary %s, label %s: %s (offset %zu)", what, label,
                        (const char *)msg, (size_t)eo);
    }
    return OW_OK;
}

static void free_rules(struct rule *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].src);
        free(v[i].text);
        free(v[i].text2);
        free(v[i].gate);
    }
    free(v);
}

ow_err extract_vocab_check(const char *name, const char *path, const char *text, size_t len,
                           struct ow_diag *d)
{
    struct ruleset rs = {0};
    struct ow_vocab_file f = {name, path, text, len};
    ow_err e = load_file(&rs, &f, d);
    free_rules(rs.v, rs.n);
    return e;
}

void extract_rules_free(struct extract_rules *r)
{
    if (!r)
        return;
    free_rules(r->v, r->n);
    for (int i = 0; i < BI_NBUILTIN; i++)
        free(r->bi_text[i]);
    for (size_t i = 0; i < r->npat; i++) {
        pcre2_code_free(r->pat[i].re);
        if (r->pat[i].jit != no_jit)
            pcre2_code_free(r->pat[i].jit);
        if (r->pat[i].anchored != no_jit)
            pcre2_code_free(r->pat[i].anchored);
        ex_literal_free(r->pat[i].lit);
    }
    free(r->pat);
    pthread_mutex_destroy(&r->lock);
    pcre2_match_context_free(r->mctx);
    free(r);
}

/* ---- matching ---------------------------------------------------------- */

int ex_match(struct ctx *c, unsigned id, size_t from, size_t to, uint32_t opts, PCRE2_SIZE **ov)
{
    struct pattern *p = pattern_of(c->r, id);
    if (c->skipped[id] || from > to || !ex_pattern_ready(c->r, id))
        return 0;
    const pcre2_code *re = p->re;
    /* A pattern is JIT-compiled once the work it has done reaches JIT_AFTER
     * kilobytes, each call counting as one more: compiling all two hundred
     * up front costs a one-page run 15 ms, several times what interpreting
     * them costs on one notice, while a batch soon repays it.  JIT is an
     * optimization: a platform without it still matches. */
    if (p->lit) {
        size_t ms, me;
        if (!ex_literal_match(p->lit, c->s, from, to, opts & PCRE2_ANCHORED, &ms, &me))
            return 0;
        PCRE2_SIZE *o = pcre2_get_ovector_pointer(c->md);
        o[0] = ms;
        o[1] = me;
        for (uint32_t i = 2; i < 2 * pcre2_get_ovector_count(c->md); i++)
            o[i] = PCRE2_UNSET;
        *ov = o;
        return 1;
    }
    if (c->r->jit) {
        /* work saturates at JIT_AFTER; threads may add a little past it */
        unsigned w = atomic_load_explicit(&p->work, memory_order_relaxed);
        if (w < JIT_AFTER) {
            unsigned kb = (unsigned)((to - from) >> 10 < JIT_AFTER ? (to - from) >> 10 : JIT_AFTER);
            w = atomic_fetch_add_explicit(&p->work, 1 + kb, memory_order_relaxed) + 1 + kb;
        }
        if (w >= JIT_AFTER) {
            pcre2_code *j;
            /* JIT code ignores PCRE2_ANCHORED given at match time and hands
             * the match to the interpreter; a copy compiled anchored keeps
             * it in JIT. */
            if ((opts & PCRE2_ANCHORED) && (j = jit_once(c->r, p, &p->anchored, 1))) {
                re = j;
                opts &= ~(uint32_t)PCRE2_ANCHORED;
            } else if ((j = jit_once(c->r, p, &p->jit, 0)))
                re = j;
        }
    }
    int rc = pcre2_match(re, (PCRE2_SPTR)c->s, to, from, opts | PCRE2_NO_UTF_CHECK, c->md,
                         c->r->mctx);
    if (rc > 0) {
        *ov = pcre2_get_ovector_pointer(c->md);
        return 1;
    }
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
        rc == PCRE2_ERROR_NOMEMORY) {
        c->skipped[id] = 1;
        c->limited++;
    }
    return 0;
}

int ex_rule_match(struct ctx *c, const struct rule *ru, size_t from, size_t to, uint32_t opts,
                  PCRE2_SIZE **ov)
{
    if (ru->gate && !ex_gate_open(c, ru))
        return 0;
    return ex_match(c, ru->id, from, to, opts, ov);
}

int ex_bi_match(struct ctx *c, enum builtin b, size_t from, size_t to, uint32_t opts,
                PCRE2_SIZE **ov)
{
    return ex_match(c, (unsigned)(c->r->n + b), from, to, opts, ov);
}

int ex_label_match(struct ctx *c, const char *file, const char *label, size_t from, size_t to,
                   uint32_t opts, struct span *where)
{
    PCRE2_SIZE *ov;
    for (const struct rule *ru = ex_rules_next(c->r, NULL, file, label); ru;
         ru = ex_rules_next(c->r, ru, file, label))
        if (ex_rule_match(c, ru, from, to, opts, &ov)) {
            if (where) {
                where->s = ov[0];
                where->e = ov[1];
            }
            return 1;
        }
    return 0;
}

/* Calls fn for every match of re in [from, to).  fn returns non-zero to stop. */
typedef int (*match_fn)(struct ctx *c, PCRE2_SIZE *ov, void *arg);

static ow_err scan(struct ctx *c, unsigned id, size_t from, size_t to, match_fn fn, void *arg)
{
    PCRE2_SIZE *ov;
    size_t pos = from;
    while (pos <= to && ex_match(c, id, pos, to, 0, &ov)) {
        size_t ms = ov[0], me = ov[1];
        if (fn(c, ov, arg))
            break;
        if (me > ms) {
            pos = me;
        } else {
            pos = ms + 1;
            while (pos < to && ((unsigned char)c->s[pos] & 0xc0) == 0x80)
                pos++;
        }
    }
    return OW_OK;
}

/* ---- text model -------------------------------------------------------- */

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

static ow_err segment(struct ctx *c)
{
    size_t lcap = 0, scap = 0, slcap = 0;
    size_t ls = 0, ss = 0, sl = 0;   /* sl: the line the open sentence starts on */
    const char *s = c->s;
    for (size_t i = 0; i <= c->n; i++) {
        int eol = i == c->n || s[i] == '\n';
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
            (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x82) {
            eos = 1;                /* 。 ends a sentence after it */
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
    /* A negation inside parentheses negates the parenthesis only:
     * "流出した情報: 氏名 (カード情報は含まれておりません)". */
    size_t ss = ex_back(c, c->sents[i].s, ms, EX_WINDOW);
    size_t se = ex_upto(c, me, c->sents[i].e, EX_WINDOW);
    size_t open = SIZE_MAX;
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
    if (open != SIZE_MAX) {
        size_t close = SIZE_MAX;
        depth = 0;
        for (size_t p = me; p < se; p++) {
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
        /* A parenthesis that holds the whole sentence is the sentence. */
        if (close != SIZE_MAX && !(open <= c->sents[i].s + 3 && close + 4 >= c->sents[i].e)) {
            if (ow_array_grow((void **)&c->negpar, &fa->negcap, c->nnegpar, sizeof *c->negpar)) {
                fa->err = OW_NOMEM;
                return 1;
            }
            c->negpar[c->nnegpar++] = (struct span){open, close + 1};
            return 0;
        }
    }
    /* Otherwise the negation covers its clause: "氏名、住所が流出した可能性が
     * ありますが、カード情報は含まれておりません" negates the card only. */
    struct span cl;
    ex_clause(c, ms, me, &cl);
    size_t sa = c->sents[i].s, sb = c->sents[i].e;
    ex_trim(c->s, &sa, &sb);
    if (cl.s > sa || cl.e < sb) {
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

static ow_err flag_sentences(struct ctx *c)
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
                scan(c, ru->id, 0, c->n, mark_flag, &fa);
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

static void find_structure(struct ctx *c)
{
    /* The first incident cue after the title line opens the body; the first
     * closing line after it ("以上", "関連ニュース", "コメント" …) ends it. */
    c->first_cue_line = 0;
    for (size_t i = 0; i < c->nsents; i++)
        if ((c->sflag[i] & SF_CUE) && !(c->sflag[i] & SF_NEG) && c->sline[i] > 0) {
            c->first_cue_line = c->sline[i];
            break;
        }
    c->body_s = 0;
    c->body_e = c->n;
    for (size_t li = c->first_cue_line + 1; li < c->nlines; li++)
        if (line_matches(c, "end", li)) {
            c->body_e = c->lines[li].s;
            break;
        }
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

/* ---- tags: methods, types, countermeasures ----------------------------- */

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
    const char *value;  /* the value a mention stands for (methods.tsv @unless) */
    struct span vetoed; /* the first mention @unless ruled out */
};

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
    for (size_t l = li, seen = 0; l-- > 0 && seen < (prose ? 1 : 12);) {
        size_t a = c->lines[l].s, b = c->lines[l].e;
        ex_trim(c->s, &a, &b);
        if (a == b)
            continue;
        seen++;
        int para = ex_nchars(c->s, a, b) > 120 || memmem(c->s + a, b - a, "。", 3);
        if (prose && para)
            return 0;
        if (ex_label_match(c, "negations", "leak", a, ex_upto(c, a, b, EX_WINDOW), 0, NULL) ||
            (!strict && ex_label_match(c, "negations", "datactx", a, ex_upto(c, a, b, EX_WINDOW), 0, NULL)))
            return 1;
        if (para)
            return 0;      /* a paragraph above that says nothing of a leak */
    }
    return 0;
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
    } else if (!ex_mention_ok(c, ms)) {
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
        if (!leak_context(c, ms, fa->strict))
            return 0;
    } else if (fa->methods) {
        /* "不正アクセスを防止するため", "感染すると…" say nothing of this
         * incident; @unless names what rules a value out in its sentence
         * (閲覧できる状態 after 不正アクセスを受け is no misconfiguration) */
        size_t si = ex_sent_of(c, ms);
        unsigned char f = c->sflag[si];
        if ((f & SF_GENERIC) || ((f & SF_POLICY) && !(f & SF_EVENT)))
            return 0;
        size_t a = ex_back(c, c->sents[si].s, ms, EX_WINDOW);
        size_t b = ex_upto(c, me, c->sents[si].e, EX_WINDOW);
        for (const struct rule *ru = ex_rules_next(c->r, NULL, "methods", "@unless"); ru;
             ru = ex_rules_next(c->r, ru, "methods", "@unless")) {
            PCRE2_SIZE *uv;
            if (!strcmp(ru->arg, fa->value) && ex_rule_match(c, ru, a, b, 0, &uv)) {
                if (fa->vetoed.e == fa->vetoed.s)
                    fa->vetoed = (struct span){ms, me};
                return 0;
            }
        }
        /* the same words again (宛先が閲覧できる状態でメールを送信 … 閲覧
         * できる状態にあるとの指摘) tell of the same thing, still ruled out */
        size_t vl = fa->vetoed.e - fa->vetoed.s;
        if (vl && me - ms == vl && !memcmp(c->s + ms, c->s + fa->vetoed.s, vl))
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
        scan(c, ru->id, c->body_s, c->body_e, first_ok, &fa);
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
        scan(c, ru->id, c->body_s, c->body_e, first_ok, &fa);
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
        scan(c, ru->id, c->body_s, c->body_e, first_ok, &fa);
        if (fa.found && tag_add(t, ru->arg, fa.at.s, fa.at.e))
            return OW_NOMEM;
    }
    return OW_OK;
}

/* card: card numbers are among the leaked data (for methods.tsv @ifcard) */
static ow_err tags(struct ctx *c, const char *file, int card, struct ex_tag **out, size_t *nout)
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

/* ---- is_incident, is_update --------------------------------------------- */

/* Does a rule of incident/label match the caller's title? */
static int title_has(struct ctx *c, const char *label)
{
    const char *ts = c->title;
    size_t tlen = ts ? strlen(ts) : 0;
    if (!ts || !ow_utf8_valid(ts, tlen))
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
 * at most HEAD_LINES short lines before the first paragraph.  A menu line
 * (several items split by | or >) is not a heading. */
#define HEAD_LINES 4
#define HEAD_MAXLEN 90

static int head_has(struct ctx *c, const char *label)
{
    for (size_t li = 0, seen = 0; li < c->nlines && seen < HEAD_LINES; li++) {
        size_t a = c->lines[li].s, b = c->lines[li].e;
        ex_trim(c->s, &a, &b);
        if (a == b)
            continue;
        if (b - a > HEAD_MAXLEN)
            break;
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
    char *copy = NULL;
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
    if ((e = ex_gate_scan(&c)) || (e = segment(&c)) || (e = flag_sentences(&c)))
        goto done;
    find_structure(&c);
    ex_kind_scan(&c);    /* incident() asks whether the page is a FAQ */
    incident(&c, out);
    if ((e = ex_dates_scan(&c)) || (e = ex_org(&c, out)) || (e = ex_published(&c, out)))
        goto done;
    if (c.unowned && !out->org)
        out->is_incident = 0;
    out->kind = ex_kind_decide(&c, out->is_incident);
    if ((e = tags(&c, "types", 0, &out->types, &out->ntypes)))
        goto done;
    int card = 0;
    for (size_t i = 0; i < out->ntypes; i++)
        card |= !strcmp(out->types[i].value, "card_number");
    if ((e = tags(&c, "methods", card, &out->methods, &out->nmethods)) ||
        (e = tags(&c, "countermeasures", 0, &out->countermeasures, &out->ncountermeasures)))
        goto done;
    if ((e = ex_counts(&c, out)) || (e = ex_periods(&c, out)) || (e = ex_timeline(&c, out)) ||
        (e = contact(&c, out)))
        goto done;
    scan(&c, (unsigned)(r->n + BI_BRACKET), 0, c.n, service_hit, out);
    if (!out->is_incident)
        clear_incident_fields(out);
    out->limited = c.limited;
done:
    ctx_free(&c);
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
