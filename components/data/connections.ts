// What a client needs to reach PostgreSQL or Redis, wherever they run (a container, Cloud SQL,
// Memorystore), and the URLs built from it. Credentials are percent-encoded so that any
// character works (lesson 3 of the SPEC: passwords with `& ? ! )` broke the old deploys).

import * as pulumi from "@pulumi/pulumi";

/** Percent-encodes everything except RFC 3986 unreserved characters. */
export function encodeUserinfo(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

export interface PostgresEndpoint {
    host: string;
    port: number;
    database: string;
    user: string;
}

export function postgresUrl(ep: PostgresEndpoint, password: string, params?: Record<string, string>): string {
    const query = params && Object.keys(params).length > 0 ? "?" + new URLSearchParams(params).toString() : "";
    return `postgresql://${encodeUserinfo(ep.user)}:${encodeUserinfo(password)}@${ep.host}:${ep.port}/${encodeURIComponent(ep.database)}${query}`;
}

export interface RedisEndpoint {
    host: string;
    port: number;
    /** The server requires TLS (Memorystore with in-transit encryption). */
    tls?: boolean;
}

/** The one place that decides between `redis://` and `rediss://`. */
export function redisScheme(ep: Pick<RedisEndpoint, "tls">): "redis" | "rediss" {
    return ep.tls ? "rediss" : "redis";
}

export function redisAddress(ep: RedisEndpoint): string {
    return `${redisScheme(ep)}://${ep.host}:${ep.port}`;
}

export function redisUrl(ep: RedisEndpoint, password: string, db = 0): string {
    return `${redisScheme(ep)}://:${encodeUserinfo(password)}@${ep.host}:${ep.port}/${db}`;
}

/** One role's way into PostgreSQL. */
export interface PostgresConnection extends PostgresEndpoint {
    password: pulumi.Output<string>;
    /** libpq parameters of the URL, e.g. sslmode=require for Cloud SQL. */
    params: Record<string, string>;
    /** What must be ready (healthy, role set) before a client connects. */
    ready: pulumi.Input<pulumi.Resource>[];
}

/** The way into Redis. */
export interface RedisConnection extends RedisEndpoint {
    password: pulumi.Output<string>;
    /** PEM of the CA that signs the server certificate, when the server speaks TLS. */
    caCertificate?: pulumi.Output<string>;
    /** Where clients find caCertificate: uploaded to this path in each client container. */
    caFile?: string;
    ready: pulumi.Input<pulumi.Resource>[];
}

/** DATABASE_URL of a connection, as a secret. */
export function postgresConnectionUrl(c: PostgresConnection): pulumi.Output<string> {
    return pulumi.secret(c.password.apply((p) => postgresUrl(c, p, c.params)));
}

/** Where TLS clients of Redis find the server's CA (docs/app-contract.md). */
export const REDIS_CA_FILE = "/etc/minimarket/redis-ca.pem";

/** REDIS_URL of a connection, as a secret. With a CA file, redis-py's `ssl_ca_certs` names it. */
export function redisConnectionUrl(c: RedisConnection): pulumi.Output<string> {
    const query = c.caFile ? `?${new URLSearchParams({ ssl_ca_certs: c.caFile }).toString()}` : "";
    return pulumi.secret(c.password.apply((p) => redisUrl(c, p) + query));
}

/** The CA file clients of `c` need, by path in the container; empty without TLS. */
export function redisCaFiles(c: RedisConnection): pulumi.Output<Record<string, string>> {
    return c.caCertificate && c.caFile
        ? c.caCertificate.apply((pem): Record<string, string> => ({ [c.caFile!]: pem }))
        : pulumi.output<Record<string, string>>({});
}
