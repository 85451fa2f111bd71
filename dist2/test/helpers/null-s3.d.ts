/**
 * An S3 endpoint that throws bodies away: the upper limit for upload speed, and a way
 * to push gigabytes through s3sink without storing them. It keeps objects under 1 MiB
 * (manifests), answers listings as empty and deletes as done, and 404 for the rest.
 */
export declare class NullS3 {
    endpoint: string;
    /** Body bytes received. */
    bytes: number;
    private readonly small;
    private readonly server;
    private readonly sockets;
    private constructor();
    static start(): Promise<NullS3>;
    close(): Promise<void>;
}
