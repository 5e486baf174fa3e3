/* Unit tests for ingest/robots.c: RFC 9309 groups, longest match, Allow on
 * ties, wildcards, status codes, odd files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/robots.h"

static struct robots *parse(const char *txt)
{
    struct robots *r = robots_parse(txt, strlen(txt), "owabi");
    assert_non_null(r);
    return r;
}

static void own_group_beats_star(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\nDisallow: /\n\n"
                             "User-agent: owabi\nDisallow: /members/\n\n"
                             "User-agent: otherbot\nDisallow: /news/\n");
    assert_int_equal(robots_allowed(r, "/news/2025/0312.html"), 1);
    assert_int_equal(robots_allowed(r, "/members/list.html"), 0);
    assert_int_equal(robots_allowed(r, "/"), 1);
    robots_free(r);
}

static void star_when_no_own_group(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp/\n");
    assert_int_equal(robots_allowed(r, "/tmp/x"), 0);
    assert_int_equal(robots_allowed(r, "/news/"), 1);
    robots_free(r);
    r = parse("User-agent: otherbot\nDisallow: /\n");
    assert_int_equal(robots_allowed(r, "/anything"), 1);   /* no group applies */
    robots_free(r);
}

static void agent_token_matching(void **state)
{
    (void)state;
    /* case-insensitive, a version after '/' ignored, a longer token is another agent */
    struct robots *r = parse("USER-AGENT: OWABI/1.2\nDISALLOW: /a\n");
    assert_int_equal(robots_allowed(r, "/a"), 0);
    robots_free(r);
    r = parse("User-agent: owabibot\nDisallow: /a\n\nUser-agent: *\nDisallow: /b\n");
    assert_int_equal(robots_allowed(r, "/a"), 1);
    assert_int_equal(robots_allowed(r, "/b"), 0);
    robots_free(r);
    /* several user-agent lines start one group */
    r = parse("User-agent: foo\nUser-agent: owabi\nDisallow: /c\n\nUser-agent: *\nDisallow: /\n");
    assert_int_equal(robots_allowed(r, "/c/d"), 0);
    assert_int_equal(robots_allowed(r, "/e"), 1);
    robots_free(r);
}

static void own_groups_merge(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: owabi\nDisallow: /a/\n\nUser-agent: *\nDisallow: /z/\n\n"
                             "User-agent: owabi\nDisallow: /b/\n");
    assert_int_equal(robots_allowed(r, "/a/1"), 0);
    assert_int_equal(robots_allowed(r, "/b/1"), 0);
    assert_int_equal(robots_allowed(r, "/z/1"), 1);
    robots_free(r);
}

static void longest_match_and_ties(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\nDisallow: /news/\nAllow: /news/public\n"
                             "Allow: /p\nDisallow: /p\n"
                             "Disallow: /shop/cart\nAllow: /shop/\n");
    assert_int_equal(robots_allowed(r, "/news/public/1.html"), 1);
    assert_int_equal(robots_allowed(r, "/news/private.html"), 0);
    assert_int_equal(robots_allowed(r, "/page"), 1);            /* equal length: Allow */
    assert_int_equal(robots_allowed(r, "/shop/cart/3"), 0);     /* longer Disallow wins */
    assert_int_equal(robots_allowed(r, "/shop/item/3"), 1);
    robots_free(r);
}

static void wildcards_and_anchor(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: owabi\nDisallow: /*.pdf$\nDisallow: /private*/data\n"
                             "Disallow: /$\nDisallow: /*?print=\n");
    assert_int_equal(robots_allowed(r, "/docs/notice.pdf"), 0);
    assert_int_equal(robots_allowed(r, "/docs/notice.pdf?dl=1"), 1);
    assert_int_equal(robots_allowed(r, "/docs/notice.pdfx"), 1);
    assert_int_equal(robots_allowed(r, "/private-2025/data/x"), 0);
    assert_int_equal(robots_allowed(r, "/private-2025/info"), 1);
    assert_int_equal(robots_allowed(r, "/"), 0);
    assert_int_equal(robots_allowed(r, ""), 0);                 /* "" is "/" */
    assert_int_equal(robots_allowed(r, "/index.html"), 1);
    assert_int_equal(robots_allowed(r, "/news/1.html?print=1"), 0);
    robots_free(r);
}

