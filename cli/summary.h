/* cli/summary.h — `owabi parse --format summary`: a short digest of a record
 * for an analyst at a terminal: each core field with its evidence quote, and
 * the fields the notice did not give.  Colour only when asked (a TTY without
 * NO_COLOR).  Controls and bidi overrides in any value (a path, a title, a
 * quote) are shown as "<U+XXXX>" (ow_visible), never sent to the terminal. */
#ifndef OW_SUMMARY_H
#define OW_SUMMARY_H

#include <jansson.h>
#include <stdio.h>

/* Returns 0, or -1 on a write error or out of memory. */
int summary_print(FILE *f, const json_t *rec, int colour);

#endif
