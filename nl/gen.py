#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Render the uapi header and the protocol reference from nl/mcr.yaml.

  gen.py header SPEC OUT      write the C header
  gen.py doc SPEC DOC         rewrite the generated block of DOC in place
  gen.py check SPEC HDR DOC   exit 1 when either file differs from the spec

The naming follows the kernel's YNL uapi generator: attribute sets become
enums MCR_A_<SET>_<ATTR> counted from 1, operations MCR_CMD_<OP> counted
from 1, definitions MCR_<NAME> or enum mcr_<name>.
"""
import re
import sys

import yaml

DOC_BEGIN = "<!-- BEGIN GENERATED FROM nl/mcr.yaml: do not edit by hand -->"
DOC_END = "<!-- END GENERATED -->"


def c_name(*parts):
    return "_".join(p.replace("-", "_").upper() for p in parts if p)


def load(path):
    with open(path) as f:
        spec = yaml.safe_load(f)
    validate(spec)
    return spec


def validate(spec):
    """Catch the mistakes the kernel's schema would catch for us."""
    names = re.compile(r"^[0-9a-z-]+$")
    sets = {s["name"]: s for s in spec["attribute-sets"]}
    for d in spec.get("definitions", []):
        assert names.match(d["name"]), d["name"]
        assert d["type"] in ("const", "enum", "flags"), d["name"]
    for s in spec["attribute-sets"]:
        seen = set()
        for a in s["attributes"]:
            assert names.match(a["name"]), a["name"]
            assert a["name"] not in seen, (s["name"], a["name"])
            seen.add(a["name"])
            assert a["type"] in ("u8", "u16", "u32", "u64", "string", "nest",
                                 "pad", "flag", "binary"), a
            if a["type"] == "nest":
                assert a["nested-attributes"] in sets, a
    for op in spec["operations"]["list"]:
        assert names.match(op["name"]), op["name"]
        if "notify" in op:
            continue
        aset = sets[op["attribute-set"]]
        known = {a["name"] for a in aset["attributes"]}
        for kind in ("do", "dump"):
            for side in ("request", "reply"):
                attrs = op.get(kind, {}).get(side, {}).get("attributes", [])
                for a in attrs:
                    assert a in known, (op["name"], kind, side, a)




def header(spec, spec_path):
    fam = spec["name"]
    P = c_name(fam)
    out = []
    w = out.append
    w("/* SPDX-License-Identifier: " +
      "((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */")
    w("/* Do not edit directly, auto-generated from: */")
    w("/*\t%s */" % spec_path)
    w("/* YNL-GEN uapi header */")
    w("")
    guard = "_UAPI_MCR_GENL_H"
    w("#ifndef %s" % guard)
    w("#define %s" % guard)
    w("")
    w('#define %s_FAMILY_NAME\t"%s"' % (P, fam))
    w("#define %s_FAMILY_VERSION\t%d" % (P, spec.get("version", 1)))
    w("")
    for d in spec.get("definitions", []):
        if d["type"] == "const":
            w("#define %s\t%s" % (c_name(P, d["name"]), fmt_value(d["value"])))
    w("")
    for d in spec.get("definitions", []):
        if d["type"] == "const":
            continue
        w("/**")
        w(" * enum %s_%s - %s" % (fam, d["name"].replace("-", "_"),
                                d.get("doc", "").strip()))
        for e in d["entries"]:
            w(" * @%s: %s" % (c_name(P, d["name"], e["name"]),
                             e.get("doc", "").strip()))
        w(" */")
        w("enum %s_%s {" % (fam, d["name"].replace("-", "_")))
        for i, e in enumerate(d["entries"]):
            if d["type"] == "flags":
                w("\t%s = %d," % (c_name(P, d["name"], e["name"]), 1 << i))
            else:
                w("\t%s," % c_name(P, d["name"], e["name"]))
        w("};")
        w("")
    for s in spec["attribute-sets"]:
        w("enum {")
        for i, a in enumerate(s["attributes"]):
            n = c_name(P, "A", s["name"], a["name"])
            w("\t%s%s," % (n, " = 1" if i == 0 else ""))
        w("")
        w("\t__%s," % c_name(P, "A", s["name"], "max"))
        w("\t%s = (__%s - 1)" % (c_name(P, "A", s["name"], "max"),
                                 c_name(P, "A", s["name"], "max")))
        w("};")
        w("")
    w("enum {")
    for i, op in enumerate(spec["operations"]["list"]):
        n = c_name(P, "CMD", op["name"])
        w("\t%s%s," % (n, " = 1" if i == 0 else ""))
    w("")
    w("\t__%s," % c_name(P, "CMD", "max"))
    w("\t%s = (__%s - 1)" % (c_name(P, "CMD", "max"), c_name(P, "CMD", "max")))
    w("};")
    w("")
    for g in spec["mcast-groups"]["list"]:
        w('#define %s\t"%s"' % (c_name(P, "MCGRP", g["name"]), g["name"]))
    w("")
    w("#endif /* %s */" % guard)
    return "\n".join(out) + "\n"


def fmt_value(v):
    if isinstance(v, int) and v >= 0x1000:
        return "0x%x" % v
    return str(v)


