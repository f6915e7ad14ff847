// @ts-check
// The boundaries of ARCHITECTURE.md, held by the linter: the engine decides and never touches a driver
// or an adapter; the adapters use the engine's types, never its code; the shared core depends on
// nothing of the project; options know no store; a search product's adapter and client stay in its
// own folder, chosen only by the command line's wiring; each state backend (its state store, lease,
// schema and dead letters) stays in its own folder of src/state/, chosen only by the two files that
// open a store by its location.
// eslint.config.js applies these; test/unit/boundaries.test.ts checks that they catch what they should.

const DRIVERS = ["cassandra-driver", "cassandra-driver/*", "@elastic/*", "@opensearch-project/*"];
const IO_MODULES = [
  "node:fs",
  "node:fs/*",
  "fs",
  "fs/*",
  "node:net",
  "node:http",
  "node:https",
  "node:child_process",
];

// Each search product's adapter, from anywhere in src/ or beside it, and each product's client.
const ELASTICSEARCH = ["**/stores/elasticsearch", "**/stores/elasticsearch/**"];
const OPENSEARCH = ["**/stores/opensearch", "**/stores/opensearch/**"];
const SEARCH_PRODUCTS = [...ELASTICSEARCH, ...OPENSEARCH];
const SEARCH_CLIENTS = ["@elastic/*", "@opensearch-project/*"];
// The same folders as their neighbours in src/stores/ name them.
const NEIGHBOUR_PRODUCTS = [
  "./elasticsearch",
  "./elasticsearch/**",
  "./opensearch",
  "./opensearch/**",
  "../elasticsearch",
  "../elasticsearch/**",
  "../opensearch",
  "../opensearch/**",
];

/** @param {string[]} group @param {string} message */
function restricted(group, message) {
  return { group, message };
}

/**
 * Like restricted, but `import type` and `export type` from the group pass.
 * @param {string[]} group @param {string} message
 */
function typesOnly(group, message) {
  return { group, message, allowTypeImports: true };
}

// The adapters implement the engine's interfaces (RecordStore, the dead-letter sink) and so name its
// types; its code they never call, so nothing of the engine runs inside an adapter. One rule, in each
// block of adapters below, since a later block's options for a file replace an earlier one's.
const ENGINE_CODE = typesOnly(
  ["**/reconcile", "**/reconcile/**"],
  "Adapters import only the engine's types (`import type`), never its code: a helper that both the " +
    "engine and an adapter need belongs in src/core/.",
);

// Every block of src/state/ and src/deadletter/ below holds this one too.
const SEARCH_SEAM = restricted(
  [...SEARCH_PRODUCTS, ...SEARCH_CLIENTS],
  "The state and the dead letters reach a search cluster only through the SearchClient of " +
    "src/stores/search/; which product's adapter serves it is src/cli/connections.ts's choice.",
);

// The state backends, each one folder of src/state/ holding its state store, lease, schema and dead
// letters. What they share lives in src/state/*.ts and src/deadletter/; only two files choose a
// backend, by the location's text, and so import them all.
const STATE_BACKENDS = ["file", "cassandra", "elasticsearch"];
const STATE_CHOOSERS = ["src/state/open-state-store.ts", "src/deadletter/dead-letter-location.ts"];

/** A backend's folder as a file anywhere names it. @param {string} backend */
function backendFolder(backend) {
  return [`**/state/${backend}`, `**/state/${backend}/**`];
}

/**
 * One backend's folder imports no other backend's folder, as a file anywhere or a sibling in
 * src/state/ (`../file/`) names it, nor a file that chooses a backend (which imports them all).
 * @param {string} backend @returns {import("eslint").Linter.Config}
 */
function stateBackendBlock(backend) {
  const others = STATE_BACKENDS.filter((other) => other !== backend);
  return {
    files: [`src/state/${backend}/**/*.ts`],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            SEARCH_SEAM,
            ENGINE_CODE,
            restricted(
              [
                ...others.flatMap((other) => [...backendFolder(other), `../${other}`, `../${other}/**`]),
                "**/open-state-store.js",
                "**/dead-letter-location.js",
              ],
              `The ${backend} backend imports nothing of another backend's folder, nor the files that ` +
                "choose a backend: what the backends share lives in src/state/*.ts or src/deadletter/.",
            ),
          ],
        },
      ],
    },
  };
}

