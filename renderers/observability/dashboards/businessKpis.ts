// Dashboard 2: what the shops do with the system (deposits, stock, orders, inflation, revenue).
import * as barchart from "@grafana/grafana-foundation-sdk/barchart";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as piechart from "@grafana/grafana-foundation-sdk/piechart";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { COLORS, buildDashboard, lastValue, multiTooltip, tableLegend, thresholds, withBasics } from "./common";

export const BUSINESS_KPIS_UID = "minimarket-business-kpis";

/** Grafana has no built-in ARS unit; `currency:<symbol>` is its custom currency unit. */
export const ARS_UNIT = "currency:AR$";

function productsDepositedPerHour() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Products deposited per hour",
        queries: [{ expr: "sum(increase(deposito_productos_procesados_total[1h]))", legend: "products / hour" }],
        width: 12,
    })
        .unit(units.Short)
        .min(0)
        .tooltip(multiTooltip());
}

function criticalStock() {
    return withBasics(new gauge.PanelBuilder(), {
        title: "Products at critical stock",
        description: "Products below their minimum stock. The StockCritico alert fires above 0: as soon as there is one.",
        queries: [{ expr: "max(negocio_stock_critico_productos)", legend: "products", instant: true }],
        width: 6,
    })
        .unit(units.Short)
        .decimals(0)
        .min(0)
        .max(100)
        .thresholds(thresholds(COLORS.ok, [10, COLORS.warn], [50, COLORS.bad]))
        .reduceOptions(lastValue());
}

/**
 * The images expose only a count of generated purchase orders, not their amount in ARS,
 * so this panel shows the count and says so instead of pretending to show pesos.
 */
function purchaseOrders() {
    return withBasics(new stat.PanelBuilder(), {
        title: "Purchase orders generated",
        description:
            "Number of purchase orders generated in the selected time range (negocio_ordenes_generadas_total). " +
            "The services do not expose the orders' value in ARS; for pesos see the revenue panel.",
        queries: [{ expr: "sum(increase(negocio_ordenes_generadas_total[$__range]))", legend: "orders", instant: true }],
        width: 6,
    })
        .unit(units.Short)
        .decimals(0)
        .thresholds(thresholds(COLORS.neutral))
        .colorMode(common.BigValueColorMode.Value)
        .graphMode(common.BigValueGraphMode.None)
        .reduceOptions(lastValue());
}

function inflation() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Inflation: calculated vs baseline",
        description: "Monthly inflation in percent. The InflacionAnomaly alert fires when they differ by more than 5 points.",
        queries: [
            { expr: "avg(ml_inflacion_calculada_percent)", legend: "calculated" },
            { expr: "avg(ml_inflacion_baseline_percent)", legend: "baseline" },
        ],
        width: 12,
    })
        .unit(units.Percent)
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function revenue() {
    return withBasics(new timeseries.PanelBuilder(), {
        title: "Revenue: projected vs real (ARS)",
        queries: [
            { expr: "sum(negocio_revenue_proyectado_ars)", legend: "projected" },
            { expr: "sum(negocio_revenue_real_ars)", legend: "real" },
        ],
        width: 12,
    })
        .unit(ARS_UNIT)
        .legend(tableLegend())
        .tooltip(multiTooltip());
}

function productsByCategory() {
    return withBasics(new piechart.PanelBuilder(), {
        title: "Products by category",
        queries: [{ expr: "sum by (categoria) (deposito_productos_por_categoria)", legend: "{{categoria}}", instant: true }],
        width: 12,
    })
        .unit(units.Short)
        .pieType(piechart.PieChartType.Donut)
        .displayLabels([piechart.PieChartLabels.Percent])
        .reduceOptions(lastValue());
}

function ordersPerHour() {
    return withBasics(new barchart.PanelBuilder(), {
        title: "Purchase orders per hour",
        // A 1h step with a 1h window: every bar is one distinct hour.
        queries: [{ expr: "sum(increase(negocio_ordenes_generadas_total[1h]))", legend: "orders", interval: "1h" }],
        width: 12,
    })
        .unit(units.Short)
        .decimals(0)
        .xTickLabelRotation(-45)
        .showValue(common.VisibilityMode.Auto);
}

export function businessKpisDashboard(): dashboard.Dashboard {
    return buildDashboard(
        {
            uid: BUSINESS_KPIS_UID,
            title: "MiniMarket - Business KPIs",
            description: "Deposits, critical stock, purchase orders, inflation and revenue.",
            tags: ["business", "kpi"],
            from: "now-24h",
            refresh: "1m",
        },
        [productsDepositedPerHour(), criticalStock(), purchaseOrders(), inflation(), revenue(), productsByCategory(), ordersPerHour()],
    );
}
