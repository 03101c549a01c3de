"""What customers use: the web form (/melding), the client ticket API and its models.

Owns the public pages and the API clients authenticate with; opens tickets
through the ticket-opening service."""
