-- Generated columns need IMMUTABLE expressions; array_to_string is only STABLE in general
-- (it calls element output functions), but for text[] the result cannot change.
CREATE OR REPLACE FUNCTION nyxcore_tags_text(tags text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(array_to_string(tags, ' '), '') $$;
