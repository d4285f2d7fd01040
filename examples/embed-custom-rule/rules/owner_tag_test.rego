package leastrole.rules.owner_tag_test

import data.leastrole.rules.owner_tag

test_untagged_function_is_reported if {
	count(owner_tag.findings) == 1 with input as {"functions": [{"arn": "arn:aws:lambda:us-east-1:1:function:f", "name": "f", "tags": {}}]}
}

test_tagged_function_is_not if {
	count(owner_tag.findings) == 0 with input as {"functions": [{"arn": "arn:aws:lambda:us-east-1:1:function:f", "name": "f", "tags": {"owner": "team-a"}}]}
}
