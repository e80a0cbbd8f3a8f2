"""Public services and the runtime that runs them: declared services, cases (saker) and
decisions (vedtak), with manual handling in a caseworker queue (decision 0033)."""
