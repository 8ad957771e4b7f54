-- rename due_date to due_on and its index: quick, but running code still says due_date
ALTER TABLE tasks RENAME COLUMN due_date TO due_on;
ALTER INDEX tasks_due_date_idx RENAME TO tasks_due_on_idx;
