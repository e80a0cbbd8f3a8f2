"""Life events as coherent services (livshendelser, decision 0037).

A life event — having a child, moving, a death — is declared as the steps that follow it
across agencies: services that run by themselves, the person's own tasks with deadlines,
offers that come later. ``felles worker`` opens a journey (reise) for each event that starts
one; a person's journeys and the status of every step are worked out when they are read,
from what the services, the mailbox and the registries already hold — so a journey never
disagrees with the case it points to.
"""
