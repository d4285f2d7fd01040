package leastrole.lib.text_test

import data.leastrole.lib.text

test_format_fills_placeholders_in_order if {
	text.format("Function %s did not use %s in the %s-day usage window%s", ["orders", "3 granted actions", 30, ""]) == "Function orders did not use 3 granted actions in the 30-day usage window"
}

test_format_writes_numbers_as_sprintf_does if {
	text.format("%s#%s", ["inline:app", 0]) == sprintf("%s#%d", ["inline:app", 0])
	text.format(" and %s more", [1200]) == sprintf(" and %d more", [1200])
	text.format("%s", [-3]) == "-3"
	text.format("%s %s %s", [2147483648, -2147483648, 9007199254740991]) == "2147483648 -2147483648 9007199254740991"
}

test_format_writes_other_values_as_json if {
	text.format("%s|%s|%s|%s", [2.5, ["s3:GetObject", 1], {"k": true}, null]) == `2.5|["s3:GetObject",1]|{"k":true}|null`
}

test_format_keeps_percent_signs_that_are_not_placeholders if {
	text.format("100%% of %s, %d", ["calls"]) == "100%% of calls, %d"
}

test_format_without_placeholders_or_arguments if {
	text.format("no placeholders", []) == "no placeholders"
	text.format("%s and %s", ["one"]) == "one and "
	text.format("%s", []) == ""
}
