/** A self-signed certificate for 127.0.0.1 and localhost, made by the openssl CLI in a temp dir. */
export interface TestCert {
    dir: string;
    keyFile: string;
    certFile: string;
    key: Buffer;
    cert: Buffer;
    remove(): void;
}
export declare function selfSignedCert(): TestCert;
