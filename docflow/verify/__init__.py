"""Public pages, no login: a signed letter's verification page, the CRL and the CA certificate."""
