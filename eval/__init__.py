"""Relevance evaluation of Docflow's search on a generated collection of Indonesian official letters."""
