/* Unit tests for fetch/: the address guard, the defaults, and fetch_many
 * against tests/fetch/server.py on 127.0.0.1 (started here; those cases are
 * skipped when python3 or the script is missing — run from the repo root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetch/fetch.h"

/* ---- the address classifier --------------------------------------------- */

struct addr_case {
    const char *addr;
    const char *why; /* NULL: public */
};

static const struct addr_case addr_cases[] = {
    /* public */
    {"1.1.1.1", NULL},
    {"8.8.8.8", NULL},
    {"93.184.216.34", NULL},
    {"172.15.255.255", NULL},   /* just below 172.16/12 */
    {"172.32.0.0", NULL},       /* just above */
    {"100.63.255.255", NULL},   /* just below 100.64/10 */
    {"100.128.0.0", NULL},      /* just above */
    {"169.253.255.255", NULL},
    {"192.167.255.255", NULL},
    {"11.0.0.1", NULL},
    {"223.255.255.254", NULL},  /* last below multicast */
    {"2001:4860:4860::8888", NULL},
    {"2606:4700::1111", NULL},
    {"2a00:1450:4001::1", NULL},
    {"::ffff:8.8.8.8", NULL},   /* mapped public */
    {"64:ff9b::808:808", NULL}, /* NAT64 of 8.8.8.8 */
    {"2002:808:808::1", NULL},  /* 6to4 of 8.8.8.8 */
    /* loopback */
    {"127.0.0.1", "loopback"},
    {"127.255.255.254", "loopback"},
    {"::1", "loopback"},
    {"[::1]", "loopback"},
    {"::ffff:127.0.0.1", "loopback"},
    {"64:ff9b::7f00:1", "loopback"},
    {"2002:7f00:1::", "loopback"},
    /* private */
    {"10.0.0.1", "private"},
    {"10.255.255.255", "private"},
    {"172.16.0.1", "private"},
    {"172.31.255.255", "private"},
    {"192.168.1.1", "private"},
    {"::ffff:192.168.0.10", "private"},
    {"::ffff:10.1.2.3", "private"},
    {"64:ff9b:1::1", "private"},
    /* link-local, including the cloud metadata address */
    {"169.254.169.254", "link-local"},
    {"169.254.0.1", "link-local"},
    {"fe80::1", "link-local"},
    {"[fe80::1%eth0]", "link-local"},
    {"febf:ffff::1", "link-local"},
    {"::ffff:169.254.169.254", "link-local"},
    /* the rest */
    {"100.64.0.1", "shared address space (CGNAT)"},
    {"100.127.255.255", "shared address space (CGNAT)"},
    {"0.0.0.0", "unspecified"},
    {"0.1.2.3", "unspecified"},
    {"::", "unspecified"},
    {"224.0.0.1", "multicast"},
    {"239.255.255.250", "multicast"},
    {"ff02::1", "multicast"},
    {"ff05::1:3", "multicast"},
    {"255.255.255.255", "broadcast"},
    {"240.0.0.1", "reserved"},
    {"254.1.2.3", "reserved"},
    {"192.0.0.8", "reserved"},
    {"::1.2.3.4", "reserved"},   /* IPv4-compatible, deprecated */
    {"100::1", "reserved"},      /* discard-only */
    {"2001::1", "reserved"},     /* Teredo */
    {"4000::1", "reserved"},     /* outside 2000::/3 */
    {"192.0.2.1", "documentation"},
    {"198.51.100.7", "documentation"},
    {"203.0.113.9", "documentation"},
    {"2001:db8::1", "documentation"},
    {"3fff::1", "documentation"},
    {"198.18.0.1", "benchmarking"},
    {"198.19.255.255", "benchmarking"},
    {"fc00::1", "unique-local"},
    {"fd12:3456:789a::1", "unique-local"},
    {"fec0::1", "site-local"},
    /* not addresses at all */
    {"example.com", "not an IP address"},
    {"", "not an IP address"},
    {"127.0.0.1.example", "not an IP address"},
    {"[127.0.0.1", "not an IP address"},
};

static void addr_classes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof addr_cases / sizeof addr_cases[0]; i++) {
        const struct addr_case *c = &addr_cases[i];
        const char *got = fetch_addr_class_str(c->addr);
        if (c->why == NULL) {
            if (got)
                fail_msg("%s: got \"%s\", want public", c->addr, got);
        } else if (!got || strcmp(got, c->why) != 0) {
            fail_msg("%s: got \"%s\", want \"%s\"", c->addr, got ? got : "(public)", c->why);
        }
    }
    assert_string_equal(fetch_addr_class_str(NULL), "not an IP address");
}

