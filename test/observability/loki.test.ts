import { expect } from "chai";
import { parse } from "yaml";
import { DEFAULT_LOKI_LIMITS, LOKI_DATA_DIR, lokiConfig, renderLokiConfig } from "../../renderers/observability/loki";

// The rendered file, parsed back: what Loki will actually read.
const config: any = parse(renderLokiConfig());

function hours(d: string): number {
    const m = /^(\d+)h$/.exec(d);
    if (!m) throw new Error(`not an hours duration: ${d}`);
    return Number(m[1]);
}

/** Every key anywhere in the document, to catch settings Loki 3 removed. */
function allKeys(value: unknown): string[] {
    if (Array.isArray(value)) return value.flatMap(allKeys);
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => [k, ...allKeys(v)]);
    }
    return [];
}

describe("loki config", () => {
    it("runs the single binary without auth on port 3100", () => {
        expect(config.target).to.equal("all");
        expect(config.auth_enabled).to.equal(false);
        expect(config.server.http_listen_port).to.equal(3100);
    });

    it("stores everything on the filesystem under the data volume", () => {
        expect(config.common.path_prefix).to.equal(LOKI_DATA_DIR);
        const fsStorage = config.common.storage.filesystem;
        for (const dir of [
            fsStorage.chunks_directory,
            fsStorage.rules_directory,
            config.storage_config.tsdb_shipper.active_index_directory,
            config.storage_config.tsdb_shipper.cache_location,
            config.compactor.working_directory,
        ]) {
            expect(dir)
                .to.be.a("string")
                .and.match(new RegExp(`^${LOKI_DATA_DIR}/`));
        }
    });

    it("uses a current schema: TSDB index, schema v13, daily index on the filesystem", () => {
        const periods = config.schema_config.configs;
        expect(periods).to.have.length(1);
        expect(periods[0]).to.deep.include({ store: "tsdb", object_store: "filesystem", schema: "v13" });
        expect(periods[0].index.period).to.equal("24h");
        expect(String(periods[0].from)).to.match(/^\d{4}-\d{2}-\d{2}$/);
    });

    it("enforces 30 days retention: every setting retention needs is present", () => {
        // limits: the period itself
        expect(config.limits_config.retention_period).to.equal("720h");
        // compactor: retention is off unless enabled, and Loki 3 refuses to start without a delete store
        expect(config.compactor.retention_enabled).to.equal(true);
        expect(config.compactor.delete_request_store).to.equal(config.schema_config.configs[0].object_store);
        expect(config.compactor.working_directory).to.be.a("string").and.not.equal("");
        // retention deletes whole daily tables of a tsdb index
        const indexPeriod = hours(config.schema_config.configs[0].index.period);
        expect(hours(config.limits_config.retention_period) % indexPeriod).to.equal(0);
        expect(config.schema_config.configs[0].store).to.equal("tsdb");
    });

    it("applies the SPEC's ingestion and query limits", () => {
        expect(config.limits_config).to.deep.include({
            ingestion_rate_mb: 10,
            ingestion_burst_size_mb: 20,
            max_query_lookback: "720h",
            allow_structured_metadata: true,
        });
        expect(hours(config.limits_config.max_query_lookback)).to.be.at.most(hours(config.limits_config.retention_period));
    });

    it("contains no settings that Loki 3 removed", () => {
        const keys = allKeys(config);
        for (const removed of ["shared_store", "boltdb_shipper", "table_manager", "max_look_back_period", "enforce_metric_name"]) {
            expect(keys, removed).to.not.include(removed);
        }
    });

    it("refuses limits that would silently not work", () => {
        expect(() => lokiConfig({ ...DEFAULT_LOKI_LIMITS, retentionPeriod: "12h" })).to.throw(/multiple of 24h/);
        expect(() => lokiConfig({ ...DEFAULT_LOKI_LIMITS, retentionPeriod: "30d" })).to.throw(/hours/);
        expect(() => lokiConfig({ ...DEFAULT_LOKI_LIMITS, maxQueryLookback: "744h" })).to.throw(/max_query_lookback/);
        expect(() => lokiConfig({ ...DEFAULT_LOKI_LIMITS, ingestionBurstSizeMb: 5 })).to.throw(/burst/);
        expect(lokiConfig({ ...DEFAULT_LOKI_LIMITS, retentionPeriod: "168h", maxQueryLookback: "168h" })).to.nested.include({
            "limits_config.retention_period": "168h",
        });
    });
});
