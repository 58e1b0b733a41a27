// What `pulumi destroy` must do that the provider does not: remove the VPC peering of private
// services access. The Connection is abandoned on delete (Google refuses to delete it while Cloud
// SQL or Memorystore still hold it, which lasts a while after they are deleted), but a network
// with a peering cannot be deleted, so this runs between the two.

import { shellQuote } from "../../renderers/shell";

/** Name Google gives the peering of private services access on the consumer network. */
export const SERVICE_PEERING = "servicenetworking-googleapis-com";

export interface PeeringCleanupOptions {
    project: string;
    network: string;
    /** Tries of the clean delete before the consumer side is removed directly. */
    attempts: number;
    intervalSeconds: number;
}

/**
 * Deletes the connection through Service Networking (the clean way, retried while the deleted
 * services still hold it), and if that never succeeds, deletes the network's side of the peering,
 * which always works and is all the network needs. Idempotent: a missing network or peering is done.
 */
export function peeringCleanupScript(o: PeeringCleanupOptions): string {
    const p = shellQuote(o.project);
    const n = shellQuote(o.network);
    return [
        "set -u",
        `peerings() { gcloud compute networks describe ${n} --project=${p} --format='value(peerings[].name)' 2>/dev/null | tr ';' '\\n'; }`,
        `present() { gcloud compute networks describe ${n} --project=${p} --format='value(name)' >/dev/null 2>&1 && peerings | grep -qx ${SERVICE_PEERING}; }`,
        `present || { echo "no ${SERVICE_PEERING} peering on "${n}; exit 0; }`,
        `for attempt in $(seq 1 ${o.attempts}); do`,
        `  gcloud services vpc-peerings delete --service=servicenetworking.googleapis.com --network=${n} --project=${p} --quiet && exit 0`,
        `  present || exit 0`,
        `  [ "$attempt" -lt ${o.attempts} ] && sleep ${o.intervalSeconds}`,
        "done",
        `gcloud compute networks peerings delete ${SERVICE_PEERING} --network=${n} --project=${p} --quiet && exit 0`,
        `echo ${shellQuote(`could not remove the ${SERVICE_PEERING} peering of ${o.network}; remove it with \`gcloud compute networks peerings delete ${SERVICE_PEERING} --network=${o.network} --project=${o.project}\` and run \`pulumi destroy\` again`)} >&2`,
        "exit 1",
    ].join("\n");
}
