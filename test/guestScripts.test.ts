import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { guestScripts, powershellParser, ps7Only, SCRIPTS_DIR } from "./powershell";

describe("guest scripts (src/azure/scripts): Windows PowerShell 5.1, documented, tested by Pester", () => {
  const scripts = guestScripts();

  it("finds the scripts", () => assert.ok(scripts.includes("wait-ready.ps1")));

  for (const file of scripts) {
    const text = fs.readFileSync(path.join(SCRIPTS_DIR, file), "utf8");
    it(`${file}: no PowerShell 7 syntax, ASCII only`, () => {
      assert.deepEqual(ps7Only(text), []);
      assert.ok([...text].every((c) => c === "\t" || c === "\n" || c === "\r" || (c >= " " && c <= "~")), "non-ASCII character");
    });
    it(`${file}: parses with tree-sitter's PowerShell grammar (skipped where the parser is not built)`, function () {
      const parse = powershellParser();
      if (!parse) return this.skip();
      assert.deepEqual(parse(text), []);
    });
    it(`${file}: comment-based help and a param() block (parameters, not globals)`, () => {
      assert.match(text, /^<#\n\.SYNOPSIS\n[\s\S]*?#>\n(?:\[CmdletBinding\(\)\]\n)?param\(/);
    });
    it(`${file}: has a Pester test file`, () => {
      assert.ok(fs.existsSync(path.join(__dirname, "pester", file.replace(/\.ps1$/, ".Tests.ps1"))));
    });
  }

  it("CI installs pwsh and Pester, and requires them, only where the .NET SDK exists; npm test's fast suite runs Pester last", () => {
    const root = path.join(__dirname, "..");
    const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
    assert.match(ci, /^if command -v dotnet >\/dev\/null 2>&1; then\n {2}\.ci\/install-pwsh\.sh\n {2}export PATH="\$PATH:\$HOME\/\.dotnet\/tools" PESTER_REQUIRED=1\n/m);
    assert.match(ci, /^EXCHANGE_LAB_ENGINE_REQUIRED=1 npm test$/m);
    const install = fs.readFileSync(path.join(root, ".ci", "install-pwsh.sh"), "utf8");
    assert.match(install, /dotnet tool install --global PowerShell --version 7\.6\.9/);
    assert.match(install, /dotnet restore test\/pester\/pester\.proj/);
    assert.match(fs.readFileSync(path.join(root, "test", "pester", "pester.proj"), "utf8"), /<PackageDownload Include="Pester" Version="\[5\.7\.1\]" \/>/);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.match(pkg.scripts["test:fast"], /&& npm run --silent pester$/);
  });

  it("the 7-only check catches each construct and passes 5.1 code", () => {
    for (const bad of ["$a = $b ?? 1", "$x?.Name", "git pull && echo ok", "$v = $c ? 1 : 2", "1..3 | ForEach-Object -Parallel { $_ }"]) {
      assert.notDeepEqual(ps7Only(bad), [], bad);
    }
    assert.deepEqual(ps7Only("# a ?? b && c\n$s = 'x ?? y'\nif ($a -and $b) { Write-Output \"ok?\" }"), []);
  });
});
