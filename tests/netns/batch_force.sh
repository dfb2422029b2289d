#!/bin/bash
# mcr-nl -batch against a real daemon: a file with a syntax error is
# refused whole (exit 1, the error names the file, the line and the word)
# and changes nothing; -force skips the bad lines and applies the others.
# A line the daemon refuses names its line too (exit 2). The same for
# mcrd's own configuration file at start: a bad line, nothing starts.
. "$(dirname "$0")/lib.sh"
setup
ip -n "$NS" link add a0 type veth peer name b0
mcrd_start

cat >"$WORK/bad.batch" <<'EOF'
# a comment and a blank line are fine

rule add iif a0 group 239.1.1.1 oif b0
rule add iif a0 group 239.1.1.2 oif b0 tll 3
rule add iif a0 group 239.1.1.3 oif b0
rule add iif a0 group 239.1.1.300 oif b0
EOF
check_rc "syntax errors: refused" 1 nl -b "$WORK/bad.batch"
check_match "names line 4 and the word" "bad.batch:4: unknown keyword \"tll\"" "$OUT"
check_match "names line 6 and the value" "bad.batch:6: .*239\.1\.1\.300" "$OUT"
check_eq "nothing applied" 0 "$(nl -j daemon show | json 'j["rules"]')"

check_rc "-force: still exit 1" 1 nl -force -b "$WORK/bad.batch"
check_eq "-force: the good lines applied" '["239.1.1.1", "239.1.1.3"]' \
	"$(nl -j rule show | json '[r["group"] for r in j]')"

cat >"$WORK/dup.batch" <<'EOF'
rule add iif a0 group 239.1.1.4 oif b0
rule add iif a0 group 239.1.1.1 oif b0
EOF
check_rc "refused by the daemon: exit 2" 2 nl -b "$WORK/dup.batch"
check_match "the daemon's sentence" "already used by rule 1" "$OUT"
check_match "names the line" "dup.batch:2" "$OUT"
check_eq "the rule before it applied, the duplicate not" '["239.1.1.1", "239.1.1.3", "239.1.1.4"]' \
	"$(nl -j rule show | json '[r["group"] for r in j]')"

# mcrd -c with a bad line: exit 1, the line named, no daemon
printf 'rule add iif a0 group 239.2.2.2 oif b0\nrule add iif a0 group 239.2.2.3 oif b0 port x\n' \
	>"$WORK/bad.conf"
check_rc "mcrd -n -c bad config" 1 "$MCRD" -n -c "$WORK/bad.conf"
check_match "mcrd names the line" "bad.conf:2" "$OUT"
check_eq "the running daemon is untouched" 3 "$(nl -j daemon show | json 'j["rules"]')"
finish
