# bench/shield.sh, sourced by bench/run.sh while the real server runs:
# issue 11's figures. Barcode look-ups over https beside plain http, both
# through curl (one keep-alive connection a client: the load generator
# speaks no TLS), against a second server on a backup of the store with a
# self-signed certificate; and the cost of a throttled log-in
# (refused unread, 429) beside /healthz on the same server.

# bench_curl URL CLIENTS N CACERT: N barcode look-ups as the admin through
# curl with CLIENTS connections; prints the requests a second.
bench_curl() {
	_cfg="$work/curl.cfg"
	awk -v u="$1" -v n="$3" '{ p[NR] = $1 } END {
		for (i = 0; i < n; i++) {
			printf "url = \"%s%s\"\noutput = \"/dev/null\"\n",
			    u, p[i % NR + 1]
		} }' "$work/barcodes.req" >"$_cfg"
	_t0=$(date +%s.%N)
	curl -s -S --no-progress-meter --fail-early -Z --parallel-max "$2" --cacert "$4" \
		-H "Authorization: Bearer $(cat "$work/token")" \
		--config "$_cfg" 2>>"$work/load.err" || status=1
	_t1=$(date +%s.%N)
	awk -v n="$3" -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.0f", n / (b - a) }'
}

echo
# One server a database (PATH.lock): the https server serves an online
# backup of the store, with its key beside it; same data, same token.
if command -v curl >/dev/null 2>&1 &&
	"$SERVER" backup --db "$work/store.db" --to "$work/tls.db" \
		>"$work/tls.init" 2>&1 &&
	cp "$work/store.db.key" "$work/tls.db.key" &&
	"$SERVER" init --db "$work/tls.db" --self-signed \
		>>"$work/tls.init" 2>&1; then
	bench_start tls "$SERVER" serve --db "$work/tls.db" \
		--listen 127.0.0.1:0 --max-per-address 1000 \
		--card-lookups 1000000000 \
		--tls-cert "$work/tls.db.tls.crt" \
		--tls-key "$work/tls.db.tls.key"
	printf '%-22s %7s %9s %9s %6s\n' "over curl" clients "http/s" \
		"https/s" ratio
	for n in 1 16; do
		_reqs=$((n * 300))
		_h=$(bench_curl "$real_url" "$n" "$_reqs" "$work/tls.db.tls.crt")
		_s=$(bench_curl "$tls_url" "$n" "$_reqs" "$work/tls.db.tls.crt")
		awk -v h="$_h" -v s="$_s" -v n="$n" 'BEGIN {
			printf "%-22s %7d %9.0f %9.0f %6.2f\n",
			    "barcode look-up", n, h, s, (h > 0 ? s / h : 0) }'
	done
	echo "(ratio: https req/s over plain http req/s, both through curl" \
		"with keep-alive; TLS 1.3, the store's self-signed P-256" \
		"certificate)"
	bench_stop tls
else
	echo "barcode look-up over https: no curl, or no certificate; skipped"
fi

# A throttled log-in: 3 wrong passwords for one name from here, then every
# attempt is refused before its password is looked at.
printf '/api/v1/sessions\t{"username":"bench-nobody","password":"wrong-wrong-1"}\n' \
	>"$work/throttle.req"
"$LOAD" --url "$real_url" --label warm --requests 3 --expect 401 \
	--requests-file "$work/throttle.req" >/dev/null 2>>"$work/load.err" ||
	status=1
echo
bench_header "/healthz"
for n in 1 16; do
	base_cmd="$LOAD --url $real_url --label healthz --clients $n \
		--duration $SECS --warmup 0.2 --path /healthz"
	bench_row "throttled log-in" $n - --requests-file "$work/throttle.req" \
		--expect 429
done
unset base_cmd
echo "(a log-in refused by the throttle (429, no password check) beside" \
	"GET /healthz on the same server; ratio: its req/s over /healthz's)"
