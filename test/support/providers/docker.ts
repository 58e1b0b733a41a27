// @pulumi/docker 5.2.0 as it behaves against a real daemon.
//
// Source read: github.com/kreuzwerker/terraform-provider-docker tag v4.5.0 (commit 5074970c), which
// pulumi-docker pins as its `upstream` submodule from v5.1.0 through its newest snapshot read
// (commit 237b7899, 2026-08-14; provider/go.mod replaces the module with ../upstream). The tag v5.2.0
// itself was not in that snapshot: the pin is inferred, not seen.
//   C  = internal/provider/resource_docker_container.go        (schema; lines below)
//   CF = internal/provider/resource_docker_container_funcs.go  (Create 43, Read 750, Update 991, Delete 1079)
//   H  = internal/provider/helpers.go (nanoInt64ToDecimalString 133)
// pulumi-docker provider/resources.go:112-125 maps docker_container to Container with
// DeleteBeforeReplace: true, `command` unplural, networks_advanced -> networksAdvanced.
// Memory defaults come from moby/moby daemon/daemon_unix.go:321-324 (MemorySwap = 2 x Memory when
// unset) and :417-420 (-1 without swap accounting).

import { ProviderSource, ResourceRule, rule } from "./types";

export const dockerSource: ProviderSource = {
    pkg: "@pulumi/docker@5.2.0",
    repository: "github.com/kreuzwerker/terraform-provider-docker",
    revision: "v4.5.0 (5074970c71ce6cc393c74942d5d628943834beb9)",
    provenance: "pin read from pulumi/pulumi-docker upstream submodule at v5.1.0 and HEAD 237b7899 (2026-08-14); v5.2.0 tag not in the snapshot",
};

const UPDATE_ATTRS = "CF:1016-1019 (restart, max_retry_count, cpu_shares, memory, memory_reservation, cpu_set, memory_swap, device_*)";
const NOT_IN_UPDATE = `not in the attribute list of resourceDockerContainerUpdate, ${UPDATE_ATTRS}`;
const portIp = (v: unknown) => (v === "" || v === undefined ? "0.0.0.0" : v); // C:515-522 StateFunc

