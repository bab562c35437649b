# Every guest script parses with PowerShell's own parser (PowerShell 7's, which accepts a superset
# of 5.1's syntax: test/guestScripts.test.ts rejects the 7-only constructs).
Describe 'guest scripts parse' {
  It '<Name> has no parse error' -ForEach @(Get-ChildItem (Join-Path $PSScriptRoot '../../src/azure/scripts/*.ps1') | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } }) {
    $errors = $null
    [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$errors) | Out-Null
    @($errors | ForEach-Object { "$($_.Extent.StartLineNumber): $($_.Message)" }) | Should -BeNullOrEmpty
  }
}
