-- AiOs PostgreSQL schema, migration 2: the cluster. What the cluster agreed at creation, its membership (totally
-- ordered by a version row changed only by compare-and-swap), and one lease per partition. All times are the
-- database's: silos never compare their own clocks.

CREATE TABLE aios_cluster (
    id              integer     PRIMARY KEY CHECK (id = 1),
    partition_count integer     NOT NULL CHECK (partition_count > 0),
    secret          text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE aios_membership_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint  NOT NULL
);

INSERT INTO aios_membership_version (id, version) VALUES (1, 0);

-- One row per silo process; a restart is a new generation, so the rows of dead processes stay as history.
CREATE TABLE aios_silos (
    name             text        NOT NULL,
    generation       bigint      NOT NULL,
    address          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('joining', 'active', 'shutting_down', 'dead')),
    started_at       timestamptz NOT NULL,
    last_heartbeat   timestamptz NOT NULL,
    declared_dead_by text        NULL,
    PRIMARY KEY (name, generation)
);

-- Owner is the silo id (name@generation). The epoch grows at every change of owner and fences every write.
CREATE TABLE aios_partition_leases (
    partition  integer     PRIMARY KEY,
    owner      text        NULL,
    epoch      bigint      NOT NULL DEFAULT 0,
    expires_at timestamptz NULL
);
