/* tests/unit/test_extract.c — the extract stage's mechanism: rules compile,
 * the match-limit path, pathological inputs finish, evidence spans stay inside
 * the text, invalid bytes are survived.  The field-by-field behaviour lives in
 * tests/extract.test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract/internal.h"

static struct extract_rules *rules;

static int setup(void **state)
{
    (void)state;
    struct ow_diag d = {0};
    rules = extract_rules_compile(getenv("OWABI_NO_JIT") ? EXTRACT_NO_JIT : 0, &d);
    return rules ? 0 : -1;
}

/* ---- a vocabulary file with a label the code never reads is refused ---- */

static void test_vocab_labels_checked(void **state)
{
    (void)state;
    struct ow_diag d = {0};
    static const char good[] = "# comment\nphishing\tフィッシング詐欺\n";
    static const char typo[] = "phishing\tフィッシング詐欺\nphising\tフィッシングメール\n";
    assert_int_equal(extract_vocab_check("methods", "x/methods.tsv", good, sizeof good - 1, &d), OW_OK);
    assert_int_equal(extract_vocab_check("methods", "x/methods.tsv", typo, sizeof typo - 1, &d), OW_DATA);
    assert_int_equal(d.code, OW_DATA);
    assert_non_null(strstr(d.msg, "x/methods.tsv:2: unknown label \"phising\""));
    /* a label of another file is no label of this one */
    static const char other[] = "discovered\t判明\n";
    assert_int_equal(extract_vocab_check("methods", "x/methods.tsv", other, sizeof other - 1, &d), OW_DATA);
    assert_int_equal(extract_vocab_check("periods", "x/periods.tsv", other, sizeof other - 1, &d), OW_OK);
    /* \p{Han} is the script extensions, which hold 、 and 。: refused */
    static const char scx[] = "typeref\t(?<![\\p{Han}])市民の皆様\n";
    assert_int_equal(extract_vocab_check("org", "x/org.tsv", scx, sizeof scx - 1, &d), OW_PATTERN);
    assert_non_null(strstr(d.msg, "x/org.tsv:1"));
    static const char sc[] = "typeref\t(?<![\\p{sc=Han}])市民の皆様\n";
    assert_int_equal(extract_vocab_check("org", "x/org.tsv", sc, sizeof sc - 1, &d), OW_OK);
    /* a file the extractor does not read at all */
    assert_int_equal(extract_vocab_check("colours", "x/colours.tsv", good, sizeof good - 1, &d), OW_DATA);
    assert_non_null(strstr(d.msg, "x/colours.tsv: not a vocabulary file"));
}

/* ---- the vocabulary compiles --------------------------------------------- */

static void test_vocabulary_compiles(void **state)
{
    (void)state;
    struct ow_diag d = {0};
    ow_err e = extract_rules_check(rules, &d);
    if (e)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(e, OW_OK);
    /* and the check can fail: a pattern that does not compile is named */
    unsigned id = (unsigned)rules->n + BI_DATE;
    struct pattern saved = rules->pat[id];
    rules->pat[id] = (struct pattern){.text = "(unclosed", .len = 9};
    assert_int_equal(extract_rules_check(rules, &d), OW_PATTERN);
    assert_non_null(strstr(d.msg, "built-in"));
    rules->pat[id] = saved;
}

static int teardown(void **state)
{
    (void)state;
    extract_rules_free(rules);
    return 0;
}

static void run(const char *text, size_t len, struct extract_result *x)
{
    struct ow_diag d = {0};
    assert_int_equal(extract_run(rules, text, len, NULL, x, &d), OW_OK);
}

/* A page copied as text opens with its site's menus, and its caller's title
 * (the first line) is a menu word: the title read is the first line after
 * the menus, and a warning's title there says it is no notice. */