/** @type {import("eslint").Linter.Config[]} */
export const BOUNDARIES = [
  {
    // What the two files that choose a backend keep; the other files of src/state/ and src/deadletter/
    // have blocks of their own below, each holding these two patterns as well.
    files: ["src/state/**/*.ts", "src/deadletter/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [SEARCH_SEAM, ENGINE_CODE] }],
    },
  },
  ...STATE_BACKENDS.map(stateBackendBlock),
  {
    files: ["src/state/*.ts", "src/deadletter/**/*.ts"],
    ignores: STATE_CHOOSERS,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            SEARCH_SEAM,
            ENGINE_CODE,
            restricted(
              STATE_BACKENDS.flatMap((backend) => [
                ...backendFolder(backend),
                `./${backend}`,
                `./${backend}/**`,
              ]),
              "What every state backend shares imports no backend's folder: only " +
                "src/state/open-state-store.ts and src/deadletter/dead-letter-location.ts choose one.",
            ),
          ],
        },
      ],
    },
  },
  {
    files: ["src/cli/**/*.ts"],
    ignores: ["src/cli/connections.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            restricted(
              [...SEARCH_PRODUCTS, ...SEARCH_CLIENTS],
              "Only src/cli/connections.ts chooses a search product's adapter; use the SearchClient it gives.",
            ),
          ],
        },
      ],
    },
  },
  {
    files: [
      "src/stores/*.ts",
      "src/stores/search/**/*.ts",
      "src/stores/values/**/*.ts",
      "src/stores/cassandra/**/*.ts",
    ],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            restricted(
              [...SEARCH_PRODUCTS, ...NEIGHBOUR_PRODUCTS, ...SEARCH_CLIENTS],
              "Code shared by both search products imports neither product's adapter nor client: only " +
                "src/stores/search/ (the SearchClient and what both products share).",
            ),
            ENGINE_CODE,
          ],
        },
      ],
    },
  },
  {
    files: ["src/stores/elasticsearch/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            restricted(
              [...OPENSEARCH, "../opensearch", "../opensearch/**", "@opensearch-project/*"],
              "The Elasticsearch adapter imports nothing of OpenSearch's: what both products share lives " +
                "in src/stores/search/.",
            ),
            ENGINE_CODE,
          ],
        },
      ],
    },
  },
  {
    files: ["src/stores/opensearch/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            restricted(
              [...ELASTICSEARCH, "../elasticsearch", "../elasticsearch/**", "@elastic/*"],
              "The OpenSearch adapter imports nothing of Elasticsearch's: what both products share lives " +
                "in src/stores/search/.",
            ),
            ENGINE_CODE,
          ],
        },
      ],
    },
  },
  {
    files: ["src/reconcile/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            restricted(DRIVERS, "The engine reaches stores only through RecordStore and StateStore."),
            restricted(IO_MODULES, "The engine does no I/O; it belongs in an adapter behind an interface."),
            restricted(
              [
                "**/stores/**",
                "**/deadletter/**",
                "**/cli/**",
                "**/config/**",
                "**/state/**",
                // The state store's interface, the errors it promises and its pure checkpoint rule are
                // the engine's to call.
                "!**/state/state-store.js",
                "!**/state/state-errors.js",
                "!**/state/checkpoint-rule.js",
              ],
              "The engine imports no adapter, CLI or option code: use src/core/ or an interface.",
            ),
          ],
        },
      ],
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            restricted(DRIVERS, "The shared core holds no driver code."),
            restricted(["../**"], "The shared core depends on nothing else in the project."),
          ],
        },
      ],
    },
  },
  {
    files: ["src/config/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            restricted(DRIVERS, "Options are checked without a connection."),
            restricted(
              ["**/stores/**", "**/state/**", "**/reconcile/**", "**/cli/**", "**/deadletter/**"],
              "Options know no store, engine or CLI; shared rules live in src/core/.",
            ),
          ],
        },
      ],
    },
  },
];
