// The Kubernetes manifests in deploy/ are what users apply as they are, so each must be a valid object
// of its kind (the Kubernetes schemas bundled with kubernetes-models: required fields, types, enums),
// must give synced options that synced accepts, and must keep the properties the usage guide promises:
// no overlapping runs, state that outlives the pod, secrets from Secrets, shards that add up.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Secret } from "kubernetes-models/v1/Secret";
import { parseAllDocuments } from "yaml";
import { buildCli } from "../../src/cli/command-line.js";
import type { Flags } from "../../src/config/layers.js";
import { loadConfig } from "../../src/config/load-config.js";
import { OPTION_SPECS } from "../../src/config/option-specs.js";
import { REQUEST_TIMEOUT_MS } from "../../src/core/request-timeout.js";
import type { SyncOptions } from "../../src/config/options.js";

const DEPLOY = fileURLToPath(new URL("../../../deploy/", import.meta.url));

type Json = Record<string, unknown>;

/** The schema check of each kind the manifests use; a kind missing here fails the test. */
const VALIDATORS: Readonly<Record<string, (data: Json) => void>> = {
  "batch/v1 CronJob": (data) => {
    new CronJob(data).validate();
  },
  "batch/v1 Job": (data) => {
    new Job(data).validate();
  },
  "apps/v1 Deployment": (data) => {
    new Deployment(data).validate();
  },
  "v1 Secret": (data) => {
    new Secret(data).validate();
  },
};

function validate(manifest: Json): void {
  const kind = `${String(manifest["apiVersion"])} ${String(manifest["kind"])}`;
  const check = VALIDATORS[kind];
  if (check === undefined) throw new Error(`no schema check for ${kind}`);
  check(manifest);
}

interface Manifest {
  readonly file: string;
  readonly data: Json;
}

async function manifests(): Promise<Manifest[]> {
  const files = (await readdir(DEPLOY)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const all: Manifest[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(await readFile(join(DEPLOY, file), "utf8"))) {
      assert.deepEqual(document.errors, [], `${file}: YAML errors`);
      all.push({ file, data: document.toJS() as Json });
    }
  }
  return all;
}

function at(value: unknown, ...path: (string | number)[]): unknown {
  let here = value;
  for (const step of path) {
    if (here === null || typeof here !== "object") return undefined;
    here = (here as Record<string | number, unknown>)[step];
  }
  return here;
}

function only(
  all: readonly Manifest[],
  kind: string,
  predicate: (m: Manifest) => boolean = () => true,
): Json {
  const found = all.filter((m) => m.data["kind"] === kind && predicate(m));
  assert.equal(found.length, 1, `exactly one ${kind} expected, found ${found.length}`);
  const [first] = found;
  assert.ok(first);
  return first.data;
}

/** The pod spec of a CronJob, a Job or a Deployment. */
function podSpec(manifest: Json): Json {
  const path = manifest["kind"] === "CronJob" ? ["spec", "jobTemplate", "spec"] : ["spec"];
  const spec = at(manifest, ...path, "template", "spec");
  assert.ok(spec !== null && typeof spec === "object", `${String(manifest["kind"])} has a pod spec`);
  return spec as Json;
}

interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly args?: string[];
  readonly env?: { name: string; value?: string; valueFrom?: Json }[];
  readonly resources?: { requests?: Json; limits?: Json };
  readonly securityContext?: Json;
}

function synced(manifest: Json): Container {
  const containers = podSpec(manifest)["containers"] as Container[];
  const container = containers.find((c) => c.name === "synced");
  assert.ok(container, `${String(manifest["kind"])} has a container named synced`);
  return container;
}

/**
 * The options synced would run with in that container: its args through synced's own command line
 * and its environment through the same loader, secrets from Secrets standing in as placeholders.
 * Unknown SYNCED_* variables are collected, since synced only warns about them.
 */
