#!/bin/bash
# Another process holds the mroute socket of the default table: mcrd says
# so, naming it, and forwards every output through the workers, including
# those the kernel could have sent. With --table 100 both run, and the
# kernel path works in table 100 (traffic reaches it through ip mrule).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 1

# a stand-in for another routing daemon holds table 0
mroute_hold

fwd_mcrd
check_match "the log names the holder" "kernel multicast routing unavailable.*pid $HOLD" \
	"$(cat "$WORK/mcrd.log")"
check_match "daemon show says busy" "^  mroute busy: .*pid $HOLD" "$(nl daemon show)"
fwd_rule_add iif r0 group 239.1.1.1 oif r1
K=$RULE_ID
check_eq "a kernel-able output goes to the workers" worker \
	"$(fwd_rj "$K" 'j["outputs"][0]["path"]')"
fwd_sink busy 1 -c 10000 --idle 2 239.1.1.1:5001
fwd_gen busy -r 20k -c 10000 239.1.1.1:5001
fwd_sink_wait busy
check_eq "busy: every packet once" "[[10000, 0, 0, 0, 0, 0, 0]]" "$(per_stream busy)"
check_eq "busy: source kept (auto without rewrite)" 10.1.0.1 "$(sj busy 'j["streams"][0]["src"]')"
fwd_settle
nl -s -j rule show >"$WORK/busy.rules"; nl -j worker show >"$WORK/busy.workers"
check_eq "busy: the workers sent them" 10000 "$(fwd_wj 'sum(w["tx_packets"] for w in j)')"
check_eq "busy: nothing of mcrd's in the kernel table" 0 "$(ns_exec ip mroute show | wc -l)"
mcrd_stop "$MCRD_PID"

# table 100 beside the holder's table 0
ns_exec ip mrule add iif r0 lookup 100
mcrd_start --log "$WORK/mcrd100.log" --workers 1 --table 100
check_match "daemon show: table 100" '^  mroute on \(table 100\)$' "$(nl daemon show)"
fwd_rule_add iif r0 src 10.1.0.1 group 239.1.1.1 oif r1
check_eq "table 100: kernel path" kernel "$(fwd_rj "$RULE_ID" 'j["outputs"][0]["path"]')"
check_eq "entry in table 100" '[["10.1.0.1", "239.1.1.1", "r0"]]' \
	"$(ns_exec ip -j mroute show table 100 | json '[[e["src"], e["dst"], e["iif"]] for e in j]')"
fwd_sink t100 1 -c 10000 --idle 2 239.1.1.1:5001
fwd_gen t100 -r 20k -c 10000 239.1.1.1:5001
fwd_sink_wait t100
check_eq "table 100: every packet once" "[[10000, 0, 0, 0, 0, 0, 0]]" "$(per_stream t100)"
check_eq "table 100: by the kernel" 10000 "$(fwd_rj "$RULE_ID" 'j["kernel"]["packets"]')"
check_eq "table 100: no worker touched them" 0 "$(fwd_wj 'sum(w["packets"] for w in j)')"
check_rc "the holder still runs" 0 kill -0 "$HOLD"
finish
