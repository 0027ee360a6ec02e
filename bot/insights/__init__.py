"""Insights for the platform team: daily rollups of the conversations, KPIs, gaps, charts and CSV.

Which source counts what (the authoritative one for each figure):
- Rasa's tracker store (`events`, read by row id): conversations, user turns, fallback turns,
  escalations by reason and mode (the `escalation` payload the assistant sent), articles and providers
  shown (the `articles`/`providers` payloads), topic and work setting (the `topic`/`setting` slots).
  The escalations table is not used for counts: its reason can be raised later and it is purged.
- Our `feedback` table (by row id): the thumbs of "Was dit nuttig?" and which articles they rated.
- Our `escalations` table (by `live_rated_at`): the rating after a live chat.

Nothing here imports the web layer; see docs/insights.md for the definitions.
"""
