"""The 微课堂's pages: courses and lessons for administrators (``pages``), the player and its heartbeats
(``player``)."""
