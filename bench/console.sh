#!/bin/sh
# bench/console.sh: `make bench-console`, the manager's console (issue 10),
# every figure beside the bare evhttp handler in the same run (same
# requests, same clients, alternating rounds; see lib.sh):
#
#   the log-in page: the files a browser fetches to show it, found by
#   following the imports from console/index.html (its <script src> and
#   <link href>, the modules' static imports, the stylesheets' @import and
#   url()), their total bytes, and all of them fetched in turn at 1 and 16
#   clients, no token (as the browser asks);
#
#   a page's API calls: each GET path of $BENCH_CONSOLE_PATHS (default
#   bench/console-today.paths, the Today page's) at 16 clients as the demo
#   store's manager, then all of them in turn; target >= 0.50 of bare.
#
# Environment: B (build dir), BENCH_SECONDS, BENCH_ROUNDS, BENCH_KEEP=1 as
# run.sh; BENCH_CONSOLE_PATHS; BENCH_CONSOLE_DIR (default console).
set -eu

B=${B:-build}
SECS=${BENCH_SECONDS:-1}
ROUNDS=${BENCH_ROUNDS:-3}
SERVER=$B/cishan-server
LOAD=$B/bench/load
BARE=$B/bench/bare
CONSOLE=${BENCH_CONSOLE_DIR:-console}
PATHS=${BENCH_CONSOLE_PATHS:-bench/console-today.paths}

work=$(mktemp -d "${TMPDIR:-/tmp}/cishan-bench-console.XXXXXX")
# shellcheck disable=SC2034 # lib.sh's: what bench_start started
pids=
status=0

# The shared helpers: bench_start, bench_stop, bench_row, bench_print...
. "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# console_refs FILE: the files FILE loads, as it writes them, one a line:
# static imports only (a page's module is imported once logged in).
console_refs() {
	case $1 in
	*.html)
		grep -o -E '<(script|link)[^>]*(src|href)="[^"]*"' "$1" |
			sed 's/.*\(src\|href\)="\([^"]*\)"$/\2/'
		;;
	*.js)
		grep -o -E "(from|import)[[:space:]]*['\"][^'\"]+['\"]" "$1" |
			sed "s/^[a-z]*[[:space:]]*['\"]\\([^'\"]*\\)['\"]\$/\\1/"
		;;
	*.css)
		grep -o -E "(@import|url\\()[[:space:]]*['\"]?[^'\")[:space:];]+" \
			"$1" | sed -E "s/^(@import|url\\()[[:space:]]*['\"]?//"
		;;
	esac | grep -v -E '^(data:|[a-z]+://|//|#)' || true
}