export const container: ResourceRule = {
    token: "docker:index/container:Container",
    upstream: "docker_container",
    file: "internal/provider/resource_docker_container.go",
    deleteBeforeReplace: true,
    fields: {
        name: rule("name", "replace", 50),
        image: rule("image", "replace", 141),
        hostname: rule("hostname", "replace", 148, { computed: true }),
        command: rule("command", "replace", 163, { computed: true }),
        entrypoints: rule("entrypoint", "replace", 172, { computed: true }),
        user: rule("user", "replace", 181, { normalize: (v) => (v === "" ? undefined : v), note: 'C:187 DiffSuppress treats "" as no change' }),
        restart: rule("restart", "update", 230, { default: "no", note: UPDATE_ATTRS }),
        maxRetryCount: rule("max_retry_count", "update", 238, { note: UPDATE_ATTRS }),
        memory: rule("memory", "update", 842, {
            unsetIs: "ignored",
            note: `${UPDATE_ATTRS}; the daemon refuses memory above the current memory_swap when memory_swap is not sent (moby daemon/container/container_unix.go:302-306)`,
        }),
        memoryReservation: rule("memory_reservation", "update", 848, { default: 0, note: UPDATE_ATTRS }),
        memorySwap: rule("memory_swap", "update", 856, {
            unsetIs: "ignored",
            note: "Optional, not Computed: Read stores the daemon's value (CF:940-944), an unset input then plans a removal; Update sends 0 = unchanged (CF:1060-1067)",
        }),
        cpuShares: rule("cpu_shares", "update", 872, { unsetIs: "ignored", note: `${UPDATE_ATTRS}; 0 means unchanged to the daemon` }),
        shmSize: rule("shm_size", "replace", 863, {
            computed: true,
            note: "MB; Create sends HostConfig.ShmSize = MB x 1 MiB (CF:350-351), Read stores ShmSize / 1 MiB (CF:945): an unset input keeps the daemon's 64",
        }),
        cpus: rule("cpus", "replace", 1158, { note: 'read back through nanoInt64ToDecimalString (CF:946-948, H:133): 1 -> "1.0"' }),
        envs: rule("env", "replace", 590, { set: true, computed: true, note: "never read back (CF:891-896)" }),
        labels: rule("labels", "replace", 833, {
            set: true,
            computed: true,
            fields: { label: rule("label", "replace", 833), value: rule("value", "replace", 833) },
            note: "never read back (CF:891-896)",
        }),
        logDriver: rule("log_driver", "replace", 886, { computed: true }),
        logOpts: rule("log_opts", "replace", 894),
        networkMode: rule("network_mode", "replace", 901, { default: "bridge" }),
        networksAdvanced: rule("networks_advanced", "replace", 909, {
            set: true,
            fields: {
                name: rule("name", "replace", 916),
                aliases: rule("aliases", "replace", 922, { set: true }),
                ipv4Address: rule("ipv4_address", "replace", 930),
                ipv6Address: rule("ipv6_address", "replace", 936),
            },
            note: "read back only when empty (import), CF:786-795",
        }),
        ports: rule("ports", "replace", 487, {
            // TypeList, but suppressIfPortsDidNotChangeForMigrationV0ToV1 (C:534, 1192-1247) matches
            // ports by internal port, so only content counts, not order.
            set: true,
            fields: {
                internal: rule("internal", "replace", 494),
                external: rule("external", "replace", 501, { computed: true }),
                ip: rule("ip", "replace", 509, { default: "0.0.0.0", normalize: portIp }),
                protocol: rule("protocol", "replace", 525, { default: "tcp" }),
            },
            note: "read back from NetworkSettings.Ports sorted by port (CF:800-806) only when set",
        }),
        volumes: rule("volumes", "replace", 434, {
            set: true,
            fields: {
                fromContainer: rule("from_container", "replace", 441),
                containerPath: rule("container_path", "replace", 447),
                hostPath: rule("host_path", "replace", 453),
                volumeName: rule("volume_name", "replace", 460),
                readOnly: rule("read_only", "replace", 466),
            },
            note: "never read back",
        }),
        mounts: rule("mounts", "replace", 328, {
            set: true,
            fields: {
                target: rule("target", "replace", 335),
                source: rule("source", "replace", 340),
                type: rule("type", "replace", 345),
                readOnly: rule("read_only", "replace", 351, { default: false }),
                bindOptions: rule("bind_options", "replace", 356, { fields: { propagation: rule("propagation", "replace", 363) } }),
            },
            note: "bind propagation only here (bind_options, C:356-370); Create sends HostConfig.Mounts (CF:166-258), Read stores them back as sent (CF:881, resource_docker_container_structures.go:388-437)",
        }),
        uploads: rule("upload", "replace", 987, {
            set: true,
            fields: {
                content: rule("content", "replace", 994),
                contentBase64: rule("content_base64", "replace", 1002),
                file: rule("file", "replace", 1009),
                executable: rule("executable", "replace", 1015, { default: false }),
                permissions: rule("permissions", "replace", 1022),
                source: rule("source", "replace", 1029),
                sourceHash: rule("source_hash", "replace", 1035),
            },
            note: "copied once at create (CF:520-586); never read back",
        }),
        healthcheck: rule("healthcheck", "ignored", 1045, {
            computed: true,
            fields: {
                tests: rule("test", "ignored", 1053, { note: NOT_IN_UPDATE }),
                interval: rule("interval", "ignored", 1059, { default: "0s", note: NOT_IN_UPDATE }),
                timeout: rule("timeout", "ignored", 1066, { default: "0s", note: NOT_IN_UPDATE }),
                startPeriod: rule("start_period", "ignored", 1073, { default: "0s", note: NOT_IN_UPDATE }),
                startInterval: rule("start_interval", "ignored", 1080, { default: "0s", note: NOT_IN_UPDATE }),
                retries: rule("retries", "ignored", 1087, { default: 0, note: NOT_IN_UPDATE }),
            },
            note: 'ignored on update: not ForceNew and not in Update\'s list (CF:1016-1019), but read back from Config.Healthcheck with Go duration text (CF:960-971); the program declares replaceOnChanges: ["healthcheck"] so an edit re-creates the container',
        }),
        privileged: rule("privileged", "replace", 656),
        pidMode: rule("pid_mode", "replace", 974),
        devices: rule("devices", "replace", 663, {
            set: true,
            fields: {
                hostPath: rule("host_path", "replace", 670),
                containerPath: rule("container_path", "replace", 676),
                permissions: rule("permissions", "replace", 682, { default: "rwm" }),
            },
        }),
        readOnly: rule("read_only", "replace", 64, { default: false }),
        stopSignal: rule("stop_signal", "replace", 314, { computed: true }),
        stopTimeout: rule("stop_timeout", "replace", 321, { computed: true, note: "ignored on delete: CF:1088-1093 always passes a timeout" }),
        init: rule("init", "ignored", 1126, { computed: true, note: NOT_IN_UPDATE }),
        tmpfs: rule("tmpfs", "ignored", 482, { note: NOT_IN_UPDATE }),
        wait: rule("wait", "state-only", 79, { default: false, note: "used by Create only (CF:590)" }),
        waitTimeout: rule("wait_timeout", "state-only", 86, { default: 60, note: "used by Create only (CF:614)" }),
        destroyGraceSeconds: rule("destroy_grace_seconds", "state-only", 827, {
            note: "used by Delete (CF:1086-1093); 0/unset = stop timeout 0, i.e. SIGTERM then SIGKILL at once",
        }),
        mustRun: rule("must_run", "update", 122, {
            default: true,
            note: "Read sets false for a stopped container (CF:817-821); Update starts it (CF:997-1012)",
        }),
        start: rule("start", "state-only", 72, { default: true }),
        rm: rule("rm", "state-only", 57, { default: false }),
        removeVolumes: rule("remove_volumes", "state-only", 256, { default: true }),
    },
    notes: [
        "Update calls ContainerUpdate once for any change of the UPDATE_ATTRS and returns without Read (CF:1014-1076), so state holds the planned values until a refresh.",
        "Create ends with Read (CF:673): the first state already holds read-back values (cpus text, memory_swap, healthcheck durations).",
        // Facts the side-by-side replacement of the apps relies on (issue 14):
        "healthcheck.start_interval exists since terraform-provider-docker v3.5.0 (commit d638dddb, #713); Create sends it (CF:156-157), Read returns Go duration text (CF:967): write whole seconds as Go prints them ('1s', '1m0s').",
        "wait: Create starts the container, then polls ContainerInspect once a second until Health.Status is healthy (CF:590-625); at wait_timeout it returns 'container failed to be in healthy state' after d.SetId (CF:460), so the create fails with the container kept as a partial (tainted) result and the deploy stops.",
        "pulumi-docker provider/resources.go:112-114 sets DeleteBeforeReplace: true for docker_container; the engine uses the resource option instead whenever the program sets it either way (pulumi/pulumi pkg/resource/deploy/step_generator.go continueStepsFromDiff, `if goal.DeleteBeforeReplace != nil`; the Node SDK sends deleteBeforeReplaceDefined, runtime/resource.js:372-373 of @pulumi/pulumi 3.248.0).",
        "With create-before-delete the engine creates the replacement, and deletes the old resource only after all creates and updates of the deployment ('the delete step is generated later on'); a failed create stops the deployment before those deletes.",
        'name: required upstream (C:50), optional in Pulumi: provider/resources.go:404 SetAutonaming(255, "-") fills it with `<resource name>-<7 random hex>` (pulumi-terraform-bridge pkg/tfbridge/info/autonaming.go AutoName, Randlen 7), reused from prior state on updates; a replacement re-runs Check without prior state (step_generator.go) and so gets a new name.',
        "networks_advanced.aliases (C:922): the daemon's embedded DNS answers an alias with every running container on the network that carries it, so old and new share the service name while both run.",
    ],
};

