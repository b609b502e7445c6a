// The few parts of Eleventy's programmatic API we use (the package ships no types).
declare module '@11ty/eleventy' {
  interface EleventyOptions {
    configPath?: string;
    pathPrefix?: string;
    quietMode?: boolean;
  }
  export default class Eleventy {
    constructor(input: string, output: string, options?: EleventyOptions);
    init(): Promise<void>;
    write(): Promise<unknown>;
    watch(): Promise<void>;
    serve(port?: number): Promise<void>;
    /** Where Eleventy's messages go: a console, or false for nowhere. */
    logger: { overrideLogger(target: Pick<Console, 'log' | 'info' | 'warn' | 'error'> | false): void };
  }
}
