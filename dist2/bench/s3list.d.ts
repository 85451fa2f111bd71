export declare function benchS3List(n?: number): Promise<void>;
