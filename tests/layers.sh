#!/bin/sh
# The layering rules of docs/HACKING.md, checked on the sources (run by
# `make check-layers`, and so by CI). Prints each breach; exits 1 if any.
cd "$(dirname "$0")/.." || exit 2
bad=0
breach() {
	echo "layers: $1"
	bad=1
}
# $1 what, $2 grep pattern, $3 files allowed (a grep -E of paths), $4.. files
only_in() {
	what=$1 pat=$2 allowed=$3
	shift 3
	for f in $(grep -l -E "$pat" "$@" 2>/dev/null); do
		echo "$f" | grep -q -E "$allowed" ||
			breach "$f: $what"
	done
}
srv=$(ls server/*.c server/*.h)
only_in "includes sqlite3.h (the db layer alone may)" \
	'#include <sqlite3.h>' '^server/db_int\.h$' $srv common/* bench/*.c
only_in "includes libevent (only the http layer and main.c may)" \
	'#include <event2/' '^server/(http[a-z_]*\.[ch]|main\.c)$' $srv
only_in "includes the db layer's private header" \
	'#include "db_int\.h"' '^server/db[a-z_]*\.c$' $srv bench/*.c
only_in "knows HTTP or JSON (the domain and db layers may not)" \
	'#include (<cJSON\.h>|"http\.h")|cJSON' \
	'^server/(http[a-z_]*\.[ch]|main\.c|json\.c|res_[a-z_]*\.c)$' $srv
only_in "calls libusb (only drivers/usb.c may)" \
	'libusb_[a-z_]+ *\(' '^drivers/usb\.c$' drivers/*.c pos/*.c
only_in "includes a program's header (common/ stands alone)" \
	'#include "(server|db|http|drivers|pos)\.h"' '^$' common/*
exit $bad
