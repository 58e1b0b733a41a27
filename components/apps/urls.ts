// Connection URLs for the apps. Credentials are percent-encoded so that any character works
// (lesson 3 of the SPEC: passwords with `& ? ! )` broke the old deploys).

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
    /** `rediss` when the server requires TLS (Memorystore with in-transit encryption). */
    tls?: boolean;
}

export function redisUrl(ep: RedisEndpoint, password: string, db = 0): string {
    return `${ep.tls ? "rediss" : "redis"}://:${encodeUserinfo(password)}@${ep.host}:${ep.port}/${db}`;
}
