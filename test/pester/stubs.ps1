# Stubs for the Windows-only commands the guest scripts call, so that Pester can mock them under
# PowerShell 7 on any OS (Pester mocks only commands that exist, with their parameters). Each stub
# throws: a test that forgets a Mock fails clearly instead of touching the machine that runs it.
$stubs = @{
  'Get-WmiObject' = '[string]$Class, [string]$Filter'
  'Get-NetIPAddress' = '[string]$AddressFamily'
  'Resolve-DnsName' = '[string]$Name, [string]$Type, [string]$Server, [switch]$DnsOnly'
  'Get-Service' = '[string]$Name'
  'Start-Service' = '[string]$Name'
  'Install-WindowsFeature' = '[string[]]$Name, [switch]$IncludeManagementTools'
  'Install-ADDSForest' = '[string]$DomainName, [string]$DomainNetbiosName, [securestring]$SafeModeAdministratorPassword, [string]$ForestMode, [string]$DomainMode, [switch]$InstallDns, [switch]$NoRebootOnCompletion, [switch]$Force'
  'Install-ADDSDomainController' = '[string]$DomainName, [pscredential]$Credential, [securestring]$SafeModeAdministratorPassword, [switch]$InstallDns, [switch]$NoRebootOnCompletion, [switch]$Force'
  'Get-ADDomain' = '[string]$Server'
  'Get-ADDomainController' = '[string]$Server, [string]$Identity'
  'New-ADUser' = '[string]$Name, [string]$Server'
  'Remove-ADUser' = '[string]$Identity, [switch]$Confirm'
  'Set-DnsServerForwarder' = '[string[]]$IPAddress'
  'Set-DnsClientServerAddress' = '[int]$InterfaceIndex, [string[]]$ServerAddresses'
  'Get-NetAdapter' = '[switch]$Physical'
  'Add-Computer' = '[string]$DomainName, [pscredential]$Credential, [switch]$Force'
  'Test-ComputerSecureChannel' = ''
  'Register-ScheduledTask' = '[string]$TaskName, $Action, $Trigger, $Settings, [string]$User, [string]$Password, [string]$RunLevel, [switch]$Force'
  'Get-ScheduledTask' = '[string]$TaskName'
  'Start-ScheduledTask' = '[string]$TaskName'
  'New-ScheduledTaskAction' = '[string]$Execute, [string]$Argument'
  'New-ScheduledTaskTrigger' = '[switch]$AtStartup'
  'New-ScheduledTaskSettingsSet' = '[timespan]$ExecutionTimeLimit, [switch]$StartWhenAvailable'
  'Mount-DiskImage' = '[string]$ImagePath, [switch]$PassThru'
  'Get-Volume' = '$DiskImage'
  'Invoke-WebRequest' = '[string]$Uri, [string]$OutFile, [switch]$UseBasicParsing, [int]$TimeoutSec'
  'Invoke-Shutdown' = '[string[]]$ArgumentList'
  'Get-CimInstance' = '[string]$ClassName'
  'Restart-Service' = '[string]$Name'
  'Get-DiskImage' = '[string]$ImagePath'
  'Unregister-ScheduledTask' = '[string]$TaskName, [switch]$Confirm'
  'Add-PSSnapin' = '[string]$Name'
  'Set-ExchangeServer' = '[string]$Identity, [string]$ProductKey'
}
foreach ($n in $stubs.Keys) {
  $body = "[CmdletBinding()] param($($stubs[$n])) throw 'not mocked: $n'"
  Set-Item -Path "function:global:$n" -Value ([scriptblock]::Create($body))
}
