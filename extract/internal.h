/* extract/internal.h — what the extract stage's files share; not a public
 * header.  rules.c owns the rules, text.c the per-document text model
 * (lines, sentences, negation scopes, body and contact ranges) and
 * extract.c the run; tags.c, dates.c, counts.c, org.c and kind.c read the
 * model and fill their part of the result. */
#ifndef OW_EXTRACT_INTERNAL_H
#define OW_EXTRACT_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "extract.h"

/* One vocabulary line, compiled: file is the vocabulary file, label the first
 * column, arg/arg2 the middle columns, re the last column compiled. */
struct rule {
    char file[24];
    char label[32];
    char arg[64];
    char arg2[64];        /* a further literal column (@implies B, abbr canonical) */
    char *src;            /* the last column as written, owned */
    char *text;           /* its pattern as compiled (NULL: a literal line), owned */
    char *text2;          /* a second pattern (counts.tsv exclude: the "after" side) */
    unsigned id;          /* text's pattern id (extract_rules.pat) */
    unsigned id2;         /* text2's pattern id */
    size_t next;          /* the next rule of the same file and label, or SIZE_MAX */
    char *gate;           /* literals one of which every match holds, NUL-separated,
                             owned (gate.c); NULL: no gate, always run */
    size_t ngate;
};

/* Structural patterns that belong to the mechanism, not the vocabulary. */
enum builtin {
    BI_DATE,        /* every date form of normalized text */
    BI_GAP,         /* what may stand between the two dates of a range */
    BI_DAYEND,      /* "…から13日" : a range whose end is a bare day */
    BI_TIMERANGE,   /* "午後1時頃~午後1時40分頃": a one-day range */
    BI_LONEPRE,     /* what may precede a date on a line of its own */
    BI_LONESUF,     /* … and follow it */
    BI_COUNT,       /* a number with a counter (units from counts.tsv) */
    BI_ORGFORM,     /* legal forms and abbreviations (org.tsv) */
    BI_PUBLIC,      /* a public body at the start of a line */
    BI_NAMED,       /* a name ending in an institution word (org.tsv suffix) on a line of its own */
    BI_HEREAFTER,   /* 日本赤十字社(以下「当社」): the publisher names itself */
    BI_REP,         /* representative title + name */
    BI_BRACKET,     /* 「…」 and 『…』 */
    BI_SUBJECT,     /* a name in brackets: 教育関連企業「あさぎ出版」で, 「青葉木工所」社が */
    BI_NBUILTIN
};

/* What the matcher keeps of each compiled pattern, by id: rule i's re is i,
 * built-in b is n + b, rule i's re2 is n + BI_NBUILTIN + i.
 *
 * Threads share the rules.  A pattern is compiled on its first use and
 * JIT-compiled once it has done enough work, each step made once under
 * extract_rules.lock and published with a release store; a reader that
 * sees the pointer (acquire) sees the code complete.  Code once published
 * is never changed or freed until the rules are: the JIT code is a copy
 * of re, so a thread still matching with re is not disturbed. */
struct pattern {
    const char *text;     /* its source (owned by its rule or by bi_text) */
    size_t len;
    _Atomic int state;    /* 0 not yet compiled, 1 ready, -1 does not compile */
    struct literal *lit;  /* ready as words (literal.c), or */
    pcre2_code *re;       /* ready as PCRE2 code (interpreted) */
    _Atomic(pcre2_code *) jit;       /* re JIT-compiled, once it pays */
    _Atomic(pcre2_code *) anchored;  /* the same compiled anchored and JIT-compiled:
                                        JIT ignores PCRE2_ANCHORED given at match time */
    _Atomic unsigned work;           /* KB matched, up to JIT_AFTER */
};

#define EX_MAX_GROUPS 64  /* capture groups a pattern may have (the most now: 29) */

#define EX_GROUPS 256   /* hash slots for (file, label) → first rule */

struct extract_rules {
    struct rule *v;
    size_t n;
    size_t group[EX_GROUPS];     /* first rule of a (file, label), SIZE_MAX: empty */
    char *bi_text[BI_NBUILTIN];  /* the built-in patterns' sources */
    pcre2_match_context *mctx;   /* match and depth limits; read-only */
    struct pattern *pat;         /* by pattern id: rules' re, built-ins, rules' re2 */
    size_t npat;
    int jit;                     /* 0: EXTRACT_NO_JIT, interpret everything */
    pthread_mutex_t lock;        /* held while a pattern is compiled or JIT-compiled */
    char digest[65];             /* SHA-256 of every pattern's source (extract_rules_digest) */
};

struct span {
    size_t s, e;
};

