/* cli/args.c — option values shared by the subcommands. */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../extract/extract.h"

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "owabi %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'owabi %s --help'.\n", cmd);
    return EXIT_USAGE;
}

size_t cli_parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return 0;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    }
    if (*end && strcmp(end, "B") && strcmp(end, "iB"))
        return 0;
    if (v > (~0ULL >> shift))
        return 0;
    return (size_t)(v << shift);
}

long cli_parse_seconds_ms(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 86400.0 * 365))   /* NaN too */
        return -1;
    return (long)(v * 1000.0 + 0.5);
}

long cli_parse_count(const char *s, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    return v;
}

unsigned cli_rules_flags(void)
{
    return getenv("OWABI_NO_JIT") ? EXTRACT_NO_JIT : 0;
}

char *cli_db_path(const char *db)
{
    if (db)
        return strdup(db);
    const char *x = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char *p = NULL;
    size_t n;
    if (x && x[0] == '/') {
        n = strlen(x) + 20;
        if ((p = malloc(n)))
            snprintf(p, n, "%s/owabi/owabi.db", x);
    } else if (home && *home) {
        n = strlen(home) + 32;
        if ((p = malloc(n)))
            snprintf(p, n, "%s/.local/state/owabi/owabi.db", home);
    } else {
        fprintf(stderr, "owabi: no --db given and neither XDG_STATE_HOME nor HOME is set\n");
    }
    return p;
}

int cli_valid_since(const char *s)
{
    const char *pat = strlen(s) == 10 ? "dddd-dd-dd" : "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != strlen(pat))
        return 0;
    for (size_t i = 0; pat[i]; i++)
        if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
            return 0;
    return 1;
}

int cli_progress_due(struct cli_progress *p)
{
    long long now = ow_mono_ms();
    if (p->shown && now - p->last_ms < 100)
        return 0;
    p->last_ms = now;
    p->shown = 1;
    return 1;
}

void cli_progress_clear(const struct cli_progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
}
