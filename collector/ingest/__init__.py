"""Agent reports coming in: authentication by agent token, validation against the report schema, dating.

Owns the path from a POSTed report to stored observations: token lookup, enrolment, the fast schema check,
the observation time, and handing the checks to monitoring. An agent's push is a "report" here; the monthly
evaluation lives in collector/evaluation."""
