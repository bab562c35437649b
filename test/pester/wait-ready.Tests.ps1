# Pester tests of src/azure/scripts/wait-ready.ps1 (the readiness gate): every Windows cmdlet it
# calls is mocked; each path (fresh, already ready, failure, deadline) is asserted.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/wait-ready.ps1'
  function New-FakeTcpClient {
    $task = [pscustomobject]@{}
    $task | Add-Member -MemberType ScriptMethod -Name Wait -Value { param($ms) $true }
    $client = [pscustomobject]@{ Connected = $true; Task = $task }
    $client | Add-Member -MemberType ScriptMethod -Name ConnectAsync -Value { param($a, $p) $this.Task }
    $client | Add-Member -MemberType ScriptMethod -Name Close -Value { }
    $client
  }
  function Set-Dc([bool]$Healthy) {
    Mock Get-WmiObject { [pscustomobject]@{ DomainRole = 5; Domain = 'lab.example' } } -ParameterFilter { $Class -eq 'Win32_ComputerSystem' }
    Mock Get-WmiObject { [pscustomobject]@{ Name = 'SYSVOL' } } -ParameterFilter { $Class -eq 'Win32_Share' }
    Mock Get-NetIPAddress { [pscustomobject]@{ IPAddress = '10.0.0.4' } }
    # Test-Tcp (the script's own function) connects with a TcpClient: a fake one answers.
    Mock New-Object { New-FakeTcpClient } -ParameterFilter { $TypeName -eq 'System.Net.Sockets.TcpClient' }
    Mock Resolve-DnsName { [pscustomobject]@{ Type = 'SRV' } }
    Mock Get-Service { [pscustomobject]@{ Name = $Name; Status = 'Running' } }
    # A mock's body does not close over this function's variables: one literal body per case.
    if (-not $Healthy) { Mock Get-Service { [pscustomobject]@{ Name = 'ADWS'; Status = 'Stopped' } } -ParameterFilter { $Name -eq 'ADWS' } }
  }
}

Describe 'wait-ready.ps1' {
  BeforeEach { Mock Start-Sleep { } }

  It 'fresh member VM: ready once its agent runs (two passes), exits 0' {
    Mock Get-WmiObject { [pscustomobject]@{ DomainRole = 3; Domain = 'lab.example' } }
    Mock Get-Service { [pscustomobject]@{ Name = 'WindowsAzureGuestAgent'; Status = 'Running' } }
    $out = & $script:Script -TimeoutSeconds 5 -PollSeconds 1 6>&1
    $LASTEXITCODE | Should -Be 0
    ($out -join "`n") | Should -Match 'READY: .*domain controller: False'
    Should -Invoke Start-Sleep -Times 1 -Exactly
  }

  It 'domain controller already serving: exits 0 after two passes, no SYSVOL warning' {
    Set-Dc -Healthy $true
    $out = & $script:Script -TimeoutSeconds 5 -PollSeconds 1
    $LASTEXITCODE | Should -Be 0
    ($out -join "`n") | Should -Match 'READY: .*domain controller: True'
    ($out -join "`n") | Should -Not -Match 'WARNING'
    Should -Invoke Resolve-DnsName -Times 2 -Exactly -ParameterFilter { $Name -eq '_ldap._tcp.dc._msdcs.lab.example' -and $Server -eq '10.0.0.4' }
  }

  It 'a DC whose ADWS is not running yet passes only after two good checks in a row' {
    Set-Dc -Healthy $true
    $global:AdwsCalls = 0
    Mock Get-Service { $global:AdwsCalls++; [pscustomobject]@{ Name = 'ADWS'; Status = $(if ($global:AdwsCalls -lt 2) { 'Stopped' } else { 'Running' }) } } -ParameterFilter { $Name -eq 'ADWS' }
    & $script:Script -TimeoutSeconds 5 -PollSeconds 1 | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Start-Sleep -Times 2 -Exactly
  }

  It 'failure until the deadline: prints NOT READY with the failed check, exits 1' {
    Set-Dc -Healthy $false
    $out = & $script:Script -TimeoutSeconds 0 -PollSeconds 1
    $LASTEXITCODE | Should -Be 1
    $text = $out -join "`n"
    $text | Should -Match 'NOT READY: .* after 0 s'
    $text | Should -Match 'service ADWS\s+False\s+Stopped'
  }

  It 'deadline with no answer at all (no IP, no DNS): exits 1, never loops forever' {
    Set-Dc -Healthy $true
    Mock Get-NetIPAddress { }
    Mock Resolve-DnsName { throw 'no DNS' }
    $out = & $script:Script -TimeoutSeconds 0 -PollSeconds 1
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'srv record\s+False'
  }

  It 'warns, without failing, when SYSVOL is not shared' {
    Set-Dc -Healthy $true
    Mock Get-WmiObject { $null } -ParameterFilter { $Class -eq 'Win32_Share' }
    $out = & $script:Script -TimeoutSeconds 5 -PollSeconds 1
    $LASTEXITCODE | Should -Be 0
    ($out -join "`n") | Should -Match 'WARNING: SYSVOL is not shared'
  }
}
