// Degree (co-authors over COAUTHOR edges, ties included) of the authors of an ego network.
UNWIND $ids AS aid
MATCH (a:Author {id: aid})
RETURN a.id AS id, a.papers AS papers, COUNT { (a)-[:COAUTHOR]-(:Author) } AS degree