/* A date found in the text. */
struct dtok {
    size_t s, e;
    int y, m, d;
    int prec;             /* 1 year, 2 month, 3 day */
    int explicit_year;
    int sortday;          /* day used to order month-precision dates (上旬 1, 中旬 11, 下旬 21) */
    int in_range;
    int oneday;           /* its range is within this day (13時20分~14時): still a day */
    int same;             /* 同日: copies the previous day-precision date */
    int rel;              /* 昨年10月 (year), 先月8日 (month): counted back from the
                             notice's date; y stays 0 until it is known */
    int back;             /* how many years (rel 1) or months (rel 2) back */
    int behind;           /* year-less, given the year of an earlier date that
                             it precedes in the calendar (12月28日 … 1月16日) */
};

struct drange {
    struct dtok a, b;     /* start and end (b may be synthesized) */
    size_t s, e;
    size_t ia;            /* token index of the start */
};

/* Per-document state for one extract_run call. */
struct ctx {
    const struct extract_rules *r;
    const char *s;
    size_t n;
    const char *title;
    pcre2_match_data *md;
    unsigned char *skipped;       /* per pattern id: limit hit, skip */
    unsigned char *chars;         /* the characters that occur, folded into bits (gate.c) */
    unsigned char *gated;         /* per rule: 0 not yet known, 1 may match, 2 cannot */
    size_t limited;

    struct span *lines;
    size_t nlines;
    struct span *sents;
    size_t *sline;                /* line index of each sentence */
    size_t nsents;
    unsigned char *sflag;         /* per sentence: SF_* */
    struct span *negpar;          /* negated parentheses and clauses, sorted by start */
    size_t nnegpar;

    size_t head_line;             /* the page's first line after the site's menus and skip links */
    size_t body_s, body_e;        /* the notice body (chrome cut away) */
    struct span contact;          /* the contact block (s == e: none) */
    size_t first_cue_line;

    struct dtok *dates;
    size_t ndates;
    struct drange *ranges;
    size_t nranges;
    size_t *lone_lines;           /* lines holding a lone full date, sorted */
    size_t nlone;

    size_t org_line;              /* line of the chosen organization (or SIZE_MAX) */
    int unowned;                  /* incident cues, but no self, report or apology */
    int pub_y, pub_m, pub_d;      /* the published date, 0 when unknown */

    /* the document's voice (kind.c): matches of self-reference (弊社, 当院)
     * and of third-party report (発表した, 同社, によると), and markers */
    size_t nself, nreport;
    int release, faq, repost, blog;
    int faqleak;                  /* a FAQ whose questions ask about a leak (kind.tsv faqleak) */
};

enum {
    SF_NEG = 1,       /* the whole sentence is negated */
    SF_ADVICE = 2,    /* a request or warning to the reader */
    SF_LEAK = 4,      /* has a leak verb */
    SF_CUE = 8,       /* has an incident cue (outside a negated clause) */
    SF_POLICY = 16,   /* a prevention / policy statement (incident.tsv policy) */
    SF_EVENT = 32,    /* reports an event: …を受け, 判明, 発生 (incident.tsv event) */
    SF_GENERIC = 64,  /* a general or hypothetical statement (incident.tsv generic) */
    SF_OTHER = 128    /* about another incident, as background (incident.tsv other) */
};

/* ---- literal patterns (literal.c) ------------------------------------- */

/* A pattern that is only words (弊社|当社, 漏え?い, (?:お)?問い合わせ) as a
 * word list, or NULL when it is anything more. */
struct literal *ex_literal_compile(const char *pat, size_t len);
void ex_literal_free(struct literal *l);
/* pcre2_match's answer for that pattern on s[from..to): 1 and the match in
 * [*ms, *me), or 0.  anchored: only a match starting at from. */
int ex_literal_match(const struct literal *l, const char *s, size_t from, size_t to, int anchored,
                     size_t *ms, size_t *me);

/* ---- matching (extract.c) -------------------------------------------- */

/* Finds the first match of pattern id (struct pattern) in s[from..to), the
 * subject ending at `to`.  Returns 1 and sets ov (owned by c->md) on a
 * match; 0 on no match or when the pattern hit its match/depth limit (the
 * pattern is then skipped for the rest of the document and counted in
 * c->limited). */
int ex_match(struct ctx *c, unsigned id, size_t from, size_t to, uint32_t opts, PCRE2_SIZE **ov);
/* Makes pattern id ready to match, on its first use: most of the
 * vocabulary never runs on a given notice, and compiling it all would cost
 * a one-notice run a third of its time.  0 when it does not compile or has
 * more than EX_MAX_GROUPS groups (extract_rules_check reports which).
 * Safe from any number of threads (struct pattern). */
int ex_pattern_ready(const struct extract_rules *r, unsigned id);
int ex_rule_match(struct ctx *c, const struct rule *ru, size_t from, size_t to, uint32_t opts,
                  PCRE2_SIZE **ov);
/* Calls fn for every match of pattern id in [from, to).  fn returns
 * non-zero to stop. */
typedef int (*match_fn)(struct ctx *c, PCRE2_SIZE *ov, void *arg);
ow_err ex_scan(struct ctx *c, unsigned id, size_t from, size_t to, match_fn fn, void *arg);
int ex_bi_match(struct ctx *c, enum builtin b, size_t from, size_t to, uint32_t opts,
                PCRE2_SIZE **ov);
