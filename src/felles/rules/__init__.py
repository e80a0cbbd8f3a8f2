"""Rules as code: Norwegian benefits as an OpenFisca tax-benefit system (issue 6)."""
