#!/bin/sh
# Installs the Debian packages mcr needs to build and test, when missing.
# Quiet and quick when everything is there; needs root (apt-get) otherwise.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev
libmnl-dev libnl-3-dev libnl-genl-3-dev liburing-dev libcmocka-dev
python3 python3-yaml iproute2 util-linux procps psmisc tcpdump socat
gnuplot-nox smcroute"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root, or install them with apt-get" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || apt-get update
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