static void test_title_after_menus(void **state)
{
    (void)state;
    const char *t = "メニュー\n"
                    "ホーム > お知らせ > 2026年度\n"
                    "当社の社名をかたる不審なメールが一部のお客様に届いている件について(ご注意ください)\n"
                    "一部のお客様に、当社を装ったメールが届いております。\n"
                    "メールにはウイルスに感染させるファイルが添付されており、開くと情報が流出するおそれがあります。\n"
                    "心当たりのないメールは開かずに削除してください。\n";
    struct extract_result x;
    struct ow_diag d = {0};
    assert_int_equal(extract_run(rules, t, strlen(t), "メニュー", &x, &d), OW_OK);
    assert_false(x.is_incident);
    assert_int_equal(x.kind, EX_KIND_OTHER);
    extract_result_free(&x);
}

/* ---- compile --------------------------------------------------------- */

static void test_compile_and_run(void **state)
{
    (void)state;
    const char *t = "2011年8月23日\n"
                    "株式会社テニス用品\n"
                    "代表取締役 大竹 太郎\n"
                    "SQLインジェクションによる不正アクセスを受け、カード番号263件が流出いたしました。\n";
    struct extract_result x;
    run(t, strlen(t), &x);
    assert_true(x.is_incident);
    assert_string_equal(x.org, "株式会社テニス用品");
    assert_string_equal(x.rep_title, "代表取締役");
    assert_string_equal(x.rep_name, "大竹太郎");
    assert_string_equal(x.published.iso, "2011-08-23");
    assert_int_equal(x.total, 263);
    assert_int_equal(x.ncounts, 1);
    assert_string_equal(x.counts[0].unit, "件");
    assert_int_equal(x.counts[0].qualifier, EX_EXACT);
    assert_int_equal(x.nmethods, 2);
    assert_string_equal(x.methods[0].value, "sql_injection");
    assert_string_equal(x.methods[1].value, "unauthorized_access");
    assert_int_equal(x.ntypes, 1);
    assert_string_equal(x.types[0].value, "card_number");
    assert_int_equal(x.limited, 0);
    assert_int_equal(x.truncated, 0);
    extract_result_free(&x);
    /* free leaves an empty result; freeing again is harmless */
    assert_null(x.org);
    assert_int_equal(x.total, -1);
    extract_result_free(&x);
    extract_result_free(NULL);
}

static void test_rules_reusable(void **state)
{
    (void)state;
    /* Read-only after compile: the same rules give the same answer twice. */
    const char *t = "2020年1月1日\n株式会社あかね\n不正アクセスにより氏名が流出しました。\n";
    struct extract_result a, b;
    run(t, strlen(t), &a);
    run(t, strlen(t), &b);
    assert_string_equal(a.org, b.org);
    assert_int_equal(a.ntypes, b.ntypes);
    assert_string_equal(a.types[0].value, "name");
    extract_result_free(&a);
    extract_result_free(&b);
}

static void test_qualifier_names(void **state)
{
    (void)state;
    assert_string_equal(extract_qualifier_name(EX_EXACT), "exact");
    assert_string_equal(extract_qualifier_name(EX_APPROX), "approx");
    assert_string_equal(extract_qualifier_name(EX_MAX), "max");
    assert_string_equal(extract_qualifier_name(EX_MIN), "min");
}

/* ---- the match-limit path -------------------------------------------- */

static void test_match_limit_skips_pattern(void **state)
{
    (void)state;
    /* A catastrophic pattern on a subject that cannot match: without the
     * limits of the rules' match context this would run for ages. */
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR) "(a+)+$", PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec,
                                   &eo, NULL);
    assert_non_null(re);
    char subject[64];
    memset(subject, 'a', 40);
    subject[40] = '!';
    subject[41] = 0;

    struct ctx c;
    memset(&c, 0, sizeof c);
    c.r = rules;
    c.s = subject;
    c.n = 41;
    c.md = pcre2_match_data_create(8, NULL);
    c.skipped = calloc(rules->npat, 1);
    assert_non_null(c.md);
    assert_non_null(c.skipped);

    /* the catastrophic pattern stands in for a built-in one for a while */
    unsigned id = (unsigned)rules->n + BI_DATE;
    struct pattern saved = rules->pat[id];
    rules->pat[id] = (struct pattern){.re = re, .state = 1};
    PCRE2_SIZE *ov;
    assert_int_equal(ex_match(&c, id, 0, c.n, 0, &ov), 0);
    assert_int_equal(c.limited, 1);
    assert_int_equal(c.skipped[id], 1);
    /* skipped now: the second call does not even try, and is not recounted */
    assert_int_equal(ex_match(&c, id, 0, c.n, 0, &ov), 0);
    assert_int_equal(c.limited, 1);
    rules->pat[id] = saved;

    pcre2_match_data_free(c.md);
    free(c.skipped);
    pcre2_code_free(re);
}

