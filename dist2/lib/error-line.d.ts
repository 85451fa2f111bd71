/** The one-line message for any error: the message itself, never a stack. */
export declare function errorLine(err: unknown): string;
