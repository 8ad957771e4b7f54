-- a longer body is catalog-only; a type change to a different type rewrites 7.5 M rows
ALTER TABLE comments ALTER COLUMN body TYPE text;
ALTER TABLE comments ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
