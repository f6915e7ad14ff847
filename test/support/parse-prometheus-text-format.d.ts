// Types for the untyped parse-prometheus-text-format package: the parts the tests read.
declare module "parse-prometheus-text-format" {
  export interface ParsedMetric {
    readonly value: string;
    readonly labels?: Readonly<Record<string, string>>;
  }
  export interface ParsedFamily {
    readonly name: string;
    readonly help: string;
    readonly type: string;
    readonly metrics: readonly ParsedMetric[];
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
