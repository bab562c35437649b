<#
.SYNOPSIS
exchange-lab role step (Windows PowerShell 5.1): promotes this VM to a domain controller, then
schedules a restart and exits 0 before it happens.

.DESCRIPTION
Mode Forest: Install-ADDSForest (the first DC row). Mode Replica: Install-ADDSDomainController
into the existing domain with the domain administrator's credential (later DC rows). Both with
-NoRebootOnCompletion: a managed Run Command does not survive a restart of its VM
(https://devblogs.microsoft.com/azure-vm-runtime/when-will-customscript-extension-re-execute-my-script/),
so the restart is scheduled with shutdown.exe after the script has reported (DataDog's Pulumi
AD sequence does the same). Idempotent: an existing DC, or a promotion already done, exits 0 at
once. The passwords arrive as protected parameters and are never printed.

.PARAMETER Mode
Forest or Replica.
.PARAMETER DomainName
FQDN of the domain.
.PARAMETER DomainNetbiosName
NetBIOS name of the domain.
.PARAMETER SafeModePassword
The DSRM password (protected parameter).
.PARAMETER AdminUser
Replica only: the domain administrator's user name (without domain).
.PARAMETER AdminPassword
Replica only: the domain administrator's password (protected parameter).
.PARAMETER StateDir
Where the step leaves its marker.
.PARAMETER RebootDelaySeconds
Seconds between the script's exit and the restart.
#>
param(
  [ValidateSet('Forest', 'Replica')][string]$Mode = 'Forest',
  [string]$DomainName = '',
  [string]$DomainNetbiosName = '',
  [string]$SafeModePassword = '',
  [string]$AdminUser = '',
  [string]$AdminPassword = '',
  [string]$StateDir = 'C:\ProgramData\exchange-lab',
  [int]$RebootDelaySeconds = 15
)
$ErrorActionPreference = 'Stop'
$secrets = @($SafeModePassword, $AdminPassword) | Where-Object { $_ }
function Write-Step([string]$Text) {
  foreach ($s in $secrets) { $Text = $Text.Replace($s, '***') }
  Write-Output ("[{0}] {1}" -f (Get-Date -Format s), $Text)
}
try {
  $cs = Get-WmiObject -Class Win32_ComputerSystem
  if ($cs.DomainRole -ge 4) { Write-Step "already a domain controller of $($cs.Domain): nothing to do"; exit 0 }
  $marker = Join-Path $StateDir 'dc-promote.done'
  if (Test-Path $marker) { Write-Step 'the promotion already ran; its restart is pending'; exit 0 }
  if (-not $DomainName -or -not $DomainNetbiosName -or -not $SafeModePassword) { throw 'DomainName, DomainNetbiosName and SafeModePassword are required' }
  New-Item -ItemType Directory -Path $StateDir -Force | Out-Null
  Write-Step 'installing AD-Domain-Services and DNS'
  Install-WindowsFeature -Name @('AD-Domain-Services', 'DNS') -IncludeManagementTools | Out-Null
  $dsrm = ConvertTo-SecureString -String $SafeModePassword -AsPlainText -Force
  if ($Mode -eq 'Forest') {
    Write-Step "creating the forest $DomainName ($DomainNetbiosName)"
    # WinThreshold: the 2016 functional level, which Windows Server 2025 DCs require and Exchange SE supports.
    Install-ADDSForest -DomainName $DomainName -DomainNetbiosName $DomainNetbiosName -SafeModeAdministratorPassword $dsrm -ForestMode WinThreshold -DomainMode WinThreshold -InstallDns -NoRebootOnCompletion -Force | Out-Null
  } else {
    if (-not $AdminUser -or -not $AdminPassword) { throw 'AdminUser and AdminPassword are required for a replica' }
    $credential = New-Object System.Management.Automation.PSCredential("$DomainNetbiosName\$AdminUser", (ConvertTo-SecureString -String $AdminPassword -AsPlainText -Force))
    Write-Step "adding a domain controller to $DomainName"
    Install-ADDSDomainController -DomainName $DomainName -Credential $credential -SafeModeAdministratorPassword $dsrm -InstallDns -NoRebootOnCompletion -Force | Out-Null
  }
  Set-Content -Path $marker -Value (Get-Date -Format o)
  Write-Step "promoted; restarting in $RebootDelaySeconds s (the next step waits for the restart)"
  Start-Process -FilePath 'shutdown.exe' -ArgumentList @('/r', '/t', "$RebootDelaySeconds", '/c', 'exchange-lab: domain controller promotion') -NoNewWindow
  exit 0
} catch {
  Write-Step "FAILED: $($_.Exception.Message)"
  exit 1
}
