#!/bin/bash
# Configuration at start and SIGHUP reload: unchanged rules keep ids and
# counters, changed ones are replaced in place, removed ones go, and a
# broken file changes nothing and names its line.
. "$(dirname "$0")/lib.sh"
setup
CONF=$WORK/mcrd.conf
cat >"$CONF" <<'CONF'
# three rules
rule add iif a0 group 239.1.1.1 port 5001 oif b0 group 239.9.9.9 port 5099
rule add iif a0 group 239.1.1.2 oif b0
r a iif a0 group 239.1.1.3 oif b0 ttl 4
CONF
check_rc "dry run ok" 0 "$MCRD" -n -c "$CONF"
check_match "dry run says" '3 rules' "$OUT"
mcrd_start -c "$CONF"
check_eq "loaded" '[[1, "239.1.1.1"], [2, "239.1.1.2"], [3, "239.1.1.3"]]' \
	"$(nl -j rule show | json '[[r["id"], r["group"]] for r in j]')"
check_eq "daemon knows its config" "$CONF" "$(nl -j daemon show | json 'j["config"]')"

# the file is the truth: a rule added at run time goes away on reload
check_rc "runtime rule" 0 nl rule add iif a0 group 239.1.1.9 oif b0
cat >"$CONF" <<'CONF'
rule add iif a0 group 239.1.1.1 port 5001 oif b0 group 239.9.9.9 port 5099
rule add iif a0 group 239.1.1.3 oif b0 ttl 5
rule add iif a0 group 239.1.1.4 oif b0
CONF
kill -HUP "$MCRD_PID"
for _ in $(seq 50); do
	[ "$(nl -j stats show | json 'j["reloads"]')" = 1 ] && break
	sleep 0.1
done
check_eq "reload counted" 1 "$(nl -j stats show | json 'j["reloads"]')"
check_eq "after reload" '[[1, "239.1.1.1", null], [3, "239.1.1.3", 5], [5, "239.1.1.4", null]]' \
	"$(nl -j rule show | json '[[r["id"], r["group"], r["outputs"][0]["ttl"]] for r in j]')"

# a broken file: nothing changes, the log names file and line
cp "$CONF" "$WORK/good.conf"
printf 'rule add iif a0 group 239.1.1.5 oif b0\nrule add iif a0 group 239.1.1.6 port 0 oif b0\n' >>"$CONF"
check_rc "dry run refuses" 1 "$MCRD" -n -c "$CONF"
check_match "dry run names the line" "mcrd.conf:5" "$OUT"
BEFORE=$(nl -j rule show)
kill -HUP "$MCRD_PID"
for _ in $(seq 50); do
	[ "$(nl -j stats show | json 'j["reload_errors"]')" = 1 ] && break
	sleep 0.1
done
check_eq "reload error counted" 1 "$(nl -j stats show | json 'j["reload_errors"]')"
check_eq "rules unchanged" "$BEFORE" "$(nl -j rule show)"
check_match "log names file and line" 'mcrd.conf:5' "$(cat "$WORK/mcrd.log")"
check_rc "still answering" 0 nl daemon show

# a config error at start is fatal and says where
check_rc "start with a broken config" 1 ip netns exec "$NS" "$MCRD" -c "$CONF" --port 0x5fe00000
check_match "start error names the line" "mcrd.conf:5" "$OUT"
finish
