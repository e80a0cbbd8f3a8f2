"""OpenFisca variables, one module per benefit; FellesSystem loads every module here by path."""
