/* ingest/outfile.h — the --out file of `owabi ingest` and `owabi reextract`:
 * each record committed to the store is appended as one JSON line, exactly
 * once, even across crashes.
 *
 * The store keeps the file length it vouches for (every line before it is
 * whole and committed) and the records committed with out_pending = the
 * path whose line is not yet known to be there.  outfile_write appends one
 * line with a single write(2) on an O_APPEND descriptor, syncs it, and only
 * then marks it written.  A crash before the mark leaves the line past the
 * vouched length, where outfile_open finds it and marks it instead of
 * writing it again; a last line that is the torn start of a pending
 * record's is cut off and written whole.  No other line is ever removed:
 * what another program appended stays, and its unfinished last line is
 * ended with a newline before the next record.
 * Errors: OW_IO (the file), OW_STORE, OW_NOMEM, with d saying why.
 * Threads: one struct outfile is used by one thread (the store's). */
#ifndef OW_OUTFILE_H
#define OW_OUTFILE_H

#include <stdint.h>

#include "../core/err.h"
#include "../store/store.h"

struct outfile {
    struct store *s;
    int fd;                     /* -1: not open */
    char *path;                 /* absolute: the store's key for the file */
    int64_t len;                /* the length written and vouched for */
    int nl;                     /* the file ends in another writer's unfinished line */
};

/* Opens path (relative to the working directory) for appending, settles
 * what lies past the length the store vouches for, and writes the records a
 * killed run committed but did not get to write. */
ow_err outfile_open(struct outfile *o, struct store *s, const char *path, struct ow_diag *d);
/* Appends record_id's committed line (json, without '\n') and marks it
 * written in the store. */
ow_err outfile_write(struct outfile *o, int64_t record_id, const char *json, struct ow_diag *d);
/* Closes; a no-op on a closed one. */
void outfile_close(struct outfile *o);

#endif
