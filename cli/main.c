/* cli/main.c — owabi's command line: argument parsing, dispatch, exit codes.
 *
 * Only this file prints or exits.  Exit statuses:
 *   0  every input gave a record
 *   1  some input failed (the others still printed); its reason is on stderr
 *   2  usage error (nothing was processed) */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "../extract/extract.h"
#include "../fetch/fetch.h"
#include "args.h"
#include "../lib/pipeline.h"
#include "html.h"
#include "summary.h"
#include "ingest.h"
#include "report.h"
#include "archive.h"

/* A local file (or stdin) is read whole; past this it is refused. */
#define MAX_FILE_BYTES ((size_t)256 << 20)

static void error(const char *input, const char *msg)
{
    fprintf(stderr, "owabi: %s: %s\n", input, msg);
}

/* ---- parse ------------------------------------------------------------ */

enum format { FORMAT_JSON, FORMAT_JSONL, FORMAT_SUMMARY, FORMAT_HTML };

struct parse_config {
    enum format format;
    const char *id;
    const char *charset;
    struct fetch_opts fetch;
};

static int is_url(const char *s)
{
    return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

/* Default source.id: the base name without extension ("-" → "stdin"); for a
 * URL, the last path segment without extension, or the host. */
static char *default_id(const char *input)
{
    if (!strcmp(input, "-"))
        return strdup("stdin");
    const char *s = input, *end;
    if (is_url(input)) {
        s = strstr(input, "://") + 3;
        end = s + strcspn(s, "?#");
        const char *host_end = s + strcspn(s, "/?#");
        const char *slash = end;
        while (slash > host_end && slash[-1] == '/')
            slash--;
        end = slash;
        const char *seg = end;
        while (seg > host_end && seg[-1] != '/')
            seg--;
        if (seg < end)
            s = seg;
        else
            end = host_end;
    } else {
        const char *slash = strrchr(input, '/');
        s = slash ? slash + 1 : input;
        end = s + strlen(s);
    }
    const char *dot = NULL;
    for (const char *p = s; p < end; p++)
        if (*p == '.')
            dot = p;
    if (dot && dot > s)
        end = dot;
    return strndup(s, (size_t)(end - s));
}

static int emit(const struct parse_config *c, json_t *rec, const char *text, size_t len)
{
    if (c->format == FORMAT_HTML)
        return html_view_page(stdout, rec, text, len);
    if (c->format == FORMAT_SUMMARY)
        return summary_print(stdout, rec, isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
    size_t flags = c->format == FORMAT_JSONL ? JSON_COMPACT : JSON_INDENT(2);
    if (json_dumpf(rec, stdout, flags) < 0)
        return -1;
    return fputc('\n', stdout) == EOF ? -1 : 0;
}

/* Runs one document through the pipeline and prints its record.
 * Returns 0 when a record was printed. */
static int parse_one(const struct parse_config *c, const struct extract_rules *rules,
                     const char *input, const struct record_source *src, const char *http_charset)
{
    char *text = NULL;
    size_t len = 0;
    /* the evidence view marks the main text the evidence offsets index */
    struct pipeline_opts po = {c->charset, http_charset, c->format == FORMAT_HTML ? &text : NULL, &len};
    struct ow_diag d = {0};
    json_t *rec = NULL;
    ow_err e = pipeline_run(rules, &po, src, &rec, &d);
    if (e) {
        error(input, d.msg[0] ? d.msg : ow_strerror(e));
        return -1;
    }
    int rc = emit(c, rec, text, len);
    json_decref(rec);
    free(text);
    if (rc) {
        error("stdout", strerror(errno));
        return -1;
    }
    return 0;
}

static int parse_file(const struct parse_config *c, const struct extract_rules *rules,
                      const char *path)
{
    const char *input = strcmp(path, "-") ? path : "stdin";
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        error(input, strerror(errno));
        return -1;
    }
    struct ow_buf b;
    struct ow_diag d = {0};
    ow_buf_init(&b, MAX_FILE_BYTES);
    ow_err e = ow_read_stream(f, &b, &d);
    if (f != stdin)
        fclose(f);
    if (e) {
        ow_buf_free(&b);
        error(input, d.msg);
        return -1;
    }
    char *id = c->id ? NULL : default_id(path);
    struct record_source src = {
        .id = c->id ? c->id : id,
        .path = strcmp(path, "-") ? path : NULL,
        .bytes = b.data ? b.data : "",
        .nbytes = b.len,
    };
    int rc = parse_one(c, rules, input, &src, NULL);
    free(id);
    ow_buf_free(&b);
    return rc;
}

static int parse_fetched(const struct parse_config *c, const struct extract_rules *rules,
                         const struct fetch_result *r)
{
    if (r->err) {
        error(r->url, r->diag.msg[0] ? r->diag.msg : ow_strerror(r->err));
        return -1;
    }
    char *id = c->id ? NULL : default_id(r->url);
    struct record_source src = {
        .id = c->id ? c->id : id,
        .url = r->url,
        .final_url = r->final_url,
        .http_status = r->status,
        .content_type = r->content_type,
        .fetched_at = r->fetched_at,
        .etag = r->etag,
        .last_modified = r->last_modified,
        .bytes = r->body ? r->body : "",
        .nbytes = r->len,
    };
    int rc = parse_one(c, rules, r->url, &src, r->charset);
    free(id);
    return rc;
}

static const char parse_usage[] =
    "usage: owabi parse [options] INPUT...\n"
    "\n"
    "Parses disclosure notices (files, - for stdin, http(s) URLs) into JSON records.\n"
    "\n"
    "Output:\n"
    "  --jsonl                one compact record per line (default: pretty JSON)\n"
    "  --format FMT           json, jsonl, summary (a short digest for reading) or\n"
    "                         html (one page: the record beside the text it came\n"
    "                         from, every value's quote marked; one INPUT)\n"
    "  --id ID                source.id of the record (default: the input's base name)\n"
    "  --charset NAME         decode the input as NAME, whatever it declares\n"
    "Fetching (URLs):\n"
    "  --allow-private        allow loopback, private and link-local addresses\n"
    "  --max-redirects N      follow at most N redirects (default 10)\n"
    "  --connect-timeout SEC  give up connecting after SEC seconds (default 10)\n"
    "  --timeout SEC          whole-transfer deadline (default 60)\n"
    "  --stall-time SEC       fail a transfer that receives nothing for SEC s (default 15)\n"
    "  --max-body SIZE        body cap after decompression, e.g. 16M (default 16M)\n"
    "  --parallel N           concurrent transfers (default 4)\n"
    "  --retries N            retries for 429/503 with Retry-After (default 2)\n"
    "  --retry-after-max SEC  longest Retry-After honoured (default 30)\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 every input gave a record, 1 some input failed, 2 usage error.\n";

enum {
    OPT_JSONL = 256, OPT_FORMAT, OPT_ID, OPT_CHARSET, OPT_ALLOW_PRIVATE, OPT_MAX_REDIRECTS,
    OPT_CONNECT_TIMEOUT, OPT_TIMEOUT, OPT_STALL, OPT_MAX_BODY, OPT_PARALLEL, OPT_RETRIES,
    OPT_RETRY_AFTER_MAX
};

static int cmd_parse(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"jsonl", no_argument, NULL, OPT_JSONL},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"id", required_argument, NULL, OPT_ID},
        {"charset", required_argument, NULL, OPT_CHARSET},
        {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
        {"max-redirects", required_argument, NULL, OPT_MAX_REDIRECTS},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"stall-time", required_argument, NULL, OPT_STALL},
        {"max-body", required_argument, NULL, OPT_MAX_BODY},
        {"parallel", required_argument, NULL, OPT_PARALLEL},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"retry-after-max", required_argument, NULL, OPT_RETRY_AFTER_MAX},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct parse_config c = {.format = FORMAT_JSON};
    fetch_opts_default(&c.fetch);
    int opt;
    long v;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_JSONL: c.format = FORMAT_JSONL; break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "json")) c.format = FORMAT_JSON;
            else if (!strcmp(optarg, "jsonl")) c.format = FORMAT_JSONL;
            else if (!strcmp(optarg, "summary")) c.format = FORMAT_SUMMARY;
            else if (!strcmp(optarg, "html")) c.format = FORMAT_HTML;
            else return cli_usage_error("parse", "unknown format '%s' (json, jsonl, summary, html)", optarg);
            break;
        case OPT_ID:
            if (!*optarg) return cli_usage_error("parse", "empty --id%s", "");
            c.id = optarg;
            break;
        case OPT_CHARSET: c.charset = optarg; break;
        case OPT_ALLOW_PRIVATE: c.fetch.allow_private = 1; break;
        case OPT_MAX_REDIRECTS:
            if ((v = cli_parse_count(optarg, 0, 100)) < 0) return cli_usage_error("parse", "bad --max-redirects '%s'", optarg);
            c.fetch.max_redirects = v;
            break;
        case OPT_CONNECT_TIMEOUT:
            if ((v = cli_parse_seconds_ms(optarg)) <= 0) return cli_usage_error("parse", "bad --connect-timeout '%s'", optarg);
            c.fetch.connect_timeout_ms = v;
            break;
        case OPT_TIMEOUT:
            if ((v = cli_parse_seconds_ms(optarg)) <= 0) return cli_usage_error("parse", "bad --timeout '%s'", optarg);
            c.fetch.deadline_ms = v;
            break;
        case OPT_STALL:
            if ((v = cli_parse_seconds_ms(optarg)) < 1000) return cli_usage_error("parse", "bad --stall-time '%s' (whole seconds, at least 1)", optarg);
            c.fetch.stall_seconds = v / 1000;
            break;
        case OPT_MAX_BODY:
            if (!(c.fetch.max_body = cli_parse_size(optarg))) return cli_usage_error("parse", "bad --max-body '%s'", optarg);
            break;
        case OPT_PARALLEL:
            if ((v = cli_parse_count(optarg, 1, 64)) < 0) return cli_usage_error("parse", "bad --parallel '%s' (1 to 64)", optarg);
            c.fetch.parallel = (int)v;
            break;
        case OPT_RETRIES:
            if ((v = cli_parse_count(optarg, 0, 10)) < 0) return cli_usage_error("parse", "bad --retries '%s' (0 to 10)", optarg);
            c.fetch.max_retries = (int)v;
            break;
        case OPT_RETRY_AFTER_MAX:
            if ((v = cli_parse_seconds_ms(optarg)) < 0) return cli_usage_error("parse", "bad --retry-after-max '%s'", optarg);
            c.fetch.retry_after_max = v / 1000;
            break;
        case 'h': fputs(parse_usage, stdout); return 0;
        default: fprintf(stderr, "Try 'owabi parse --help'.\n"); return EXIT_USAGE;
        }
    }
    int n = argc - optind;
    if (n < 1)
        return cli_usage_error("parse", "no input given%s", "");
    if (c.id && n > 1)
        return cli_usage_error("parse", "--id names one input, but %s were given", "several");
    if (c.format == FORMAT_HTML && n > 1)
        return cli_usage_error("parse", "--format html makes one page of one input, but %s were given", "several");
    char **inputs = argv + optind;

    struct ow_diag d = {0};
    struct extract_rules *rules = extract_rules_compile(cli_rules_flags(), &d);
    if (!rules) {
        fprintf(stderr, "owabi: %s\n", d.msg);
        return EXIT_SOME_FAILED;
    }

    /* All URLs are fetched first, concurrently; records still come out in input order. */
    size_t nurls = 0;
    for (int i = 0; i < n; i++)
        nurls += is_url(inputs[i]);
    struct fetch_req *reqs = nurls ? calloc(nurls, sizeof *reqs) : NULL;
    struct fetch_result *res = nurls ? calloc(nurls, sizeof *res) : NULL;
    int failed = 0;
    if (nurls && (!reqs || !res)) {
        fprintf(stderr, "owabi: %s\n", ow_strerror(OW_NOMEM));
        failed = 1;
        nurls = 0;
        goto done;
    }
    for (int i = 0, k = 0; i < n; i++)
        if (is_url(inputs[i]))
            reqs[k++].url = inputs[i];
    /* A failure of the whole fetch (out of memory, no libcurl) fails each
     * URL with its reason; the files are still parsed. */
    ow_err fetched = nurls ? fetch_many(&c.fetch, reqs, nurls, res, &d) : OW_OK;
    for (int i = 0, k = 0; i < n; i++) {
        int rc;
        if (!is_url(inputs[i])) {
            rc = parse_file(&c, rules, inputs[i]);
        } else if (fetched) {
            error(inputs[i], d.msg[0] ? d.msg : ow_strerror(fetched));
            k++;
            rc = -1;
        } else {
            rc = parse_fetched(&c, rules, &res[k++]);
        }
        failed |= rc != 0;
    }
    if (fflush(stdout) == EOF) {
        error("stdout", strerror(errno));
        failed = 1;
    }
