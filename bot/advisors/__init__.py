"""The advisors' side: accounts, login sessions and the audit log of what they opened."""
