/* libFuzzer: IEEE 1284 device ids (GET_DEVICE_ID answers) and the
 * profile guessed from them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_devid_check(const struct devid *d, int ret)
{
	const char *const f[] = {d->mfg, d->mdl, d->cmd, d->des};
	const char *p;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		size_t n = strnlen(f[i], sizeof(d->mfg));

		/* NUL-terminated inside the field, printable, trimmed. */
		if (n >= sizeof(d->mfg))
			__builtin_trap();
		for (size_t j = 0; j < n; j++)
			if (f[i][j] < 0x20 || f[i][j] > 0x7e)
				__builtin_trap();
		if (n > 0 && (f[i][0] == ' ' || f[i][n - 1] == ' '))
			__builtin_trap();
		if (ret != 0 && n != 0)
			__builtin_trap(); /* an error leaves it empty */
	}
	if (ret == 0 && d->mfg[0] == '\0' && d->mdl[0] == '\0')
		__builtin_trap();
	p = devid_profile(d);
	if (p != NULL && (ret != 0 || devices_profile(p) == NULL))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct devid d;

	fuzz_devid_check(&d, devid_parse(data, size, &d));
	fuzz_devid_check(&d, devid_parse_str((const char *)data, size, &d));
	return 0;
}
