"""Administration of the organisation: units, positions, people, delegations, document types, registers."""