/* The socket-level entry point, fed the way curl feeds it. */
static void addr_sockaddr(void **state)
{
    (void)state;
    struct sockaddr_in in;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_port = htons(80);
    assert_int_equal(inet_pton(AF_INET, "127.0.0.1", &in.sin_addr), 1);
    assert_string_equal(fetch_addr_class((struct sockaddr *)&in), "loopback");
    assert_int_equal(inet_pton(AF_INET, "203.0.113.5", &in.sin_addr), 1);
    assert_string_equal(fetch_addr_class((struct sockaddr *)&in), "documentation");
    assert_int_equal(inet_pton(AF_INET, "133.242.0.3", &in.sin_addr), 1);
    assert_null(fetch_addr_class((struct sockaddr *)&in));

    struct sockaddr_in6 in6;
    memset(&in6, 0, sizeof in6);
    in6.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, "::ffff:10.0.0.1", &in6.sin6_addr), 1);
    assert_string_equal(fetch_addr_class((struct sockaddr *)&in6), "private");
    assert_int_equal(inet_pton(AF_INET6, "2400:8902::1", &in6.sin6_addr), 1);
    assert_null(fetch_addr_class((struct sockaddr *)&in6));

    struct sockaddr un = {.sa_family = AF_UNIX};
    assert_string_equal(fetch_addr_class(&un), "not an IP address");
    assert_string_equal(fetch_addr_class(NULL), "not an IP address");
}

static void opts_defaults(void **state)
{
    (void)state;
    struct fetch_opts o;
    memset(&o, 0x5a, sizeof o);
    fetch_opts_default(&o);
    assert_int_equal(o.max_redirects, 10);
    assert_int_equal(o.connect_timeout_ms, 10000);
    assert_int_equal(o.deadline_ms, 60000);
    assert_int_equal(o.stall_bytes, 1);
    assert_int_equal(o.stall_seconds, 15);
    assert_int_equal(o.max_body, 16 * 1024 * 1024);
    assert_int_equal(o.allow_private, 0);
    assert_int_equal(o.parallel, 4);
    assert_int_equal(o.max_retries, 2);
    assert_int_equal(o.retry_after_max, 30);
    assert_non_null(o.user_agent);
    assert_true(strncmp(o.user_agent, "owabi/", 6) == 0);
    assert_true(strlen(o.user_agent) > 6);
}

static void types(void **state)
{
    (void)state;
    assert_true(fetch_type_supported("text/html"));
    assert_true(fetch_type_supported("text/plain"));
    assert_true(fetch_type_supported("application/xhtml+xml"));
    assert_true(fetch_type_supported("TEXT/HTML"));
    assert_true(fetch_type_supported(NULL));
    assert_true(fetch_type_supported("application/pdf"));
    assert_true(fetch_type_supported("application/octet-stream"));
    assert_false(fetch_type_supported("image/png"));
    assert_false(fetch_type_supported("application/zip"));
    assert_false(fetch_type_supported("text/html5"));
    assert_false(fetch_type_supported(""));
}

static void no_urls_and_free_null(void **state)
{
    (void)state;
    struct fetch_opts o;
    fetch_opts_default(&o);
    struct ow_diag d = {0};
    assert_int_equal(fetch_many(&o, NULL, 0, NULL, &d), OW_OK);
    fetch_result_free(NULL);
}

/* URLs refused before any connection: no server needed. */
static void refused_before_connecting(void **state)
{
    (void)state;
    struct fetch_opts o;
    fetch_opts_default(&o);
    struct fetch_req q[] = {
        {"ftp://ftp.example.jp/notice.html", NULL, NULL},
        {"http://", NULL, NULL},
        {"http://192.168.0.1/oshirase.html", NULL, NULL},
        {"http://[fd00::5]/oshirase.html", NULL, NULL},
        {"file:///etc/passwd", NULL, NULL},
    };
    struct fetch_result r[5];
    struct ow_diag d = {0};
    assert_int_equal(fetch_many(&o, q, 5, r, &d), OW_OK);
    assert_int_equal(r[0].err, OW_FETCH);
    assert_non_null(strstr(r[0].diag.msg, "unsupported URL scheme"));
    assert_int_equal(r[1].err, OW_FETCH);
    assert_int_equal(r[2].err, OW_FORBIDDEN_ADDR);
    assert_string_equal(r[2].diag.msg,
                        "address 192.168.0.1 not allowed: private (use --allow-private)");
    assert_int_equal(r[3].err, OW_FORBIDDEN_ADDR);
    assert_string_equal(r[3].diag.msg,
                        "address fd00::5 not allowed: unique-local (use --allow-private)");
    assert_int_equal(r[4].err, OW_FETCH);
    assert_string_equal(r[4].diag.msg, "unsupported URL scheme: file (only http and https)");
    assert_string_equal(r[1].diag.msg, "malformed URL");
    for (int i = 0; i < 5; i++) {
        assert_null(r[i].body);
        assert_string_equal(r[i].url, q[i].url);
        assert_int_equal(strlen(r[i].fetched_at), 20);
        fetch_result_free(&r[i]);
    }
}

