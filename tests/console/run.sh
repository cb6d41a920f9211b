#!/bin/sh
# tests/console/run.sh PYTHON [MODULE...]: the console's browser tests
# (those modules, or all of them: test_*.py), one module a
# process (its own server and browser, as ConsoleCase sets up), JOBS at a
# time (CONSOLE_JOBS, default the number of cores): a browser test mostly
# waits on a page, so two modules share a core well. Each module's output
# is printed whole once it ends; the status is 1 if any module failed,
# skipped a test or ran none.
set -u

py=${1:-/usr/bin/python3}
[ $# -gt 0 ] && shift
jobs=${CONSOLE_JOBS:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/cishan-console.XXXXXX")
trap 'rm -rf "$out"' EXIT
# The paths the harness is given must not depend on the module's cwd.
for v in CISHAN_SERVER ITEST_TMPDIR ITEST_ARTIFACTS; do
	eval "p=\${$v:-}"
	case $p in
	'' | /*) ;;
	*) eval "$v=\$(pwd)/\$p; export $v" ;;
	esac
done

if [ $# -gt 0 ]; then
	for m in "$@"; do
		[ -f "$here/$m.py" ] || { echo "no module $here/$m.py" >&2; exit 1; }
		echo "$m"
	done >"$out/modules"
else
	ls "$here"/test_*.py | sed 's|.*/||; s|\.py$||' >"$out/modules"
fi
[ -s "$out/modules" ] || { echo "no console tests in $here" >&2; exit 1; }
# shellcheck disable=SC2016 # expanded by the inner shell
xargs -P "$jobs" -I{} sh -c '
	cd "$1" && "$2" -m unittest -v "{}" >"$3/{}.log" 2>&1
	echo $? >"$3/{}.rc"
	cat "$3/{}.log"' sh "$here" "$py" "$out" <"$out/modules"

fail=0 ran=0
while read -r m; do
	rc=$(cat "$out/$m.rc" 2>/dev/null || echo 1)
	n=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$out/$m.log")
	# A skipped test is not a passed one.
	if grep -q 'skipped=' "$out/$m.log"; then
		echo "console: $m skipped tests" >&2
		rc=skipped
	fi
	if [ "$rc" != 0 ] || [ "${n:-0}" -eq 0 ]; then
		echo "console: $m FAILED (status $rc, ${n:-0} tests)" >&2
		fail=1
	fi
	ran=$((ran + ${n:-0}))
done <"$out/modules"
echo "console: $ran tests in $(wc -l <"$out/modules") modules," \
	"$([ $fail = 0 ] && echo all passed || echo some FAILED)"
exit $fail
