#!/bin/sh
# The Debian package that `make deb` built ($1): its files (dpkg-deb -c),
# its conffiles, the maintainer scripts debhelper wrote from our units,
# sysusers.d and tmpfiles.d files, lintian with no tag left (each
# override explained in debian/cishan.lintian-overrides and the README),
# and the packaged server, unpacked, making and verifying a demo store.
# Ends "N passed, N failed".
deb=${1:?usage: deb_test.sh DEB}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # what, command...
	what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}
work=$(mktemp -d "${TMPDIR:-/tmp}/cishan-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

check "$deb exists" test -f "$deb"
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' | sort >"$work/files"
for f in /usr/sbin/cishan-server /usr/bin/cishan-pos /usr/bin/cishan-usb \
    /etc/cishan/server.conf /etc/cishan/pos.conf \
    /lib/systemd/system/cishan-server.service \
    /lib/systemd/system/cishan-backup.service \
    /lib/systemd/system/cishan-backup.timer \
    /lib/udev/rules.d/70-cishan.rules \
    /usr/lib/sysusers.d/cishan.conf /usr/lib/tmpfiles.d/cishan.conf \
    /usr/share/man/man8/cishan-server.8.gz \
    /usr/share/man/man1/cishan-pos.1.gz /usr/share/man/man1/cishan-usb.1.gz \
    /usr/share/man/man5/cishan.conf.5.gz \
    /usr/share/doc/cishan/copyright /usr/share/doc/cishan/README.md.gz \
    /usr/share/metainfo/cishan.metainfo.xml; do
	check "the package holds $f" grep -qx "$f" "$work/files"
done
check "nothing under /usr/local, /var or /home" \
	test -z "$(grep -E '^/(usr/local|var|home)/' "$work/files")"

mkdir "$work/ctl"
dpkg-deb -e "$deb" "$work/ctl"
check "the conffiles are /etc/cishan's" test "$(sort "$work/ctl/conffiles")" \
	= "$(printf '/etc/cishan/pos.conf\n/etc/cishan/server.conf')"
check "postinst makes the user cishan" \
	grep -q 'systemd-sysusers .*cishan.conf' "$work/ctl/postinst"
check "postinst makes /var/lib/cishan and /var/backups/cishan" \
	grep -q 'systemd-tmpfiles .*--create cishan.conf' "$work/ctl/postinst"
check "postinst enables the service" \
	grep -q "enable 'cishan-server.service'" "$work/ctl/postinst"
check "postinst enables the backup timer" \
	grep -q "enable 'cishan-backup.timer'" "$work/ctl/postinst"
check "postinst starts the server and the timer, not a backup" grep -q \
	"deb-systemd-invoke \$_dh_action 'cishan-backup.timer' 'cishan-server.service'" \
	"$work/ctl/postinst"
check "postrm keeps the store on purge" \
	grep -q 'rmdir /var/lib/cishan /var/backups/cishan' "$work/ctl/postrm"
check "the version is debian/changelog's" test \
	"$(dpkg-deb -f "$deb" Version)" = \
	"$(dpkg-parsechangelog -l debian/changelog -S Version)"

# lintian, every tag: none may be left but those overridden.
lintian -I --pedantic "$deb" >"$work/lintian" 2>&1
tags=$(grep -E '^[EWIPX]: ' "$work/lintian")
check "lintian: $tags" test -z "$tags"

# The packaged programs run: a demo store, verified.
dpkg-deb -x "$deb" "$work/root"
srv=$work/root/usr/sbin/cishan-server
if "$srv" demo --db "$work/demo.db" >"$work/demo.log" 2>&1 &&
    "$srv" verify --db "$work/demo.db" >>"$work/demo.log" 2>&1; then
	ok
else
	bad "the packaged server: $(cat "$work/demo.log")"
fi
check "the packaged till answers --help" \
	"$work/root/usr/bin/cishan-pos" --help >/dev/null
echo "deb_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
