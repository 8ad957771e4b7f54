-- taskhub → taskhub-v2, the way it is often written by hand: labels for tasks.
CREATE TABLE labels (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    name varchar(50) NOT NULL,
    color varchar(7) DEFAULT '#808080' NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    updated_at timestamptz DEFAULT now() NOT NULL
);
-- constraints and indexes on the table just created: nobody else can be waiting for it
ALTER TABLE labels ADD CONSTRAINT labels_pkey PRIMARY KEY (id);
ALTER TABLE labels ADD CONSTRAINT labels_organization_id_name_key UNIQUE (organization_id, name);
ALTER TABLE labels ADD CONSTRAINT labels_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE;
CREATE INDEX labels_name_idx ON labels (name);

CREATE TABLE task_labels (
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    label_id uuid NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    created_at timestamptz DEFAULT now() NOT NULL,
    PRIMARY KEY (task_id, label_id)
);
