<#
.SYNOPSIS
exchange-lab role step (Windows PowerShell 5.1): joins this VM to the lab's domain, then
schedules a restart and exits 0 before it happens.

.DESCRIPTION
Waits (up to TimeoutSeconds) until the domain's DC locator record resolves through the DNS
servers the NIC hands out (the lab's DCs), then Add-Computer with the domain administrator's
credential. Idempotent: a VM already in the domain, or a join already done, exits 0 at once.
The password arrives as a protected parameter and is never printed.

.PARAMETER DomainName
FQDN of the domain.
.PARAMETER DomainNetbiosName
NetBIOS name of the domain.
.PARAMETER AdminUser
The domain administrator's user name (without domain).
.PARAMETER AdminPassword
The domain administrator's password (protected parameter).
.PARAMETER TimeoutSeconds
How long to wait for the domain to resolve.
.PARAMETER PollSeconds
Seconds between two lookups.
.PARAMETER StateDir
Where the step leaves its marker.
.PARAMETER RebootDelaySeconds
Seconds between the script's exit and the restart.
#>
param(
  [string]$DomainName = '',
  [string]$DomainNetbiosName = '',
  [string]$AdminUser = '',
  [string]$AdminPassword = '',
  [int]$TimeoutSeconds = 900,
  [int]$PollSeconds = 15,
  [string]$StateDir = 'C:\ProgramData\exchange-lab',
  [int]$RebootDelaySeconds = 15
)
$ErrorActionPreference = 'Stop'
function Write-Step([string]$Text) {
  if ($AdminPassword) { $Text = $Text.Replace($AdminPassword, '***') }
  Write-Output ("[{0}] {1}" -f (Get-Date -Format s), $Text)
}
try {
  $cs = Get-WmiObject -Class Win32_ComputerSystem
  if ($cs.PartOfDomain -and $cs.Domain -eq $DomainName) { Write-Step "already a member of ${DomainName}: nothing to do"; exit 0 }
  $marker = Join-Path $StateDir 'domain-join.done'
  if (Test-Path $marker) { Write-Step 'the join already ran; its restart is pending'; exit 0 }
  if (-not $DomainName -or -not $AdminUser -or -not $AdminPassword) { throw 'DomainName, AdminUser and AdminPassword are required' }
  $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
  $srv = "_ldap._tcp.dc._msdcs.$DomainName"
  while ($true) {
    $answer = $null
    try { $answer = Resolve-DnsName -Name $srv -Type SRV -DnsOnly -ErrorAction Stop } catch { }
    if ($answer | Where-Object { $_.Type -eq 'SRV' }) { break }
    if ((Get-Date) -ge $deadline) { throw "$srv does not resolve after $TimeoutSeconds s: are the VM's DNS servers the lab's DCs?" }
    Start-Sleep -Seconds $PollSeconds
  }
  New-Item -ItemType Directory -Path $StateDir -Force | Out-Null
  $credential = New-Object System.Management.Automation.PSCredential("$DomainNetbiosName\$AdminUser", (ConvertTo-SecureString -String $AdminPassword -AsPlainText -Force))
  Write-Step "joining $DomainName"
  Add-Computer -DomainName $DomainName -Credential $credential -Force
  Set-Content -Path $marker -Value (Get-Date -Format o)
  Write-Step "joined; restarting in $RebootDelaySeconds s (the next step waits for the restart)"
  Start-Process -FilePath 'shutdown.exe' -ArgumentList @('/r', '/t', "$RebootDelaySeconds", '/c', 'exchange-lab: domain join') -NoNewWindow
  exit 0
} catch {
  Write-Step "FAILED: $($_.Exception.Message)"
  exit 1
}
