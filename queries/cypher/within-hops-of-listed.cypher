// name: within-hops-of-listed
// title: Companies within a few hops of a listed entity
// description: Companies linked to a sanctioned or defence-industry entity through ownership,
//   officers or trade, in any direction, within a number of links; each with its shortest
//   link path (one of them where several are as short). Closeness to a listed party is where
//   due diligence starts.
// param: max_hops int 3 Most links between the company and the listed entity (1 to 6)
// param: lists list[str] "" Only listings on these lists, e.g. OFAC-SDN,EU ("" for all)
// param: include_listed bool false Also show companies that are listed themselves
// param: limit int 500 Most rows returned
// column: entity_id Entity id of the company
// column: name Its name
// column: country Its country
// column: hops Links on the shortest path to a listed entity
// column: listed_entity_id Entity id of the nearest listed entity
// column: listed_name Its name
// column: listed_on The lists it is on (list)
// column: path Entity ids from the company to the listed entity, '>'-separated
// column: link_types Relationship types along the path, '>'-separated
MATCH (listed)-[:LISTED_AS]->(listing:Listing)
WHERE size($lists) = 0 OR listing.list IN $lists
WITH DISTINCT listed
// Cypher takes no parameter as a length bound, so search to the deepest level offered and
// cut after. Asking only for the shortest length lets Neo4j search breadth-first and prune:
// returning whole paths here would enumerate every path up to six links, which explodes.
MATCH p = (listed)-[:OWNS|OFFICER_OF|TRADES_WITH*1..6]-(company:Company)
WITH company, listed, min(length(p)) AS hops
WHERE hops <= $max_hops
  AND company <> listed
  AND ($include_listed OR NOT EXISTS { MATCH (company)-[:LISTED_AS]->(:Listing) })
WITH company, listed, hops
ORDER BY hops, listed.id
WITH company, head(collect({listed: listed, hops: hops})) AS nearest
WITH company, nearest.listed AS listed, nearest.hops AS hops
ORDER BY hops, company.id
LIMIT $limit
// one path of that length, now that both ends are known
MATCH p = shortestPath((company)-[:OWNS|OFFICER_OF|TRADES_WITH*1..6]-(listed))
RETURN company.id AS entity_id,
       company.name AS name,
       company.country AS country,
       hops,
       listed.id AS listed_entity_id,
       listed.name AS listed_name,
       [(listed)-[:LISTED_AS]->(l:Listing) | l.list] AS listed_on,
       reduce(s = '', n IN nodes(p) | s + CASE WHEN s = '' THEN '' ELSE '>' END + n.id) AS path,
       reduce(s = '', r IN relationships(p) |
              s + CASE WHEN s = '' THEN '' ELSE '>' END + type(r)) AS link_types
ORDER BY hops, entity_id
