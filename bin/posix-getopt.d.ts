/** The part of posix-getopt (no types of its own) that the daemons use. */
declare module 'posix-getopt' {
  export interface Option {
    readonly option: string;
    readonly optarg?: string;
    readonly error?: boolean;
  }
  export class BasicParser {
    constructor(optstring: string, argv: readonly string[], optind?: number);
    getopt(): Option | undefined;
    optind(): number;
  }
  const getopt: { BasicParser: typeof BasicParser };
  export default getopt;
}
