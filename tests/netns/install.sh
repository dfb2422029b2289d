#!/bin/bash
# make install: into a DESTDIR, every file where it belongs with its mode,
# the unit's ExecStart naming the installed mcrd; the installed mcrd runs.
# With systemd-analyze, "verify" accepts the unit as installed under a
# PREFIX in the test's directory (verify looks up ExecStart= on the real
# file system, so a DESTDIR copy cannot be verified in place). Nothing is
# written outside the test's directory. No namespace: make and files only.
. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
trap 'exit 1' INT TERM
command -v make >/dev/null || skip "needs make"

DEST=$WORK/dest
PREFIX=/usr/local
# a build directory of our own: "make install" regenerates the unit, and the
# tree's build/ may be in use by the other tests
B=$WORK/build
check_rc "make install DESTDIR" 0 make -C "$TOP" -s BUILD="$B" DESTDIR="$DEST" install

# mode_of PATH: the octal mode, or "missing".
mode_of() { stat -c %a "$1" 2>/dev/null || echo missing; }

check_eq "mcrd in sbin, 755" 755 "$(mode_of "$DEST$PREFIX/sbin/mcrd")"
for f in mcr-nl mcr-gen mcr-sink; do
	check_eq "$f in bin, 755" 755 "$(mode_of "$DEST$PREFIX/bin/$f")"
done
for f in share/man/man8/mcrd.8 share/man/man8/mcr-nl.8 include/mcr/mcr_genl.h \
	share/doc/mcr/mcr.yaml share/doc/mcr/protocol.md share/doc/mcr/examples/mcrd.conf \
	share/doc/mcr/examples/libnl-client.c lib/systemd/system/mcrd.service; do
	check_eq "$f, 644" 644 "$(mode_of "$DEST$PREFIX/$f")"
done
check_eq "the example config is the one in docs" "" \
	"$(cmp "$TOP/docs/examples/mcrd.conf" "$DEST$PREFIX/share/doc/mcr/examples/mcrd.conf" 2>&1)"
check_eq "nothing outside PREFIX" "" "$(find "$DEST" ! -type d | grep -v "^$DEST$PREFIX/")"

UNIT=$DEST$PREFIX/lib/systemd/system/mcrd.service
EXEC=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
check_eq "ExecStart is the installed mcrd" "$PREFIX/sbin/mcrd" "$EXEC"
check_eq "the file ExecStart names is executable in DESTDIR" true \
	"$([ -x "$DEST$EXEC" ] && echo true)"
check_match "the unit uses the configured file" "^ExecStart=$PREFIX/sbin/mcrd --config /etc/mcr/mcrd.conf" \
	"$(grep '^ExecStart=' "$UNIT")"
check_eq "no placeholder left" 0 "$(grep -c '@[A-Z]*@' "$UNIT")"
for want in "Type=notify" 'ExecReload=/bin/kill -HUP $MAINPID' \
	"CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW" "NoNewPrivileges=yes" \
	"RestrictAddressFamilies=AF_NETLINK AF_PACKET AF_INET AF_UNIX" "ProtectSystem=strict"; do
	check_eq "unit: $want" 1 "$(grep -cxF "$want" "$UNIT")"
done
check_match "the installed mcrd runs" "^mcrd [0-9]" "$("$DEST$EXEC" --version)"
check_rc "the installed mcrd checks the example config" 0 \
	"$DEST$EXEC" -n -c "$DEST$PREFIX/share/doc/mcr/examples/mcrd.conf"

# SYSTEMDUNITDIR moves the unit
check_rc "make install SYSTEMDUNITDIR" 0 make -C "$TOP" -s BUILD="$B" DESTDIR="$WORK/d2" \
	SYSTEMDUNITDIR=/etc/systemd/system install
check_eq "unit in SYSTEMDUNITDIR" 644 "$(mode_of "$WORK/d2/etc/systemd/system/mcrd.service")"

if command -v systemd-analyze >/dev/null; then
	P=$WORK/prefix
	check_rc "make install PREFIX (for verify)" 0 make -C "$TOP" -s BUILD="$B" PREFIX="$P" install
	check_rc "systemd-analyze verify" 0 systemd-analyze verify --man=no "$P/lib/systemd/system/mcrd.service"
else
	say "note: no systemd-analyze here, the unit's syntax is not verified"
fi
finish