/* 1 if some rule of file/label matches in s[from..to) (anchored with
 * PCRE2_ANCHORED in opts, or at the end when the rule was compiled for it). */
int ex_label_match(struct ctx *c, const char *file, const char *label, size_t from, size_t to,
                   uint32_t opts, struct span *where);
/* Is word one of the space-separated words of list? */
int ex_in_list(const char *list, const char *word);
/* The rules of a file (and label, NULL for any), in file order. */
const struct rule *ex_rules_next(const struct extract_rules *r, const struct rule *prev,
                                 const char *file, const char *label);

/* ---- text model (extract.c) ------------------------------------------ */

size_t ex_line_of(const struct ctx *c, size_t pos);
size_t ex_sent_of(const struct ctx *c, size_t pos);
/* 1 when a vocabulary mention at pos counts: inside the body, outside the
 * contact block, not negated, not advice without a leak verb. */
int ex_mention_ok(const struct ctx *c, size_t pos);
int ex_negated(const struct ctx *c, size_t pos);
/* The clause of its sentence that holds [ms, me) (see negations.tsv clause). */
void ex_clause(struct ctx *c, size_t ms, size_t me, struct span *out);
int ex_in_body(const struct ctx *c, size_t pos);
/* Start of the UTF-8 character holding byte p (walks back over continuation
 * bytes, never below lo). */
size_t ex_char_start(const char *s, size_t p, size_t lo);
/* The number of UTF-8 characters in [a, b) of s. */
size_t ex_nchars(const char *s, size_t a, size_t b);
/* Bounded windows: every look-around a match does is at most EX_WINDOW bytes,
 * so that one huge line (no newline, no 。 in 20 MB) cannot make the work
 * quadratic.  ex_upto: min(end, from + max) at a character boundary;
 * ex_back: max(start, to - max) at a character boundary. */
#define EX_WINDOW 400
size_t ex_upto(const struct ctx *c, size_t from, size_t end, size_t max);
size_t ex_back(const struct ctx *c, size_t start, size_t to, size_t max);
/* Index of the first date token starting at or after pos (c->ndates if none). */
size_t ex_date_at(const struct ctx *c, size_t pos);
/* Does the heading over line li say it?  Walks up past at most max non-blank
 * lines and asks says() of each; a paragraph (a 。, or over 120 characters)
 * ends the walk after it is asked, or before when heading_only (prose looks
 * only to a heading right above it, never to the paragraph before). */
int ex_heading_says(struct ctx *c, size_t li, size_t max, int heading_only,
                    int (*says)(struct ctx *c, size_t a, size_t b));
/* Trims ASCII spaces/tabs and U+3000 from both ends of [*a, *b). */
void ex_trim(const char *s, size_t *a, size_t *b);
char *ex_strndup(const char *s, size_t n);
void ex_date_iso(int y, int m, int d, int prec, struct ex_date *out);

/* ---- the parts ------------------------------------------------------- */

/* text.c: lines and sentences; the sentences' flags (SF_*) and negation
 * scopes; the notice body and the contact block. */
ow_err ex_segment(struct ctx *c);
ow_err ex_flag_sentences(struct ctx *c);
void ex_find_structure(struct ctx *c);
/* tags.c: the values of a vocabulary file (methods, types, countermeasures)
 * the text mentions, with their evidence; card: the notice speaks of card
 * data (methods.tsv @ifcard). */
ow_err ex_tags(struct ctx *c, const char *file, int card, struct ex_tag **out, size_t *nout);

struct ow_buf;
/* dates.c: BI_DATE, every row of its date form table as one pattern */
ow_err ex_date_pattern(struct ow_buf *b);
ow_err ex_dates_scan(struct ctx *c);                                 /* dates.c */
ow_err ex_published(struct ctx *c, struct extract_result *res);     /* dates.c */
ow_err ex_periods(struct ctx *c, struct extract_result *res);       /* dates.c */
ow_err ex_timeline(struct ctx *c, struct extract_result *res);      /* dates.c */
ow_err ex_counts(struct ctx *c, struct extract_result *res);        /* counts.c */
ow_err ex_org(struct ctx *c, struct extract_result *res);           /* org.c */
int ex_tok_is_lone(struct ctx *c, const struct dtok *t);            /* dates.c */
void ex_kind_scan(struct ctx *c);                                   /* kind.c */
/* gate.c: the rule's gate from its pattern (at compile time); the
 * document's characters (per run); may the rule match this document? */
ow_err ex_gate_compile(struct rule *ru);
ow_err ex_gate_scan(struct ctx *c);
int ex_gate_open(struct ctx *c, const struct rule *ru);
enum ex_kind ex_kind_decide(const struct ctx *c, int is_incident);  /* kind.c */
/* 1 when the text reports somebody else's incident in a third party's
 * voice (a news article, a write-up) rather than in its own. */
int ex_third_party(const struct ctx *c);                            /* kind.c */

#endif
