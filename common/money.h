/* Money as people read it: fen (an int64) as ¥1,234.56. */
#ifndef CISHAN_MONEY_H
#define CISHAN_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* "-¥92,233,720,368,547,758.08" and its NUL */
#define MONEY_LEN 32

size_t money_format(int64_t, char *, size_t);

#endif
