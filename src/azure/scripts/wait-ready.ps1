<#
.SYNOPSIS
exchange-lab readiness gate (Windows PowerShell 5.1): loops until this VM serves, then exits 0; at
its deadline prints what failed and exits 1.

.DESCRIPTION
Run by the managed Run Command of each WaitForBoot=Yes VM, and by `npm run lab -- start`.
A domain controller (DomainRole >= 4) serves when NTDS, DNS, Netlogon, KDC and ADWS run,
TCP 389 and 53 answer on its own address and _ldap._tcp.dc._msdcs.<domain> resolves, twice
in a row (AutomatedLab's Test-LabADReady rule). Any other VM: the guest is up and its agent runs.
SYSVOL not shared is only a warning (a re-created DC: see README, "Readiness gates").

.PARAMETER TimeoutSeconds
The deadline, in seconds from the start.

.PARAMETER PollSeconds
Seconds between two checks.

.PARAMETER RunId
Not read: `npm run lab` changes it so that ARM runs the command again.
#>
param([int]$TimeoutSeconds = 1800, [int]$PollSeconds = 15, [string]$RunId = '')
$ErrorActionPreference = 'Continue'
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)

function Test-Tcp([string]$Address, [int]$Port) {
  $client = New-Object System.Net.Sockets.TcpClient
  try { return $client.ConnectAsync($Address, $Port).Wait(3000) -and $client.Connected } catch { return $false } finally { $client.Close() }
}

function Get-Checks {
  $rows = @()
  $cs = Get-WmiObject -Class Win32_ComputerSystem
  $dc = $cs.DomainRole -ge 4
  $services = if ($dc) { 'NTDS', 'DNS', 'Netlogon', 'Kdc', 'ADWS' } else { 'WindowsAzureGuestAgent' }
  foreach ($name in $services) {
    $s = Get-Service -Name $name -ErrorAction SilentlyContinue
    $state = if ($s) { [string]$s.Status } else { 'missing' }
    $rows += [pscustomobject]@{ Check = "service $name"; Ok = ($state -eq 'Running'); Detail = $state }
  }
  if ($dc) {
    $ip = (Get-NetIPAddress -AddressFamily IPv4 -ErrorAction SilentlyContinue | Where-Object { $_.IPAddress -notlike '127.*' -and $_.IPAddress -notlike '169.254.*' } | Select-Object -First 1).IPAddress
    foreach ($port in 389, 53) {
      $ok = [bool]$ip -and (Test-Tcp $ip $port)
      $rows += [pscustomobject]@{ Check = "tcp $port"; Ok = $ok; Detail = "$ip" }
    }
    $srv = "_ldap._tcp.dc._msdcs.$($cs.Domain)"
    $answer = $null
    try { $answer = Resolve-DnsName -Name $srv -Type SRV -Server $ip -DnsOnly -ErrorAction Stop } catch { }
    $rows += [pscustomobject]@{ Check = 'srv record'; Ok = [bool]($answer | Where-Object { $_.Type -eq 'SRV' }); Detail = $srv }
  }
  return @{ Dc = $dc; Rows = $rows }
}

$passes = 0
$result = $null
while ($true) {
  $result = Get-Checks
  $failed = @($result.Rows | Where-Object { -not $_.Ok })
  if ($failed.Count -eq 0) { $passes++ } else { $passes = 0 }
  if ($passes -ge 2) { break }
  if ((Get-Date) -ge $deadline) {
    Write-Output "NOT READY: $env:COMPUTERNAME after $TimeoutSeconds s; last check:"
    $result.Rows | Format-Table -Property @('Check', 'Ok', 'Detail') -AutoSize | Out-String -Width 100 | Write-Output
    exit 1
  }
  Start-Sleep -Seconds $PollSeconds
}

if ($result.Dc) {
  $sysvol = Get-WmiObject -Class Win32_Share -Filter "Name='SYSVOL'" -ErrorAction SilentlyContinue
  if (-not $sysvol) { Write-Output "WARNING: SYSVOL is not shared on $env:COMPUTERNAME (see README, 'A re-created domain controller')" }
}
Write-Output "READY: $env:COMPUTERNAME (domain controller: $($result.Dc))"
exit 0
