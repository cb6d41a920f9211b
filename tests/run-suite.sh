#!/bin/sh
# tests/run-suite.sh NAME DIR CMD...: one test suite, as `make test` runs
# TEST_JOBS of them at once (make -j, each a target of its own): CMD in
# ITEST_TMPDIR=DIR, emptied first; its output is held and printed whole
# once it ends, under "== NAME: ok, 12.3 s" (or FAILED and its status), so
# suites run at once never interleave. The status is CMD's. With
# TEST_SUMMARY set, "NAME STATUS SECONDS" is added to that file.
#
# tests/run-suite.sh -s FILE START: the summary of a run from such a file
# (START: its date +%s): how many suites passed, which failed, how long.
set -u

if [ "${1:-}" = -s ] && [ $# = 3 ]; then
	[ -f "$2" ] || exit 0
	awk -v secs=$(($(date +%s) - $3)) '
		{ n++; if ($2 != 0) { bad++; names = names " " $1 } }
		END { if (bad) printf "suites: %d of %d FAILED:%s (%d s)\n", bad, n, names, secs
		      else printf "suites: %d passed (%d s)\n", n, secs }' "$2"
	exit 0
fi
[ $# -ge 3 ] || { echo "usage: $0 NAME DIR CMD..." >&2; exit 2; }
name=$1 dir=$2
shift 2
rm -rf "$dir" && mkdir -p "$dir" || exit 1
# A suite's own directory must not depend on where it runs.
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
log="$dir.log"
t0=$(date +%s.%N)
ITEST_TMPDIR=$dir "$@" >"$log" 2>&1
rc=$?
secs=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
if [ $rc = 0 ]; then
	echo "== $name: ok, $secs s"
else
	echo "== $name: FAILED (status $rc), $secs s"
fi
cat "$log"
[ -z "${TEST_SUMMARY:-}" ] || echo "$name $rc $secs" >>"$TEST_SUMMARY"
[ $rc != 0 ] || rm -f "$log"
exit $rc
