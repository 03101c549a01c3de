"""Mail intake: a message from the MTA becomes a new ticket or a reply on an existing one.

Owns the classification of incoming mail (trust of the sender, ticket number in the subject) and
the intake."""
