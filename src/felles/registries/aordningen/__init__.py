"""A-ordningen: employment relationships (Aa-registeret) and monthly reported pay (a-meldinger).

``model`` (tables ``aord_*``), ``kodeverk`` (the real code lists and calendar months),
``operations`` (start, end and change employments; report months — batched), ``queries``
(reads), ``events`` (what it emits, source ``/aordningen``), ``api`` (Aa-registeret's REST API
v2, inntektskomponenten's income API, registrations for test teams). People are read through
Folkeregisteret's queries, employers through Enhetsregisteret's. See
docs/decisions/0016-aordningen-employments-and-reports.md.
"""
