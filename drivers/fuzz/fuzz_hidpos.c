/* libFuzzer: HID POS reports (reassembly over several reports). */
#include <stddef.h>
#include <stdint.h>

#include "drivers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hidscan_pos st;

	hidscan_pos_reset(&st);
	while (size > 1) {
		size_t n = (size_t)data[0] % 70;

		if (n > size - 1)
			n = size - 1;
		if (hidscan_pos_feed(&st, data + 1, n)) {
			if (st.len > HIDSCAN_MAX || st.code[st.len] != '\0')
				__builtin_trap();
			(void)hidscan_aim_sym(st.aim);
		}
		data += n + 1;
		size -= n + 1;
	}
	return 0;
}
