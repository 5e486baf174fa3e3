/* cli/archive.c — the commands over the store's archive: `owabi reextract`
 * (every archived page read again by this build), `owabi history URL` (one
 * page's revisions: why each was made, the core fields that changed, a
 * diff of the main text) and `owabi export --format warc` (warc.c writes). */
#include "archive.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/util.h"
#include "../extract/extract.h"
#include "../ingest/reextract.h"
#include "../lib/pipeline.h"
#include "../store/store.h"
#include "args.h"

/* ---- reextract ----------------------------------------------------------- */

static const char reextract_usage[] =
    "usage: owabi reextract [options]\n"
    "\n"
    "Reads every archived page of the store again with this build, without the\n"
    "network: the body of each page's latest fetch goes through the pipeline,\n"
    "and where the record differs from the page's latest revision it becomes a\n"
    "new revision, marked as made by the extractor (not by the page), with the\n"
    "build that made it.  Takes the store's lock, like ingest.\n"
    "\n"
    "  --db PATH      the store (default as for ingest)\n"
    "  --jobs N       parse on N threads (default: the number of CPUs, at most 16)\n"
    "  --out FILE     append each new revision to FILE as one JSON line, exactly\n"
    "                 once (as ingest --out)\n"
    "  --quiet        no summary line\n"
    "  -h, --help     this help\n"
    "\n"
    "Exit status: 0 done, 1 some page could not be read again (a damaged body)\n"
    "or the store or out file failed, 2 usage error, 3 another run holds the store.\n";

static void show_progress(const struct reextract_report *r, void *ctx)
{
    if (!cli_progress_due(ctx))
        return;
    fprintf(stderr, "\rpages %zu/%zu  changed %zu  errors %zu\033[K", r->read + r->errors, r->pages,
            r->changed, r->errors);
    fflush(stderr);
}

static int cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

/* Takes the lock, opens the store (which must exist) and compiles the rules:
 * 0, or the exit status to return (the reason printed). */
static int open_locked(const char *db, char **dbpath, int *lock, struct store **s,
                       struct extract_rules **rules)
{
    struct ow_diag d = {0};
    ow_err e;
    *dbpath = cli_db_path(db);
    if (!*dbpath)
        return EXIT_USAGE;
    if (access(*dbpath, F_OK) != 0) {
        fprintf(stderr, "owabi: no store at %s: %s\n", *dbpath, strerror(errno));
        return EXIT_SOME_FAILED;
    }
    if ((e = store_lock(*dbpath, lock, &d))) {
        fprintf(stderr, "owabi: %s: %s\n", *dbpath, d.msg);
        return e == OW_LOCKED ? EXIT_LOCKED : EXIT_SOME_FAILED;
    }
    if ((e = store_open(*dbpath, 0, s, &d))) {
        fprintf(stderr, "owabi: %s\n", d.msg);
        return EXIT_SOME_FAILED;
    }
    if (rules && !(*rules = extract_rules_compile(cli_rules_flags(), &d))) {
        fprintf(stderr, "owabi: %s\n", d.msg);
        return EXIT_SOME_FAILED;
    }
    return 0;
}

int cmd_reextract(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_JOBS, OPT_OUT, OPT_QUIET };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"out", required_argument, NULL, OPT_OUT},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    struct reextract_opts o = {.jobs = cpus()};
    int quiet = 0, opt;
    long v;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_DB:
            if (!*optarg) return cli_usage_error("reextract", "empty --db%s", "");
            db = optarg;
            break;
        case OPT_JOBS:
            if ((v = cli_parse_count(optarg, 1, 64)) < 0)
                return cli_usage_error("reextract", "bad --jobs '%s' (1 to 64)", optarg);
            o.jobs = (int)v;
            break;
        case OPT_OUT:
            if (!*optarg) return cli_usage_error("reextract", "empty --out%s", "");
            o.out_path = optarg;
            break;
        case OPT_QUIET: quiet = 1; break;
        case 'h': fputs(reextract_usage, stdout); return 0;
        default: fprintf(stderr, "Try 'owabi reextract --help'.\n"); return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("reextract", "unexpected argument '%s'", argv[optind]);
    char *dbpath = NULL;
    int lock = -1;
    struct store *s = NULL;
    struct extract_rules *rules = NULL;
    int rc = open_locked(db, &dbpath, &lock, &s, &rules);
    if (rc)
        goto out;
    struct cli_progress ps = {0};
    int tty = !quiet && isatty(STDERR_FILENO);
    o.rules = rules;
    if (tty) {
        o.progress = show_progress;
        o.ctx = &ps;
    }
    struct reextract_report rep;
    struct ow_diag d = {0};
    ow_err e = reextract_run(s, &o, &rep, &d);
    cli_progress_clear(&ps);
    if (rep.errors) {
        struct ow_buf why;
        ow_buf_init(&why, 0);
        ow_visible(&why, rep.first_error, "");
        fprintf(stderr, "owabi: %s%s\n", why.data ? why.data : "?",
                rep.errors > 1 ? " (and others)" : "");
        ow_buf_free(&why);
    }
    if (!quiet)
        fprintf(stderr, "owabi: reextract: %zu pages read, %zu records changed (%zu new), "
                        "%zu no longer incidents, %zu errors\n",
                rep.read, rep.changed, rep.new_records, rep.not_incident, rep.errors);
    if (e)
        fprintf(stderr, "owabi: reextract stopped: %s\n", d.msg[0] ? d.msg : ow_strerror(e));
    rc = e || rep.errors ? EXIT_SOME_FAILED : 0;