/* ---- pathological inputs ----------------------------------------------- */

static char *repeat(const char *unit, size_t total, size_t *len)
{
    size_t u = strlen(unit), n = total / u;
    char *p = malloc(n * u + 1);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        memcpy(p + i * u, unit, u);
    p[n * u] = 0;
    *len = n * u;
    return p;
}

/* Under valgrind (OW_VALGRIND) the big inputs shrink 16-fold: memcheck runs
 * the PCRE2 interpreter some 50 times slower, and what these tests check —
 * a defined outcome and spans inside the text — does not depend on size. */
static size_t scaled(size_t n)
{
    return getenv("OW_VALGRIND") ? n / 16 : n;
}

static void finishes(const char *unit, size_t total)
{
    size_t len;
    total = scaled(total);
    char *p = repeat(unit, total, &len);
    struct extract_result x;
    run(p, len, &x);
    assert_true(x.published_ev.end <= len && x.org_ev.end <= len);
    if (len > EXTRACT_MAX_TEXT)
        assert_int_equal(x.truncated, 1);
    extract_result_free(&x);
    free(p);
}

static void test_long_single_line(void **state)
{
    (void)state;
    finishes("あ", 6u << 20);                       /* no newline, no 。 */
    finishes("1", 5u << 20);                        /* one huge number */
}

static void test_many_dates_and_ranges(void **state)
{
    (void)state;
    finishes("2023年1月1日~", 5u << 20);
    finishes("5月1日から同日まで、", 2u << 20);
}

static void test_many_candidates(void **state)
{
    (void)state;
    finishes("株式会社アアアアアアアア(", 5u << 20);
    finishes("漏えい、、、、含まれておりません(", 5u << 20);
    finishes("約1件以上の迷惑メール、", 3u << 20);
    /* clause breaks and negations on one line; lines that all run on (、) */
    finishes("氏名が流出しましたが、住所は含まれておりません", 3u << 20);
    finishes("氏名、住所、\n", 3u << 20);
    finishes("こけし会(以下「当会」)", 3u << 20);
    finishes("\nみさき病院\n", 2u << 20);
    finishes("第1報では10名としておりましたが、(第1報では", 2u << 20);
}

/* ---- clause-scoped negation ------------------------------------------ */

static int has_type(const struct extract_result *x, const char *v)
{
    for (size_t i = 0; i < x->ntypes; i++)
        if (!strcmp(x->types[i].value, v))
            return 1;
    return 0;
}

static void test_negation_clause(void **state)
{
    (void)state;
    /* the negation after が、 covers the card only */
    const char *t = "2023年2月2日\n株式会社あおぎり\n"
                    "不正アクセスにより氏名と住所が流出した可能性がありますが、"
                    "カード番号は含まれておりません。\n";
    struct extract_result x;
    run(t, strlen(t), &x);
    assert_true(x.is_incident);
    assert_true(has_type(&x, "name"));
    assert_true(has_type(&x, "address"));
    assert_false(has_type(&x, "card_number"));
    extract_result_free(&x);
    /* with no clause break the whole sentence is negated */
    const char *u = "2023年2月2日\n株式会社あおぎり\n"
                    "不正アクセスを受けたことが判明しました。\n"
                    "氏名、住所、カード番号は含まれておりません。\n";
    run(u, strlen(u), &x);
    assert_true(x.is_incident);
    assert_int_equal(x.ntypes, 0);
    extract_result_free(&x);
    /* a line that ends with 、 runs on: its items are negated too */
    const char *v = "2023年2月2日\n株式会社あおぎり\n"
                    "誤送信により、メールアドレスが表示されました。お名前やご住所、\n"
                    "お電話番号は含まれておりません。\n";
    run(v, strlen(v), &x);
    assert_true(has_type(&x, "email"));
    assert_false(has_type(&x, "name"));
    assert_false(has_type(&x, "address"));
    assert_false(has_type(&x, "phone"));
    extract_result_free(&x);
}

