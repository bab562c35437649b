<#
.SYNOPSIS
exchange-lab scheduled task body (Windows PowerShell 5.1, as the domain administrator): runs
Exchange Server SE Setup unattended, one resumable stage at a time, and leaves exchange.done
(or exchange.failed) for the Exchange-ready gate.

.DESCRIPTION
Stages (each skipped once its marker exists, so a restart resumes where it stopped):
Setup.exe /PrepareSchema, /PrepareAD /OrganizationName, /Mode:Install /Roles:Mailbox
/InstallWindowsComponents, each with /IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF
(https://learn.microsoft.com/exchange/plan-and-deploy/deploy-new-installations/unattended-installs;
/PrepareAD prepares the only domain, https://learn.microsoft.com/exchange/plan-and-deploy/prepare-ad-and-domains).
Then the product key, when its file exists (Set-ExchangeServer -ProductKey, then a restart of
MSExchangeIS; without one Exchange is a 180-day trial), and the task unregisters itself, which drops its stored credential.
Writes its log to exchange-install.log; never logs the key, not even inside an error message.

.PARAMETER Organization
The Exchange organization name.
.PARAMETER IsoPath
The Exchange Server SE ISO.
.PARAMETER StateDir
State markers and log.
.PARAMETER TaskName
The scheduled task to unregister when done.
#>
param(
  [string]$Organization = 'ExchangeLab',
  [string]$IsoPath = 'C:\ExchangeSetup\ExchangeServerSE-x64.iso',
  [string]$StateDir = 'C:\ProgramData\exchange-lab',
  [string]$TaskName = 'exchange-lab-install'
)
$ErrorActionPreference = 'Stop'
$log = Join-Path $StateDir 'exchange-install.log'
$keyFile = Join-Path $StateDir 'product.key'
$key = if (Test-Path $keyFile) { "$(Get-Content -Path $keyFile | Select-Object -First 1)".Trim() } else { '' }
# An error message may quote the key (a rejected one); the log and exchange.failed reach the gate's output.
function Hide([string]$Text) { if ($key) { $Text.Replace($key, '***') } else { $Text } }
function Write-Log([string]$Text) { Add-Content -Path $log -Value ("[{0}] {1}" -f (Get-Date -Format s), (Hide $Text)) }
if (Test-Path (Join-Path $StateDir 'exchange.done')) { exit 0 }
Remove-Item -Path (Join-Path $StateDir 'exchange.failed') -ErrorAction SilentlyContinue
try {
  $image = Get-DiskImage -ImagePath $IsoPath
  if (-not $image.Attached) { $image = Mount-DiskImage -ImagePath $IsoPath -PassThru }
  $setup = "$((Get-Volume -DiskImage $image).DriveLetter):\Setup.exe"
  $licence = '/IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF'
  $stages = [ordered]@{
    'prepare-schema' = @($licence, '/PrepareSchema')
    'prepare-ad' = @($licence, '/PrepareAD', "/OrganizationName:`"$Organization`"")
    'install' = @($licence, '/Mode:Install', '/Roles:Mailbox', '/InstallWindowsComponents')
  }
  foreach ($stage in $stages.Keys) {
    $marker = Join-Path $StateDir "exchange-$stage.done"
    if (Test-Path $marker) { Write-Log "$stage already done"; continue }
    Write-Log "Setup.exe $($stages[$stage] -join ' ')"
    $p = Start-Process -FilePath $setup -ArgumentList $stages[$stage] -Wait -PassThru -NoNewWindow
    if ($p.ExitCode -ne 0) { throw "Setup $stage exited with $($p.ExitCode); see C:\ExchangeSetupLogs\ExchangeSetup.log" }
    Set-Content -Path $marker -Value (Get-Date -Format o)
  }
  if ($key) {
    Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn
    Set-ExchangeServer -Identity $env:COMPUTERNAME -ProductKey $key
    Remove-Item -Path $keyFile -Force
    # The key applies once the Information Store restarts
    # (https://learn.microsoft.com/exchange/plan-and-deploy/post-installation-tasks/enter-product-key).
    Restart-Service -Name MSExchangeIS
    Write-Log 'product key entered; MSExchangeIS restarted'
  }
  Set-Content -Path (Join-Path $StateDir 'exchange.done') -Value (Get-Date -Format o)
  Write-Log 'Exchange installed'
  Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false -ErrorAction SilentlyContinue
  exit 0
} catch {
  Write-Log "FAILED: $($_.Exception.Message)"
  Set-Content -Path (Join-Path $StateDir 'exchange.failed') -Value (Hide $_.Exception.Message)
  exit 1
}
