"""External event subscriptions in the shape of Altinn Events (decision 0031).

An organisation's system subscribes to the event stream with an endpoint and filters
(``POST /events/api/v1/subscriptions``), gets a validation event first, then every matching
event it is entitled to, retried with exponential backoff and parked in a dead-letter list
after the last attempt; or pulls the events itself (``GET /events/api/v1/events``).
"""
