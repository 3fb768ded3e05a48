"""Persistence: SQLModel tables, the async database, repositories and migrations."""
