"""The archive's life (JRA): lists of what is due, legal holds, transfer to inactive and destruction by decision."""