# console_resolve FROM REF: REF (relative to the file FROM, both relative
# to the console's directory) as a path relative to that directory.
console_resolve() {
	case $2 in
	/console/*) printf '%s\n' "${2#/console/}" ;;
	*)
		_d=$(dirname "$1")
		[ "$_d" = . ] && _d= || _d="$_d/"
		printf '%s%s\n' "$_d" "$2" | awk -F/ '{
			n = 0
			for (i = 1; i <= NF; i++) {
				if ($i == "." || $i == "") continue
				if ($i == "..") { if (n > 0) n--; continue }
				p[++n] = $i
			}
			s = p[1]
			for (i = 2; i <= n; i++) s = s "/" p[i]
			print s }'
		;;
	esac
}

# console_graph: the files the log-in page loads, index.html first.
console_graph() {
	: >"$work/graph"
	echo index.html >"$work/queue"
	while [ -s "$work/queue" ]; do
		_f=$(head -n 1 "$work/queue")
		sed -i 1d "$work/queue"
		grep -q -x -F "$_f" "$work/graph" && continue
		[ -f "$CONSOLE/$_f" ] ||
			bench_die "$CONSOLE/$_f: loaded by the log-in page, missing"
		echo "$_f" >>"$work/graph"
		for _r in $(console_refs "$CONSOLE/$_f"); do
			console_resolve "$_f" "$_r" >>"$work/queue"
		done
	done
}

for t in "$SERVER" "$LOAD" "$BARE"; do
	[ -x "$t" ] || bench_die "no $t: run make first"
done
[ -f "$CONSOLE/index.html" ] || bench_die "no $CONSOLE/index.html"

echo "cishan bench, the console: $(date '+%Y-%m-%d %H:%M %z'), $(nproc)" \
	"cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "each figure: median of $ROUNDS rounds of $SECS s, bare and real" \
	"alternating"
"$SERVER" demo --db "$work/demo.db" >"$work/demo.log" 2>&1 </dev/null ||
	{ cat "$work/demo.log" >&2; bench_die "demo failed"; }
bench_start bare "$BARE" --listen 127.0.0.1:0
bench_start real "$SERVER" serve --db "$work/demo.db" --listen 127.0.0.1:0

# --- the log-in page: its files, no token ---
console_graph
bytes=0
while read -r f; do
	[ "$f" = index.html ] && p=/console/ || p=/console/$f
	echo "$p" >>"$work/page.req"
	bytes=$((bytes + $(wc -c <"$CONSOLE/$f")))
done <"$work/graph"
nfiles=$(wc -l <"$work/page.req")
echo
echo "log-in page: $nfiles files, $bytes bytes:" \
	"$(tr '\n' ' ' <"$work/graph")"
echo
bench_header
for n in 1 16; do
	t=-
	[ $n = 16 ] && t=ratio:0.50
	bench_row "log-in page files" $n $t --requests-file "$work/page.req"
	eval "real$n=\$(bench_val \"\$(bench_median \"\$work/round.real\")\" rps)"
	eval "bare$n=\$(bench_val \"\$(bench_median \"\$work/round.bare\")\" rps)"
done
# shellcheck disable=SC2154 # real1, bare1... set by the eval above
awk -v n="$nfiles" -v r1="$real1" -v b1="$bare1" -v r16="$real16" \
	-v b16="$bare16" 'BEGIN {
	printf "(the whole page fetched in turn: %.2f ms from 1 client,", \
		n * 1000 / r1
	printf " bare %.2f ms; %.0f pages/s from 16, bare %.0f; bare answers", \
		n * 1000 / b1, r16 / n, b16 / n
	print " {\"status\":\"ok\"} to each)" }'

# --- a page's API calls, as the manager ---
# shellcheck disable=SC2154 # real_url: set by bench_start
"$LOAD" --url "$real_url" --label login --requests 1 \
	--path /api/v1/sessions --method POST --expect 201 \
	--body '{"username":"manager","password":"manager-demo"}' \
	--show-answer >"$work/login.out" 2>>"$work/load.err" ||
	bench_die "the manager's log-in failed"
sed -n 's/^answer: .*"token":"\([0-9a-f]*\)".*/\1/p' "$work/login.out" \
	>"$work/token"
[ -s "$work/token" ] || bench_die "no token in $work/login.out"
# {today} and {month}: the store's (the demo store keeps Asia/Shanghai).
today=$(TZ=Asia/Shanghai date +%F)
grep -v -E '^[[:space:]]*(#|$)' "$PATHS" |
	sed -e "s/{today}/$today/g" -e "s/{month}/${today%-*}/g" \
	>"$work/api.req"
[ -s "$work/api.req" ] || bench_die "$PATHS: no paths"
echo
bench_header
sizes=
while read -r p; do
	bench_row "$p" 16 ratio:0.50 --path "$p"
	sizes="$sizes $(bench_val "$(bench_median "$work/round.real")" \
		resp_bytes)"
done <"$work/api.req"
if [ "$(wc -l <"$work/api.req")" -gt 1 ]; then
	bench_row "all in turn" 16 ratio:0.50 --requests-file "$work/api.req"
fi
echo "(GET as the demo store's manager, paths from $PATHS; replies of" \
	"$(echo "$sizes" | sed -e 's/^ //' -e 's/ / and /g') bytes in that order; bare answers" \
	"{\"status\":\"ok\"} to each)"

if [ -s "$work/load.err" ]; then
	echo "bench: load errors:" >&2
	head -n 5 "$work/load.err" >&2
fi
exit $status
