<#
.SYNOPSIS
exchange-lab gate (Windows PowerShell 5.1): waits until this new domain controller serves after
its restart, then (forest root) sets the DNS forwarder and the PDC's time source. Exit 0 when
ready, 1 at the deadline with what failed.

.DESCRIPTION
Ready when the restart after the promotion has happened (the boot is newer than the promotion's
marker), NTDS, ADWS, DNS and Netlogon run, Get-ADDomain answers and a RID-pool probe (create
and delete a user) succeeds, twice in a row: Install-ADDSForest can leave ADWS stopped until a
restart, and RID allocation fails for a while after the first boot (DataDog's Pulumi AD
sequence, https://github.com/DataDog/datadog-agent, test/e2e-framework/components/activedirectory).
Also required: this DC's own DNS server answers the DC locator record
_ldap._tcp.dc._msdcs.<domain> (Netlogon registered it), which is what the members' joins look up
through the NICs that hand out the DCs. Every DC then forwards to 168.63.129.16 (Azure's
resolver, so that names outside the domain still resolve for the members; forwarders are a
setting of each DNS server, not replicated). Forest root only: the PDC syncs from an external NTP
source with VMICTimeProvider off
(https://learn.microsoft.com/azure/virtual-machines/windows/external-ntpsource-configuration).
An additional DC then replicates every partition (repadmin /syncall /Ae, as AutomatedLab's
Sync-LabActiveDirectory does, https://github.com/AutomatedLab/AutomatedLab). Idempotent: the
settings are set to the same values again on a later run.

.PARAMETER TimeoutSeconds
The deadline, in seconds from the start.
.PARAMETER PollSeconds
Seconds between two checks.
.PARAMETER ForestRoot
Yes: set the PDC time source once ready (a string: Run Command passes every parameter as text).
.PARAMETER StateDir
Where the promotion left its marker.
.PARAMETER TimeServer
The PDC's NTP source.
#>
param(
  [int]$TimeoutSeconds = 3600,
  [int]$PollSeconds = 15,
  [ValidateSet('Yes', 'No')][string]$ForestRoot = 'No',
  [string]$StateDir = 'C:\ProgramData\exchange-lab',
  [string]$TimeServer = 'time.windows.com'
)
$ErrorActionPreference = 'Continue'
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
$marker = Join-Path $StateDir 'dc-promote.done'

function Get-Checks {
  $rows = @()
  $boot = (Get-CimInstance -ClassName Win32_OperatingSystem).LastBootUpTime
  $promoted = if (Test-Path $marker) { [datetime](Get-Content -Path $marker | Select-Object -First 1) } else { $null }
  $rows += [pscustomobject]@{ Check = 'restarted after promotion'; Ok = (-not $promoted -or $boot -gt $promoted); Detail = "boot $boot" }
  foreach ($name in 'NTDS', 'ADWS', 'DNS', 'Netlogon') {
    $s = Get-Service -Name $name -ErrorAction SilentlyContinue
    $state = if ($s) { [string]$s.Status } else { 'missing' }
    $rows += [pscustomobject]@{ Check = "service $name"; Ok = ($state -eq 'Running'); Detail = $state }
  }
  $domain = $null
  try { $domain = Get-ADDomain -Server $env:COMPUTERNAME -ErrorAction Stop } catch { }
  $rows += [pscustomobject]@{ Check = 'Get-ADDomain'; Ok = [bool]$domain; Detail = "$($domain.DNSRoot)" }
  $rid = $false
  if ($domain) {
    $probe = 'xl-rid-' + (Get-Random -Maximum 99999)
    try { New-ADUser -Name $probe -Server $env:COMPUTERNAME -ErrorAction Stop; Remove-ADUser -Identity $probe -Confirm:$false -ErrorAction Stop; $rid = $true } catch { }
  }
  $rows += [pscustomobject]@{ Check = 'RID pool (create a user)'; Ok = $rid; Detail = '' }
  $locator = $false
  if ($domain) {
    try { $locator = [bool](Resolve-DnsName -Name "_ldap._tcp.dc._msdcs.$($domain.DNSRoot)" -Type SRV -Server 127.0.0.1 -DnsOnly -ErrorAction Stop | Where-Object { $_.Type -eq 'SRV' }) } catch { }
  }
  $rows += [pscustomobject]@{ Check = 'DNS answers the DC locator record'; Ok = $locator; Detail = '' }
  return $rows
}

$passes = 0
while ($true) {
  $rows = @(Get-Checks)
  if (@($rows | Where-Object { -not $_.Ok }).Count -eq 0) { $passes++ } else { $passes = 0 }
  if ($passes -ge 2) { break }
  if ((Get-Date) -ge $deadline) {
    Write-Output "AD NOT READY: $env:COMPUTERNAME after $TimeoutSeconds s; last check:"
    $rows | Format-Table -Property @('Check', 'Ok', 'Detail') -AutoSize | Out-String -Width 100 | Write-Output
    exit 1
  }
  Start-Sleep -Seconds $PollSeconds
}
try {
  Set-DnsServerForwarder -IPAddress '168.63.129.16' -ErrorAction Stop
  Write-Output 'forwarder 168.63.129.16 set'
} catch {
  Write-Output "FAILED to set the forwarder: $($_.Exception.Message)"
  exit 1
}
if ($ForestRoot -eq 'Yes') {
  try {
    $w32 = 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time'
    Set-ItemProperty -Path "$w32\Parameters" -Name 'Type' -Value 'NTP' -ErrorAction Stop
    Set-ItemProperty -Path "$w32\Parameters" -Name 'NtpServer' -Value "$TimeServer,0x9" -ErrorAction Stop
    Set-ItemProperty -Path "$w32\Config" -Name 'AnnounceFlags' -Value 5 -ErrorAction Stop
    Set-ItemProperty -Path "$w32\TimeProviders\VMICTimeProvider" -Name 'Enabled' -Value 0 -ErrorAction Stop
    Restart-Service -Name 'w32time' -ErrorAction Stop
    Write-Output "PDC time source $TimeServer"
  } catch {
    Write-Output "FAILED to set the PDC time source: $($_.Exception.Message)"
    exit 1
  }
}
if ($ForestRoot -ne 'Yes') {
  # An additional DC: replicate every partition now (AutomatedLab's Sync-LabActiveDirectory).
  $p = Start-Process -FilePath 'repadmin.exe' -ArgumentList @('/syncall', '/Ae') -Wait -PassThru -NoNewWindow
  Write-Output "repadmin /syncall /Ae exited with $($p.ExitCode)"
}
Write-Output "AD READY: $env:COMPUTERNAME"
exit 0
