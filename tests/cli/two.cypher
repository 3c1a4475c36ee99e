// Two statements; the second spans lines and has a ';' inside a string.
RETURN 1 AS n;
RETURN 'a;b'
  AS s;