out:
    extract_rules_free(rules);
    store_close(s);
    store_unlock(lock);
    free(dbpath);
    return rc;
}

/* ---- history ------------------------------------------------------------- */

static const char history_usage[] =
    "usage: owabi history URL [options]\n"
    "\n"
    "Prints the revisions of one page: when each body was fetched, why the\n"
    "record changed (the page, or the extractor: owabi reextract), the core\n"
    "fields that changed, and a unified diff of the notice's main text between\n"
    "page revisions (from the archived bodies).\n"
    "\n"
    "  --db PATH      the store (default as for ingest)\n"
    "  --format FMT   text (default; coloured on a terminal unless NO_COLOR) or\n"
    "                 jsonl (one object a revision)\n"
    "  -h, --help     this help\n"
    "\n"
    "Exit status: 0 done, 1 the store cannot be read or does not know URL,\n"
    "2 usage error.\n";

/* The core fields, as paths into a record, compared between revisions. */
static const char *const core_paths[] = {
    "is_incident", "organization.name", "notice.published", "incident.discovered",
    "incident.attack_period.start", "incident.attack_period.end",
    "incident.exposure_period.start", "incident.exposure_period.end", "affected.total",
    "attack.methods", "data.types", NULL};

static const json_t *at_path(const json_t *rec, const char *path)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *v = rec;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
        v = json_object_get(v, k);
    return v;
}

/* A value as one line for a person ("null" for none). */
static char *show(const json_t *v)
{
    if (!v)
        return strdup("null");
    if (json_is_string(v))
        return strdup(json_string_value(v));
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* ---- a unified diff of lines (LCS; enough for notices' main texts) ------ */

struct lines {
    const char **v;
    size_t *len;
    size_t n;
};

static int split_lines(const char *t, size_t n, struct lines *l)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += t[i] == '\n';
    l->v = malloc(cap * sizeof *l->v);
    l->len = malloc(cap * sizeof *l->len);
    l->n = 0;
    if (!l->v || !l->len)
        return -1;
    for (size_t i = 0; i < n;) {
        const char *e = memchr(t + i, '\n', n - i);
        size_t k = e ? (size_t)(e - (t + i)) : n - i;
        l->v[l->n] = t + i;
        l->len[l->n++] = k;
        i += k + 1;
    }
    return 0;
}

static int same_line(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
    return a->len[i] == b->len[j] && !memcmp(a->v[i], b->v[j], a->len[i]);
}

#define DIFF_MAX_LINES 3000   /* the table is (n+1)(m+1) ints: 36 MB at most */

/* Appends a unified diff (3 lines of context) of a → b to out; 1 when the
 * texts are too long to compare line by line (out says so), -1 on no
 * memory. */
static int unified_diff(const char *a, size_t an, const char *b, size_t bn, struct ow_buf *out)
{
    struct lines x = {0}, y = {0};
    int rc = -1;
    unsigned *t = NULL;
    char *op = NULL;
    if (split_lines(a, an, &x) || split_lines(b, bn, &y))
        goto done;
    if (x.n > DIFF_MAX_LINES || y.n > DIFF_MAX_LINES) {
        rc = ow_buf_printf(out, "(%zu and %zu lines: too long to diff)\n", x.n, y.n) ? -1 : 1;
        goto done;
    }
    size_t n = x.n, m = y.n, w = m + 1;
    t = calloc((n + 1) * w, sizeof *t);
    op = malloc(n + m + 1);
    size_t *ia = malloc((n + m + 1) * sizeof *ia), *ib = malloc((n + m + 1) * sizeof *ib);
    if (!t || !op || !ia || !ib) {
        free(ia);
        free(ib);
        goto done;
    }
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            t[i * w + j] = same_line(&x, i, &y, j) ? t[(i + 1) * w + j + 1] + 1
                         : t[(i + 1) * w + j] > t[i * w + j + 1] ? t[(i + 1) * w + j] : t[i * w + j + 1];
    /* the edit script: ' ' both, '-' only a, '+' only b */
    size_t k = 0, i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && same_line(&x, i, &y, j))
            op[k] = ' ', ia[k] = i++, ib[k++] = j++;
        else if (j < m && (i == n || t[i * w + j + 1] >= t[(i + 1) * w + j]))
            op[k] = '+', ia[k] = i, ib[k++] = j++;
        else
            op[k] = '-', ia[k] = i++, ib[k++] = j;
    }
    /* hunks: changes with up to 3 lines of context around, merged when close */
    rc = 0;
    for (size_t p = 0; p < k && !rc;) {
        while (p < k && op[p] == ' ')
            p++;
        if (p == k)
            break;
        size_t s = p > 3 ? p - 3 : 0, e = p;
        for (size_t q = p; q < k; q++)
            if (op[q] != ' ')
                e = q;
            else if (q - e > 6)
                break;
        e = e + 4 < k ? e + 4 : k;
        size_t al = 0, bl = 0;
        for (size_t q = s; q < e; q++)
            al += op[q] != '+', bl += op[q] != '-';
        rc = ow_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ia[s] + (al > 0), al, ib[s] + (bl > 0), bl) ? -1 : 0;
        for (size_t q = s; q < e && !rc; q++) {
            const struct lines *l = op[q] == '+' ? &y : &x;
            size_t li = op[q] == '+' ? ib[q] : ia[q];
            if (ow_buf_addc(out, op[q]) || ow_buf_append(out, l->v[li], l->len[li]) || ow_buf_addc(out, '\n'))
                rc = -1;
        }
        p = e;
    }
    free(ia);
    free(ib);
