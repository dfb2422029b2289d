#!/bin/bash
# The kernel path with real traffic: an output that rewrites nothing is
# forwarded by an MFC entry and never by a worker; a rule mixing a kernel
# and a rewritten output sends every packet once on each; a rule without a
# source learns one (S,G) entry per source from the kernel's reports; a
# group no rule forwards gets a stop entry; learned entries expire. The
# kernel's own listing (ip -j -s mroute) is the oracle for the entries.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 2
ip -n "$GNS" addr add 10.1.0.11/24 dev g0
fwd_mcrd --mfc-expire 2

# ip_sg SRC GROUP EXPR: EXPR over the kernel's entry (bound to e), or None.
ip_sg() {
	ns_exec ip -j -s mroute show | json "(lambda e: $3)(([e for e in j
		if e['src'] == '$1' and e['dst'] == '$2'] + [None])[0])"
}
worker_rx() { fwd_wj 'sum(w["packets"] for w in j)'; }

# ---- a rule with a source: its entry is installed at once ------------------
fwd_rule_add iif r0 src 10.1.0.1 group 239.1.1.1 oif r1
K=$RULE_ID
check_eq "(S,G) entry at once: iif, oifs" '["r0", ["r1"]]' \
	"$(ip_sg 10.1.0.1 239.1.1.1 'e and [e["iif"], [o["oif"] for o in e["multipath"]]]')"
check_eq "its output takes the kernel path" kernel "$(fwd_rj "$K" 'j["outputs"][0]["path"]')"
fwd_sink one 1 -c 20000 --idle 2 239.1.1.1:5001
fwd_gen one -r 20k -c 20000 239.1.1.1:5001
fwd_sink_wait one
check_eq "kernel: every packet once, in order" "[[20000, 0, 0, 0, 0, 0, 0]]" "$(per_stream one)"
check_eq "kernel: source kept, TTL decremented" '["10.1.0.1", 7]' \
	"$(sj one '[j["streams"][0]["src"], j["streams"][0]["ttl"]]')"
check_eq "the kernel's counter equals what the sink got" 20000 \
	"$(ip_sg 10.1.0.1 239.1.1.1 'e["packets"]')"
check_eq "no worker touched a packet" 0 "$(worker_rx)"
check_eq "rule counts the kernel's packets" '[20000, 20000, 0]' \
	"$(fwd_rj "$K" '[j["packets"], j["kernel"]["packets"], j["kernel"]["wrong_if"]]')"
check_eq "kernel output: its VIF sent them" 20000 \
	"$(fwd_rj "$K" 'j["outputs"][0]["vif_out"]["packets"]')"

# ---- one kernel and one rewritten output: each gets every packet once -------
fwd_rule_add iif r0 src 10.1.0.1 group 239.2.2.2 oif r1 oif r2 group 239.9.9.9
M=$RULE_ID
check_eq "mixed: paths" '["kernel", "worker"]' \
	"$(fwd_rj "$M" '[o["path"] for o in j["outputs"]]')"
fwd_sink mk 1 -c 20000 --idle 2 239.2.2.2:5001
fwd_sink mw 2 -c 20000 --idle 2 239.9.9.9:5001
fwd_gen mixed -r 20k -c 20000 239.2.2.2:5001
fwd_sink_wait mk
fwd_sink_wait mw
check_eq "mixed: kernel output, once each" "[[20000, 0, 0, 0, 0, 0, 0]]" "$(per_stream mk)"
check_eq "mixed: worker output, once each" "[[20000, 0, 0, 0, 0, 0, 0]]" "$(per_stream mw)"
check_eq "mixed: worker output rewritten, from r2" '["10.3.0.1", 7]' \
	"$(sj mw '[j["streams"][0]["src"], j["streams"][0]["ttl"]]')"
fwd_settle
check_eq "mixed: worker sent 20000, kernel 20000" '[20000, 20000, 20000]' \
	"$(fwd_rj "$M" '[j["packets"], j["outputs"][1]["packets"], j["kernel"]["packets"]]')"

