# Pester tests of src/azure/scripts/domain-join.ps1: fresh join, already a member, already
# joined (restart pending), failure, deadline (the domain never resolves); no password in output.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/domain-join.ps1'
  $script:Secret = 'Join-Secret-1234'
}

Describe 'domain-join.ps1' {
  BeforeEach {
    $script:State = Join-Path $TestDrive ([guid]::NewGuid())
    Mock Get-WmiObject { [pscustomobject]@{ PartOfDomain = $false; Domain = 'WORKGROUP' } }
    Mock Resolve-DnsName { [pscustomobject]@{ Type = 'SRV' } }
    Mock Add-Computer { }
    Mock Start-Process { }
    Mock Start-Sleep { }
  }

  It 'fresh: waits for the DC locator record, joins with the domain administrator, schedules the restart, exits 0' {
    $global:Lookups = 0
    Mock Resolve-DnsName { $global:Lookups++; if ($global:Lookups -lt 2) { throw 'DNS name does not exist' } else { [pscustomobject]@{ Type = 'SRV' } } }
    $out = & $script:Script -DomainName lab.example.com -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -TimeoutSeconds 5 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Add-Computer -Times 1 -Exactly -ParameterFilter { $DomainName -eq 'lab.example.com' -and $Credential.UserName -eq 'LAB\labadmin' }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'shutdown.exe' }
    Should -Invoke Start-Sleep -Times 1 -Exactly
    ($out -join "`n") | Should -Not -Match $script:Secret
  }

  It 'already a member of the domain: does nothing, exits 0' {
    Mock Get-WmiObject { [pscustomobject]@{ PartOfDomain = $true; Domain = 'lab.example.com' } }
    & $script:Script -DomainName lab.example.com -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Add-Computer -Times 0 -Exactly
  }

  It 'join already done (restart pending): does nothing, exits 0' {
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Set-Content -Path (Join-Path $script:State 'domain-join.done') -Value 'x'
    & $script:Script -DomainName lab.example.com -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Add-Computer -Times 0 -Exactly
  }

  It 'failure: Add-Computer refuses; prints FAILED without the password, exits 1, no restart' {
    Mock Add-Computer { throw "The user name or password is incorrect ($($Credential.GetNetworkCredential().Password))" }
    $out = & $script:Script -DomainName lab.example.com -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'FAILED: The user name or password is incorrect'
    ($out -join "`n") | Should -Not -Match $script:Secret
    Should -Invoke Start-Process -Times 0 -Exactly
  }

  It 'deadline: the domain never resolves; exits 1 saying so' {
    Mock Resolve-DnsName { throw 'DNS name does not exist' }
    $out = & $script:Script -DomainName lab.example.com -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -TimeoutSeconds 0 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match '_ldap._tcp.dc._msdcs.lab.example.com does not resolve'
    Should -Invoke Add-Computer -Times 0 -Exactly
  }
}
