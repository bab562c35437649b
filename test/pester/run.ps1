<#
.SYNOPSIS
Runs the Pester tests of the guest scripts (src/azure/scripts/*.ps1) and prints one closing line,
"Pester: N passed, M failed, S skipped". Exits 1 when a test fails.

.DESCRIPTION
Pester 5 is imported from the NuGet packages folder (`dotnet restore test/pester/pester.proj`
puts it there: https://www.nuget.org/packages/Pester), or from the module path when installed
from the PowerShell Gallery. The scripts themselves target Windows PowerShell 5.1; the tests run
them under PowerShell 7 with every Windows, AD and Exchange cmdlet mocked.
#>
param([string]$Path = $PSScriptRoot)
$ErrorActionPreference = 'Stop'
$version = '5.7.1'
$nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$manifest = Join-Path $nuget "pester/$version/tools/Pester.psd1"
if (Test-Path $manifest) { Import-Module $manifest -Force }
elseif (Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' }) { Import-Module Pester -MinimumVersion 5.0 }
else {
  Write-Output "Pester: SKIPPED (Pester $version not found; run .ci/install-pwsh.sh)"
  exit 3
}
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
# Plain text in CI logs (no ANSI colours) when the output is not a terminal.
if ([Console]::IsOutputRedirected) { $config.Output.RenderMode = 'Plaintext' }
$result = Invoke-Pester -Configuration $config
Write-Output ("Pester: {0} passed, {1} failed, {2} skipped" -f $result.PassedCount, $result.FailedCount, $result.SkippedCount)
if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
exit 0
