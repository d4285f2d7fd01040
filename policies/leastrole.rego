# METADATA
# title: leastrole rule pack entrypoint
# description: |
#   Collects the findings of every rule package under data.leastrole.rules and stamps each with
#   the package's name, so a document is evaluated once per pack. The TypeScript evaluator maps
#   the package name to the rule's id, title and severity through the catalog extracted from the
#   rules' METADATA at build time.
package leastrole

findings contains finding if {
	some name
	some raw in data.leastrole.rules[name].findings
	finding := object.union(raw, {"rule": name})
}
