"""Shared fixtures: the database engines (tests/dbs.py) and an isolated environment."""

pytest_plugins = ["tests.dbs"]
