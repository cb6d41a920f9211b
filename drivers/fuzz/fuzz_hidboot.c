/* libFuzzer: HID boot-keyboard reports, fed as a stream of reports. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hidscan_boot st;

	hidscan_boot_reset(&st);
	/* First byte picks the report length: 8, 9 or odd sizes. */
	while (size > 1) {
		size_t n = (size_t)(data[0] % 12) + 1;

		if (n > size - 1)
			n = size - 1;
		if (hidscan_boot_feed(&st, data + 1, n) &&
		    strlen(st.code) != st.len)
			__builtin_trap();
		data += n + 1;
		size -= n + 1;
	}
	return 0;
}