/* ---- against the test server --------------------------------------------- */

struct srv {
    pid_t pid;
    int port;
    char base[64];
    char log[64];
};

static int srv_start(void **state)
{
    static struct srv s;
    memset(&s, 0, sizeof s);
    *state = &s;
    char *logpath = s.log;
    strcpy(logpath, "/tmp/owabi-test-fetch-XXXXXX");
    int fd = mkstemp(logpath);
    if (fd < 0) {
        logpath[0] = '\0';
        return 0;
    }
    close(fd);
    if (access("tests/fetch/server.py", R_OK) != 0)
        return 0;
    int p[2];
    if (pipe(p) != 0)
        return 0;
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execlp("python3", "python3", "tests/fetch/server.py", logpath, "120", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    FILE *f = fdopen(p[0], "r");
    char line[32];
    if (f && fgets(line, sizeof line, f))
        s.port = atoi(line);
    if (f)
        fclose(f);
    s.pid = pid;
    snprintf(s.base, sizeof s.base, "http://127.0.0.1:%d", s.port);
    return 0;
}

static int srv_stop(void **state)
{
    struct srv *s = *state;
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
    }
    if (s->log[0])
        unlink(s->log);
    return 0;
}

static struct srv *need_server(void **state)
{
    struct srv *s = *state;
    if (!s || s->port <= 0)
        skip();
    return s;
}

static void test_opts(struct fetch_opts *o)
{
    fetch_opts_default(o);
    o->allow_private = 1;
    o->deadline_ms = 20000;
}

static void url(char *buf, size_t n, const struct srv *s, const char *path)
{
    snprintf(buf, n, "%s%s", s->base, path);
}

/* Several URLs, one slot short: results in input order, each with its own
 * outcome and metadata. */
static void many_in_order(void **state)
{
    struct srv *s = need_server(state);
    struct fetch_opts o;
    test_opts(&o);
    o.parallel = 2;
    char u[6][96];
    const char *paths[6] = {"/sjis", "/status/404", "/ctype-odd", "/chain/1", "/png", "/gzip"};
    struct fetch_req q[6];
    for (int i = 0; i < 6; i++) {
        url(u[i], sizeof u[i], s, paths[i]);
        q[i] = (struct fetch_req){u[i], NULL, NULL};
    }
    struct fetch_result r[6];
    struct ow_diag d = {0};
    assert_int_equal(fetch_many(&o, q, 6, r, &d), OW_OK);

    assert_int_equal(r[0].err, OW_OK);
    assert_int_equal(r[0].status, 200);
    assert_string_equal(r[0].content_type, "text/html");
    assert_string_equal(r[0].charset, "Shift_JIS");
    /* 「株式会社」 in CP932 is 8A 94 8E AE 89 EF 8E D0. */
    assert_non_null(memmem(r[0].body, r[0].len, "\x8a\x94\x8e\xae\x89\xef\x8e\xd0", 8));
    assert_int_equal(strlen(r[0].body), r[0].len);

    assert_int_equal(r[1].err, OW_HTTP);
    assert_int_equal(r[1].status, 404);
    assert_string_equal(r[1].diag.msg, "HTTP 404");
    assert_null(r[1].body);

    assert_int_equal(r[2].err, OW_OK);
    assert_string_equal(r[2].content_type, "text/html");
    assert_string_equal(r[2].charset, "EUC-JP");

    assert_int_equal(r[3].err, OW_OK);
    char want[96];
    url(want, sizeof want, s, "/notice.html");
    assert_string_equal(r[3].final_url, want);
    assert_string_equal(r[3].url, u[3]);

    assert_int_equal(r[4].err, OW_CONTENT_TYPE);
    assert_string_equal(r[4].diag.msg, "unsupported content type: image/png");
    assert_string_equal(r[4].content_type, "image/png");
    assert_null(r[4].body);

    assert_int_equal(r[5].err, OW_OK);
    assert_non_null(strstr(r[5].body, "SQLインジェクション"));
    assert_non_null(strstr(r[5].body, "全120件"));
    for (int i = 0; i < 6; i++) {
        assert_int_equal(strlen(r[i].fetched_at), 20);
        assert_int_equal(r[i].fetched_at[10], 'T');
        fetch_result_free(&r[i]);
    }
}