static void test_many_short_lines(void **state)
{
    (void)state;
    finishes("2023年4月5日\n株式会社みなと\n不正アクセス1件\n", 5u << 20);
}

/* ---- evidence spans ---------------------------------------------------- */

static int span_has(const char *t, struct ex_span s, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = s.start; i + n <= s.end; i++)
        if (!memcmp(t + i, word, n))
            return 1;
    return 0;
}

static void test_spans_inside_text(void **state)
{
    (void)state;
    const char *t = "不正アクセスに関するお詫び\n"
                    "2023年4月5日\n"
                    "株式会社みなと珈琲\n"
                    "代表取締役 港 英二郎\n"
                    "2023年2月20日、カード会社から連絡を受け、判明いたしました。\n"
                    "2022年9月14日~2023年2月20日の期間中にご利用になったお客様1,842名\n"
                    "流出した情報:氏名、メールアドレス\n"
                    "第三者調査機関による調査を実施しました。\n"
                    "お問い合わせ窓口\n"
                    "電話:0120-000-000\n";
    size_t len = strlen(t);
    struct extract_result x;
    run(t, len, &x);
    assert_true(x.is_incident);
    assert_true(x.org_ev.start < x.org_ev.end && x.org_ev.end <= len);
    assert_true(span_has(t, x.org_ev, "みなと珈琲"));
    assert_true(span_has(t, x.published_ev, "2023年4月5日"));
    assert_true(span_has(t, x.rep_ev, "港"));
    assert_string_equal(x.discovered.iso, "2023-02-20");
    assert_true(span_has(t, x.discovered_ev, "2023年2月20日"));
    assert_true(x.exposure_period.present);
    assert_string_equal(x.exposure_period.start.iso, "2022-09-14");
    assert_string_equal(x.exposure_period.end.iso, "2023-02-20");
    assert_true(span_has(t, x.exposure_period.ev, "~"));
    for (size_t i = 0; i < x.ncounts; i++)
        assert_true(x.counts[i].ev.end <= len && x.counts[i].ev.start < x.counts[i].ev.end);
    for (size_t i = 0; i < x.nmethods; i++)
        assert_true(span_has(t, x.methods[i].ev, "不正アクセス"));
    for (size_t i = 0; i < x.ntypes; i++)
        assert_true(x.types[i].ev.end <= len && x.types[i].ev.start < x.types[i].ev.end);
    assert_non_null(x.contact);
    assert_true(span_has(t, x.contact_ev, "0120-000-000"));
    assert_true(x.incident_ev.end <= len);
    for (size_t i = 0; i < x.ntimeline; i++)
        assert_true(x.timeline[i].ev.end <= len);
    extract_result_free(&x);
}

/* A data type's evidence is the item itself, not the leak verb or the
 * heading that made it count (the match data is shared by every match). */
static void test_type_spans_name_the_item(void **state)
{
    (void)state;
    const char *t = "個人情報漏えいのお詫び\n"
                    "2024年6月3日\n"
                    "株式会社ひばり運輸\n"
                    "当社サーバーが不正アクセスを受けました。\n"
                    "【漏えいした可能性のある情報】\n"
                    "氏名\n"
                    "電話番号\n";
    struct extract_result x;
    run(t, strlen(t), &x);
    assert_int_equal(x.ntypes, 2);
    for (size_t i = 0; i < x.ntypes; i++) {
        const char *w = !strcmp(x.types[i].value, "name") ? "氏名" : "電話番号";
        assert_true(span_has(t, x.types[i].ev, w));
        assert_false(span_has(t, x.types[i].ev, "漏えい"));
    }
    extract_result_free(&x);
}

/* ---- any bytes in -------------------------------------------------------- */