async function optionsOf(container: Container, extraEnv: Record<string, string> = {}) {
  const env: Record<string, string> = { ...extraEnv };
  const fromSecrets: string[] = [];
  for (const variable of container.env ?? []) {
    if (variable.valueFrom !== undefined) {
      assert.ok(at(variable.valueFrom, "secretKeyRef", "name"), `${variable.name} comes from a Secret`);
      fromSecrets.push(variable.name);
      env[variable.name] = "from-a-secret";
    } else {
      env[variable.name] = variable.value ?? "";
    }
  }
  let flags: Flags | undefined;
  let command = "";
  const take = (name: string) => (parsed: Flags) => {
    command = name;
    flags = parsed;
  };
  await buildCli(container.args ?? [], { run: take("run"), watch: take("watch") }).parseAsync();
  assert.ok(flags, `synced accepts the args ${JSON.stringify(container.args)}`);
  const warnings: string[] = [];
  const options: SyncOptions = await loadConfig({ flags, env, warn: (w) => void warnings.push(w) });
  return { command, options, warnings, fromSecrets };
}

const validCronJob = (): Json => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "broken" },
  spec: {
    schedule: "*/5 * * * *",
    concurrencyPolicy: "Forbid",
    jobTemplate: {
      spec: {
        template: {
          spec: { restartPolicy: "Never", containers: [{ name: "synced", image: "synced:1" }] },
        },
      },
    },
  },
});

