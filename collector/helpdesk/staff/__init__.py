"""The staff pages: sign-in, sessions, the ticket queue, a ticket's page, customers, phone intake, reports.

Owns staff accounts, passwords, sessions and tokens, the guard in front of every staff route,
and the pages."""
