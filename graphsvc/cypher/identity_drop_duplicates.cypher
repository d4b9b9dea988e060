// Remove the possible-duplicate links of an author.
MATCH (:Author {id: $id})-[d:POSSIBLE_DUPLICATE]-(:Author)
DELETE d
