ALTER TABLE tasks ADD COLUMN estimate_minutes integer;
UPDATE tasks SET estimate_minutes = 30;
ALTER TABLE tasks ALTER COLUMN estimate_minutes SET NOT NULL;
CREATE INDEX tasks_estimate_minutes_idx ON tasks (estimate_minutes);
ALTER TABLE tasks ADD CONSTRAINT tasks_estimate_minutes_check CHECK (estimate_minutes >= 0);
