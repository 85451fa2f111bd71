export declare function benchMail(domainCount?: number): Promise<number | undefined>;
