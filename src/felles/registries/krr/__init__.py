"""Kontakt- og reservasjonsregisteret (KRR): contact details, reservation, digital mailbox."""
