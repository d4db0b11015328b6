"""Which names a declaration stands for: the rule the entry form, the check engine and the
comparison with what a browser saw share."""

import pytest

from portal_cookies.cookie_names import covers, domain_key, overlapping


@pytest.mark.parametrize(
    ("pattern", "name", "covered"),
    [
        ("_pk_id.*", "_pk_id.1.a1b2", True),
        ("_pk_id.*", "_pk_id.abc", True),
        ("_pk_id.*", "_pk_id", True),
        ("_pk.*", "_pk_id.*", True),
        ("_pk_id.*", "_pk.*", False),
        ("_pk_id.*", "_pk_id.*", False),
        ("_pk_id.*", "_pk_ses.1", False),
        ("_pk_id.*", "_PK_ID.1", False),
        ("_ga", "_ga_XYZ", False),
        ("_ga_.*", "_ga_XYZ", True),
    ],
)
def test_a_pattern_covers_the_names_that_start_with_its_prefix(pattern, name, covered):
    assert covers(pattern, name) is covered


def test_overlaps_name_the_covering_pattern_first_and_each_pair_once():
    names = ["_pk_id.abc", "_pk.*", "sessionid"]

    assert overlapping(names, ["_pk_id.*"]) == [("_pk_id.*", "_pk_id.abc"), ("_pk.*", "_pk_id.*")]
    assert overlapping(names, names) == [("_pk.*", "_pk_id.abc")]
    assert overlapping(["_ga", "_ga"], ["_ga"]) == []


@pytest.mark.parametrize("domain", [".Matomo.cloud", "matomo.cloud", " MATOMO.CLOUD "])
def test_case_and_a_leading_dot_make_the_same_domain(domain):
    assert domain_key(domain) == "matomo.cloud"
    assert domain_key("") == domain_key(None) == ""
