#!/bin/bash
# 10,000 rules in one batch, then a full dump; prints the time of both and
# the daemon's RSS (figures for the closing note, not assertions). A batch
# with one bad line applies nothing.
. "$(dirname "$0")/lib.sh"
setup
ip -n "$NS" link add in0 type veth peer name out0
mcrd_start
RSS0=$(awk '/^VmRSS/ {print $2}' /proc/$MCRD_PID/status)

python3 - "$WORK/10k.batch" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("# 10,000 rules\n")
    for i in range(10000):
        f.write("rule add iif in0 group 239.%d.%d.%d port %d oif out0 group 239.200.%d.%d port %d\n"
                % (1 + i // 65536, (i // 256) % 256, i % 256, 1000 + i % 50000,
                   (i // 256) % 256, i % 256, 2000 + i % 60000))
PY
T0=$(date +%s.%N)
check_rc "batch of 10,000" 0 nl -b "$WORK/10k.batch"
T1=$(date +%s.%N)
nl -j rule show >"$WORK/dump.json"
T2=$(date +%s.%N)
check_eq "dump has 10,000 rules" 10000 "$(json 'len(j)' <"$WORK/dump.json")"
check_eq "ids are 1..10000" true "$(json '[r["id"] for r in j] == list(range(1, 10001))' <"$WORK/dump.json")"
check_eq "last rule intact" '["in0", "239.1.39.15", "239.200.39.15"]' \
	"$(json '[j[-1]["iif"], j[-1]["group"], j[-1]["outputs"][0]["group"]]' <"$WORK/dump.json")"
RSS1=$(awk '/^VmRSS/ {print $2}' /proc/$MCRD_PID/status)
# the mapped packet rings are sized by --rx-ring, not by the rules
RINGS=$(awk '/^[0-9a-f]+-[0-9a-f]+ / {ring = ($6 ~ /^socket:/)}
	/^Rss:/ && ring {kb += $2} END {print kb + 0}' /proc/$MCRD_PID/smaps)
check_eq "daemon counts 10,000" 10000 "$(nl -j daemon show | json 'j["rules"]')"
say "figures: add 10,000 rules in one batch: $(python3 -c "print(round($T1 - $T0, 3))") s;" \
	"dump 10,000: $(python3 -c "print(round($T2 - $T1, 3))") s;" \
	"mcrd RSS ${RSS0} kB empty, ${RSS1} kB with 10,000 rules, of which ${RINGS} kB packet rings"

# one bad line in the middle: nothing of the batch is applied
python3 - "$WORK/bad.batch" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(100):
        f.write("rule add iif in0 group 238.0.0.%d oif out0\n" % (i + 1))
    f.write("rule add iif in0 group 238.0.1.1 port 99999 oif out0\n")
PY
check_rc "bad batch" 1 nl -b "$WORK/bad.batch"
check_match "bad batch names the line" 'bad.batch:101' "$OUT"
check_eq "nothing applied" 10000 "$(nl -j daemon show | json 'j["rules"]')"
check_rc "flush 10,000" 0 nl rule flush
check_eq "flushed" 0 "$(nl -j daemon show | json 'j["rules"]')"
finish
