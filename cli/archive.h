/* cli/archive.h — `owabi reextract`, `owabi history` (archive.c) and the
 * WARC export of `owabi export --format warc` (warc.c). */
#ifndef OW_CLI_ARCHIVE_H
#define OW_CLI_ARCHIVE_H

#include <stdio.h>

#include "../core/err.h"
#include "../store/store.h"

/* argv[0] is the subcommand name.  Return the process exit status. */
int cmd_reextract(int argc, char **argv);
int cmd_history(int argc, char **argv);

/* Writes a warcinfo record, then a response record for each archived fetch
 * fetched at or after since (NULL: all), each record its own gzip member.
 * *bad counts archived bodies that could not be read (damaged: left out,
 * reported on stderr). */
ow_err warc_export(FILE *f, struct store *s, const char *since, long *bad, struct ow_diag *d);

#endif
