// Mark an override undone: who, when, why.
MATCH (o:Override {id: $id})
SET o.active = false, o.undone_who = $who, o.undone_when = $when, o.undone_why = $why
