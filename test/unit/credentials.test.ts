// What marks a value as a credential (facts/credentials.ts), shared by the config schema, the
// preview comment and the policy pack.

import { expect } from "chai";
import { isCredentialVar, looksLikeCredential, PRIVATE_KEY, URL_WITH_PASSWORD } from "../../facts/credentials";

describe("facts/credentials", () => {
    it("credential names: connection URLs, a last word like KEY or TOKEN, PASSWORD or SECRET anywhere, and fixed names images read", () => {
        for (const name of [
            "DATABASE_URL",
            "ANALYTICS_DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "GOOGLE_API_KEY",
            "API_KEYS",
            "APIKEY",
            "GITHUB_TOKEN",
            "SMTP_PASS",
        ]) {
            expect(isCredentialVar(name), name).to.equal(true);
        }
        for (const name of ["PGPASSWORD", "DB_PASSWD", "MY_PWD", "CLIENT_SECRET_VALUE", "GCP_CREDENTIALS", "SENTRY_DSN", "HASH_SALT", "DATA_SOURCE_NAME"]) {
            expect(isCredentialVar(name), name).to.equal(true);
        }
        for (const name of [
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "MAX_TOKENS",
            "PWD",
            "KEYBOARD",
            "LOG_LEVEL",
            "DATABASE_URL_TIMEOUT",
            "MY_DATA_SOURCE_NAME",
            "DATA_SOURCE_NAMES",
            "TOKENIZER",
        ]) {
            expect(isCredentialVar(name), name).to.equal(false);
        }
    });

    it("credential values: a URL with a password, or a private key", () => {
        expect(URL_WITH_PASSWORD.test("postgresql://app:s3cret@db:5432/x")).to.equal(true);
        expect(URL_WITH_PASSWORD.test("redis://:s3cret@redis:6379/0")).to.equal(true);
        expect(URL_WITH_PASSWORD.test("https://user@host/x")).to.equal(false);
        expect(URL_WITH_PASSWORD.test("http://agente-deposito:8001")).to.equal(false);
        expect(URL_WITH_PASSWORD.test("ssh://deploy@34.95.10.20")).to.equal(false);
        expect(PRIVATE_KEY.test("-----BEGIN OPENSSH PRIVATE KEY-----")).to.equal(true);
        expect(PRIVATE_KEY.test("-----BEGIN PRIVATE KEY-----")).to.equal(true);
        expect(PRIVATE_KEY.test("-----BEGIN CERTIFICATE-----")).to.equal(false);
        expect(looksLikeCredential("x -----BEGIN EC PRIVATE KEY----- y")).to.equal(true);
        expect(looksLikeCredential("amqp://guest:guest@rabbit/")).to.equal(true);
        expect(looksLikeCredential("America/Argentina/Buenos_Aires")).to.equal(false);
    });
});
