/* ingest/outfile.c — the --out file of ingest and reextract: each record
 * committed to the store is appended as one JSON line, exactly once, even
 * across crashes (see outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/buf.h"

ow_err outfile_write(struct outfile *o, int64_t record_id, const char *json, struct ow_diag *d)
{
    size_t n = strlen(json), nl = o->nl ? 1 : 0;
    char *line = malloc(n + nl + 2);
    if (!line)
        return ow_diagf(d, OW_NOMEM, "%s", ow_strerror(OW_NOMEM));
    /* after another writer's unfinished last line: end it first, so that
     * ours is a line of its own */
    line[0] = '\n';
    memcpy(line + nl, json, n);
    line[nl + n] = '\n';
    n += nl + 1;
    ssize_t w;
    do
        w = write(o->fd, line, n);
    while (w < 0 && errno == EINTR);
    free(line);
    /* with O_APPEND the offset is now the end of what this write added,
     * whatever others appended before it */
    off_t end = lseek(o->fd, 0, SEEK_CUR);
    if (w != (ssize_t)n) {
        ow_diagf(d, OW_IO, "%s: %s", o->path, w < 0 ? strerror(errno) : "short write (disk full?)");
        struct stat st;
        /* cut off our own torn line, unless someone appended after it */
        if (w > 0 && end >= w && fstat(o->fd, &st) == 0 && st.st_size == end &&
            ftruncate(o->fd, end - w) != 0) {
            /* the next run cuts it off all the same: it is a pending line's start */
        }
        return OW_IO;
    }
    o->nl = 0;
    if (fdatasync(o->fd) != 0 || end < 0)
        return ow_diagf(d, OW_IO, "%s: %s", o->path, strerror(errno));
    o->len = end;
    return store_out_done(o->s, o->path, record_id, o->len, d);
}

/* The pending record whose line (JSON and '\n') is s[0..n), whole (or,
 * with prefix, of which s[0..n) is the start), or -1. */
static long pending_line(const struct store_pending *pend, size_t np, const char *s, size_t n,
                         int prefix)
{
    for (size_t i = 0; i < np; i++) {
        size_t len = strlen(pend[i].json);
        if (pend[i].id && (prefix ? n <= len + 1 : n == len + 1) &&
            !memcmp(s, pend[i].json, n <= len ? n : len) && (n <= len || s[len] == '\n'))
            return (long)i;
    }
    return -1;
}

/* What lies past the length the store vouches for (from, to end): lines a
 * killed run wrote before it could mark them, and whatever other programs
 * appended (another `owabi parse --jsonl >> FILE`).  Only owabi's own are
 * dealt with: a whole line that is a pending record's is marked written
 * (and its id zeroed in pend, so it is not written again); a last line
 * without its '\n' that is the start of a pending record's (a torn write)
 * is cut off.  Every other line stays as it is.  *size gets the length of
 * the file afterwards.  np > 0: lines are held only up to the longest
 * pending one, a longer line is passed over. */
static ow_err scan_tail(struct outfile *o, off_t from, off_t to, struct store_pending *pend,
                            size_t np, off_t *size, struct ow_diag *d)
{
    size_t longest = 0;
    for (size_t i = 0; i < np; i++)
        if (strlen(pend[i].json) + 1 > longest)
            longest = strlen(pend[i].json) + 1;
    /* a line longer than any pending one is not kept, only skipped */
    struct ow_buf line;
    ow_buf_init(&line, longest);
    int too_long = 0;
    off_t start = from, pos = from;
    char chunk[65536];
    ow_err e = OW_OK;
    *size = to;
    while (pos < to && !e) {
        ssize_t got = pread(o->fd, chunk, sizeof chunk < (size_t)(to - pos) ? sizeof chunk
                                                                                 : (size_t)(to - pos), pos);
        if (got <= 0) {
            e = ow_diagf(d, OW_IO, "%s: %s", o->path, got < 0 ? strerror(errno) : "shrank while read");
            break;
        }
        for (ssize_t i = 0; i < got && !e; i++) {
            if (!too_long && ow_buf_addc(&line, chunk[i]) != OW_OK)
                too_long = 1;
            if (chunk[i] != '\n')
                continue;
            long k = too_long ? -1 : pending_line(pend, np, line.data, line.len, 0);
            off_t end = pos + i + 1;
            if (k >= 0) {
                e = store_out_done(o->s, o->path, pend[k].id, end, d);
                pend[k].id = 0;
            }
            ow_buf_reset(&line);
            too_long = 0;
            start = end;
        }
        pos += got;
    }
    if (!e && start < to && !too_long && pending_line(pend, np, line.data, line.len, 1) >= 0) {
        if (ftruncate(o->fd, start) != 0)
            e = ow_diagf(d, OW_IO, "%s: cannot cut a torn line off: %s", o->path, strerror(errno));
        *size = start;
    }
    ow_buf_free(&line);
    return e;
}

ow_err outfile_open(struct outfile *o, struct store *s, const char *p, struct ow_diag *d)
{
    o->s = s;
    o->fd = -1;
    o->len = 0;
    o->nl = 0;
    o->path = NULL;
    if (p[0] == '/') {
        o->path = strdup(p);
    } else {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd))
            return ow_diagf(d, OW_IO, "cannot resolve %s: %s", p, strerror(errno));
        size_t n = strlen(cwd) + strlen(p) + 2;
        if ((o->path = malloc(n)))
            snprintf(o->path, n, "%s/%s", cwd, p);
    }
    if (!o->path)
        return ow_diagf(d, OW_NOMEM, "out of memory");
    o->fd = open(o->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (o->fd < 0)
        return ow_diagf(d, OW_IO, "%s: %s", p, strerror(errno));
    struct stat st;
    if (fstat(o->fd, &st) != 0)
        return ow_diagf(d, OW_IO, "%s: %s", p, strerror(errno));
    int found;
    int64_t len;
    uint64_t dev, ino;
    ow_err e = store_out_get(o->s, o->path, &found, &len, &dev, &ino, d);
    if (e)
        return e;
    struct store_pending *pend;
    size_t np;
    if ((e = store_out_pending(o->s, o->path, &pend, &np, d)))
        return e;
    off_t size = st.st_size;
    /* In a file the store has not written to (new, or rotated away and
     * replaced) nothing is ours to settle. */
    if (found && dev == (uint64_t)st.st_dev && ino == (uint64_t)st.st_ino && st.st_size > len &&
        np > 0)
        e = scan_tail(o, (off_t)len, st.st_size, pend, np, &size, d);
    char last = '\n';
    if (!e && size > 0 && pread(o->fd, &last, 1, size - 1) != 1)
        e = ow_diagf(d, OW_IO, "%s: %s", p, strerror(errno));
    o->nl = last != '\n';
    o->len = size;
    if (!e)
        e = store_out_set(o->s, o->path, size, (uint64_t)st.st_dev, (uint64_t)st.st_ino, d);
    for (size_t i = 0; i < np && !e; i++)
        if (pend[i].id)
            e = outfile_write(o, pend[i].id, pend[i].json, d);
    store_pending_free(pend, np);
    return e;
}

void outfile_close(struct outfile *o)
{
    if (o->fd >= 0)
        close(o->fd);
    free(o->path);
    o->fd = -1;
    o->path = NULL;
}
