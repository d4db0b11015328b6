"""The public pages take no input yet; the policy page's forms arrive with publishing."""
