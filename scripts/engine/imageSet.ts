// What the engine tests build and how they name it (scripts/engine/images.ts builds it; the tests
// under test/engine/ read it).
import * as path from "path";

/** The Dockerfile folders, one per key of facts/images.ts defaultImages, plus `app`. */
export const IMAGE_DIR = path.join(__dirname, "..", "..", "test", "engine", "images");

/**
 * Pins of facts/images.ts that no engine-tested stack (staging, prod on vm) runs, with why: they get
 * no image (docs/engine-tests.md; test/engineSpec.test.ts checks staging never pulls them).
 */
export const NOT_ON_THE_ENGINE: Readonly<Record<string, string>> = {
    stackdriverExporter: "only prod's cloudrun runtime runs it, on the ops VM; it reads Cloud Monitoring, which no test here can reach",
};

/** Debian 13: PostgreSQL 17 (the pinned major) exists there, not in Debian 12. */
export const BASE_SUITE = "trixie";
/** In the base of every image: what the program's probes and steps call (sh, wget, seq, grep, python3 for the stand-ins). */
export const BASE_PACKAGES = ["ca-certificates", "wget", "python3", "tzdata", "iproute2", "procps"];
export const BASE_IMAGE = `minimarket-engine/base:${BASE_SUITE}`;

/** An app image with a release step, for the tests that configure real images (not a pin). */
export const TEST_APP_IMAGE = "minimarket-engine/app:1.0.0";

/** Binaries of `npm run upstream-tools` each image takes when they exist (else Debian's package). */
export const UPSTREAM_BINARIES: Readonly<Record<string, string[]>> = {
    prometheus: ["prometheus", "promtool"],
    alertmanager: ["alertmanager", "amtool"],
    nodeExporter: ["node_exporter"],
    postgresExporter: ["postgres_exporter"],
    redisExporter: ["redis_exporter"],
    cadvisor: ["cadvisor"],
    caddy: ["caddy"],
};

/**
 * The local tag a reference is built under: itself, or without its digest (`repo:tag@sha256:…`
 * cannot be produced here: a digest is the hash of the upstream image's manifest).
 */
export function buildTag(ref: string): string {
    return ref.replace(/@sha256:[a-f0-9]{64}$/, "");
}
