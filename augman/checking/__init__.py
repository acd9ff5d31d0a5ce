"""The rules: every line and file check, the one chunked scan engine, findings and the rule table."""
