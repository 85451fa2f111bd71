export declare function benchChunker(): Promise<void>;
