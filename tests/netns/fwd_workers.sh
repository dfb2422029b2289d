#!/bin/bash
# Two workers sharing one input through the fanout group (hash): 16 flows
# (16 groups, one rule each, two ports) arrive exactly once and in order;
# both workers forwarded some (16 flows all hashed onto one worker has a
# chance of 2^-15); the workers' rx and tx each add up to what was sent,
# and every rule's counters to its flow.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 1
fwd_mcrd --workers 2
F=16
K=1000
for i in $(seq $F); do
	echo "rule add iif r0 group 239.1.1.$i port $((5000 + i % 2)) oif r1 group 239.9.9.$i port 6001"
done >"$WORK/rules.batch"
check_rc "batch of $F rules" 0 nl -b "$WORK/rules.batch"
fwd_wait_active
check_eq "two workers" 2 "$(fwd_wj 'len(j)')"
check_eq "each pinned to its own CPU" "[0, 1]" "$(fwd_wj 'sorted(w["cpu"] for w in j)')"

dests=""
for i in $(seq $F); do dests="$dests${dests:+,}239.1.1.$i:$((5000 + i % 2))"; done
fwd_sink flows 1 -e $K --idle 0.5 --streams $F --group-base 239.9.9.1 --port-base 6001 &&
	fwd_gen flows -r 40k -c $((F * K)) -s 512 --source 10.1.0.1:4444 "$dests"
fwd_sink_wait flows
check_eq "flows: all arrived" "$F" "$(sj flows 'len(j["streams"])')"
check_eq "flows: exact, in order" "[[$K, 0, 0, 0, 0, 0, 0]]" "$(per_stream flows)"
check_eq "flows: max reorder 0" 0 "$(sj flows 'j["total"]["max_reorder"]')"
fwd_invariant flows
check_eq "flows: every rule matched and sent its flow" "$F [[$K, $K]]" \
	"$(nl -s -j rule show | json '"%d %s" % (len(j), [list(x) for x in sorted(set((r["packets"],
		r["outputs"][0]["packets"]) for r in j))])')"
check_eq "workers: rx and tx add up to what was sent" "$((F * K)) $((F * K))" \
	"$(fwd_wj '"%d %d" % (sum(w["packets"] for w in j), sum(w["tx_packets"] for w in j))')"
check_eq "workers: both forwarded" true "$(fwd_wj 'all(w["tx_packets"] > 0 for w in j)')"
check_eq "workers: each sent what it read (one output per rule)" true \
	"$(fwd_wj 'all(w["tx_packets"] == w["packets"] for w in j)')"
check_eq "workers: no drops, no unmatched" "0 0 0" \
	"$(fwd_wj '"%d %d %d" % (sum(w["no_match"] + w["malformed"] for w in j),
		sum(w["ring_drops"] for w in j), sum(sum(w["out_drops"].values()) for w in j))')"
say "split: $(fwd_wj '" / ".join(str(w["tx_packets"]) for w in j)')"

# a second run of the same flows (same source port) lands on the same
# workers: the fanout hashes the flow
before=$(fwd_wj '[w["tx_packets"] for w in j]')
fwd_sink again 1 -e $K --idle 0.5 --streams $F --group-base 239.9.9.1 --port-base 6001 &&
	fwd_gen again -r 40k -c $((F * K)) -s 512 --source 10.1.0.1:4444 "$dests"
fwd_sink_wait again
check_eq "again: exact, in order" "$F [[$K, 0, 0, 0, 0, 0, 0]]" \
	"$(sj again 'len(j["streams"])') $(per_stream again)"
fwd_settle
check_eq "again: each worker twice its first share" "$before true" \
	"$(fwd_wj "[w['tx_packets'] // 2 for w in j]") $(fwd_wj 'all(w["tx_packets"] % 2 == 0 for w in j)')"
finish
