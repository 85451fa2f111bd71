/**
 * Progress on stderr: redrawn in place on a terminal, one line a second otherwise
 * (so `--progress 2>log` stays readable). Never writes to stdout.
 */
export declare class Progress {
    private readonly name;
    private readonly enabled;
    private readonly started;
    private last;
    private readonly tty;
    constructor(name: string, enabled: boolean);
    update(bytes: number, detail?: string): void;
    done(bytes: number, detail?: string): void;
    private draw;
}