done:
    free(t);
    free(op);
    free(x.v);
    free(x.len);
    free(y.v);
    free(y.len);
    return rc;
}

struct history {
    struct store *s;
    const struct extract_rules *rules;
    int jsonl, colour;
    json_t *prev;            /* the previous revision's record */
    char *prev_text;         /* the previous page revision's main text */
    size_t prev_len;
    int failed;
};

/* The main text of an archived body, as the pipeline reads it now. */
static char *main_text(struct history *h, const struct store_revision *r, size_t *len)
{
    char *body = NULL, *text = NULL;
    size_t blen = 0;
    struct ow_diag d = {0};
    if (!r->fetch_id || store_body_get(h->s, r->sha256, &body, &blen, &d)) {
        if (r->fetch_id) {
            fprintf(stderr, "owabi: %s\n", d.msg);
            h->failed = 1;
        }
        return NULL;
    }
    char media[128], charset[64];
    ow_ct_media_type(r->content_type ? r->content_type : "", media, sizeof media);
    ow_ct_charset(r->content_type ? r->content_type : "", charset, sizeof charset);
    struct pipeline_opts po = {.http_charset = charset[0] ? charset : NULL, .main_text = &text, .main_len = len};
    struct record_source src = {.url = r->url, .content_type = media[0] ? media : NULL,
                                .bytes = body, .nbytes = blen};
    json_t *rec = NULL;
    if (pipeline_run(h->rules, &po, &src, &rec, &d))
        text = NULL;
    json_decref(rec);
    free(body);
    return text;
}

static void visible(FILE *f, const char *s)
{
    struct ow_buf b;
    ow_buf_init(&b, 0);
    ow_visible(&b, s ? s : "", "\n\t");
    fputs(b.data ? b.data : "", f);
    ow_buf_free(&b);
}

