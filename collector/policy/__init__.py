"""The PrioritySupport policy as data plus pure functions; time is always passed in."""