static void syntax_oddities(void **state)
{
    (void)state;
    /* BOM, CRLF, comments, blank lines, junk, spaces around ':' */
    const char txt[] = "\xEF\xBB\xBF# robots for an invented site\r\n"
                       "Disallow: /before-any-agent\r\n"
                       "this line is junk\r\n"
                       "User-agent : owabi # us\r\n"
                       "Crawl-delay: 5\r\n"
                       "Disallow:    /cgi-bin/   # scripts\r\n"
                       "Disallow:\r\n";
    struct robots *r = parse(txt);
    assert_int_equal(robots_allowed(r, "/cgi-bin/x.cgi"), 0);
    assert_int_equal(robots_allowed(r, "/before-any-agent"), 1);
    assert_int_equal(robots_allowed(r, "/robots.txt"), 1);
    robots_free(r);
    /* an empty Disallow allows everything */
    r = parse("User-agent: *\nDisallow:\n");
    assert_int_equal(robots_allowed(r, "/x"), 1);
    robots_free(r);
    /* /robots.txt itself is never disallowed */
    r = parse("User-agent: *\nDisallow: /\n");
    assert_int_equal(robots_allowed(r, "/robots.txt"), 1);
    assert_int_equal(robots_allowed(r, "/x"), 0);
    robots_free(r);
    /* an empty file, and NUL bytes inside, are harmless */
    r = robots_parse("", 0, "owabi");
    assert_int_equal(robots_allowed(r, "/x"), 1);
    robots_free(r);
    const char nul[] = "User-agent: *\nDisallow: /a\0b\nDisallow: /c\n";
    r = robots_parse(nul, sizeof nul - 1, "owabi");
    assert_int_equal(robots_allowed(r, "/c"), 0);
    robots_free(r);
}

static void percent_encoding(void **state)
{
    (void)state;
    /* a rule in raw UTF-8 matches the percent-encoded path, either case */
    struct robots *r = parse("User-agent: *\nDisallow: /お知らせ/\nDisallow: /%7Euser/\n");
    assert_int_equal(robots_allowed(r, "/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/1.html"), 0);
    assert_int_equal(robots_allowed(r, "/%e3%81%8a%e7%9f%a5%e3%82%89%e3%81%9b/1.html"), 0);
    assert_int_equal(robots_allowed(r, "/お知らせ/1.html"), 0);
    assert_int_equal(robots_allowed(r, "/~user/page"), 0);     /* %7E is ~ */
    assert_int_equal(robots_allowed(r, "/%E3%81%8A/"), 1);
    robots_free(r);
}

/* The path as the server will take it: dot segments removed (RFC 3986
 * 5.2.4) after unreserved escapes are decoded ("%2E" is '.'), the query
 * left alone. */
