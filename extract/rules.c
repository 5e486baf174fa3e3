/* extract/rules.c — the rules: loading the vocabulary, compiling patterns
 * on first use (thread-safe; internal.h struct pattern), and matching. */
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
    if (ow_array_grow((void **)&rs->v, &rs->cap, rs->n, sizeof *rs->v))
        return OW_NOMEM;
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
    {"counts", "context current exclude per_person recipient subject unit"},
    {"incident",
     "apology cue event explainer explainweak generic mechanism mechleak nottitle other owncue "
     "owntitle policy pressrelease report self supersede topic update"},
    {"kind", "addressee apology blog faqhead faqleak hearsay ownhead question releasefield repost"},
    {"methods",
     "@ifcard @implies @supersedes @unless credential_stuffing insider loss_or_theft malware "
     "misconfiguration misdelivery phishing ransomware sql_injection unauthorized_access "
     "vulnerability_exploit web_skimming"},
    {"negations", "advice clause datactx leak neg presup"},
    {"org",
     "abbr addresslabel alias clause contractor descriptor form greetopen loanword ministry notname notnamehead notnametail notsource orgend police policecase public "
     "reference refback rep replabel report repqual school selfparen source subject suffix typeref vendor"},
    {"periods",
     "andday announcedon attack attackact attackbefore attackday attackseen bound boundary cleftend discovered "
     "event eventrel eventtime expafter exposure expweak issueof labelann labeldisc labelend "
     "labelevent labelpub labelupd newsday noteventpost noteventpre notpub openday openfrom "
     "paper pubafter published records titleend titleline"},
    {"qualifiers", "approx max min"},
    {"sections", "bullet contact contactfield contactline datedrow end lead notservice service servicebefore"},
    {"types",
     "@fallback @unless address bank_account birth_date card_expiry card_holder_name card_number "
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

int ex_in_list(const char *labels, const char *label)
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

/* counts.tsv rows read around a number: label<TAB>before<TAB>after */
static int two_sided(const struct rule *ru)
{
    static const char *const labels[] = {"exclude", "recipient", "per_person", "current"};
    if (strcmp(ru->file, "counts"))
        return 0;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(ru->label, labels[i]))
            return 1;
    return 0;
}

/* A script class written \p{Han} (or Katakana, Hiragana): since PCRE2 10.40
 * it matches the script extensions, which take in 、 。 ー and the like, so
 * (?<![\p{Han}]) refuses a word after a comma.  Vocabularies write
 * \p{sc=Han}.  Returns where the first such class starts, or NULL. */
static const char *script_extension_class(const char *s, size_t n)
{
    static const char *const names[] = {"Han}", "Hani}", "Katakana}", "Kana}", "Hiragana}", "Hira}"};
    for (size_t i = 0; i + 3 < n; i++) {
        if (s[i] != '\\' || (s[i + 1] != 'p' && s[i + 1] != 'P') || s[i + 2] != '{')
            continue;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
            size_t l = strlen(names[k]);
            if (i + 3 + l <= n && !memcmp(s + i + 3, names[k], l))
                return s + i;
        }
    }
    return NULL;
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
        if (fl[0] >= sizeof ru->label || !ex_in_list(labels, ru->label))
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
        for (int k = 1; k < nf; k++) {
            const char *x = script_extension_class(fld[k], fl[k]);
            if (x)
                return ow_diagf(d, OW_PATTERN,
                                "%s: %.12s matches script extensions (、 。 too); write \\p{sc=...}",
                                where, x);
        }
        const char *pat = fld[nf - 1];
        size_t plen = fl[nf - 1];
        int before = (!strcmp(ru->file, "qualifiers") && !strcmp(ru->arg, "before"));
        if (two_sided(ru)) {
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
    "\\s?(?:" WDAY_PAT "|(?:月|火|水|木|金|土|日)曜日?)?\\s?"
    "(?:の\\s?(?=午前|午後|深夜|未明|早朝|朝|昼|夕方|夜|正午|[0-9]))?" TIME_PAT "\\s?"
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
             * 「あさぎ出版」で, 学習塾運営「…」, 通販大手「…」) or a place
             * (東京都「みなと病院」において), or 「X」社が / 「X」社は.
             * Group 1 is the name; group 2 is set when the words around it
             * say what it is (an organization word, 社) */
            /* (the bracket is matched first and what stands before it
             * is looked behind: a lookbehind that opens a pattern is tried
             * at every character) */
#define BRACKETED "([\\p{sc=Han}\\p{sc=Katakana}ー・A-Za-z0-9&]{2,24})[」』]"
#define PLACE_PAREN "(?:\\([^()\\n]{1,24}\\))?"
            if (ow_buf_adds(&b, "[「『](?|(?<=企業.|会社.|法人.|団体.|病院.|医院.|大学.|学校.|学園.|協会.|組合.|施設.|事業者."
                                "|店.|塾.|チーム.|メーカー.|チェーン.|事務所.|運営.|経営.|大手.)"
                                BRACKETED PLACE_PAREN "(?=で|において|が|は|に|社)()"
                                "|(?<=都.|道.|府.|県.|市.|町.|村.|区.)" BRACKETED PLACE_PAREN "(?=で|において|が|は|に|社)"
                                "|(?<=の.|^.|。.)" BRACKETED PLACE_PAREN "(?=は|が|で|において)"
                                "|" BRACKETED "()社(?:が|は))"))
                goto nomem;
#undef BRACKETED
#undef PLACE_PAREN
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
    /* The digest of what was compiled: every pattern's source, in order.
     * An edited vocabulary line changes it; a rebuild of the same does not. */
    struct ow_buf all;
    ow_buf_init(&all, 0);
    for (size_t i = 0; i < r->npat; i++)
        if (ow_buf_append(&all, r->pat[i].text ? r->pat[i].text : "", r->pat[i].len) ||
            ow_buf_addc(&all, '\n')) {
            ow_buf_free(&all);
            ow_diagf(d, OW_NOMEM, "out of memory");
            extract_rules_free(r);
            return NULL;
        }
    ow_sha256_hex(all.data ? all.data : "", all.len, r->digest);
    ow_buf_free(&all);
    return r;
}

const char *extract_rules_digest(const struct extract_rules *r)
{
    return r->digest;
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

ow_err ex_scan(struct ctx *c, unsigned id, size_t from, size_t to, match_fn fn, void *arg)
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

