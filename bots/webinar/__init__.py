"""Webinar Q&A: exports in, grouped questions answered with citations out (and the questions nobody answered)."""
