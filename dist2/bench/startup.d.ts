export declare function benchStartup(runs?: number): Promise<void>;
