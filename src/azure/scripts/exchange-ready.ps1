<#
.SYNOPSIS
exchange-lab gate (Windows PowerShell 5.1): waits until the Exchange install task has finished
and Exchange serves OWA. Exit 0 when ready, 1 on the task's failure or at the deadline, with the
last lines of the task's log.

.DESCRIPTION
Ready when exchange.done exists, the services MSExchangeIS, MSExchangeTransport,
MSExchangeFrontEndTransport and W3SVC run, and https://localhost/owa/healthcheck.htm answers 200
(the health check Microsoft's Managed Availability probes and Install-Exchange15 polls,
https://github.com/michelderooij/Install-Exchange15). Idempotent: an installed server passes at
once. Setup takes about 60 minutes (Microsoft: "Estimated time to complete: 60 minutes",
https://learn.microsoft.com/exchange/plan-and-deploy/deploy-new-installations/unattended-installs).

.PARAMETER TimeoutSeconds
The deadline, in seconds from the start.
.PARAMETER PollSeconds
Seconds between two checks.
.PARAMETER StateDir
Where the task keeps its state and log.
.PARAMETER HealthUrl
The URL that must answer 200.
#>
param(
  [int]$TimeoutSeconds = 14400,
  [int]$PollSeconds = 60,
  [string]$StateDir = 'C:\ProgramData\exchange-lab',
  [string]$HealthUrl = 'https://localhost/owa/healthcheck.htm'
)
$ErrorActionPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
$log = Join-Path $StateDir 'exchange-install.log'
# Exchange's own certificate is self-signed: the check is of this server, on this server.
[System.Net.ServicePointManager]::ServerCertificateValidationCallback = { $true }
[System.Net.ServicePointManager]::SecurityProtocol = [System.Net.SecurityProtocolType]::Tls12

function Write-LogTail {
  if (Test-Path $log) { Write-Output '--- exchange-install.log (last lines) ---'; Get-Content -Path $log -Tail 15 | Write-Output }
}

while ($true) {
  if (Test-Path (Join-Path $StateDir 'exchange.failed')) {
    Write-Output "EXCHANGE FAILED on ${env:COMPUTERNAME}: $(Get-Content -Path (Join-Path $StateDir 'exchange.failed') | Select-Object -First 1)"
    Write-LogTail
    exit 1
  }
  $rows = @([pscustomobject]@{ Check = 'install task finished'; Ok = (Test-Path (Join-Path $StateDir 'exchange.done')); Detail = '' })
  if ($rows[0].Ok) {
    foreach ($name in 'MSExchangeIS', 'MSExchangeTransport', 'MSExchangeFrontEndTransport', 'W3SVC') {
      $s = Get-Service -Name $name -ErrorAction SilentlyContinue
      $state = if ($s) { [string]$s.Status } else { 'missing' }
      $rows += [pscustomobject]@{ Check = "service $name"; Ok = ($state -eq 'Running'); Detail = $state }
    }
    $code = 0
    try { $code = (Invoke-WebRequest -Uri $HealthUrl -UseBasicParsing -TimeoutSec 30).StatusCode } catch { }
    $rows += [pscustomobject]@{ Check = 'OWA health check'; Ok = ($code -eq 200); Detail = "$HealthUrl $code" }
  }
  if (@($rows | Where-Object { -not $_.Ok }).Count -eq 0) { break }
  if ((Get-Date) -ge $deadline) {
    Write-Output "EXCHANGE NOT READY: $env:COMPUTERNAME after $TimeoutSeconds s; last check:"
    $rows | Format-Table -Property @('Check', 'Ok', 'Detail') -AutoSize | Out-String -Width 120 | Write-Output
    Write-LogTail
    exit 1
  }
  Start-Sleep -Seconds $PollSeconds
}
Write-Output "EXCHANGE READY: $env:COMPUTERNAME serves $HealthUrl"
exit 0
