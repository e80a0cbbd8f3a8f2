"""A-ordningen: employment relationships and monthly reported pay."""