done:
    for (size_t k = 0; res && k < nurls; k++)
        fetch_result_free(&res[k]);
    free(res);
    free(reqs);
    extract_rules_free(rules);
    return failed ? EXIT_SOME_FAILED : 0;
}

/* ---- dispatch --------------------------------------------------------- */

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"parse", cmd_parse, "parse notices (files, stdin, URLs) into JSON records"},
    {"ingest", cmd_ingest, "fetch new and changed notices from sources into a store"},
    {"export", cmd_export, "print the records of a store (JSON lines or CSV)"},
    {"reextract", cmd_reextract, "read every archived page again with this build (no network)"},
    {"history", cmd_history, "show one page's revisions: what changed, and why"},
    {"report", cmd_report, "write an HTML report of a store (charts, a table, the evidence)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: owabi COMMAND [options] [ARGS]\n\n"
               "Turns Japanese security-incident disclosure notices into JSON records.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'owabi COMMAND --help' for a command's options.\n"
               "  -h, --help     this help\n"
               "  -V, --version  print the version\n");
}

int main(int argc, char **argv)
{
#ifdef M_MMAP_THRESHOLD
    /* A page's text and node table grow by doubling.  As mmapped blocks
     * they grow in place (mremap); glibc would raise its threshold after the
     * first large free, and then grow them in the heap by copying, which
     * held 20 MB more at the peak of a 16 MB page. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("owabi %s\n", OW_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name))
            continue;
        xmlInitParser();
        int rc = commands[i].run(argc - 1, argv + 1);
        xmlCleanupParser();
        return rc;
    }
    fprintf(stderr, "owabi: unknown command '%s'\nTry 'owabi --help'.\n", argv[1]);
    return EXIT_USAGE;
}
