// name: officers-shared-with-russian-buyer
// title: Officers shared with the Russian buyer
// description: Companies abroad that sell to a Russian (or Belarusian) buyer with whom they
//   share a director, founder or owner. An exporter run by the buyer's own people is no
//   independent trader: it is likely the buyer's procurement arm.
// param: destinations list[str] RU,BY Countries of the buyer
// param: limit int 200 Most rows returned
// column: officer_id Entity id of the shared person or company
// column: officer Its name
// column: officer_kind Person or Company
// column: company_id Entity id of the exporting company
// column: company Its name
// column: company_country Its country
// column: roles_at_company What the officer is at the exporter (list)
// column: buyer_id Entity id of the buyer
// column: buyer Its name
// column: buyer_country Its country
// column: roles_at_buyer What the officer is at the buyer (list)
// column: shipments Shipments from the exporter to the buyer
// column: value_usd Their declared value
// column: first_date Day of the first of them
// column: last_date Day of the last of them
MATCH (officer)-[at_company:OFFICER_OF|OWNS]->(company:Company),
      (officer)-[at_buyer:OFFICER_OF|OWNS]->(buyer:Company)
WHERE buyer.country IN $destinations
  AND NOT company.country IN $destinations
  AND (officer:Person OR officer:Company)
WITH officer, company, buyer,
     collect(DISTINCT CASE type(at_company)
       WHEN 'OWNS' THEN coalesce(at_company.role, 'owner') + coalesce(' ' + toString(at_company.share_pct) + '%', '')
       ELSE coalesce(at_company.role, 'officer') END) AS roles_at_company,
     collect(DISTINCT CASE type(at_buyer)
       WHEN 'OWNS' THEN coalesce(at_buyer.role, 'owner') + coalesce(' ' + toString(at_buyer.share_pct) + '%', '')
       ELSE coalesce(at_buyer.role, 'officer') END) AS roles_at_buyer
MATCH (company)-[:EXPORTED]->(shipment:Shipment)-[:IMPORTED_BY]->(buyer)
// a mirror declaration points at the kept one, which alone is counted
WHERE NOT EXISTS { MATCH (shipment)-[:MIRROR_OF]->(:Shipment) }
WITH officer, company, buyer, roles_at_company, roles_at_buyer,
     count(shipment) AS shipments,
     sum(shipment.value_usd) AS value_usd,
     min(shipment.date) AS first_date,
     max(shipment.date) AS last_date
RETURN officer.id AS officer_id,
       officer.name AS officer,
       CASE WHEN officer:Person THEN 'Person' ELSE 'Company' END AS officer_kind,
       company.id AS company_id,
       company.name AS company,
       company.country AS company_country,
       roles_at_company,
       buyer.id AS buyer_id,
       buyer.name AS buyer,
       buyer.country AS buyer_country,
       roles_at_buyer,
       shipments,
       value_usd,
       first_date,
       last_date
ORDER BY value_usd DESC, officer_id, company_id, buyer_id
LIMIT $limit