static void test_invalid_bytes(void **state)
{
    (void)state;
    const char t[] = "2023年4月5日\n株式会社\xff\xfe\x00" "ABC\n不正アクセス\x80" "により氏名100件が流出\xe3\x81";
    size_t len = sizeof t - 1;
    struct extract_result x;
    run(t, len, &x);
    assert_true(x.published_ev.end <= len);
    assert_string_equal(x.published.iso, "2023-04-05");
    extract_result_free(&x);

    run("", 0, &x);
    assert_false(x.is_incident);
    assert_null(x.org);
    assert_int_equal(x.total, -1);
    extract_result_free(&x);

    run(NULL, 0, &x);
    assert_false(x.is_incident);
    extract_result_free(&x);
}

/* ---- patterns that are only words (literal.c) ---------------------------- */

/* The literal matcher's answer for pat on s[from..to), or -1 when pat is not
 * taken as words. */
static int lit(const char *pat, const char *s, size_t from, size_t to, int anchored,
               size_t *ms, size_t *me)
{
    struct literal *l = ex_literal_compile(pat, strlen(pat));
    if (!l)
        return -1;
    int rc = ex_literal_match(l, s, from, to, anchored, ms, me);
    ex_literal_free(l);
    return rc;
}

static void test_literal_which(void **state)
{
    (void)state;
    size_t ms, me;
    const char *words[] = {"弊社|当社", "漏え?い", "(?:お)?問い合わせ", "ID\\(仮\\)", "(?:a|b)?c"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        assert_int_not_equal(lit(words[i], "x", 0, 1, 0, &ms, &me), -1);
    /* classes, anchors, repeats, captures, look-arounds, lazy, empty */
    const char *not[] = {"a.b", "\\s?当社", "[当弊]社", "^当社", "当社$", "当*社", "当+社",
                         "当{1,2}社", "(当)社", "(?=当)社", "(?<!本)社", "当??社", "当社|",
                         "(?:当)?", "", "(?i)abc", "a\\d"};
    for (size_t i = 0; i < sizeof not / sizeof *not; i++)
        assert_int_equal(lit(not[i], "x", 0, 1, 0, &ms, &me), -1);
}

static void test_literal_order(void **state)
{
    (void)state;
    size_t ms, me;
    /* leftmost first, then the first alternative that matches there */
    assert_int_equal(lit("社|当社", "本当社", 0, 9, 0, &ms, &me), 1);
    assert_int_equal(ms, 3);
    assert_int_equal(me, 9);
    assert_int_equal(lit("ab|abc", "abc", 0, 3, 0, &ms, &me), 1);
    assert_int_equal(me, 2);
    /* backtracking into a group: (?:a|ab)c reaches abc */
    assert_int_equal(lit("(?:a|ab)c", "abc", 0, 3, 0, &ms, &me), 1);
    assert_int_equal(me, 3);
    /* greedy ?: with the character before without */
    assert_int_equal(lit("漏え?い", "漏えい", 0, 9, 0, &ms, &me), 1);
    assert_int_equal(me, 9);
    assert_int_equal(lit("漏え?い", "漏い", 0, 6, 0, &ms, &me), 1);
    assert_int_equal(me, 6);
    /* the subject ends at to; anchored looks at from only */
    assert_int_equal(lit("当社", "当社", 0, 5, 0, &ms, &me), 0);
    assert_int_equal(lit("当社", "本当社", 0, 9, 1, &ms, &me), 0);
    assert_int_equal(lit("当社", "本当社", 3, 9, 1, &ms, &me), 1);
    assert_int_equal(lit("当社", "当社", 3, 6, 0, &ms, &me), 0);
}

/* Every vocabulary pattern taken as words answers as PCRE2 does, on text
 * pieced together from its own words and their neighbours. */
static void test_literal_agrees_with_pcre2(void **state)
{
    (void)state;
    static const char *filler[] = {"、", "。", "\n", "あ", "社", "当", "の", "a", "1", " ", "不正",
                                   "情報", "漏", "え", "い"};
    pcre2_match_data *md = pcre2_match_data_create(EX_MAX_GROUPS + 1, NULL);
    assert_non_null(md);
    unsigned seed = 1;
    size_t checked = 0, patterns = 0;
    for (size_t id = 0; id < rules->npat; id++) {
        const struct pattern *p = &rules->pat[id];
        if (!p->text || !ex_pattern_ready(rules, (unsigned)id) || !p->lit)
            continue;
        patterns++;
        int ec;
        PCRE2_SIZE eo;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)p->text, p->len,
                                       PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &ec, &eo, NULL);
        assert_non_null(re);
        for (int round = 0; round < 40; round++) {
            char s[512];
            size_t n = 0;
            while (n < 300) {
                seed = seed * 1103515245u + 12345u;
                const char *piece;
                char cut[64];
                if ((seed >> 16) % 3 == 0) {
                    /* a slice of the pattern's own text, cut at a character */
                    size_t a = (seed >> 8) % p->len, b = a + 1 + (seed >> 20) % 24;
                    while (a > 0 && ((unsigned char)p->text[a] & 0xc0) == 0x80)
                        a--;
                    if (b > p->len)
                        b = p->len;
                    while (b < p->len && ((unsigned char)p->text[b] & 0xc0) == 0x80)
                        b++;
                    size_t k = 0;
                    for (size_t i = a; i < b && k < sizeof cut - 1; i++)
                        if (!strchr("()|?:\\", p->text[i]))
                            cut[k++] = p->text[i];
                    cut[k] = 0;
                    piece = cut;
                } else {
                    piece = filler[(seed >> 16) % (sizeof filler / sizeof *filler)];
                }
                size_t k = strlen(piece);
                if (n + k >= sizeof s)
                    break;
                memcpy(s + n, piece, k);
                n += k;
            }
            for (int q = 0; q < 8; q++) {
                seed = seed * 1103515245u + 12345u;
                size_t from = (seed >> 8) % (n + 1), to = from + (seed >> 4) % (n + 1 - from);
                while (from < n && ((unsigned char)s[from] & 0xc0) == 0x80)
                    from++;
                while (to < n && ((unsigned char)s[to] & 0xc0) == 0x80)
                    to++;
                if (to < from)
                    to = from;
                int anchored = (seed >> 24) & 1;
                int rc = pcre2_match(re, (PCRE2_SPTR)s, to, from, anchored ? PCRE2_ANCHORED : 0,
                                     md, NULL);
                size_t ms = 0, me = 0;
                int lr = ex_literal_match(p->lit, s, from, to, anchored, &ms, &me);
                if (lr != (rc > 0))
                    fprintf(stderr, "pattern %s on [%zu,%zu) of %.*s%s: pcre2 %d\n", p->text, from,
                            to, (int)n, s, anchored ? " anchored" : "", rc);
                assert_int_equal(lr, rc > 0);
                if (lr) {
                    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                    assert_int_equal(ms, ov[0]);
                    assert_int_equal(me, ov[1]);
                }
                checked++;
            }
        }
        pcre2_code_free(re);
    }
    pcre2_match_data_free(md);
    /* the vocabulary has dozens of word lists; if none is found the test
     * proves nothing */
    assert_true(patterns >= 40);
    assert_true(checked >= patterns * 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabulary_compiles),
        cmocka_unit_test(test_compile_and_run),
        cmocka_unit_test(test_title_after_menus),
        cmocka_unit_test(test_rules_reusable),
        cmocka_unit_test(test_qualifier_names),
        cmocka_unit_test(test_match_limit_skips_pattern),
        cmocka_unit_test(test_long_single_line),
        cmocka_unit_test(test_many_dates_and_ranges),
        cmocka_unit_test(test_many_candidates),
        cmocka_unit_test(test_many_short_lines),
        cmocka_unit_test(test_negation_clause),
        cmocka_unit_test(test_spans_inside_text),
        cmocka_unit_test(test_type_spans_name_the_item),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_literal_which),
        cmocka_unit_test(test_literal_order),
        cmocka_unit_test(test_literal_agrees_with_pcre2),
        cmocka_unit_test(test_vocab_labels_checked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