describe("Kubernetes manifests in deploy/", () => {
  it("are each a valid object of its kind under the Kubernetes schemas", async () => {
    const all = await manifests();
    assert.ok(all.length >= 3, `found ${all.length} manifests`);
    for (const { file, data } of all) {
      assert.doesNotThrow(
        () => {
          validate(data);
        },
        `${file}: ${String(data["kind"])}`,
      );
    }
  });

  it("refuses a manifest that breaks the schema: the check can fail", () => {
    assert.doesNotThrow(() => {
      validate(validCronJob());
    });
    const sometimes = validCronJob();
    (sometimes["spec"] as Json)["concurrencyPolicy"] = "Sometimes";
    assert.throws(() => {
      validate(sometimes);
    }, /concurrencyPolicy/);
    const noSchedule = validCronJob();
    delete (noSchedule["spec"] as Json)["schedule"];
    assert.throws(() => {
      validate(noSchedule);
    }, /schedule/);
    const nameless = validCronJob();
    delete (at(nameless, "spec", "jobTemplate", "spec", "template", "spec", "containers", 0) as Json)["name"];
    assert.throws(() => {
      validate(nameless);
    }, /name/);
    const textDeadline = validCronJob();
    (textDeadline["spec"] as Json)["startingDeadlineSeconds"] = "200";
    assert.throws(() => {
      validate(textDeadline);
    }, /startingDeadlineSeconds/);
    assert.throws(() => {
      validate({ ...validCronJob(), kind: "CronTab" });
    }, /no schema check/);
  });

  it("run synced from an image, as a non-root user, with the measured memory and no writable root", async () => {
    for (const { file, data } of await manifests()) {
      if (data["kind"] === "Secret") continue;
      const container = synced(data);
      assert.match(container.image ?? "", /^[^\s:]+:[^\s:]+$/, `${file}: an image with a tag`);
      assert.equal(at(podSpec(data), "securityContext", "runAsNonRoot"), true, `${file}: runAsNonRoot`);
      assert.equal(at(container.securityContext, "readOnlyRootFilesystem"), true, `${file}: read-only root`);
      assert.equal(at(container.securityContext, "allowPrivilegeEscalation"), false, file);
      // About 200 MB measured (BENCHMARKS.md, peak RSS): the request must cover it, the limit exceed it.
      assert.equal(at(container.resources, "requests", "memory"), "256Mi", `${file}: memory request`);
      assert.equal(at(container.resources, "limits", "memory"), "512Mi", `${file}: memory limit`);
      // SIGTERM waits for the request in flight, which a store that stopped answering holds until
      // it times out; then the run releases its lease, or the next pod waits out the lease's TTL.
      const grace = Number(podSpec(data)["terminationGracePeriodSeconds"]);
      assert.ok(
        grace >= REQUEST_TIMEOUT_MS / 1000 + 30,
        `${file}: time to finish a request and release the lease after SIGTERM (${grace} s)`,
      );
    }
  });

  it("give synced options it accepts, with durable state and secrets from Secrets", async () => {
    for (const { file, data } of await manifests()) {
      if (data["kind"] === "Secret") continue;
      const container = synced(data);
      const indexed = at(data, "spec", "completionMode") === "Indexed";
      const { options, warnings, fromSecrets } = await optionsOf(
        container,
        indexed ? { JOB_COMPLETION_INDEX: "0" } : {},
      );
      assert.deepEqual(warnings, [], `${file}: every SYNCED_* variable is an option`);
      assert.notEqual(options.state.backend, "file", `${file}: state outlives the pod`);
      // A derived key follows the options as spelled: a contact point renamed would start over.
      assert.ok(options.name, `${file}: --name keeps the configuration's key`);
      assert.equal(options.deadLetter, undefined, `${file}: dead letters beside the state`);
      const secretNames = OPTION_SPECS.filter((spec) => spec.secret === true).map((spec) => spec.env);
      const literal = (container.env ?? []).filter((v) => v.valueFrom === undefined).map((v) => v.name);
      assert.deepEqual(
        literal.filter((name) => secretNames.includes(name)),
        [],
        `${file}: no secret written into the manifest`,
      );
      assert.deepEqual(
        fromSecrets.sort(),
        ["SYNCED_CASSANDRA_PASSWORD", "SYNCED_ES_API_KEY"],
        `${file}: every secret from a Secret, nothing else`,
      );
    }
  });

  it("the CronJob never runs twice at once and does not retry inside a job", async () => {
    const cronJob = only(await manifests(), "CronJob");
    assert.equal(at(cronJob, "spec", "concurrencyPolicy"), "Forbid");
    assert.equal(typeof at(cronJob, "spec", "startingDeadlineSeconds"), "number");
    assert.equal(at(cronJob, "spec", "jobTemplate", "spec", "backoffLimit"), 0);
    assert.equal(typeof at(cronJob, "spec", "jobTemplate", "spec", "activeDeadlineSeconds"), "number");
    const { command, options } = await optionsOf(synced(cronJob));
    assert.equal(command, "run");
    assert.equal(options.begin, undefined, "from the checkpoint");
    assert.equal(options.shard, undefined);
  });

  it("the Indexed Job shards a backfill over an explicit range into completions parts", async () => {
    const job = only(await manifests(), "Job", (m) => at(m.data, "spec", "completionMode") === "Indexed");
    const completions = at(job, "spec", "completions");
    assert.equal(typeof completions, "number");
    assert.equal(at(job, "spec", "parallelism"), completions, "every shard runs at once");
    const args = synced(job).args ?? [];
    const shard = args[args.indexOf("--shard") + 1];
    assert.ok(args.includes("--shard"), `--shard in ${JSON.stringify(args)}`);
    assert.equal(
      shard,
      `/${String(completions)}`,
      "the index comes from JOB_COMPLETION_INDEX, N is completions",
    );
    for (const index of [0, Number(completions) - 1]) {
      const { options } = await optionsOf(synced(job), { JOB_COMPLETION_INDEX: String(index) });
      assert.deepEqual(options.shard, { index, total: completions });
      assert.notEqual(options.begin, undefined, "an explicit -b");
      assert.notEqual(options.end, undefined, "an explicit -e");
    }
    assert.equal(at(job, "spec", "template", "spec", "restartPolicy"), "Never", "podFailurePolicy needs it");
  });

  it("the watch Deployment listens where its probes and Prometheus look", async () => {
    const deployment = only(await manifests(), "Deployment");
    const container = synced(deployment);
    const { command } = await optionsOf(container);
    assert.equal(command, "watch");
    const args = container.args ?? [];
    const listen = args[args.indexOf("--listen") + 1] ?? "";
    assert.match(listen, /^0\.0\.0\.0:\d+$/, "reachable from outside the pod");
    const port = Number(listen.split(":")[1]);
    const ports = (at(container, "ports") as { containerPort: number }[]).map((p) => p.containerPort);
    assert.deepEqual(ports, [port]);
    assert.equal(at(container, "readinessProbe", "httpGet", "path"), "/healthz");
    assert.equal(at(container, "livenessProbe", "httpGet", "path"), "/livez", "restarts a run that hangs");
    assert.equal(at(deployment, "spec", "replicas"), 1, "one process per configuration");
    const cronJob = (await optionsOf(synced(only(await manifests(), "CronJob")))).options;
    const watched = (await optionsOf(container)).options;
    assert.equal(watched.name, cronJob.name, "the CronJob's configuration, under the same lease");
  });
});
