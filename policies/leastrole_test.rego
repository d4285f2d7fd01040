package leastrole_test

import data.leastrole

test_stamps_each_finding_with_its_package if {
	leastrole.findings == [{"message": "m", "rule": "a"}] with data.leastrole.rules as {"a": {"findings": {{"message": "m"}}}}
}

test_takes_arrays_and_sets if {
	result := leastrole.findings with data.leastrole.rules as {"a": {"findings": [{"message": "1"}]}, "b": {"findings": {{"message": "2"}}}}
	{f | some f in result} == {{"message": "1", "rule": "a"}, {"message": "2", "rule": "b"}}
}

test_passes_a_finding_that_is_no_object_through_marked if {
	leastrole.findings == [{"rule": "a", "leastrole:invalid_finding": "function x"}] with data.leastrole.rules as {"a": {"findings": {"function x"}}}
}

test_passes_findings_that_are_no_collection_through_marked if {
	every value in [{"resource": "x", "message": "y"}, true, "s", 3] {
		result := leastrole.findings with data.leastrole.rules as {"a": {"findings": value}}
		result == [{"rule": "a", "leastrole:invalid_findings": type_name(value)}]
	}
}

test_a_package_without_findings_adds_nothing if {
	leastrole.findings == [] with data.leastrole.rules as {"a": {"helper": 1}}
}
