// name: within-hops-of-listed
// title: Companies within a few hops of a listed entity
// description: Companies linked to a sanctioned or defence-industry entity through ownership,
//   officers or trade, in any direction, within a number of links; each with its shortest
//   link path. Closeness to a listed party is where due diligence starts.
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
// Cypher takes no parameter as a length bound: expand to the largest depth offered, then cut
MATCH p = (listed)-[:OWNS|OFFICER_OF|TRADES_WITH*1..6]-(company:Company)
WHERE length(p) <= $max_hops
  AND company <> listed
  AND ($include_listed OR NOT EXISTS { MATCH (company)-[:LISTED_AS]->(:Listing) })
WITH company, listed, p,
     reduce(s = '', n IN reverse(nodes(p)) | s + CASE WHEN s = '' THEN '' ELSE '>' END + n.id) AS path
ORDER BY length(p), listed.id, path
WITH company, collect({listed: listed, p: p, path: path})[0] AS nearest
WITH company, nearest.listed AS listed, nearest.p AS p, nearest.path AS path
RETURN company.id AS entity_id,
       company.name AS name,
       company.country AS country,
       length(p) AS hops,
       listed.id AS listed_entity_id,
       listed.name AS listed_name,
       [(listed)-[:LISTED_AS]->(l:Listing) | l.list] AS listed_on,
       path,
       reduce(s = '', r IN reverse(relationships(p)) |
              s + CASE WHEN s = '' THEN '' ELSE '>' END + type(r)) AS link_types
ORDER BY hops, entity_id
LIMIT $limit
