"""The training pages: activities and their sessions, and the kinds and topic modules admins keep."""
