/* store/internal.h — what store.c and archive.c share: the handle and the
 * small SQLite helpers.  Not for other stages. */
#ifndef OW_STORE_INTERNAL_H
#define OW_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

struct store {
    sqlite3 *db;
};

/* OW_STORE with what and SQLite's message (and its extended code). */
ow_err store_sqlerr(struct store *s, struct ow_diag *d, const char *what);
ow_err store_exec(struct store *s, const char *sql, struct ow_diag *d);
ow_err store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct ow_diag *d);
/* Rolls back the open transaction, if any. */
void store_rollback(struct store *s);
/* Binds t, or NULL when t is NULL (SQLITE_STATIC: t outlives the step). */
void store_bind_text(sqlite3_stmt *st, int i, const char *t);

/* Inside store_page_commit's transaction: archives f->body for the page
 * f->url (archive.c).  *fetch_id gets the new fetch row. */
ow_err store_archive_put(struct store *s, const struct store_fetch *f, int64_t *fetch_id,
                         struct ow_diag *d);

#endif
