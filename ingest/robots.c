/* ingest/robots.c — a small robots.txt parser and matcher (RFC 9309). */
#include "robots.h"

#include "../core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rule {
    char *pat;       /* normalized pattern, "$" kept at the end if anchored */
    size_t len;      /* its length: the "longest match" measure */
    int allow;
};

struct robots {
    int mode;        /* 1 allow all, 0 disallow all, -1 use rules */
    struct rule *rules;
    size_t n;
};

void robots_free(struct robots *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->rules[i].pat);
    free(r->rules);
    free(r);
}

struct robots *robots_all(int allow)
{
    struct robots *r = calloc(1, sizeof *r);
    if (r)
        r->mode = allow ? 1 : 0;
    return r;
}

static int unreserved(int c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Normalizes s[0..n) to one comparable form: bytes outside printable ASCII
 * percent-encoded, %xx upper-cased, %xx of an unreserved character decoded.
 * Keeps '*' and '$' as they are (patterns need them; in a path they are
 * plain characters and compared literally).  NULL when out of memory. */
static char *normalize(const char *s, size_t n, size_t *outlen)
{
    char *o = malloc(n * 3 + 1);
    if (!o)
        return NULL;
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            int v = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            if (unreserved(v)) {
                o[k++] = (char)v;
            } else {
                o[k++] = '%';
                o[k++] = hex[v >> 4];
                o[k++] = hex[v & 15];
            }
            i += 2;
        } else if (c <= 0x20 || c >= 0x7f) {
            o[k++] = '%';
            o[k++] = hex[c >> 4];
            o[k++] = hex[c & 15];
        } else {
            o[k++] = (char)c;
        }
    }
    o[k] = 0;
    *outlen = k;
    return o;
}

/* Drops the last segment (and its '/') of the output s[0..o). */
static size_t pop_segment(const char *s, size_t o)
{
    while (o > 0 && s[o - 1] != '/')
        o--;
    return o > 0 ? o - 1 : 0;
}

/* RFC 3986 5.2.4, remove_dot_segments, in place on the path s[0..n):
 * "/./private/a" and "/news/../private/a" are "/private/a" to the server,
 * so they must be to the rules too.  The output is never longer than what
 * was read of the input, so it is written over it.  Returns its length. */
static size_t remove_dots(char *s, size_t n)
{
    size_t i = 0, o = 0;
    while (i < n) {
        const char *p = s + i;
        size_t left = n - i;
        if (left >= 3 && !memcmp(p, "../", 3)) {
            i += 3;
        } else if (left >= 2 && !memcmp(p, "./", 2)) {
            i += 2;
        } else if (left >= 3 && !memcmp(p, "/./", 3)) {
            i += 2;                              /* "/./" → "/" */
        } else if (left == 2 && !memcmp(p, "/.", 2)) {
            s[++i] = '/';                        /* "/." → "/" */
        } else if (left >= 4 && !memcmp(p, "/../", 4)) {
            i += 3;                              /* "/../" → "/", one segment up */
            o = pop_segment(s, o);
        } else if (left == 3 && !memcmp(p, "/..", 3)) {
            i += 2;
            s[i] = '/';
            o = pop_segment(s, o);
        } else if ((left == 1 && p[0] == '.') || (left == 2 && !memcmp(p, "..", 2))) {
            i = n;
        } else {
            /* the first segment, with its leading '/', goes to the output */
            size_t k = p[0] == '/';
            while (k < left && p[k] != '/')
                k++;
            memmove(s + o, p, k);
            o += k;
            i += k;
        }
    }
    return o;
}

/* Does pattern p (with '*' wildcards and an optional final '$') match the
 * start of s?  The classic two-pointer wildcard walk: on a mismatch it
 * retries from the last '*' one character further, so the cost is bounded
 * by len(p) × len(s) — no exponential backtracking. */
static int match(const char *p, size_t plen, const char *s, size_t slen)
{
    int anchored = plen > 0 && p[plen - 1] == '$';
    if (anchored)
        plen--;
    size_t i = 0, j = 0, star = (size_t)-1, mark = 0;
    for (;;) {
        if (j == plen) {
            if (!anchored || i == slen)
                return 1;
            /* anchored and text left: let the last '*' eat more */
        } else if (p[j] == '*') {
            star = j++;
            mark = i;
            continue;
        } else if (i < slen && p[j] == s[i]) {
            i++;
            j++;
            continue;
        }
        if (star == (size_t)-1 || mark >= slen)
            return 0;
        j = star + 1;
        i = ++mark;
    }
}

/* Whether a user-agent line's value names our agent: its product token (the
 * leading run of letters, '_' and '-') compared case-insensitively. */
static int agent_matches(const char *v, size_t n, const char *agent)
{
    size_t k = 0;
    while (k < n && (isalpha((unsigned char)v[k]) || v[k] == '_' || v[k] == '-'))
        k++;
    return k > 0 && k == strlen(agent) && !strncasecmp(v, agent, k);
}

