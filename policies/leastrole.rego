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
findings := [finding |
	some name
	some raw in data.leastrole.rules[name].findings
	finding := object.union(raw, {"rule": name})
]
