<#
.SYNOPSIS
exchange-lab role step (Windows PowerShell 5.1): registers and starts the scheduled task that
installs Exchange Server SE as the domain administrator, then exits 0.

.DESCRIPTION
Exchange Setup's /PrepareSchema and /PrepareAD need Schema Admins and Enterprise Admins
(https://learn.microsoft.com/exchange/plan-and-deploy/prepare-ad-and-domains); a Run Command runs
as SYSTEM, so the install runs in a scheduled task under the domain administrator, with an
AtStartup trigger so that it resumes after a restart. The task runs exchange-install.ps1
(written from InstallScriptBase64). The product key, when given, is left for the task in a file
only SYSTEM and Administrators may read, which the task deletes. Idempotent: Exchange already
installed, or the task already registered, exits 0; a registered task that failed
(exchange.failed) is started again, so that a retry resumes where Setup stopped. Secrets are
never printed.

.PARAMETER DomainNetbiosName
NetBIOS name of the domain.
.PARAMETER AdminUser
The domain administrator's user name (without domain).
.PARAMETER AdminPassword
The domain administrator's password (protected parameter).
.PARAMETER Organization
The Exchange organization name.
.PARAMETER ProductKey
Optional product key (protected parameter).
.PARAMETER InstallScriptBase64
exchange-install.ps1, Base64 (UTF-8).
.PARAMETER IsoPath
Where exchange-prereqs.ps1 stored the ISO.
.PARAMETER StateDir
Where the task keeps its state and log.
.PARAMETER TaskName
The scheduled task's name.
#>
param(
  [string]$DomainNetbiosName = '',
  [string]$AdminUser = '',
  [string]$AdminPassword = '',
  [string]$Organization = 'ExchangeLab',
  [string]$ProductKey = '',
  [string]$InstallScriptBase64 = '',
  [string]$IsoPath = 'C:\ExchangeSetup\ExchangeServerSE-x64.iso',
  [string]$StateDir = 'C:\ProgramData\exchange-lab',
  [string]$TaskName = 'exchange-lab-install'
)
$ErrorActionPreference = 'Stop'
$secrets = @($AdminPassword, $ProductKey) | Where-Object { $_ }
function Write-Step([string]$Text) {
  foreach ($s in $secrets) { $Text = $Text.Replace($s, '***') }
  Write-Output ("[{0}] {1}" -f (Get-Date -Format s), $Text)
}
try {
  if (Test-Path (Join-Path $StateDir 'exchange.done')) { Write-Step 'Exchange is already installed: nothing to do'; exit 0 }
  if (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue) {
    # A retry after the task failed (the docs' "Retrying a step"): run it again; it resumes at the stage that failed.
    if (Test-Path (Join-Path $StateDir 'exchange.failed')) {
      Remove-Item -Path (Join-Path $StateDir 'exchange.failed') -Force
      Start-ScheduledTask -TaskName $TaskName
      Write-Step "task $TaskName had failed: started again"
      exit 0
    }
    Write-Step "task $TaskName is already registered: nothing to do"; exit 0
  }
  if (-not $AdminUser -or -not $AdminPassword -or -not $InstallScriptBase64) { throw 'AdminUser, AdminPassword and InstallScriptBase64 are required' }
  New-Item -ItemType Directory -Path $StateDir -Force | Out-Null
  $script = Join-Path $StateDir 'exchange-install.ps1'
  Set-Content -Path $script -Value ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($InstallScriptBase64)))
  $keyFile = Join-Path $StateDir 'product.key'
  if ($ProductKey) {
    Set-Content -Path $keyFile -Value $ProductKey
    Start-Process -FilePath 'icacls.exe' -ArgumentList @($keyFile, '/inheritance:r', '/grant:r', 'SYSTEM:F', 'Administrators:F') -Wait -NoNewWindow
  }
  $arguments = "-NoProfile -ExecutionPolicy Bypass -File `"$script`" -Organization `"$Organization`" -IsoPath `"$IsoPath`" -StateDir `"$StateDir`" -TaskName `"$TaskName`""
  $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument $arguments
  $trigger = New-ScheduledTaskTrigger -AtStartup
  $settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Hours 8) -StartWhenAvailable
  Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings -User "$DomainNetbiosName\$AdminUser" -Password $AdminPassword -RunLevel Highest -Force | Out-Null
  Start-ScheduledTask -TaskName $TaskName
  Write-Step "task $TaskName started as $DomainNetbiosName\$AdminUser; it logs to $(Join-Path $StateDir 'exchange-install.log')"
  exit 0
} catch {
  Write-Step "FAILED: $($_.Exception.Message)"
  exit 1
}
