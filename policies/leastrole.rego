# METADATA
# title: leastrole rule pack entrypoint
# description: |
#   Collects the findings of every rule package under data.leastrole.rules and stamps each with
#   the package's name, so a document is evaluated once per pack. The TypeScript evaluator maps
#   the package name to the rule's id, title and severity through the catalog extracted from the
#   rules' METADATA at build time.
package leastrole

# An array, not a set: every rule's findings are already a set and the stamp makes them distinct
# across rules, so a set here only added work. In OPA's wasm a set hashes a whole finding (its
# evidence included) on each insert, again for every element each time it grows, and once more
# per element when it is written out as JSON; the built-in pack's evaluation took ~19% less time
# with an array (bench/results/scale.md, session 6). The JSON result is the same list of findings.
# The built-in rules define their own `findings` as arrays for the same reason (session 11: the
# evaluate stage's CPU 5.9–6.7 → 5.3–6.0 s at 10,000 functions); each rule's comprehension binds
# what it iterates into the finding, so no finding appears twice. A custom rule's set works as well.
#
# A rule of the wrong shape must not vanish (a finding that is not an object, which object.union
# leaves undefined; a `findings` that is an object, a boolean or a string, which `in` skips or
# iterates): it is passed through, stamped, under a "leastrole:" key no finding uses, and the
# TypeScript side reports it as a diagnostic naming the rule. For well-formed rules this adds a
# type test per rule and per finding, beside the object.union that copies the whole finding.
findings := [finding |
	some name
	some raw in _collection(data.leastrole.rules[name].findings)
	finding := _stamped(raw, name)
]

_collection(fs) := fs if is_array(fs)

else := fs if is_set(fs)

else := [{"leastrole:invalid_findings": type_name(fs)}]

_stamped(raw, name) := object.union(raw, {"rule": name}) if is_object(raw)

else := {"rule": name, "leastrole:invalid_finding": raw}
