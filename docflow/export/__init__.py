"""Export packages of letters, whole-instance export and import, and the import of legacy archives."""
