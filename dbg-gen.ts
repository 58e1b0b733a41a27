import * as fs from "fs";
import { renderRuleFiles, toYaml } from "./src/observability/render";
import { THRESHOLD_CASES } from "./test/monitoring/threshold-cases";
const dir = "/tmp/dbg"; fs.mkdirSync(dir, { recursive: true });
for (const [k, v] of Object.entries(renderRuleFiles())) fs.writeFileSync(`${dir}/${k}`, v);
const name = process.argv[2];
const c = THRESHOLD_CASES.find((x) => x.name.includes(name) && x.alert === process.argv[3])!;
const times = Array.from({ length: 30 }, (_, i) => i);
console.log(toYaml({ rule_files: ["recording.yml", "alerts.yml"], evaluation_interval: "1m", tests: [{ interval: c.interval ?? "1m", input_series: c.series,
  alert_rule_test: times.map((t) => ({ eval_time: `${t}m`, alertname: c.alert, exp_alerts: [] })) }] }));
