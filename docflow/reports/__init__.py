"""The city's paperless report: what leadership sees at its performance meeting (issue 20)."""
