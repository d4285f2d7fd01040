package leastrole.lib.analysis_test

import data.leastrole.lib.analysis

test_counted_is_singular_for_one_only if {
	analysis.counted(1, "action") == "1 action"
	analysis.counted(0, "action") == "0 actions"
	analysis.counted(2, "denied call") == "2 denied calls"
}

test_more_says_how_many_were_cut if {
	analysis.more(8, 5) == " and 3 more"
	analysis.more(5, 5) == ""
	analysis.more(2, 5) == ""
}
