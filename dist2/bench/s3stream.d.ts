export declare function benchS3Stream(): Promise<void>;
