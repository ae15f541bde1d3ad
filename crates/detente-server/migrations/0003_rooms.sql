-- Live negotiation rooms: why a session ended (agreement, walk-away, rounds, time,
-- facilitator) and its debrief's simulated comparison, computed once after the end (JSON).
ALTER TABLE sessions ADD COLUMN end_reason TEXT;
ALTER TABLE sessions ADD COLUMN debrief TEXT;
CREATE INDEX seats_session ON seats (session_id, seat);
