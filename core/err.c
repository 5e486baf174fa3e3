#include "err.h"

#include <stdarg.h>
#include <stdio.h>

const char *ow_strerror(ow_err e)
{
    switch (e) {
#define OW_ERR_MSG(name, num, msg) case OW_##name: return msg;
        OW_ERR_TABLE(OW_ERR_MSG)
#undef OW_ERR_MSG
    }
    return "unknown error";
}

const char *ow_errname(ow_err e)
{
    switch (e) {
#define OW_ERR_NAME(name, num, msg) case OW_##name: return #name;
        OW_ERR_TABLE(OW_ERR_NAME)
#undef OW_ERR_NAME
    }
    return "UNKNOWN";
}

static void fill(struct ow_diag *d, ow_err e, enum ow_foreign kind, int code, const char *fmt,
                 va_list ap)
{
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    d->code = e;
    d->foreign = kind;
    d->foreign_code = code;
}

ow_err ow_diagf(struct ow_diag *d, ow_err e, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        fill(d, e, OW_FOREIGN_NONE, 0, fmt, ap);
        va_end(ap);
    }
    return e;
}

ow_err ow_diagf_foreign(struct ow_diag *d, ow_err e, enum ow_foreign kind, int code,
                        const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        fill(d, e, kind, code, fmt, ap);
        va_end(ap);
    }
    return e;
}
