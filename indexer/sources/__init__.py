"""Connectors that fill a corpus folder from where councils publish their records.

Each writes files the indexer already reads, with ``<file>.meta.json`` sidecars carrying the
metadata the text lacks (above all the document's web address); nothing here runs at index or
query time.
"""