# ---- a rule without a source learns one entry per source ---------------------
fwd_rule_add iif r0 group 239.3.3.3 oif r1
T=$RULE_ID
check_eq "template: no entry before traffic" null "$(ip_sg 10.1.0.1 239.3.3.3 'e')"
# one packet from each source: the kernel reports both and holds the
# packets until the entries are there
fwd_sink prime 1 -c 2 --idle 2 239.3.3.3:5001
fwd_gen prime1 -c 1 --source 10.1.0.1 --stream-id 1 239.3.3.3:5001
fwd_gen prime2 -c 1 --source 10.1.0.11 --stream-id 2 239.3.3.3:5001
fwd_sink_wait prime
check_eq "the reported first packets are forwarded" 2 "$(sj prime 'j["total"]["received"]')"
check_eq "two learned (S,G) entries" '[["10.1.0.1", ["r1"]], ["10.1.0.11", ["r1"]]]' \
	"$(ns_exec ip -j mroute show | json 'sorted([e["src"], [o["oif"] for o in e["multipath"]]]
		for e in j if e["dst"] == "239.3.3.3")')"
check_eq "mcr-nl lists them as learned for the rule" "[[$T, true], [$T, true]]" \
	"$(nl -j mroute show | json '[[e["rule"], e["learned"]] for e in j if e["dst"] == "239.3.3.3"]')"
fwd_sink two 1 -c 20000 --idle 2 239.3.3.3:5001
fwd_gen_bg s1 -r 5k -c 10000 --source 10.1.0.1 --stream-id 1 239.3.3.3:5001
GEN1=$GEN_PID
fwd_gen s2 -r 5k -c 10000 --source 10.1.0.11 --stream-id 2 239.3.3.3:5001
GEN_PID=$GEN1
fwd_gen_wait s1
fwd_sink_wait two
check_eq "both sources arrive, every packet once" "[[10000, 0, 0, 0, 0, 0, 0]]" "$(per_stream two)"
check_eq "both streams" 2 "$(sj two 'len(j["streams"])')"
check_eq "rule sums its entries" 20002 "$(fwd_rj "$T" 'j["kernel"]["packets"]')"

# ---- a group no rule forwards: a stop entry -----------------------------------
fwd_gen stop -c 3 239.7.7.7:5001
for _ in $(seq 50); do [ "$(ip_sg 10.1.0.1 239.7.7.7 'e is not None')" = true ] && break; sleep 0.05; done
check_eq "stop entry: no outputs" '[]' "$(ip_sg 10.1.0.1 239.7.7.7 'e and e.get("multipath", [])')"
check_eq "mcr-nl marks it stop" true \
	"$(nl -j mroute show | json '[e["stop"] for e in j if e["dst"] == "239.7.7.7"][0]')"

# ---- idle learned and stop entries expire (--mfc-expire 2); static stay -------
for _ in $(seq 80); do
	[ "$(ns_exec ip -j mroute show | json 'len([e for e in j if e["dst"] in
		("239.3.3.3", "239.7.7.7")])')" = 0 ] && break
	sleep 0.1
done
check_eq "learned and stop entries expired" '[]' \
	"$(ns_exec ip -j mroute show | json 'sorted(e["dst"] for e in j if e["dst"] in
		("239.3.3.3", "239.7.7.7"))')"
check_eq "rule entries stay" '["239.1.1.1", "239.2.2.2"]' \
	"$(ns_exec ip -j mroute show | json 'sorted(e["dst"] for e in j)')"
check_eq "counters of expired entries stay with the rule" 20002 \
	"$(fwd_rj "$T" 'j["kernel"]["packets"]')"
check_eq "expiries counted" true "$(nl -j stats show | json 'j["mroute_expired"] >= 3')"

# ---- deleting the rules removes their entries and the VIFs -------------------------
check_rc "flush" 0 nl rule flush
for _ in $(seq 50); do [ "$(ns_exec ip mroute show | wc -l)" = 0 ] && break; sleep 0.05; done
check_eq "no entry left" 0 "$(ns_exec ip mroute show | wc -l)"
check_eq "no VIF left" 1 "$(ns_exec cat /proc/net/ip_mr_vif | wc -l)"
finish
