// name: company-profile
// title: Company profile
// description: Everything the graph holds on a company, found by entity id or by part of
//   its name: registry data, address, listings, role labels, officers and owners, and a
//   summary of its trade.
// param: entity_id str "" The company's entity id ("" to search by name)
// param: name str "" Part of the company's name or of a name variant, any case (used when
//   entity_id is "")
// param: limit int 20 Most companies returned
// column: entity_id Entity id of the company
// column: name Its display name
// column: names All name variants seen (list)
// column: country Its country
// column: registration_number Registration number
// column: tax_id Tax number
// column: incorporation_date Day it was incorporated
// column: dissolution_date Day it was dissolved
// column: status Registry status
// column: activity_code Main activity code (OKVED / NACE)
// column: address Registered address
// column: listings Lists and programmes it is on (list)
// column: roles Role labels given by analysis (list)
// column: officers Officers with their role (list)
// column: owners Owners with their share (list)
// column: shipments_out Shipments it sent
// column: value_out_usd Their declared value
// column: shipments_in Shipments it received
// column: value_in_usd Their declared value
// column: trade_partners Distinct companies it traded with
// column: first_trade_date Day of its first shipment in or out
// column: last_trade_date Day of its last shipment in or out
MATCH (company:Company)
WHERE ($entity_id <> '' AND company.id = $entity_id)
   OR ($entity_id = '' AND $name <> '' AND (
         toLower(company.name) CONTAINS toLower($name)
         OR any(variant IN coalesce(company.names, []) WHERE toLower(variant) CONTAINS toLower($name))))
WITH company
ORDER BY company.name, company.id
LIMIT $limit
// a mirror declaration points at the kept one, which alone is counted
WITH company,
     [(company)-[:EXPORTED]->(s:Shipment)
      WHERE NOT EXISTS { MATCH (s)-[:MIRROR_OF]->(:Shipment) } | s] AS sent,
     [(s:Shipment)-[:IMPORTED_BY]->(company)
      WHERE NOT EXISTS { MATCH (s)-[:MIRROR_OF]->(:Shipment) } | s] AS received
RETURN company.id AS entity_id,
       company.name AS name,
       coalesce(company.names, []) AS names,
       company.country AS country,
       company.registration_number AS registration_number,
       company.tax_id AS tax_id,
       company.incorporation_date AS incorporation_date,
       company.dissolution_date AS dissolution_date,
       company.status AS status,
       company.activity_code AS activity_code,
       coalesce(head([(company)-[:REGISTERED_AT]->(a:Address) | a.text]), company.address) AS address,
       [(company)-[:LISTED_AS]->(l:Listing) | l.list + coalesce(' ' + l.program, '')] AS listings,
       [label IN labels(company) WHERE label <> 'Company'] AS roles,
       [(o)-[r:OFFICER_OF]->(company) | o.name + ' (' + coalesce(r.role, 'officer') + ')'] AS officers,
       [(o)-[r:OWNS]->(company) | o.name + coalesce(' ' + toString(r.share_pct) + '%', '')] AS owners,
       size(sent) AS shipments_out,
       reduce(v = 0.0, s IN sent | v + coalesce(s.value_usd, 0.0)) AS value_out_usd,
       size(received) AS shipments_in,
       reduce(v = 0.0, s IN received | v + coalesce(s.value_usd, 0.0)) AS value_in_usd,
       COUNT { MATCH (company)-[:EXPORTED|IMPORTED_BY]-(:Shipment)-[:EXPORTED|IMPORTED_BY]-(partner:Company)
               WHERE partner <> company RETURN DISTINCT partner } AS trade_partners,
       reduce(d = null, s IN sent + received | CASE WHEN d IS NULL OR s.date < d THEN s.date ELSE d END) AS first_trade_date,
       reduce(d = null, s IN sent + received | CASE WHEN d IS NULL OR s.date > d THEN s.date ELSE d END) AS last_trade_date
ORDER BY name, entity_id
