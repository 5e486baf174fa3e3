/* cli/args.h — what every subcommand's argument parsing shares: the exit
 * statuses and the parsers of option values.  Only cli/ uses it. */
#ifndef OW_ARGS_H
#define OW_ARGS_H

#include <stddef.h>

/* Every exit status of every subcommand (the man page's EXIT STATUS). */
#define EXIT_SOME_FAILED 1    /* some input or source failed; the rest was done */
#define EXIT_USAGE 2          /* a usage error: nothing was done */
#define EXIT_LOCKED 3         /* ingest: another run holds the store */

/* Prints "owabi CMD: <fmt with arg>" and a --help hint on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
    __attribute__((format(printf, 2, 0)));
/* "16M", "512K", "1048576" (K/M/G, optional B or iB) → bytes; 0 if malformed. */
size_t cli_parse_size(const char *s);
/* Non-negative seconds, fractions allowed, at most a year → milliseconds; -1 if malformed. */
long cli_parse_seconds_ms(const char *s);
/* A decimal integer in [min, max]; -1 if malformed or out of range (min >= 0). */
long cli_parse_count(const char *s, long min, long max);
/* extract_rules_compile's flags from the environment: OWABI_NO_JIT set (to
 * anything) turns the PCRE2 JIT off, for valgrind runs. */
unsigned cli_rules_flags(void);
/* The store: db (--db) when given, else $XDG_STATE_HOME/owabi/owabi.db, else
 * ~/.local/state/owabi/owabi.db (the XDG base directory default); malloc'd.
 * NULL, with the reason printed, when neither can be known. */
char *cli_db_path(const char *db);
/* A --since value: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, digits where digits
 * belong (compared as text with the store's UTC times). */
int cli_valid_since(const char *s);

/* A progress line on stderr (a terminal), redrawn at most every 100 ms:
 * cli_progress_due says when, cli_progress_clear wipes it at the end. */
struct cli_progress {
    long long last_ms;
    int shown;
};
int cli_progress_due(struct cli_progress *p);
void cli_progress_clear(const struct cli_progress *p);

#endif
