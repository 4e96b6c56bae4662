"""Benchmarks of Docflow's upload, indexing and search paths (run as `python -m bench.<script>`)."""
