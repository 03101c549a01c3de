"""The staff pages: sign-in, sessions, the queue, ticket pages, people, authorisation."""
