<#
.SYNOPSIS
exchange-lab gate (Windows PowerShell 5.1): waits until this VM has restarted into the domain
and its secure channel to a DC works. Exit 0 when ready, 1 at the deadline with what failed.

.DESCRIPTION
Ready when the boot is newer than the join's marker, Win32_ComputerSystem says PartOfDomain in
DomainName, and Test-ComputerSecureChannel is true. Idempotent: a VM long in the domain passes
at once.

.PARAMETER DomainName
FQDN of the domain.
.PARAMETER TimeoutSeconds
The deadline, in seconds from the start.
.PARAMETER PollSeconds
Seconds between two checks.
.PARAMETER StateDir
Where the join left its marker.
#>
param(
  [string]$DomainName = '',
  [int]$TimeoutSeconds = 1800,
  [int]$PollSeconds = 15,
  [string]$StateDir = 'C:\ProgramData\exchange-lab'
)
$ErrorActionPreference = 'Continue'
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
$marker = Join-Path $StateDir 'domain-join.done'
while ($true) {
  $boot = (Get-CimInstance -ClassName Win32_OperatingSystem).LastBootUpTime
  $joined = if (Test-Path $marker) { [datetime](Get-Content -Path $marker | Select-Object -First 1) } else { $null }
  $cs = Get-WmiObject -Class Win32_ComputerSystem
  $channel = $false
  try { $channel = [bool](Test-ComputerSecureChannel -ErrorAction Stop) } catch { }
  $rows = @(
    [pscustomobject]@{ Check = 'restarted after the join'; Ok = (-not $joined -or $boot -gt $joined); Detail = "boot $boot" },
    [pscustomobject]@{ Check = 'member of the domain'; Ok = ($cs.PartOfDomain -and $cs.Domain -eq $DomainName); Detail = "$($cs.Domain)" },
    [pscustomobject]@{ Check = 'secure channel'; Ok = $channel; Detail = '' }
  )
  if (@($rows | Where-Object { -not $_.Ok }).Count -eq 0) { break }
  if ((Get-Date) -ge $deadline) {
    Write-Output "NOT JOINED: $env:COMPUTERNAME after $TimeoutSeconds s; last check:"
    $rows | Format-Table -Property @('Check', 'Ok', 'Detail') -AutoSize | Out-String -Width 100 | Write-Output
    exit 1
  }
  Start-Sleep -Seconds $PollSeconds
}
Write-Output "JOINED: $env:COMPUTERNAME is a member of $DomainName"
exit 0
