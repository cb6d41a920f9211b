/* libFuzzer: DLE EOT status answers, and text through the GBK encoder. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct escpos_status st;
	struct escpos *e;
	char *s;

	escpos_status_decode(data, size, &st);
	if (st.answered > 3 || (st.answered < 3 && st.state == ESCPOS_OK))
		__builtin_trap(); /* silence must never read as fine */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((e = escpos_new(NULL)) != NULL) {
		escpos_text(e, s);
		receipt_lr(e, s, "1");
	}
	escpos_free(e);
	free(s);
	return 0;
}
