import type { FindingKind, Severity } from './finding.js';

/**
 * bulkhead's own rules: stable public IDs. This one table is the source of docs/rules/*.md
 * (`npm run docs`) and of the help text in SARIF, so they never drift apart.
 */
export interface BuiltinRule {
  id: string;
  severity: Severity;
  kind: FindingKind;
  title: string;
  what: string;
  why: string;
  fix: string;
  /** CIS Docker Benchmark and Dockle checkpoints this rule covers. */
  references: string[];
}
