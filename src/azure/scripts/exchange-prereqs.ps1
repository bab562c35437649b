<#
.SYNOPSIS
exchange-lab role step (Windows PowerShell 5.1): downloads the Exchange Server SE ISO and
installs Setup's prerequisites, then schedules a restart and exits 0 before it happens.

.DESCRIPTION
Downloads the ISO from IsoUrl (your own copy: a short-lived SAS URL; Microsoft publishes no
anonymous one), installs the Windows features UCMA and URL Rewrite need, .NET Framework 4.8.1
(unless present), the Visual C++ 2012 and 2013 x64 runtimes, IIS URL Rewrite 2.1 and UCMA 4.0
from the ISO's UCMARedist folder (Exchange prerequisites:
https://learn.microsoft.com/exchange/plan-and-deploy/prerequisites; Setup adds the remaining
features itself with /InstallWindowsComponents). The restart clears the reboot those installers
leave pending, which Setup would refuse (Rule:RebootPending). Idempotent: a marker skips a
finished run, and the ISO is not downloaded twice. The URL is never printed.

.PARAMETER IsoUrl
HTTPS URL of the ISO (protected parameter).
.PARAMETER IsoPath
Where the ISO is stored.
.PARAMETER StateDir
Where the step leaves its marker.
.PARAMETER RebootDelaySeconds
Seconds between the script's exit and the restart.
.PARAMETER Downloads
Installer URLs by name (NetFx481, VcRedist2012, VcRedist2013, UrlRewrite).
#>
param(
  [string]$IsoUrl = '',
  [string]$IsoPath = 'C:\ExchangeSetup\ExchangeServerSE-x64.iso',
  [string]$StateDir = 'C:\ProgramData\exchange-lab',
  [int]$RebootDelaySeconds = 15,
  [hashtable]$Downloads = @{
    NetFx481 = 'https://download.microsoft.com/download/4/b/2/cd00d4ed-ebdd-49ee-8a33-eabc3d1030e3/NDP481-x86-x64-AllOS-ENU.exe'
    VcRedist2012 = 'https://download.microsoft.com/download/1/6/B/16B06F60-3B20-4FF2-B699-5E9B7962F9AE/VSU_4/vcredist_x64.exe'
    # Microsoft's link to the latest VC++ 2013 (12.0.40664, KB4032938), not the 2013 RTM build (12.0.30501).
    VcRedist2013 = 'https://aka.ms/highdpimfc2013x64enu'
    UrlRewrite = 'https://download.microsoft.com/download/1/2/8/128E2E22-C1B9-44A4-BE2A-5859ED1D4592/rewrite_amd64_en-US.msi'
  }
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
function Write-Step([string]$Text) {
  if ($IsoUrl) { $Text = $Text.Replace($IsoUrl, '<exchangeIsoUrl>') }
  $Text = $Text -replace 'sig=[^&\s]+', 'sig=***'
  Write-Output ("[{0}] {1}" -f (Get-Date -Format s), $Text)
}
function Install-Download([string]$Name, [string[]]$Arguments) {
  # Named by the download's name: an aka.ms link has no file name, and an .exe must end in .exe to run.
  $extension = if (([uri]$Downloads[$Name]).AbsolutePath -like '*.msi') { 'msi' } else { 'exe' }
  $file = Join-Path (Split-Path $IsoPath) "$Name.$extension"
  Write-Step "installing $Name"
  Invoke-WebRequest -Uri $Downloads[$Name] -OutFile $file -UseBasicParsing
  $exe = $file
  if ($file -like '*.msi') { $exe = 'msiexec.exe'; $Arguments = @('/i', $file) + $Arguments }
  $p = Start-Process -FilePath $exe -ArgumentList $Arguments -Wait -PassThru
  # 3010: installed, restart required; 1638: this or a newer version is already installed.
  if (@(0, 3010, 1638) -notcontains $p.ExitCode) { throw "$Name installer exited with $($p.ExitCode)" }
}
try {
  $marker = Join-Path $StateDir 'exchange-prereqs.done'
  if (Test-Path $marker) { Write-Step 'prerequisites already installed: nothing to do'; exit 0 }
  if (-not $IsoUrl) { throw 'IsoUrl is required' }
  New-Item -ItemType Directory -Path $StateDir, (Split-Path $IsoPath) -Force | Out-Null
  if (-not (Test-Path $IsoPath)) {
    Write-Step 'downloading the Exchange Server SE ISO'
    try { Invoke-WebRequest -Uri $IsoUrl -OutFile "$IsoPath.part" -UseBasicParsing }
    catch { throw "the ISO download failed (is the SAS URL still valid?): $($_.Exception.Message)" }
    Move-Item -Path "$IsoPath.part" -Destination $IsoPath -Force
  }
  Write-Step 'installing Windows features'
  Install-WindowsFeature -Name @('Server-Media-Foundation', 'Web-Server', 'RSAT-ADDS') | Out-Null
  $release = (Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -ErrorAction SilentlyContinue).Release
  if ($release -lt 533320) { Install-Download 'NetFx481' @('/q', '/norestart') }
  Install-Download 'VcRedist2012' @('/install', '/quiet', '/norestart')
  Install-Download 'VcRedist2013' @('/install', '/quiet', '/norestart')
  Install-Download 'UrlRewrite' @('/qn', '/norestart')
  # A rerun after a failure finds the ISO still mounted (a mount lasts until the restart).
  $image = Get-DiskImage -ImagePath $IsoPath
  if (-not $image.Attached) { $image = Mount-DiskImage -ImagePath $IsoPath -PassThru }
  $drive = (Get-Volume -DiskImage $image).DriveLetter
  Write-Step 'installing UCMA 4.0 from the ISO'
  $p = Start-Process -FilePath "$($drive):\UCMARedist\Setup.exe" -ArgumentList @('/passive', '/norestart') -Wait -PassThru
  if (@(0, 3010) -notcontains $p.ExitCode) { throw "UCMA setup exited with $($p.ExitCode)" }
  Set-Content -Path $marker -Value (Get-Date -Format o)
  Write-Step "prerequisites installed; restarting in $RebootDelaySeconds s"
  Start-Process -FilePath 'shutdown.exe' -ArgumentList @('/r', '/t', "$RebootDelaySeconds", '/c', 'exchange-lab: Exchange prerequisites') -NoNewWindow
  exit 0
} catch {
  Write-Step "FAILED: $($_.Exception.Message)"
  exit 1
}
