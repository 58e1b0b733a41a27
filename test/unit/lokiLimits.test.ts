// Loki limits that would be accepted by Loki but not do what the stack promises (logs deleted
// after whole days, never kept forever) are refused before any file is written.

import { expect } from "chai";
import { DEFAULT_LOKI_LIMITS, LokiLimits, lokiConfig } from "../../renderers/observability/loki";

const limits = (over: Partial<LokiLimits>): LokiLimits => ({ ...DEFAULT_LOKI_LIMITS, ...over });

describe("unit: Loki retention edges", () => {
    // grafana/loki pkg/validation/limits.go (store.retention): "a zero value of 0 or 0s disables retention".
    it("refuses a zero retention: Loki reads retention_period 0 as keep forever", () => {
        expect(() => lokiConfig(limits({ retentionPeriod: "0h", maxQueryLookback: "0h" }))).to.throw(/retention_period must be a multiple of 24h, got 0h/);
    });

    it("refuses durations with more than whole hours (Loki would read 168h30m as a part day)", () => {
        for (const retentionPeriod of ["168h30m", "168hours", "168h "]) {
            expect(() => lokiConfig(limits({ retentionPeriod, maxQueryLookback: "24h" })), retentionPeriod).to.throw(/expected a duration in hours/);
        }
        expect(() => lokiConfig(limits({ maxQueryLookback: "24h30m" }))).to.throw(/expected a duration in hours/);
    });

    it("writes the retention and lookback it was given", () => {
        const c = lokiConfig(limits({ retentionPeriod: "336h", maxQueryLookback: "168h", ingestionRateMb: 4, ingestionBurstSizeMb: 8 })) as {
            limits_config: Record<string, unknown>;
        };
        expect(c.limits_config).to.deep.include({ retention_period: "336h", max_query_lookback: "168h", ingestion_rate_mb: 4, ingestion_burst_size_mb: 8 });
    });
});