static int add_rule(struct robots *r, size_t *cap, int allow, const char *v, size_t n)
{
    if (ow_array_grow((void **)&r->rules, cap, r->n, sizeof *r->rules))
        return -1;
    size_t len;
    char *p = normalize(v, n, &len);
    if (!p)
        return -1;
    r->rules[r->n].pat = p;
    r->rules[r->n].len = len;
    r->rules[r->n].allow = allow;
    r->n++;
    return 0;
}

/* One pass over the file collecting the rules of the groups that apply:
 * pass "exact" (want_star 0) takes groups naming agent, pass "*" takes the
 * star groups.  Returns the number of matching groups, -1 out of memory. */
static int collect(struct robots *r, const char *body, size_t len, const char *agent, int want_star)
{
    size_t cap = r->n, i = 0;
    int groups = 0;
    int in_agents = 0;   /* reading a run of user-agent lines */
    int applies = 0;     /* the current group is one we take */
    if (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len) {
        size_t e = i;
        while (e < len && body[e] != '\n' && body[e] != '\r')
            e++;
        const char *line = body + i;
        size_t n = e - i;
        i = e;
        while (i < len && (body[i] == '\n' || body[i] == '\r'))
            i++;
        const char *hash = memchr(line, '#', n);
        if (hash)
            n = (size_t)(hash - line);
        const char *colon = memchr(line, ':', n);
        if (!colon)
            continue;
        const char *k = line, *ke = colon;
        while (k < ke && isspace((unsigned char)*k))
            k++;
        while (ke > k && isspace((unsigned char)ke[-1]))
            ke--;
        const char *v = colon + 1, *ve = line + n;
        while (v < ve && isspace((unsigned char)*v))
            v++;
        while (ve > v && isspace((unsigned char)ve[-1]))
            ve--;
        size_t kl = (size_t)(ke - k), vl = (size_t)(ve - v);
        if (kl == 10 && !strncasecmp(k, "user-agent", 10)) {
            if (!in_agents)
                applies = 0;
            in_agents = 1;
            int hit = want_star ? (vl == 1 && *v == '*') : agent_matches(v, vl, agent);
            if (hit && !applies) {
                applies = 1;
                groups++;
            }
        } else if ((kl == 5 && !strncasecmp(k, "allow", 5)) ||
                   (kl == 8 && !strncasecmp(k, "disallow", 8))) {
            in_agents = 0;
            if (applies && vl > 0 && add_rule(r, &cap, kl == 5, v, vl))
                return -1;
        } else {
            /* sitemap, crawl-delay and others: not group members, and they
             * do not end a run of user-agent lines */
        }
    }
    return groups;
}

struct robots *robots_parse(const char *body, size_t len, const char *agent)
{
    struct robots *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->mode = -1;
    if (!body)
        len = 0;
    if (len > ROBOTS_MAX_BYTES) {
        /* RFC 9309 lets a crawler read only the first 500 KiB and more; the
         * line cut at the limit could be a shorter, wider rule than the one
         * written ("Disallow: /p" of "/private"): it goes too */
        len = ROBOTS_MAX_BYTES;
        while (len > 0 && body[len - 1] != '\n' && body[len - 1] != '\r')
            len--;
    }
    int g = collect(r, body, len, agent, 0);
    if (g == 0)
        g = collect(r, body, len, agent, 1);
    if (g < 0) {
        robots_free(r);
        return NULL;
    }
    if (r->n == 0)
        r->mode = 1;
    return r;
}

struct robots *robots_for_status(long status, const char *body, size_t len, const char *agent)
{
    if (status >= 200 && status < 300)
        return robots_parse(body, len, agent);
    if (status >= 400 && status < 500 && status != 429)
        return robots_all(1);
    return robots_all(0);
}

int robots_allowed(const struct robots *r, const char *path_query)
{
    if (r->mode >= 0)
        return r->mode;
    const char *pq = path_query && *path_query ? path_query : "/";
    if (!strcmp(pq, "/robots.txt"))
        return 1;
    size_t n;
    char *s = normalize(pq, strlen(pq), &n);
    if (!s)
        return 0;   /* out of memory: the cautious answer */
    /* dot segments of the path (normalize has decoded "%2E" to '.') go as
     * the server would take them; the query is left as it is */
    size_t plen = strcspn(s, "?"), kept = remove_dots(s, plen);
    memmove(s + kept, s + plen, n - plen + 1);
    n -= plen - kept;
    size_t best = 0;
    int found = 0, allow = 1;
    for (size_t i = 0; i < r->n; i++) {
        const struct rule *u = &r->rules[i];
        if (found && (u->len < best || (u->len == best && allow)))
            continue;
        if (!match(u->pat, u->len, s, n))
            continue;
        if (!found || u->len > best || u->allow) {
            allow = u->allow;
            best = u->len;
            found = 1;
        }
    }
    free(s);
    return allow;
}
