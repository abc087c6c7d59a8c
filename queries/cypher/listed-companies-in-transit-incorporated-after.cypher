// name: listed-companies-in-transit-incorporated-after
// title: Listed companies in transit countries incorporated after a date
// description: Companies on a sanctions or defence-industry list, registered in a country
//   through which goods reach Russia (Kyrgyzstan, Kazakhstan, Armenia, ...), and incorporated
//   after a date (by default the full-scale invasion, 2022-02-24): the front companies set up
//   for the trade. The date is the registry's or list's, else the one the company's
//   identifier encodes (incorporation_date_source says which).
// param: after str 2022-02-24 Incorporated strictly after this date (YYYY-MM-DD)
// param: countries list[str] KG,KZ,AM,GE,AE,TR,UZ,TJ,AZ,MN,HK Transit countries
// param: limit int 200 Most rows returned
// column: entity_id Entity id of the company
// column: name Its name
// column: country Its country
// column: incorporation_date Its incorporation date
// column: incorporation_date_source Where the date comes from (empty: the registry or list)
// column: lists The lists that name it (list)
MATCH (company:Company)-[:LISTED_AS]->(listing:Listing)
WHERE company.country IN $countries
  AND company.incorporation_date IS NOT NULL
  AND date(company.incorporation_date) > date($after)
WITH company, collect(DISTINCT listing.list) AS lists
RETURN company.id AS entity_id,
       company.name AS name,
       company.country AS country,
       toString(company.incorporation_date) AS incorporation_date,
       company.incorporation_date_source AS incorporation_date_source,
       lists
ORDER BY incorporation_date DESC, name
LIMIT $limit
