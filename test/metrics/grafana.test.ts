import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { EventBus } from "../../src/engine/events.js";
import { EngineMetrics } from "../../src/metrics/metrics.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("the example Grafana dashboard", () => {
  it("queries only metrics the engine exports, and every engine metric has a panel", () => {
    const dashboard = JSON.parse(readFileSync(`${root}config/grafana-dashboard.json`, "utf8")) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const metrics = new EngineMetrics({
      events: new EventBus(),
      status: () => {
        throw new Error("not scraped here: only the metrics' names are read");
      },
    });
    const exported = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));
    metrics.close();
    const queried = new Set(
      dashboard.panels
        .flatMap((p) => p.targets.map((t) => t.expr))
        .flatMap((expr) => expr.match(/flasharb_[a-z_]+/g) ?? [])
        .map((name) => name.replace(/_(bucket|count|sum)$/, "")),
    );
    expect(queried.size).to.be.greaterThan(5);
    for (const name of queried) expect(exported, name).to.include(name);
    const engineOwn = [...exported].filter((name) => !/^flasharb_(process_|nodejs_)/.test(name));
    for (const name of engineOwn) expect(queried, `no panel for ${name}`).to.include(name);
  });
});
