// The part of --help that no single option owns: how values combine and how to write them.

export const HELP_EPILOGUE = `Precedence: flags, then SYNCED_* environment variables, then the config file, then defaults. Every option of a run has an environment variable: SYNCED_ and the flag name in upper snake case (--es-nodes: SYNCED_ES_NODES); the options of one command (watch --every, verify --limit, ...) are flags only. An empty variable counts as unset.

Times (-b, -e): ISO-8601 with Z or an offset (2015-01-01T00:00:00.123456Z, 2015-01-01T01:00:00+01:00); a date, meaning midnight UTC (2015-01-01); epoch seconds (1420070400, 1420070400.5); an epoch with a unit, s, ms, us or ns (1420070400000ms); or now, or now minus a duration (now-2h, now-1h30m), read once when synced starts (under watch, when the watch starts). Times are kept to the microsecond; finer digits are dropped. A bare number is always seconds.

Durations (--lag, --lookback, --lease-ttl, --max-future, --connect-timeout, --state-timeout, --retry-window): whole numbers with a unit, ms, s, m, h or d (0 needs none), which may be combined, each unit once and largest first: 1500ms, 30s, 5m, 1h30m, 2d (1h1h and 30m1h are refused as typos).

Switches (--dry-run, --json, --quiet, ...): given alone they are on, --no-<switch> turns one off. With a value (--json=false, SYNCED_JSON, json: in the config file) they take true or false, yes or no, on or off, 1 or 0; any other value is refused.

Lists (--tables, --exclude-tables, --cassandra-contact-points, --es-nodes): comma separated, or the flag repeated.

Counts (--limit of verify and dead-letters list and replay, --sample of plan, --runs of status): a whole number from 0 to 1000000; at most that many are shown.

Secrets: give passwords and API keys through SYNCED_CASSANDRA_PASSWORD, SYNCED_ES_PASSWORD, SYNCED_ES_API_KEY or the matching *-file options; a value on the command line is visible to other users. Between a secret and its file, the one from the higher layer wins. Secrets are never printed.

Files (--config, *-password-file, --es-api-key-file, *-tls-ca, *-tls-cert, *-tls-key): read whole when synced starts, so each must be a regular file of at most 1 MiB (a symbolic link to one, as a Kubernetes Secret mount has, is fine). A FIFO, a device such as /dev/zero, a directory or a larger file is refused with exit 2.

Config file (--config or SYNCED_CONFIG): YAML, or JSON when the name ends in .json or the content starts with "{". Keys are the flag names in camelCase; the cassandra-* and es-* options go in cassandra: and elasticsearch: sections without that prefix. Unknown keys are errors. Paths are relative to the working directory. tables: takes a list (the --tables selection) or a mapping of per-table settings, keyed by table name: index (the index or alias of the table, instead of <index>-<table>; index-per-table layout only), timestamp and tombstone (the table's own version and delete marker columns, instead of --timestamp-column and --tombstone-column), id (its key columns, checked against its primary key), include or exclude (the content columns synced, or those left alone in both stores), rename (column: field, both ways), pipeline (an ingest pipeline for the documents synced writes; the fields it adds are kept), routing (the key column whose value routes each document to its shard, in writes and lookups by id; an index synced creates for the table requires routing), ttl (how long the table's rows live after their version, for an application that writes them USING TTL); a mapping selects nothing. For example:
  keyspace: app
  index: app
  tables: [users, orders]
  lag: 30s
  state: cassandra:synced.state
  cassandra:
    contactPoints: [10.0.0.1, 10.0.0.2]
    localDc: dc1
    username: synced
    passwordFile: /run/secrets/cassandra-password
    tlsCa: /etc/synced/cassandra-ca.pem
  elasticsearch:
    nodes: [https://es-1:9200, https://es-2:9200]
    apiKeyFile: /run/secrets/es-api-key
    tlsCa: /etc/synced/es-ca.pem
and per-table settings, with the selection from --tables:
  tables:
    users:
      index: people
      exclude: [password_hash]
      rename: {id: user_id, email: mail}

Examples:
  synced -k app -i app                                Sync from the checkpoint to now minus the lag
  synced -k app -i app -b 1420070400 -e 1422748800    Sync January 2015 (the checkpoint does not move back)

Exit codes: 0 success; 1 failed, or a table refused because a column's type no longer fits its index field, its
field is a name no document may hold (_source, a.b beside a), its index is closed, an alias over several, or
without its whole _source or a date field for tmstmp in a format it reads, or its name differs only in case from
another table's, while the other tables were synced (checkpoint kept); 2 bad flags, environment, config file or
state location, or a value found wrong after connecting (a table name, a consistency level the keyspace cannot
meet), or status or dead-letters where no run made a state or dead-letter store (they create none); 3 partial
success (dead letters wait, put by this run or an earlier one); 4 another run of this configuration holds the lease; 5 a store cannot be
reached or refused the credentials or a privilege; 6 more records failed than --max-errors allows (checkpoint kept); 7 synced verify found the sides differ; 130 stopped
by SIGINT or SIGTERM, at any moment once synced runs (checkpoint kept; the lease released, or the time it runs out given).`;
