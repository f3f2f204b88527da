"""Thin screens: each composes widgets, routes their messages and calls the app."""