def attr_type(a):
    t = a["type"]
    if a.get("byte-order") == "big-endian":
        t += " (big-endian)"
    if a.get("display-hint"):
        t += ", " + a["display-hint"]
    if t.startswith("nest"):
        t = "nest of `%s`" % a["nested-attributes"]
    if a.get("multi-attr"):
        t += ", repeated"
    return t


def attr_checks(a, consts):
    c = a.get("checks", {})
    parts = []
    for k, v in c.items():
        v = consts.get(v, v)
        parts.append("%s %s" % (k, v))
    if a.get("enum"):
        parts.append("%s `%s`" % ("flags" if a.get("enum-as-flags") else "enum",
                                   a["enum"]))
    return ", ".join(parts)


def doc_block(spec):
    P = c_name(spec["name"])
    consts = {d["name"]: d["value"] for d in spec.get("definitions", [])
              if d["type"] == "const"}
    out = [DOC_BEGIN, ""]
    w = out.append
    w("### Constants")
    w("")
    w("| name | value | meaning |")
    w("| --- | --- | --- |")
    for d in spec.get("definitions", []):
        if d["type"] == "const":
            w("| `%s` | %s | %s |" % (c_name(P, d["name"]),
                                      fmt_value(d["value"]),
                                      " ".join(d.get("doc", "").split())))
    w("")
    for d in spec.get("definitions", []):
        if d["type"] == "const":
            continue
        w("### %s `%s`" % (d["type"].capitalize(), d["name"]))
        w("")
        w(" ".join(d.get("doc", "").split()))
        w("")
        w("| name | value | meaning |")
        w("| --- | --- | --- |")
        for i, e in enumerate(d["entries"]):
            v = (1 << i) if d["type"] == "flags" else i
            w("| `%s` | %d | %s |" % (c_name(P, d["name"], e["name"]), v,
                                      " ".join(e.get("doc", "").split())))
        w("")
    w("### Operations")
    w("")
    w("| command | value | request | reply | who | meaning |")
    w("| --- | --- | --- | --- | --- | --- |")
    for i, op in enumerate(spec["operations"]["list"]):
        name = "`%s` (`%s`)" % (op["name"], c_name(P, "CMD", op["name"]))
        if "notify" in op:
            w("| %s | %d | - | like `%s` | multicast `%s` | %s |" %
              (name, i + 1, op["notify"], op["mcgrp"],
               " ".join(op.get("doc", "").split())))
            continue
        kinds = []
        reply = []
        for kind in ("do", "dump"):
            if kind in op:
                req = op[kind].get("request", {}).get("attributes", [])
                kinds.append("%s: %s" % (kind, ", ".join(req) or "none"))
                rep = op[kind].get("reply", {}).get("attributes", [])
                reply.append("%s: %s" % (kind, ", ".join(rep) or "ack"))
        who = "uid 0 or admin group" if "admin-perm" in op.get("flags", []) \
            else "anyone"
        w("| %s | %d | %s | %s | %s | %s |" %
          (name, i + 1, "; ".join(kinds), "; ".join(reply), who,
           " ".join(op.get("doc", "").split())))
    w("")
    for s in spec["attribute-sets"]:
        w("### Attribute set `%s`" % s["name"])
        w("")
        w(" ".join(s.get("doc", "").split()))
        w("")
        w("| attribute | value | type | checks | meaning |")
        w("| --- | --- | --- | --- | --- |")
        for i, a in enumerate(s["attributes"]):
            w("| `%s` | %d | %s | %s | %s |" %
              (c_name(P, "A", s["name"], a["name"]), i + 1, attr_type(a),
               attr_checks(a, consts),
               " ".join(a.get("doc", "").split()) or "alignment padding"))
        w("")
    w("### Multicast groups")
    w("")
    for i, g in enumerate(spec["mcast-groups"]["list"]):
        w("- `%s` (`%s`), group number %d" %
          (g["name"], c_name(P, "MCGRP", g["name"]), i + 1))
    w("")
    w(DOC_END)
    return "\n".join(out)


def render_doc(spec, text):
    b = text.index(DOC_BEGIN)
    e = text.index(DOC_END) + len(DOC_END)
    return text[:b] + doc_block(spec) + text[e:]


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    mode, spec_path = argv[1], argv[2]
    spec = load(spec_path)
    if mode == "header":
        with open(argv[3], "w") as f:
            f.write(header(spec, "nl/mcr.yaml"))
        return 0
    if mode == "doc":
        with open(argv[3]) as f:
            text = f.read()
        with open(argv[3], "w") as f:
            f.write(render_doc(spec, text))
        return 0
    if mode == "check":
        bad = 0
        with open(argv[3]) as f:
            if f.read() != header(spec, "nl/mcr.yaml"):
                print("%s differs from %s: run `make gen`" % (argv[3], spec_path))
                bad = 1
        with open(argv[4]) as f:
            text = f.read()
        if render_doc(spec, text) != text:
            print("%s differs from %s: run `make gen`" % (argv[4], spec_path))
            bad = 1
        if not bad:
            print("spec, header and protocol reference agree")
        return bad
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
