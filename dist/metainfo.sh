#!/bin/sh
# The AppStream metadata of the package: the USB devices the udev rules
# (drivers/udev/70-cishan.rules, $1) give to the till, as modaliases, so
# that software centres (and lintian) know which hardware cishan serves.
rules=${1:?usage: metainfo.sh RULES}
cat <<'HEAD'
<?xml version="1.0" encoding="UTF-8"?>
<!-- Made by dist/metainfo.sh from drivers/udev/70-cishan.rules. -->
<component type="generic">
  <id>cishan</id>
  <metadata_license>FSFAP</metadata_license>
  <name>cishan</name>
  <summary>Point of sale and inventory of a charity supermarket</summary>
  <provides>
HEAD
grep -v '^#' "$rules" | tr ',' '\n' |
	awk -F'"' '/ATTRS?\{idVendor\}/ { if (v != "") print v, "*"; v = toupper($2) }
	/ATTRS?\{idProduct\}/ { print v, toupper($2); v = "" }
	/^$|SUBSYSTEM/ { if (v != "") print v, "*"; v = "" }
	END { if (v != "") print v, "*" }' |
	sort -u | while read -r v p; do
		if [ "$p" = "*" ]; then
			echo "    <modalias>usb:v${v}p*</modalias>"
		else
			echo "    <modalias>usb:v${v}p${p}d*</modalias>"
		fi
	done
cat <<'TAIL'
  </provides>
</component>
TAIL
