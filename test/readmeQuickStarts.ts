// The README's quick starts as data: the files each shows and its sh commands (readme.test.ts,
// and the engine suite's rehearsal of the quick start).

/** A quick start: the files it shows (a `path`: line, then a fenced block) and its sh commands. */
export interface QuickStart {
  title: string;
  files: Map<string, string>;
  commands: string[];
  /** Where in the section the first file and the first `pulumi config set` stand. */
  firstFileAt: number;
  firstConfigSetAt: number;
}

export function quickStarts(readme: string): QuickStart[] {
  return readme.split(/^## /m).filter((s) => s.startsWith("Quick start")).map((section) => {
    const files = new Map<string, string>();
    for (const m of section.matchAll(/^`([^`\n]+)`[^\n]*:\n```(?:yaml|csv)\n([\s\S]*?)```/gm)) files.set(m[1], m[2]);
    const commands = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l !== ""));
    return {
      title: section.split("\n")[0],
      files,
      commands,
      firstFileAt: section.search(/^```(yaml|csv)/m),
      firstConfigSetAt: section.search(/^pulumi config set/m),
    };
  });
}

