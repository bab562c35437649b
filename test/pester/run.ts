/**
 * `npm test`'s last step: runs the Pester tests of the guest scripts (test/pester/run.ps1) when
 * PowerShell 7 (`pwsh`) is on PATH or in ~/.dotnet/tools (where `dotnet tool install --global
 * PowerShell` puts it), and says plainly that it skipped them when it is not. With
 * `PESTER_REQUIRED=1` (set by .ci/run) a skip fails instead.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The pwsh executable: PATH first, then the .NET global tools folder; undefined when neither has it. */
export function findPwsh(): string | undefined {
  const exe = process.platform === "win32" ? "pwsh.exe" : "pwsh";
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), path.join(os.homedir(), ".dotnet", "tools")];
  return dirs.map((d) => path.join(d, exe)).find((p) => d(p));
  function d(p: string): boolean {
    try { fs.accessSync(p, fs.constants.X_OK); return true; } catch { return false; }
  }
}

function main(): number {
  const required = process.env.PESTER_REQUIRED === "1";
  const pwsh = findPwsh();
  if (!pwsh) {
    console.log(`Pester: SKIPPED, the guest scripts' Pester tests need PowerShell 7 (pwsh) and Pester 5, and pwsh is not on PATH or in ~/.dotnet/tools (with the .NET SDK: .ci/install-pwsh.sh; see README, "Tests")${required ? "; PESTER_REQUIRED=1, so this fails" : ""}`);
    return required ? 1 : 0;
  }
  const script = path.join(__dirname, "run.ps1");
  const run = spawnSync(pwsh, ["-NoProfile", "-NonInteractive", "-File", script], { stdio: "inherit" });
  if (run.status === 3) return required ? 1 : 0; // run.ps1 printed the skip line: Pester not installed
  return run.status ?? 1;
}

if (require.main === module) process.exitCode = main();
