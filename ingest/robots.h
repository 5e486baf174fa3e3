/* ingest/robots.h — robots.txt after RFC 9309 (Robots Exclusion Protocol).
 *
 * Input:  the bytes of a robots.txt (any line endings, a UTF-8 BOM, comments,
 *         junk lines are skipped), and our product token ("owabi").
 * Rules:  the groups whose user-agent matches the token (case-insensitively;
 *         "owabi/1.0" matches "owabi") are merged; when none does, the "*"
 *         groups are; when neither, everything is allowed.  Of the rules
 *         matching a path, the longest pattern wins and Allow wins a tie;
 *         "*" matches any run of characters and a final "$" anchors the end.
 *         Patterns and paths are compared percent-encoded (non-ASCII bytes
 *         encoded, %xx of unreserved characters decoded, hex upper-cased),
 *         so a rule written in raw UTF-8 matches the encoded URL; a path's
 *         dot segments are removed first (RFC 3986 5.2.4, after "%2E" is
 *         decoded), so "/%2E/private/" meets "Disallow: /private".  An empty
 *         Disallow is no rule.  "/robots.txt" itself is always allowed.
 *         At most the first ROBOTS_MAX_BYTES bytes are read (RFC 9309 asks
 *         for at least 500 KiB); of a longer file, the line cut there is
 *         left out and the rest ignored.
 * What HTTP said about the file decides before its content (robots_for_status):
 *         2xx → parse; 4xx other than 429 → allow all ("unavailable");
 *         429, 5xx, network failure → disallow all ("unreachable").
 * Matching is O(pattern × path) per rule with no backtracking blow-up.
 * Ownership: robots_free.  Deterministic; read-only after parsing, so one
 * object may be consulted from several threads. */
#ifndef OW_ROBOTS_H
#define OW_ROBOTS_H

#include <stddef.h>

#define ROBOTS_MAX_BYTES (512u * 1024u)

struct robots;

/* Parses body for agent.  NULL only when out of memory. */
struct robots *robots_parse(const char *body, size_t len, const char *agent);
/* A policy that allows (allow = 1) or disallows (0) every path. */
struct robots *robots_all(int allow);
/* The policy for a fetch of /robots.txt that ended with HTTP status (0: no
 * response) and body: parsed for 2xx, allow-all for 4xx except 429,
 * disallow-all otherwise.  NULL only when out of memory. */
struct robots *robots_for_status(long status, const char *body, size_t len, const char *agent);
void robots_free(struct robots *r);

/* 1 if path_query (the URL's path with its "?query", starting with "/";
 * "" counts as "/") may be fetched, else 0. */
int robots_allowed(const struct robots *r, const char *path_query);

#endif
