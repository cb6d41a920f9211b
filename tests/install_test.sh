#!/bin/sh
# make install and make uninstall, the systemd units and the manual pages
# (README, "Installing"), on a fresh DESTDIR with PREFIX=/usr as the
# Debian package installs:
#  - the exact list of files installed, and the units naming them;
#  - the installed server, started from cishan-server.service's
#    ExecStart (its paths moved into DESTDIR) with the installed
#    configuration, answers /healthz, and stops with exit 0 on SIGTERM;
#  - cishan-backup.service's ExecStart makes a backup that verifies;
#  - systemd-analyze verify passes on the units, quietly; the services'
#    exposure (systemd-analyze security) is printed and at most 2.0;
#  - mandoc -T lint passes on the installed pages;
#  - a second install keeps a configuration the store changed; uninstall
#    removes every file but that one.
# B is the build directory (build, or build-san). Ends "N passed, N failed".
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # what, command...
	what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/cishan-install.XXXXXX")
D=$work/root T=$work/t
mkdir -p "$D" "$T"
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

if ! make --no-print-directory -s install B="$B" PREFIX=/usr DESTDIR="$D" \
    >"$work/install.log" 2>&1; then
	cat "$work/install.log"
	echo "0 passed, 1 failed"
	exit 1
fi
unitdir=$(make --no-print-directory -s show-install-dirs PREFIX=/usr |
	sed -n 's/.*SYSTEMDUNITDIR=\([^ ]*\).*/\1/p')
rulesdir=$(make --no-print-directory -s show-install-dirs PREFIX=/usr |
	sed -n 's/.*UDEVRULESDIR=\([^ ]*\).*/\1/p')

