// name: mass-registration-addresses
// title: Mass-registration addresses
// description: Addresses where many companies are registered, with how many of them are new
//   and how many export to Russia or Belarus. Front companies are often registered in bulk at
//   the address of a formation agent or an accountant.
// param: min_companies int 5 Fewest companies registered at the address
// param: country str "" Only addresses in this country ("" for all)
// param: since date 2022-02-24 Companies incorporated on or after this day count as new
// param: destinations list[str] RU,BY Countries whose importers count for the export figure
// param: limit int 100 Most rows returned
// column: address_id Id of the address
// column: address Its text
// column: country Its country
// column: companies Companies registered there
// column: companies_since How many of them were incorporated on or after the cut-off day
// column: companies_exporting_to_destinations How many of them shipped to the destination
//   countries
// column: company_ids Their entity ids (list, in name order)
// column: company_names Their names (list, in name order)
MATCH (company:Company)-[:REGISTERED_AT]->(address:Address)
WHERE $country = '' OR address.country = $country
WITH address, company
ORDER BY company.name, company.id
WITH address, collect(DISTINCT company) AS members
WHERE size(members) >= $min_companies
RETURN address.id AS address_id,
       address.text AS address,
       address.country AS country,
       size(members) AS companies,
       size([m IN members WHERE m.incorporation_date >= $since]) AS companies_since,
       size([m IN members WHERE EXISTS {
         MATCH (m)-[:EXPORTED]->(:Shipment)-[:IMPORTED_BY]->(buyer:Company)
         WHERE buyer.country IN $destinations
       }]) AS companies_exporting_to_destinations,
       [m IN members | m.id] AS company_ids,
       [m IN members | m.name] AS company_names
ORDER BY companies DESC, address_id
LIMIT $limit