export const remoteImage: ResourceRule = {
    token: "docker:index/remoteImage:RemoteImage",
    upstream: "docker_image",
    file: "internal/provider/resource_docker_image.go",
    fields: {
        name: rule("name", "replace", 36),
        keepLocally: rule("keep_locally", "state-only", 55, { note: "read by Delete only (resource_docker_image_funcs.go:187)" }),
        pullTriggers: rule("pull_triggers", "replace", 61, { set: true }),
        triggers: rule("triggers", "replace", 84),
        forceRemove: rule("force_remove", "state-only", 69),
    },
    notes: ["Update re-pulls and re-reads (resource_docker_image_funcs.go:134-148); image_id is the local image ID (sha256:…)."],
};

const labelSet = (line: number) =>
    rule("labels", "replace", line, { set: true, fields: { label: rule("label", "replace", line), value: rule("value", "replace", line) } });

export const network: ResourceRule = {
    token: "docker:index/network:Network",
    upstream: "docker_network",
    file: "internal/provider/resource_docker_network.go",
    fields: {
        name: rule("name", "replace", 25),
        labels: labelSet(32),
        driver: rule("driver", "replace", 40, { computed: true }),
        options: rule("options", "replace", 48, { computed: true }),
        internal: rule("internal", "replace", 56, { computed: true }),
        attachable: rule("attachable", "replace", 64),
        ipv6: rule("ipv6", "replace", 78),
    },
    notes: ["Read sets labels, driver, internal, options from NetworkInspect (resource_docker_network_funcs.go:175-193)."],
};

export const volume: ResourceRule = {
    token: "docker:index/volume:Volume",
    upstream: "docker_volume",
    file: "internal/provider/resource_docker_volume.go",
    fields: {
        name: rule("name", "replace", 41, { computed: true }),
        labels: labelSet(48),
        driver: rule("driver", "replace", 55, { computed: true }),
        driverOpts: rule("driver_opts", "replace", 62),
    },
    notes: [
        'Create calls VolumeCreate (resource_docker_volume.go:278); for a name that already exists the daemon returns that volume unchanged (moby daemon/volume/service/store.go:586-613, "TODO: there could be some inconsistent details such as labels here"), so a retained volume is adopted.',
        "Read sets labels from the daemon (resource_docker_volume.go:309): an adopted volume keeps its original labels, so a label mismatch replaces it on the next refresh-and-up.",
    ],
};

export const dockerRules: ResourceRule[] = [container, remoteImage, network, volume];