/* Conditional GET: the validators of a first fetch give a 304 next time. */
static void conditional(void **state)
{
    struct srv *s = need_server(state);
    struct fetch_opts o;
    test_opts(&o);
    char u[96];
    url(u, sizeof u, s, "/etag");
    struct fetch_req q[4] = {
        {u, NULL, NULL},
        {u, "\"minamo-v1\"", NULL},
        {u, NULL, "Fri, 14 Mar 2025 09:00:00 GMT"},
        {u, "\"minamo-v0\"", NULL},
    };
    struct fetch_result r[4];
    struct ow_diag d = {0};
    assert_int_equal(fetch_many(&o, q, 4, r, &d), OW_OK);
    assert_int_equal(r[0].err, OW_OK);
    assert_int_equal(r[0].not_modified, 0);
    assert_string_equal(r[0].etag, "\"minamo-v1\"");
    assert_string_equal(r[0].last_modified, "Fri, 14 Mar 2025 09:00:00 GMT");
    assert_non_null(r[0].body);
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(r[i].err, OW_OK);
        assert_int_equal(r[i].not_modified, 1);
        assert_null(r[i].body);
        assert_string_equal(r[i].etag, "\"minamo-v1\"");
    }
    assert_int_equal(r[1].status, 304);
    assert_int_equal(r[3].err, OW_OK);
    assert_int_equal(r[3].not_modified, 0);
    assert_non_null(r[3].body);
    for (int i = 0; i < 4; i++)
        fetch_result_free(&r[i]);
}

/* Fetches the first n (1 or 2) of the server's paths a and b into r. */
static void fetch_paths(const struct srv *s, const struct fetch_opts *o, const char *a,
                        const char *b, size_t n, struct fetch_result r[2])
{
    char u[2][96];
    url(u[0], sizeof u[0], s, a);
    url(u[1], sizeof u[1], s, b);
    struct fetch_req q[2] = {{u[0], NULL, NULL}, {u[1], NULL, NULL}};
    struct ow_diag d = {0};
    assert_int_equal(fetch_many(o, q, n, r, &d), OW_OK);
}

static void retries_counted(void **state)
{
    struct srv *s = need_server(state);
    struct fetch_opts o;
    test_opts(&o);
    o.max_retries = 1;
    struct fetch_result r[2];
    fetch_paths(s, &o, "/retry429?k=unit", "/retry-forever?k=unit", 2, r);
    assert_int_equal(r[0].err, OW_OK);
    assert_int_equal(r[0].retries, 1);
    assert_int_equal(r[0].status, 200);
    assert_int_equal(r[1].err, OW_HTTP);
    assert_int_equal(r[1].retries, 1);
    assert_int_equal(r[1].status, 429);
    assert_string_equal(r[1].diag.msg, "HTTP 429 (after 1 retry)");
    fetch_result_free(&r[0]);
    fetch_result_free(&r[1]);
}

