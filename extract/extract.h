/* extract/extract.h — the record's facts from normalized notice text (PCRE2).
 *
 * Input:  normalized text (normalize/ output: NFKC, "~" ranges, Gregorian
 *         years, digits without group commas, blocks as lines) and the page
 *         title.
 * Output: struct extract_result: every field of the record core
 *         (../shared/spec/record-core.md) plus the representative, service
 *         names, contact block, countermeasures and timeline, each value with
 *         the span of normalized text it came from.
 * Rules:  extract_rules_compile() loads the vocabulary; each pattern is
 *         compiled on its first use (with match and depth limits) and
 *         JIT-compiled once it has matched often enough to pay for it, so one
 *         rules object serves many documents on any number of threads at once
 *         (each extract_run keeps its own match state).  Vocabulary (attack
 *         methods, data types, qualifiers, notice keywords, countermeasures)
 *         lives in the .tsv files of extract/vocab/, embedded at build time.
 * No JIT: EXTRACT_NO_JIT interprets every pattern, for valgrind runs (JIT
 *         code gives memcheck false reports); the tool sets it from the
 *         environment variable OWABI_NO_JIT.
 * Errors: OW_NOMEM; OW_PATTERN from extract_rules_check() when a vocabulary
 *         pattern does not compile (a pattern that does not is never run).  A match limit reached on a pattern
 *         skips that pattern for that document and is counted in
 *         `limited`, never an error.
 * Ownership: the result owns all its strings and arrays; extract_result_free.
 * Deterministic. */
#ifndef OW_EXTRACT_H
#define OW_EXTRACT_H

#include <stddef.h>

#include "../core/err.h"

struct extract_rules;   /* opaque, compiled vocabulary and patterns */

/* A notice is a few kilobytes; a longer text is read up to this many bytes
 * (cut at a line end), so a 20 MB page costs about as much as a 4 MB one. */
#define EXTRACT_MAX_TEXT (4u << 20)

/* A span of the normalized text, [start, end).  start == end: no evidence. */
struct ex_span {
    size_t start, end;
};

/* An ISO 8601 date at the precision the text gives: "YYYY", "YYYY-MM",
 * "YYYY-MM-DD"; "" when null. */
struct ex_date {
    char iso[11];
};

enum ex_qualifier { EX_EXACT, EX_APPROX, EX_MAX, EX_MIN };

/* What kind of document the text is (notice.kind). */
enum ex_kind {
    EX_KIND_OWN,        /* the organization's own notice, mail or PDF */
    EX_KIND_RELEASE,    /* a listed company's timely-disclosure release */
    EX_KIND_NEWS,       /* a news article */
    EX_KIND_BLOG,       /* a third party's analysis or write-up */
    EX_KIND_REPOST,     /* an aggregator's or forum's copy of a notice */
    EX_KIND_FAQ,        /* a Q&A page about the incident */
    EX_KIND_OTHER       /* anything else (every page that is not an incident) */
};

struct ex_count {
    long long count;
    char unit[16];          /* "件", "名", "人", "枚", "口座", ... (UTF-8) */
    char subject[48];       /* a data.types value or a short label; "" = null */
    enum ex_qualifier qualifier;
    struct ex_span ev;
};

struct ex_period {
    int present;            /* 0: the period is null */
    struct ex_date start, end;
    struct ex_span ev;
};

struct ex_tag {             /* an enum value with its evidence */
    char value[32];         /* e.g. "sql_injection", "card_number", "police_report" */
    struct ex_span ev;
};

struct ex_event {           /* one dated line of a timeline */
    struct ex_date date;
    char *text;             /* what happened, normalized text, owned */
    struct ex_span ev;
};

struct extract_result {
    int is_incident;
    enum ex_kind kind;
    struct ex_span incident_ev;       /* the sentence that made it an incident */

    char *org;                        /* NULL: null.  NFKC, no spaces, (株) → 株式会社 */
    struct ex_span org_ev;
    char *rep_title, *rep_name;       /* 代表取締役 / 大竹幸信; NULL if absent */
    struct ex_span rep_ev;

    struct ex_date published;
    struct ex_span published_ev;

    long long total;                  /* -1: null */
    struct ex_span total_ev;
    struct ex_count *counts;
    size_t ncounts;

    struct ex_tag *methods;           /* sorted by value, no duplicates */
    size_t nmethods;
    struct ex_tag *types;             /* sorted by value, no duplicates */
    size_t ntypes;

    struct ex_period attack_period;
    struct ex_period exposure_period;
    struct ex_date discovered;
    struct ex_span discovered_ev;

    char **services;                  /* 「…」 site/service names */
    size_t nservices;
    char *contact;                    /* the contact block, NULL if none */
    struct ex_span contact_ev;
    struct ex_tag *countermeasures;   /* forensic_investigation, card_data_non_retention,
                                         site_suspension, police_report, regulator_report */
    size_t ncountermeasures;
    struct ex_event *timeline;
    size_t ntimeline;

    int is_update;                    /* 第2報 or later / 続報 */
    size_t limited;                   /* patterns skipped on match/depth limit */
    int truncated;                    /* the text was longer than EXTRACT_MAX_TEXT:
                                         only its first EXTRACT_MAX_TEXT bytes were read */
};

#define EXTRACT_NO_JIT 0x1u

/* Loads every vocabulary table.  NULL on failure (d says why).  Each pattern
 * is compiled on its first use.  flags: EXTRACT_NO_JIT or 0. */
struct extract_rules *extract_rules_compile(unsigned flags, struct ow_diag *d);
/* Loads text as the vocabulary file name (path for messages), as the
 * build's own are loaded, and forgets it: OW_DATA naming the line for a
 * label the extractor does not read, or a file it does not know;
 * OW_PATTERN for a malformed row.  For tests and for checking an edited
 * file. */
ow_err extract_vocab_check(const char *name, const char *path, const char *text, size_t len,
                           struct ow_diag *d);
/* Compiles every pattern now: OW_PATTERN, naming the vocabulary file and
 * label, when one does not compile.  The tests run it; a run need not. */
ow_err extract_rules_check(const struct extract_rules *r, struct ow_diag *d);
void extract_rules_free(struct extract_rules *r);
/* SHA-256 (hex) of every compiled pattern's source: two builds with the
 * same digest extract the same from the same text, as far as the
 * vocabularies go (a record's build, store/). */
const char *extract_rules_digest(const struct extract_rules *r);

/* Extracts from text[0..len) (normalized, NUL-terminated).  title may be NULL.
 * On success *out is filled and owned by the caller. */
ow_err extract_run(const struct extract_rules *r, const char *text, size_t len,
                   const char *title, struct extract_result *out, struct ow_diag *d);
void extract_result_free(struct extract_result *res);

const char *extract_qualifier_name(enum ex_qualifier q);  /* "exact", "approx", "max", "min" */
const char *extract_kind_name(enum ex_kind k);            /* "own_notice", "news", ... */

#endif
