// A manual identity override (merge or split), active until undone.
CREATE (o:Override {id: $id, kind: $kind, subject: $subject, object: $object,
                    payload: $payload, who: $who, when: $when, why: $why, active: true})