static int history_row(const struct store_revision *r, void *ctx)
{
    struct history *h = ctx;
    json_t *rec = json_loads(r->json ? r->json : "", 0, NULL);
    json_t *changes = json_array();
    for (size_t i = 0; core_paths[i] && rec && changes; i++) {
        const json_t *a = h->prev ? at_path(h->prev, core_paths[i]) : NULL, *b = at_path(rec, core_paths[i]);
        if (h->prev && json_equal((json_t *)(a ? a : json_null()), (json_t *)(b ? b : json_null())))
            continue;
        if (!h->prev && (!b || json_is_null(b)))
            continue;
        json_array_append_new(changes, json_pack("{s:s, s:O, s:O}", "field", core_paths[i], "from",
                                                 a ? (json_t *)a : json_null(), "to",
                                                 b ? (json_t *)b : json_null()));
    }
    /* the text diff: between page revisions whose bodies are archived */
    struct ow_buf diff;
    ow_buf_init(&diff, 0);
    int page = !strcmp(r->cause ? r->cause : "page", "page");
    size_t len = 0;
    char *text = page ? main_text(h, r, &len) : NULL;
    int has_diff = 0;
    if (text && h->prev_text) {
        if (unified_diff(h->prev_text, h->prev_len, text, len, &diff) < 0)
            h->failed = 1;
        has_diff = diff.len > 0;
    }
    if (h->jsonl) {
        json_t *o = json_pack("{s:i, s:s?, s:s?, s:s?, s:s?, s:s?, s:O, s:s?}", "revision", r->revision,
                              "stored_at", r->created_at, "cause", r->cause, "build", r->build,
                              "fetched_at", r->fetched_at, "sha256", r->sha256, "changes", changes,
                              "diff", has_diff ? diff.data : NULL);
        char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (line)
            printf("%s\n", line);
        else
            h->failed = 1;
        free(line);
        json_decref(o);
    } else {
        const char *b = h->colour ? "\033[1m" : "", *off = h->colour ? "\033[0m" : "";
        printf("%srevision %d%s  stored %s  %s%s%s\n", b, r->revision, off, r->created_at ? r->created_at : "?",
               page ? "changed by the page" : "changed by the extractor", r->build ? ", " : "",
               r->build ? r->build : "");
        if (r->fetched_at)
            printf("  fetched %s  sha256 %.16s…\n", r->fetched_at, r->sha256 ? r->sha256 : "?");
        else
            printf("  (stored before the archive: no body kept)\n");
        size_t i;
        json_t *c;
        json_array_foreach(changes, i, c) {
            char *from = show(json_object_get(c, "from")), *to = show(json_object_get(c, "to"));
            printf("  %s: ", json_string_value(json_object_get(c, "field")));
            if (h->prev) {
                visible(stdout, from);
                printf(" → ");
            }
            visible(stdout, to);
            printf("\n");
            free(from);
            free(to);
        }
        if (has_diff) {
            const char *red = h->colour ? "\033[31m" : "", *green = h->colour ? "\033[32m" : "",
                       *cyan = h->colour ? "\033[36m" : "";
            for (char *l = diff.data, *e; l && *l; l = e + 1) {
                e = strchr(l, '\n');
                *e = '\0';
                const char *col = *l == '-' ? red : *l == '+' ? green : *l == '@' ? cyan : "";
                printf("    %s", col);
                visible(stdout, l);
                printf("%s\n", *col ? off : "");
            }
        }
        printf("\n");
    }
    ow_buf_free(&diff);
    json_decref(changes);
    if (rec) {
        json_decref(h->prev);
        h->prev = rec;
    }
    if (text) {
        free(h->prev_text);
        h->prev_text = text;
        h->prev_len = len;
    }
    return ferror(stdout);
}

int cmd_history(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_FORMAT };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    int jsonl = 0, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_DB:
            if (!*optarg) return cli_usage_error("history", "empty --db%s", "");
            db = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "text")) jsonl = 0;
            else if (!strcmp(optarg, "jsonl")) jsonl = 1;
            else return cli_usage_error("history", "unknown format '%s' (text, jsonl)", optarg);
            break;
        case 'h': fputs(history_usage, stdout); return 0;
        default: fprintf(stderr, "Try 'owabi history --help'.\n"); return EXIT_USAGE;
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("history", "give one URL%s", "");
    const char *url = argv[optind];
    char *dbpath = cli_db_path(db);
    if (!dbpath)
        return EXIT_USAGE;
    struct ow_diag d = {0};
    struct store *s = NULL;
    struct history h = {.jsonl = jsonl, .colour = !jsonl && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")};
    int rc = EXIT_SOME_FAILED, found = 0;
    ow_err e = store_open(dbpath, 0, &s, &d);
    if (!e && !(h.rules = extract_rules_compile(cli_rules_flags(), &d)))
        e = OW_NOMEM;
    h.s = s;
    if (!e)
        e = store_history(s, url, &found, history_row, &h, &d);
    if (e) {
        fprintf(stderr, "owabi: %s\n", e == OW_IO ? strerror(errno) : d.msg);
    } else if (!found) {
        struct ow_buf u;
        ow_buf_init(&u, 0);
        ow_visible(&u, url, "");
        fprintf(stderr, "owabi: %s: not in the store %s\n", u.data ? u.data : "?", dbpath);
        ow_buf_free(&u);
    } else if (fflush(stdout) == EOF) {
        fprintf(stderr, "owabi: stdout: %s\n", strerror(errno));
    } else {
        rc = h.failed ? EXIT_SOME_FAILED : 0;
    }
    json_decref(h.prev);
    free(h.prev_text);
    extract_rules_free((struct extract_rules *)h.rules);
    store_close(s);
    free(dbpath);
    return rc;
}
