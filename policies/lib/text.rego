# METADATA
# title: Messages written in Rego
# description: |
#   format is sprintf for the rules' messages, "%s" placeholders only, built from built-ins that
#   the wasm module implements itself. Why: the OPA wasm SDKs implement sprintf in JavaScript, so
#   each call writes its arguments out of the module as JSON, parses them, formats and writes the
#   result back in. At 10,000 functions that round trip was 1.2 of the 5 CPU-seconds of the
#   rules' evaluation (bench/results/scale.md, "Session 49"); format costs a third of it.
package leastrole.lib.text

# `template` with its n-th "%s" replaced by args[n]: a string as it is, anything else as its JSON,
# which writes an integer in decimal as sprintf's %d does (sprintf's %v differs between OPA and the
# wasm SDKs; JSON is the same in both). Not format_int: OPA's wasm implements it for 32-bit
# integers only, and fails the evaluation past them (test/rules/text-format.property.test.ts).
# A placeholder with no argument is left empty.
format(template, args) := concat("", [piece |
	some i, part in split(template, "%s")
	piece := concat("", [part, _arg(args, i)])
])

# The text after the last placeholder has no argument.
_arg(args, i) := "" if i >= count(args)

_arg(args, i) := _text(args[i])

_text(x) := x if is_string(x)

_text(x) := json.marshal(x) if not is_string(x)
