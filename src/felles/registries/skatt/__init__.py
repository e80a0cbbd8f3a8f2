"""Skatteetaten: yearly tax assessments (skatteoppgjør) per person and tax arrears (restanser).

``parameters`` (the dated figures of each income year, with their sources), ``calculation``
(the tax of millions of people at once, numpy), ``model`` (tables ``skatt_*``), ``operations``
(make assessments — batched, from A-ordningen's pay — and register and settle arrears),
``queries`` (reads), ``documents`` (the JSON answers the API and the distributor share),
``events`` (what it emits, source ``/skatteetaten``), ``api``
(Skatteetaten's summert skattegrunnlag, beregnet skatt, pensjonsgivende inntekt and restanser,
registrations for test teams). People are read through Folkeregisteret's queries, entities
through Enhetsregisteret's, pay through A-ordningen's. See
docs/decisions/0019-skatteetaten-assessments.md.
"""
