#!/bin/sh
# bench/lib.sh: what the bench scripts (run.sh, console.sh) share, sourced
# after they set LOAD (the load tool), SECS, ROUNDS, work (their work
# directory), pids= and status=0. bench_row measures against $bare_url
# and $real_url, with $work/token as the token (if there is one) unless a
# later --token-file overrides it.
bench_cleanup() {
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in $pids; do
		wait "$p" 2>/dev/null || true
	done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: work directory kept: $work"
	else
		rm -rf "$work"
	fi
}

bench_die() {
	echo "bench: $*" >&2
	exit 1
}

# bench_start NAME CMD...: runs CMD in the background (stdout in
# $work/NAME.out, stderr in $work/NAME.log) until it prints "listening on
# http://..."; sets NAME_pid and NAME_url.
bench_start() {
	_name=$1
	shift
	"$@" >"$work/$_name.out" 2>"$work/$_name.log" &
	_pid=$!
	pids="$pids $_pid"
	eval "${_name}_pid=$_pid"
	_i=0
	while :; do
		_url=$(sed -n 's/^listening on \(https*:[^ ]*\).*/\1/p' \
			"$work/$_name.out")
		[ -n "$_url" ] && break
		if ! kill -0 "$_pid" 2>/dev/null; then
			tail -n 20 "$work/$_name.log" >&2
			bench_die "$_name exited before listening"
		fi
		_i=$((_i + 1))
		[ $_i -lt 1200 ] || bench_die "$_name did not start in 60 s"
		sleep 0.05
	done
	eval "${_name}_url=$_url"
}

# bench_stop NAME: SIGTERM, then waits for it.
bench_stop() {
	eval "_pid=\$${1}_pid"
	kill -TERM "$_pid" 2>/dev/null || true
	wait "$_pid" 2>/dev/null || true
	_rest=
	for p in $pids; do
		[ "$p" = "$_pid" ] || _rest="$_rest $p"
	done
	pids=$_rest
}

# bench_val LINE KEY: the value of KEY=... in a `load` output line.
bench_val() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# bench_header [BASE-LABEL]: the table's head; the baseline column is the
# bare handler's req/s unless named.
bench_header() {
	printf '%-22s %7s %9s %8s %8s %10s %6s  %s\n' scenario clients \
		req/s "p50 ms" "p99 ms" "${1:-bare req/s}" ratio target
}

# bench_target TARGET RATIO P50 P99: "ratio" (>= 0.60 of the baseline),
# "ratio:R" (>= R), "p50:MS" (p50 at most MS), "p99:MS", several joined
# with commas, or "-"; prints each with met or MISSED.
bench_target() {
	printf '%s\n' "$1" | tr ',' '\n' | awk -v r="$2" -v p50="$3" \
		-v p99="$4" '
	function say(ok) { return ok ? "met" : "MISSED" }
	{ k = $0; sub(/:.*/, "", k); v = $0; sub(/^[^:]*:?/, "", v) }
	k == "ratio" { if (v == "") v = "0.60"
		out = out sep sprintf("ratio>=%s %s", v, say(r + 0 >= v + 0)) }
	k == "p50" { out = out sep sprintf("p50<=%sms %s", v, say(p50 + 0 <= v + 0)) }
	k == "p99" { out = out sep sprintf("p99<=%sms %s", v, say(p99 + 0 <= v + 0)) }
	k != "ratio" && k != "p50" && k != "p99" { out = out sep $0 }
	{ sep = ", " }
	END { print out }'
}

# bench_print SCENARIO CLIENTS LINE BASE_RPS TARGET: one table row
# (TARGET as bench_target's).
bench_print() {
	_rps=$(bench_val "$3" rps)
	_p50=$(bench_val "$3" p50_ms)
	_p99=$(bench_val "$3" p99_ms)
	_err=$(bench_val "$3" errors)
	_ratio=$(awk -v a="$_rps" -v b="$4" \
		'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	_t=$(bench_target "$5" "$_ratio" "$_p50" "$_p99")
	if [ "${_err:-0}" != 0 ]; then
		_t="$_t ERRORS=$_err"
		status=1
	fi
	printf '%-22s %7s %9.0f %8.3f %8.3f %10.0f %6s  %s\n' "$1" "$2" \
		"$_rps" "$_p50" "$_p99" "$4" "$_ratio" "$_t"
}

# bench_load URL LABEL CLIENTS LOAD-ARGS...: one measured `load` run.
bench_load() {
	_u=$1 _l=$2 _c=$3
	shift 3
	# No $work/token: no Authorization header (public files, as a
	# browser asks for them), unless LOAD-ARGS give one.
	if [ -f "$work/token" ]; then
		set -- --token-file "$work/token" "$@"
	fi
	"$LOAD" --url "$_u" --label "$_l" --clients "$_c" --duration "$SECS" \
		--warmup 0.2 "$@" 2>>"$work/load.err" || true
}

# bench_median FILE: of the `load` lines in FILE, the one of median req/s;
# its errors= is the sum over all lines.
bench_median() {
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) r = substr($i, 5)
		for (i = 1; i <= NF; i++) if ($i ~ /^errors=/) e += substr($i, 8)
		print r "\t" $0 }
		END { print "errors\t" e }' "$1" | sort -n |
		awk -F '\t' '$1 == "errors" { e = $2; next }
		{ l[++n] = $2 }
		END { m = l[int((n + 1) / 2)]; sub(/errors=[0-9]*/, "errors=" e, m)
		print m }'
}

# bench_row SCENARIO CLIENTS TARGET LOAD-ARGS...: BENCH_ROUNDS rounds of
# the bare handler then the real server, with the very same requests; the
# row shows the round of median req/s of each (noise on a shared machine
# moves single runs by a third). With $base_cmd set, each baseline round
# runs that command instead (it prints a `load` line).
bench_row() {
	_s=$1 _n=$2 _tg=$3
	shift 3
	: >"$work/round.bare"
	: >"$work/round.real"
	_r=0
	while [ $_r -lt "$ROUNDS" ]; do
		if [ -n "${base_cmd:-}" ]; then
			# shellcheck disable=SC2086 # a command line
			$base_cmd >>"$work/round.bare" 2>>"$work/load.err" ||
				true
		else
			bench_load "$bare_url" bare "$_n" "$@" \
				>>"$work/round.bare"
		fi
		bench_load "$real_url" "$_s" "$_n" "$@" >>"$work/round.real"
		_r=$((_r + 1))
	done
	cat "$work/round.bare" "$work/round.real" >>"$work/figures"
	_bare=$(bench_median "$work/round.bare")
	_real=$(bench_median "$work/round.real")
	if [ -z "$_real" ] || [ -z "$_bare" ]; then
		echo "$_s: no figures (see $work/load.err)"
		status=1
		return 0
	fi
	bench_print "$_s" "$_n" "$_real" "$(bench_val "$_bare" rps)" "$_tg"
}
