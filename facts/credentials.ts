// What marks a value as a credential, wherever it appears: the config schema refuses such a
// variable in plain `env`, the preview comment hides it, and the policy pack (policy/) refuses it
// in places a secret never goes. One definition, so the three cannot drift apart.

/**
 * Credentials by name: connection URLs, which carry a password (the apps' `DATABASE_URL` and
 * `REDIS_URL`, and any `*_DATABASE_URL` or `*_REDIS_URL` beside them), names that end in a word
 * such as KEY, TOKEN, PASS or CREDENTIALS (`SECRET_KEY`, `GOOGLE_API_KEY`, `GITHUB_TOKEN`), and
 * names with PASSWORD or SECRET anywhere (`PGPASSWORD`, `CLIENT_SECRET_VALUE`). Only the last
 * word counts for the others: `ACCESS_TOKEN_EXPIRE_MINUTES` is a number and `MAX_TOKENS` a count.
 * Fixed names that images read a credential from: postgres_exporter's `DATA_SOURCE_NAME` (a URL
 * with the monitor role's password).
 */
const CREDENTIAL_VAR = /(^|_)(DATABASE_URL|REDIS_URL|KEYS?|APIKEY|TOKEN|PASS|PASSWD|PWD|CREDENTIALS?|DSN|SALT)$|PASSWORD|SECRET|^DATA_SOURCE_NAME$/;
export const isCredentialVar = (name: string): boolean => name !== "PWD" && CREDENTIAL_VAR.test(name);

/** A URL that carries a password (`scheme://user:password@host`), e.g. a DATABASE_URL. */
export const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** The first line of a PEM private key (RSA, EC, OpenSSH, PKCS#8, encrypted or not). */
export const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** A value that is a credential whatever its name: a URL with a password, or a private key. */
export function looksLikeCredential(value: string): boolean {
    return URL_WITH_PASSWORD.test(value) || PRIVATE_KEY.test(value);
}
