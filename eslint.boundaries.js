// @ts-check
// The boundaries of ARCHITECTURE.md, held by the linter: the engine decides and never touches a driver
// or an adapter; the shared core depends on nothing of the project; options know no store.
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

/** @param {string[]} group @param {string} message */
function restricted(group, message) {
  return { group, message };
}

/** @type {import("eslint").Linter.Config[]} */
export const BOUNDARIES = [
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
