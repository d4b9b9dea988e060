// Remove every node and relationship, in batches (tests only: GRAPHSVC_NEO4J_TEST_WIPE=1).
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
