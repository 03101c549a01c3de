"""The ticket core: states, numbers, events, deadlines, acknowledgement effects and the timeline.

Owns every change to a ticket and its timeline; each operation takes the caller's connection so a ticket,
its events and its notifications commit together. Every intake opens tickets through here."""
