CREATE (:Country {name: 'Mali'});
MATCH (c:Country) RETURN c.name AS name;
MATCH (c:Country) RETURN d.name;
RETURN 'never' AS after;
