/**
 * One located problem with the lab's input: a CSV cell, a CSV header, or a stack
 * configuration key. Every check in the project reports through this shape, so the
 * user sees all problems at once and the offline plan can print them as JSON.
 */
export interface Problem {
  /** Path of the file the problem is in, as the user named it (e.g. `lab.csv`). */
  file: string;
  /** 1-based line in that file; 0 when the line is not known (a config key set outside the stack file). */
  line: number;
  /** CSV column name (e.g. `IPAddress`) or config key (e.g. `exchange-lab:subnets.Oxford`). */
  column: string;
  message: string;
}

/**
 * Thrown when the CSV or the stack configuration is invalid. Carries every problem
 * found, never just the first; nothing has been declared when it is thrown.
 */
export class LabValidationError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(
      `the lab is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
    this.name = "LabValidationError";
    this.problems = problems;
  }
}

/** Renders a problem as `file:line: column: message` (the line is left out when unknown). */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
  return `${where}: ${p.column}: ${p.message}`;
}

/** Orders problems by file, then line, so output is stable and reads top to bottom. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column.localeCompare(b.column));
}
