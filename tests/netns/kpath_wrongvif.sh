#!/bin/bash
# IGMPMSG_WRONGVIF: a source first seen on an interface where no rule takes
# its group gets a stop entry there; when it then arrives on the interface
# of a rule that forwards the group through the kernel, the kernel reports
# the wrong interface and mcrd moves the learned entry, after which the
# kernel forwards the source's packets.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 1
# a second input, r3 (from g3 in the generator's namespace), a VIF because
# of a kernel rule for another group
fwd_input_add r3 g3 10.4.0
ns_exec sysctl -qw net.ipv4.conf.r3.rp_filter=0
fwd_mcrd
fwd_rule_add iif r3 group 239.5.5.5 oif r1
fwd_rule_add iif r0 group 239.6.6.6 oif r1
T=$RULE_ID

# sg_iif: the input interface of the kernel's (10.1.0.1, 239.6.6.6), or none
sg_iif() {
	ns_exec ip -j mroute show | json '([e["iif"] for e in j
		if e["src"] == "10.1.0.1" and e["dst"] == "239.6.6.6"] + ["none"])[0]'
}

# the source first shows up on r3 (frames built with its address)
GEN_IF=g3 fwd_gen early --raw --source 10.1.0.1 -c 1 239.6.6.6:5001
for _ in $(seq 50); do [ "$(sg_iif)" = r3 ] && break; sleep 0.05; done
check_eq "a stop entry on r3" '["r3", true]' \
	"$(nl -j mroute show | json '[[e["iif"], e["stop"]] for e in j if e["dst"] == "239.6.6.6"][0]')"

# then on r0, where rule $T takes the group: the kernel reports the wrong
# interface and the entry moves
fwd_gen nudge -c 1 239.6.6.6:5001
for _ in $(seq 50); do [ "$(sg_iif)" = r0 ] && break; sleep 0.05; done
check_eq "the entry moved to r0" r0 "$(sg_iif)"
check_eq "wrong interface reported, entry moved" true \
	"$(nl -j stats show | json 'j["mroute_wrong_vif"] >= 1 and j["mroute_moved"] >= 1')"
check_eq "learned for the rule, with its output" "[[$T, [\"r1\"], false]]" \
	"$(nl -j mroute show | json '[[e["rule"], [o["oif"] for o in e["multipath"]], e["stop"]]
		for e in j if e["dst"] == "239.6.6.6"]')"
fwd_sink after 1 -c 5000 --idle 2 239.6.6.6:5001
fwd_gen after -r 10k -c 5000 --stream-id 7 239.6.6.6:5001
fwd_sink_wait after
check_eq "now the kernel forwards the source, every packet once" \
	"[[5000, 0, 0, 0, 0, 0, 0]]" "$(per_stream after)"
finish