# Every file, and no other.
cat >"$work/want" <<LIST
/etc/cishan/pos.conf
/etc/cishan/server.conf
$unitdir/cishan-backup.service
$unitdir/cishan-backup.timer
$unitdir/cishan-server.service
$rulesdir/70-cishan.rules
/usr/bin/cishan-pos
/usr/bin/cishan-usb
/usr/lib/sysusers.d/cishan.conf
/usr/lib/tmpfiles.d/cishan.conf
/usr/sbin/cishan-server
/usr/share/doc/cishan/LICENSE.passwords
/usr/share/doc/cishan/README.md
/usr/share/metainfo/cishan.metainfo.xml
$(for f in docs/*.md; do [ "$f" = docs/HACKING.md ] || echo "/usr/share/doc/cishan/${f#docs/}"; done)
/usr/share/man/man1/cishan-pos.1
/usr/share/man/man1/cishan-usb.1
/usr/share/man/man5/cishan.conf.5
/usr/share/man/man8/cishan-server.8
LIST
sort -o "$work/want" "$work/want"
(cd "$D" && find . -type f -o -type l) | sed 's|^\.||' | sort >"$work/have"
check "installed files" diff "$work/want" "$work/have"
check "the server executable" test -x "$D/usr/sbin/cishan-server"
check "the configuration is the example" cmp etc/server.conf \
	"$D/etc/cishan/server.conf"

# A unit's ExecStart, its installed paths moved into DESTDIR.
execstart() {
	sed -n 's/^ExecStart=//p' "$D$unitdir/$1" | tr ' ' '\n' |
		sed -e "s|^/usr/|$D/usr/|" -e "s|^/etc/|$D/etc/|" | tr '\n' ' '
}
serve=$(execstart cishan-server.service)
backup=$(execstart cishan-backup.service)
check "serve's ExecStart" test "$serve" = \
	"$D/usr/sbin/cishan-server serve --config $D/etc/cishan/server.conf "
case $backup in
"$D/usr/sbin/cishan-server backup --config $D/etc/cishan/server.conf "*)
	ok ;;
*) bad "backup's ExecStart: $backup" ;;
esac

# The store, made as the README says, on the installed configuration;
# the database and port given on the command line (they win).
cfg="--config $D/etc/cishan/server.conf"
if CISHAN_ADMIN_PASSWORD=install-test-pw $D/usr/sbin/cishan-server init \
    $cfg --db "$T/cishan.db" --admin admin >"$work/init.log" 2>&1; then
	ok
else
	bad "init: $(cat "$work/init.log")"
fi
# shellcheck disable=SC2086 # the ExecStart line's words
$serve --db "$T/cishan.db" --listen 127.0.0.1:0 >"$work/serve.out" \
	2>"$work/serve.log" &
pid=$!
url=
i=0
while [ $i -lt 200 ] && kill -0 "$pid" 2>/dev/null; do
	url=$(sed -n 's/^listening on //p' "$work/serve.out")
	[ -n "$url" ] && break
	sleep 0.05
	i=$((i + 1))
done
if [ -n "$url" ]; then
	ok
	health=$(curl -s -w ' %{http_code}' "$url/healthz")
	check "/healthz: $health" test "$health" = \
		'{"status":"ok","db":"ok"} 200'
else
	bad "no listening line: $(cat "$work/serve.out" "$work/serve.log")"
fi
# The backup beside the running server, into a directory of the test.
into=$(echo "$backup" | sed 's/.*--into \([^ ]*\).*/\1/')
check "backup --into /var/backups/cishan" test "$into" = /var/backups/cishan
# shellcheck disable=SC2086
if $(echo "$backup" | sed "s|--into [^ ]*|--into $T/backups|") \
    --db "$T/cishan.db" >"$work/backup.log" 2>&1; then
	ok
else
	bad "backup: $(cat "$work/backup.log")"
fi
check "a backup was made" test -n "$(find "$T/backups" -name '*.db' 2>/dev/null)"
kill -TERM "$pid" 2>/dev/null
wait "$pid"
st=$?
pid=
check "serve exits 0 on SIGTERM (got $st)" test "$st" = 0

# The units, as systemd reads them: the same paths moved into DESTDIR
# (nothing is installed on this machine), the manual pages there too.
mkdir -p "$work/units"
for u in cishan-server.service cishan-backup.service cishan-backup.timer; do
	sed -e "s|=/usr/|=$D/usr/|" -e "s| /etc/| $D/etc/|g" "$D$unitdir/$u" \
		>"$work/units/$u"
done
if MANPATH=$D/usr/share/man systemd-analyze verify "$work/units/"* \
    >"$work/verify.log" 2>&1 && ! [ -s "$work/verify.log" ]; then
	ok
else
	bad "systemd-analyze verify: $(cat "$work/verify.log")"
fi
for u in cishan-server.service cishan-backup.service; do
	e=$(systemd-analyze security --offline=yes "$work/units/$u" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "systemd-analyze security $u: exposure $e"
	check "$u exposure $e at most 2.0" \
		awk -v e="$e" 'BEGIN { exit !(e != "" && e <= 2.0) }'
done
if mandoc -T lint -W warning "$D"/usr/share/man/man*/* >"$work/man.log" 2>&1
then ok; else bad "mandoc -T lint: $(cat "$work/man.log")"; fi

# The store's own configuration survives an install and an uninstall.
echo "listen = 127.0.0.1:8090" >>"$D/etc/cishan/server.conf"
make --no-print-directory -s install B="$B" PREFIX=/usr DESTDIR="$D" \
	>"$work/install2.log" 2>&1 || bad "second install"
check "a changed configuration is kept" grep -q '^listen = 127.0.0.1:8090' \
	"$D/etc/cishan/server.conf"
make --no-print-directory -s uninstall PREFIX=/usr DESTDIR="$D" \
	>"$work/uninstall.log" 2>&1 || bad "uninstall"
left=$(cd "$D" && find . -type f -o -type l)
check "uninstall left only the changed configuration: $left" \
	test "$left" = ./etc/cishan/server.conf
rm "$D/etc/cishan/server.conf"
make --no-print-directory -s uninstall PREFIX=/usr DESTDIR="$D" \
	>"$work/uninstall.log" 2>&1 || bad "uninstall again"
check "nothing of ours is left" test -z "$(cd "$D" && find . -type f -o -type l)"
check "our own directories are gone" test ! -e "$D/etc/cishan" -a \
	! -e "$D/usr/share/doc/cishan"

# The default PREFIX (/usr/local): the units name what is there.
L=$work/local
make --no-print-directory -s install B="$B" DESTDIR="$L" \
	>"$work/install3.log" 2>&1 || bad "install with PREFIX=/usr/local"
check "PREFIX=/usr/local: the service names its programs and configuration" \
	grep -qx 'ExecStart=/usr/local/sbin/cishan-server serve --config /usr/local/etc/cishan/server.conf' \
	"$L/usr/local/lib/systemd/system/cishan-server.service"
check "PREFIX=/usr/local: nothing outside it" \
	test "$(cd "$L" && find . -type f | grep -vc '^\./usr/local/')" = 0
make --no-print-directory -s uninstall DESTDIR="$L" >"$work/uninstall3.log" \
	2>&1 || bad "uninstall with PREFIX=/usr/local"
check "PREFIX=/usr/local: uninstall leaves nothing" \
	test -z "$(cd "$L" && find . -type f -o -type l)"

echo "install_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
