/* examples/parse.c — libowabi in a program of your own: prints the record of
 * the notice file named on the command line.
 *
 *     cc examples/parse.c $(pkg-config --cflags --libs owabi) -o parse
 *     ./parse notice.html
 */
#include <owabi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }

    /* The library does no I/O: read the bytes yourself (here at most
     * OWABI_MAX_INPUT; a bigger file is refused by owabi_parse anyway). */
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);

    /* One engine for the whole program: compiling the rules is the costly
     * part.  It may be shared by threads. */
    owabi_engine *eng;
    owabi_error err;
    if (owabi_engine_new(NULL, &eng, &err) != OWABI_OK) {
        fprintf(stderr, "owabi: %s\n", err.message);
        return 1;
    }

    /* Say what you know of where the bytes came from; here, a file name.
     * For a fetched page give url and the Content-Type header too. */
    owabi_source src = {.path = argv[1]};
    char *json;
    int rc = owabi_parse(eng, buf, n, &src, OWABI_JSON_INDENT, &json, NULL, &err);
    if (rc == OWABI_OK) {
        puts(json);
        owabi_free(json);
    } else {
        /* err.code is one of the OWABI_ codes, err.message says why */
        fprintf(stderr, "%s: %s (%s)\n", argv[1], err.message, owabi_errname(err.code));
    }
    owabi_engine_free(eng);
    return rc == OWABI_OK ? 0 : 1;
}
