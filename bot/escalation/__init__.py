"""Escalation to a human advisor: office hours and tickets."""
