-- The end-of-class sweep marks the ticket lines of the enrolments it consumes, and a roster finds
-- an attendee's ticket line: both look ticket lines up by enrolment, which scanned every ticket line.
CREATE INDEX ticket_lines_class_enrolment ON ticket_lines (business_id, class_enrolment_id)
  WHERE class_enrolment_id IS NOT NULL;
