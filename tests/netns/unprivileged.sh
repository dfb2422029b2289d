#!/bin/bash
# Authorization from SCM_CREDENTIALS: any local user may read, only uid 0
# or the configured group (primary gid) may change rules.
. "$(dirname "$0")/lib.sh"
setup
command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
ip -n "$NS" link add a0 type veth peer name b0
# a group that exists on every Debian system and that nobody is in by default
GRP=games
GID=$(getent group "$GRP" | cut -d: -f3)
mcrd_start --group "$GRP"
check_rc "root adds" 0 nl rule add iif a0 group 239.1.1.1 oif b0

# setpriv inside the namespace: an unprivileged mcr-nl cannot enter one (-n)
as_nobody() { ns_exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_member() { ns_exec setpriv --reuid=65534 --regid="$GID" --clear-groups "$@"; }

check_rc "nobody dumps" 0 as_nobody "$MCRNL" -j rule show
check_eq "nobody sees the rule" 1 "$(echo "$OUT" | json 'len(j)')"
check_rc "nobody reads daemon" 0 as_nobody "$MCRNL" daemon show
check_rc "nobody cannot add" 2 as_nobody "$MCRNL" rule add iif a0 group 239.2.2.2 oif b0
check_match "refusal says why" "^Error: .*uid 0.*$GRP.*\.$" "$OUT"
check_rc "nobody cannot delete" 2 as_nobody "$MCRNL" rule del id 1
check_rc "nobody cannot flush" 2 as_nobody "$MCRNL" rule flush
check_eq "rule still there" 1 "$(nl -j rule show | json 'len(j)')"
check_rc "group member (primary gid) adds" 0 as_member "$MCRNL" rule add iif a0 group 239.2.2.2 oif b0
check_rc "supplementary group is not enough" 2 \
	ns_exec setpriv --reuid=65534 --regid=65534 --groups="$GID" "$MCRNL" rule add iif a0 group 239.3.3.3 oif b0
check_eq "two rules" 2 "$(nl -j rule show | json 'len(j)')"
check_eq "denied counted" 4 "$(nl -j stats show | json 'j["denied"]')"
finish