static void dot_segments(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\nDisallow: /private\nAllow: /private/open/\n");
    static const struct {
        const char *path;
        int allowed;
    } cases[] = {
        {"/%2E/private/a.html", 0},           {"/./private/a.html", 0},
        {"/%2e/private/a.html", 0},           {"/news/../private/a.html", 0},
        {"/news/%2E%2E/private/a.html", 0},   {"/news/%2e%2E/private", 0},
        {"/a/b/../../private/x", 0},          {"/../private/x", 0},
        {"/private/../news/", 1},             {"/private/open/../../news", 1},
        {"/private/open/./x", 1},             {"/private/x/../open/y", 1},
        {"/news/./", 1},                      {"/news/?next=/../private", 1},
        {"/news/.", 1},                       {"/private/..", 1},   /* "/" */
        {"/private/.", 0},                    /* "/private/" */
        {"/.%2E/private", 0},                 {"/..private", 1},    /* a name, not "..": "/..private" */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (robots_allowed(r, cases[i].path) != cases[i].allowed)
            fail_msg("%s: allowed should be %d", cases[i].path, cases[i].allowed);
    robots_free(r);
}

static void status_codes(void **state)
{
    (void)state;
    const char body[] = "User-agent: *\nDisallow: /x\n";
    struct robots *r = robots_for_status(200, body, strlen(body), "owabi");
    assert_int_equal(robots_allowed(r, "/x"), 0);
    assert_int_equal(robots_allowed(r, "/y"), 1);
    robots_free(r);
    long allow_all[] = {404, 401, 403, 410};
    for (size_t i = 0; i < 4; i++) {
        r = robots_for_status(allow_all[i], body, strlen(body), "owabi");
        assert_int_equal(robots_allowed(r, "/x"), 1);
        robots_free(r);
    }
    long deny_all[] = {500, 503, 429, 0};
    for (size_t i = 0; i < 4; i++) {
        r = robots_for_status(deny_all[i], NULL, 0, "owabi");
        assert_int_equal(robots_allowed(r, "/y"), 0);
        robots_free(r);
    }
}

static void cap_and_pathological_patterns(void **state)
{
    (void)state;
    /* rules past ROBOTS_MAX_BYTES are not read */
    size_t pad = ROBOTS_MAX_BYTES + 10;
    const char head[] = "User-agent: *\nDisallow: /early\n";
    const char tail[] = "\nDisallow: /late\n";
    char *big = malloc(sizeof head + pad + sizeof tail);
    assert_non_null(big);
    size_t n = 0;
    memcpy(big, head, sizeof head - 1);
    n += sizeof head - 1;
    memset(big + n, '#', pad);
    big[n] = '\n';
    n += pad;
    memcpy(big + n, tail, sizeof tail - 1);
    n += sizeof tail - 1;
    struct robots *r = robots_parse(big, n, "owabi");
    assert_int_equal(robots_allowed(r, "/early"), 0);
    assert_int_equal(robots_allowed(r, "/late"), 1);
    robots_free(r);
    free(big);

    /* the line cut at ROBOTS_MAX_BYTES is left out: read as far as the
     * limit, "Disallow: /private" would be "Disallow: /p" and shut /public */
    const char grp[] = "User-agent: owabi\nAllow: /\n";
    const char rule[] = "Disallow: /private\n";
    size_t cut = 12;   /* "Disallow: /p" before the limit, "rivate\n" after it */
    n = ROBOTS_MAX_BYTES - cut + sizeof rule - 1;
    big = malloc(n);
    assert_non_null(big);
    memset(big, '#', n);
    memcpy(big, grp, sizeof grp - 1);
    big[sizeof grp - 1 + 100] = '\n';   /* the padding is one comment line */
    big[ROBOTS_MAX_BYTES - cut - 1] = '\n';
    memcpy(big + ROBOTS_MAX_BYTES - cut, rule, sizeof rule - 1);
    r = robots_parse(big, n, "owabi");
    assert_int_equal(robots_allowed(r, "/public"), 1);
    assert_int_equal(robots_allowed(r, "/private"), 1);   /* past the limit: not read */
    robots_free(r);
    free(big);

    /* many stars against a long path: bounded work, no backtracking blow-up */
    r = parse("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*b$\n");
    char *path = malloc(20002);
    assert_non_null(path);
    path[0] = '/';
    memset(path + 1, 'a', 20000);
    path[20001] = 0;
    clock_t t0 = clock();
    assert_int_equal(robots_allowed(r, path), 1);   /* no b */
    path[10000] = 'b';
    assert_int_equal(robots_allowed(r, path), 1);   /* b, but not at the end */
    path[20000] = 'b';
    assert_int_equal(robots_allowed(r, path), 0);   /* b at the end */
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
    free(path);
    robots_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_group_beats_star),
        cmocka_unit_test(star_when_no_own_group),
        cmocka_unit_test(agent_token_matching),
        cmocka_unit_test(own_groups_merge),
        cmocka_unit_test(longest_match_and_ties),
        cmocka_unit_test(wildcards_and_anchor),
        cmocka_unit_test(syntax_oddities),
        cmocka_unit_test(percent_encoding),
        cmocka_unit_test(dot_segments),
        cmocka_unit_test(status_codes),
        cmocka_unit_test(cap_and_pathological_patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
