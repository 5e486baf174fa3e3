/* fetch/addr.c — which addresses a fetch may connect to (the SSRF guard).
 *
 * Pure functions over the address bytes: no DNS, no state.  Everything that
 * is not plainly public unicast is refused, following the IANA special-purpose
 * registries (RFC 6890 and successors).  For IPv6 only global unicast
 * (2000::/3) can be public at all; the rest is reserved or special. */
#include "fetch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* One IPv4 prefix: the first `bits` bits of addr must match. */
struct range4 {
    unsigned char addr[4];
    int bits;
    const char *why;
};

/* Ordered: the first match names the reason (broadcast before 240/4). */
static const struct range4 ranges4[] = {
    {{0, 0, 0, 0}, 8, "unspecified"},
    {{10, 0, 0, 0}, 8, "private"},
    {{100, 64, 0, 0}, 10, "shared address space (CGNAT)"},
    {{127, 0, 0, 0}, 8, "loopback"},
    {{169, 254, 0, 0}, 16, "link-local"},
    {{172, 16, 0, 0}, 12, "private"},
    {{192, 0, 0, 0}, 24, "reserved"},          /* IETF protocol assignments */
    {{192, 0, 2, 0}, 24, "documentation"},     /* TEST-NET-1 */
    {{192, 31, 196, 0}, 24, "reserved"},       /* AS112-v4 */
    {{192, 52, 193, 0}, 24, "reserved"},       /* AMT */
    {{192, 88, 99, 0}, 24, "reserved"},        /* deprecated 6to4 relay anycast */
    {{192, 168, 0, 0}, 16, "private"},
    {{192, 175, 48, 0}, 24, "reserved"},       /* direct delegation AS112 */
    {{198, 18, 0, 0}, 15, "benchmarking"},
    {{198, 51, 100, 0}, 24, "documentation"},  /* TEST-NET-2 */
    {{203, 0, 113, 0}, 24, "documentation"},   /* TEST-NET-3 */
    {{224, 0, 0, 0}, 4, "multicast"},
    {{255, 255, 255, 255}, 32, "broadcast"},
    {{240, 0, 0, 0}, 4, "reserved"},
};

static int prefix_match(const unsigned char *a, const unsigned char *p, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a, p, (size_t)whole) != 0)
        return 0;
    if (rest == 0)
        return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (p[whole] & mask);
}

static const char *class4(const unsigned char a[4])
{
    for (size_t i = 0; i < sizeof ranges4 / sizeof ranges4[0]; i++)
        if (prefix_match(a, ranges4[i].addr, ranges4[i].bits))
            return ranges4[i].why;
    return NULL;
}

struct range6 {
    unsigned char addr[16];
    int bits;
    const char *why;  /* NULL: judged by the embedded IPv4 address */
    int v4at;         /* byte offset of that IPv4 address */
};

/* Checked before the 2000::/3 rule; ordered, first match wins. */
static const struct range6 ranges6[] = {
    {{0}, 128, "unspecified", 0},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback", 0},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, NULL, 12},        /* IPv4-mapped */
    {{0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}, 96, NULL, 12},        /* IPv4-translated */
    {{0}, 96, "reserved", 0},                                           /* IPv4-compatible */
    {{0, 0x64, 0xff, 0x9b}, 96, NULL, 12},                              /* NAT64 well-known */
    {{0, 0x64, 0xff, 0x9b, 0, 1}, 48, "private", 0},                    /* local-use NAT64 */
    {{0x01, 0x00}, 64, "reserved", 0},                                  /* discard-only */
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation", 0},
    {{0x20, 0x01, 0x00, 0x00}, 23, "reserved", 0},                       /* IETF assignments, Teredo */
    {{0x20, 0x02}, 16, NULL, 2},                                        /* 6to4 */
    {{0x3f, 0xff, 0x00}, 20, "documentation", 0},
    {{0x5f, 0x00}, 16, "reserved", 0},                                  /* SRv6 SIDs */
    {{0xfc}, 7, "unique-local", 0},
    {{0xfe, 0x80}, 10, "link-local", 0},
    {{0xfe, 0xc0}, 10, "site-local", 0},
    {{0xff}, 8, "multicast", 0},
};

static const char *class6(const unsigned char a[16])
{
    for (size_t i = 0; i < sizeof ranges6 / sizeof ranges6[0]; i++) {
        const struct range6 *r = &ranges6[i];
        if (!prefix_match(a, r->addr, r->bits))
            continue;
        return r->why ? r->why : class4(a + r->v4at);
    }
    /* Only 2000::/3 is allocated for global unicast. */
    if ((a[0] & 0xe0) != 0x20)
        return "reserved";
    return NULL;
}

const char *fetch_addr_class(const struct sockaddr *sa)
{
    if (!sa)
        return "not an IP address";
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in;
        memcpy(&in, sa, sizeof in);
        unsigned char a[4];
        memcpy(a, &in.sin_addr, 4);
        return class4(a);
    }
    if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, sa, sizeof in6);
        unsigned char a[16];
        memcpy(a, &in6.sin6_addr, 16);
        return class6(a);
    }
    return "not an IP address";
}

const char *fetch_addr_class_str(const char *s)
{
    unsigned char a[16];
    char tmp[64];
    size_t n = s ? strlen(s) : 0;
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        if (n - 2 >= sizeof tmp)
            return "not an IP address";
        memcpy(tmp, s + 1, n - 2);
        tmp[n - 2] = '\0';
        /* A zone ("fe80::1%eth0") only makes sense for link-local. */
        char *pct = strchr(tmp, '%');
        if (pct)
            *pct = '\0';
        s = tmp;
    }
    if (s && inet_pton(AF_INET, s, a) == 1)
        return class4(a);
    if (s && inet_pton(AF_INET6, s, a) == 1)
        return class6(a);
    return "not an IP address";
}
