"""Access: legal bases (hjemler), consent (samtykke), delegation (fullmakt), the decision point."""
