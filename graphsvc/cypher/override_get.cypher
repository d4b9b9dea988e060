// One override.
MATCH (o:Override {id: $id})
RETURN o.id AS id, o.kind AS kind, o.subject AS subject, o.object AS object,
       o.payload AS payload, o.who AS who, o.when AS when, o.why AS why, o.active AS active,
       o.undone_who AS undone_who, o.undone_when AS undone_when, o.undone_why AS undone_why
