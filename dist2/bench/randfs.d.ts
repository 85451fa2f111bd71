export declare function benchRandfs(): Promise<void>;
