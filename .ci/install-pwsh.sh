#!/usr/bin/env bash
# Installs what `npm test` needs to run the Pester tests of the guest scripts:
# - PowerShell 7 as a .NET global tool (https://learn.microsoft.com/powershell/scripting/install/install-dotnet),
#   unless pwsh is already on PATH or in ~/.dotnet/tools;
# - Pester 5.7.1 from NuGet (https://www.nuget.org/packages/Pester) into the NuGet packages
#   folder, by `dotnet restore` of test/pester/pester.proj (no PowerShell Gallery needed).
# Needs the .NET SDK (8 or later) and access to nuget.org.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v pwsh >/dev/null 2>&1; then
  dotnet tool install --global PowerShell --version 7.6.9
fi
dotnet restore test/pester/pester.proj --verbosity quiet
pwsh -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' | sed 's/^/pwsh /'