static void limits(void **state)
{
    struct srv *s = need_server(state);
    struct fetch_opts o;
    test_opts(&o);
    o.max_body = 3u << 20;
    o.stall_seconds = 1;
    o.max_redirects = 2;
    const char *paths[5] = {"/bomb", "/stall", "/loop/a", "/to-file", "/chunked-trunc"};
    char u[5][96];
    struct fetch_req q[5];
    for (int i = 0; i < 5; i++) {
        url(u[i], sizeof u[i], s, paths[i]);
        q[i] = (struct fetch_req){u[i], NULL, NULL};
    }
    struct fetch_result r[5];
    struct ow_diag d = {0};
    assert_int_equal(fetch_many(&o, q, 5, r, &d), OW_OK);
    assert_int_equal(r[0].err, OW_TOOBIG);
    assert_string_equal(r[0].diag.msg, "body larger than 3145728 bytes (after decompression)");
    assert_int_equal(r[1].err, OW_TIMEOUT);
    assert_string_equal(r[1].diag.msg, "stalled: fewer than 1 bytes in 1 s");
    assert_int_equal(r[2].err, OW_REDIRECT);
    assert_string_equal(r[2].diag.msg, "too many redirects (more than 2)");
    assert_int_equal(r[3].err, OW_REDIRECT);
    assert_string_equal(r[3].diag.msg, "redirect to a non-HTTP scheme refused: file:///etc/passwd");
    assert_int_equal(r[4].err, OW_FETCH);
    assert_true(strncmp(r[4].diag.msg, "transfer ended early: ", 22) == 0);
    for (int i = 0; i < 5; i++) {
        assert_null(r[i].body);
        fetch_result_free(&r[i]);
    }
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* stop_at_ms (ingest's --max-time) ends every transfer by then: one that
 * trickles four bytes a second (no stall, no end) is cut there; a 429 whose
 * Retry-After would wait past it is not retried; past it nothing starts. */
static void stops_at_the_callers_deadline(void **state)
{
    struct srv *s = need_server(state);
    struct fetch_opts o;
    test_opts(&o);
    struct fetch_result r[2];
    long long t0 = mono_ms();
    o.stop_at_ms = t0 + 1500;
    fetch_paths(s, &o, "/slow", "/retry-long?k=stop", 2, r);
    long long took = mono_ms() - t0;
    assert_true(took >= 1400 && took < 5000);
    assert_int_equal(r[0].err, OW_TIMEOUT);
    assert_string_equal(r[0].diag.msg, "stopped at the caller's deadline");
    assert_int_equal(r[1].err, OW_HTTP);
    assert_int_equal(r[1].retries, 0);
    assert_string_equal(r[1].diag.msg, "HTTP 429");
    fetch_result_free(&r[0]);
    fetch_result_free(&r[1]);
    o.stop_at_ms = mono_ms() - 1;
    fetch_paths(s, &o, "/slow", "/slow", 1, r);
    assert_int_equal(r[0].err, OW_TIMEOUT);
    assert_string_equal(r[0].diag.msg, "stopped at the caller's deadline");
    fetch_result_free(&r[0]);
}

/* keep_head (robots.txt): a body past max_body is its head, a success;
 * without it the same body is refused, Content-Length or not. */
static void keep_head(void **state)
{
    struct srv *s = need_server(state);
    struct fetch_opts o;
    test_opts(&o);
    o.max_body = 1000;
    o.keep_head = 1;
    struct fetch_result r[2];
    fetch_paths(s, &o, "/big", "/big-close", 2, r);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r[i].err, OW_OK);
        assert_int_equal(r[i].len, 1000);
        assert_int_equal(r[i].truncated, 1);
        assert_memory_equal(r[i].body, "<!DOCTYPE html>", 15);
        fetch_result_free(&r[i]);
    }
    o.keep_head = 0;
    fetch_paths(s, &o, "/big", "/big", 1, r);
    assert_int_equal(r[0].err, OW_TOOBIG);
    fetch_result_free(&r[0]);
}

/* The guard on the resolved address: "localhost" is a name, so only the
 * socket callback can catch it. */
static void guard_on_resolved_address(void **state)
{
    struct srv *s = need_server(state);
    struct fetch_opts o;
    fetch_opts_default(&o);
    char u[96];
    snprintf(u, sizeof u, "http://localhost:%d/notice.html", s->port);
    struct fetch_req q = {u, NULL, NULL};
    struct fetch_result r;
    struct ow_diag d = {0};
    assert_int_equal(fetch_many(&o, &q, 1, &r, &d), OW_OK);
    assert_int_equal(r.err, OW_FORBIDDEN_ADDR);
    assert_non_null(strstr(r.diag.msg, "not allowed: loopback (use --allow-private)"));
    assert_null(r.body);
    fetch_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(addr_classes),
        cmocka_unit_test(addr_sockaddr),
        cmocka_unit_test(opts_defaults),
        cmocka_unit_test(types),
        cmocka_unit_test(no_urls_and_free_null),
        cmocka_unit_test(refused_before_connecting),
    };
    const struct CMUnitTest live[] = {
        cmocka_unit_test(many_in_order),
        cmocka_unit_test(conditional),
        cmocka_unit_test(retries_counted),
        cmocka_unit_test(limits),
        cmocka_unit_test(guard_on_resolved_address),
        cmocka_unit_test(stops_at_the_callers_deadline),
        cmocka_unit_test(keep_head),
    };
    int rc = cmocka_run_group_tests_name("fetch", pure, NULL, NULL);
    rc += cmocka_run_group_tests_name("fetch against tests/fetch/server.py", live, srv_start,
                                      srv_stop);
    return rc;
}
