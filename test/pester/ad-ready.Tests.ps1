# Pester tests of src/azure/scripts/ad-ready.ps1: fresh (not restarted yet, then ready), already
# ready, failure (RID pool; the DC locator record), deadline; every DC's forwarder, the forest
# root's time source.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/ad-ready.ps1'
}

Describe 'ad-ready.ps1' {
  BeforeEach {
    $script:State = Join-Path $TestDrive ([guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Set-Content -Path (Join-Path $script:State 'dc-promote.done') -Value ((Get-Date).AddMinutes(-10).ToString('o'))
    Mock Start-Sleep { }
    Mock Get-CimInstance { [pscustomobject]@{ LastBootUpTime = (Get-Date).AddMinutes(-5) } }
    Mock Get-Service { [pscustomobject]@{ Name = $Name; Status = 'Running' } }
    Mock Get-ADDomain { [pscustomobject]@{ DNSRoot = 'lab.example.com' } }
    Mock New-ADUser { }
    Mock Remove-ADUser { }
    Mock Set-DnsServerForwarder { }
    Mock Resolve-DnsName { [pscustomobject]@{ Type = 'SRV'; Name = $Name } }
    Mock Set-ItemProperty { }
    Mock Restart-Service { }
    Mock Start-Process { [pscustomobject]@{ ExitCode = 0 } }
  }

  It 'already ready (an additional DC): two passes, replicates, sets the forwarder (not the time source), exits 0' {
    $out = & $script:Script -TimeoutSeconds 5 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    ($out -join "`n") | Should -Match 'AD READY'
    Should -Invoke New-ADUser -Times 2 -Exactly
    Should -Invoke Remove-ADUser -Times 2 -Exactly
    Should -Invoke Set-DnsServerForwarder -Times 1 -Exactly -ParameterFilter { $IPAddress -eq '168.63.129.16' }
    Should -Invoke Set-ItemProperty -Times 0 -Exactly
    Should -Invoke Resolve-DnsName -Times 2 -Exactly -ParameterFilter { $Name -eq '_ldap._tcp.dc._msdcs.lab.example.com' -and $Type -eq 'SRV' -and $Server -eq '127.0.0.1' }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'repadmin.exe' -and ($ArgumentList -join ' ') -eq '/syncall /Ae' }
  }

  It 'fresh forest root: waits for the restart after promotion, then sets forwarder 168.63.129.16 and the PDC time source' {
    $global:Boots = 0
    Mock Get-CimInstance { $global:Boots++; [pscustomobject]@{ LastBootUpTime = $(if ($global:Boots -lt 3) { (Get-Date).AddMinutes(-60) } else { (Get-Date).AddMinutes(-1) }) } }
    $out = & $script:Script -TimeoutSeconds 5 -PollSeconds 0 -StateDir $script:State -ForestRoot Yes
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Start-Sleep -Times 3 -Exactly
    Should -Invoke Set-DnsServerForwarder -Times 1 -Exactly -ParameterFilter { $IPAddress -eq '168.63.129.16' }
    Should -Invoke Set-ItemProperty -Times 1 -Exactly -ParameterFilter { $Name -eq 'NtpServer' -and $Value -eq 'time.windows.com,0x9' }
    Should -Invoke Set-ItemProperty -Times 1 -Exactly -ParameterFilter { $Name -eq 'AnnounceFlags' -and $Value -eq 5 }
    Should -Invoke Set-ItemProperty -Times 1 -Exactly -ParameterFilter { $Path -like '*VMICTimeProvider' -and $Value -eq 0 }
    ($out -join "`n") | Should -Match 'forwarder 168.63.129.16 set'
    Should -Invoke Start-Process -Times 0 -Exactly
  }

  It 'failure: the RID pool never answers; at the deadline prints the check, exits 1' {
    Mock New-ADUser { throw 'ActiveDirectoryServer:8208' }
    $out = & $script:Script -TimeoutSeconds 0 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'AD NOT READY'
    ($out -join "`n") | Should -Match 'RID pool \(create a user\)\s+False'
  }

  It 'failure: the DC locator record does not resolve on this DC; at the deadline names it, exits 1, no forwarder' {
    Mock Resolve-DnsName { throw 'DNS name does not exist' }
    $out = & $script:Script -TimeoutSeconds 0 -PollSeconds 0 -StateDir $script:State -ForestRoot Yes
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'DNS answers the DC locator record\s+False'
    Should -Invoke Set-DnsServerForwarder -Times 0 -Exactly
  }

  It 'deadline: ADWS stopped and no domain; exits 1 naming both' {
    Mock Get-Service { [pscustomobject]@{ Name = 'ADWS'; Status = 'Stopped' } } -ParameterFilter { $Name -eq 'ADWS' }
    Mock Get-ADDomain { throw 'Unable to contact the server' }
    $out = & $script:Script -TimeoutSeconds 0 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    $text = $out -join "`n"
    $text | Should -Match 'service ADWS\s+False\s+Stopped'
    $text | Should -Match 'Get-ADDomain\s+False'
    Should -Invoke New-ADUser -Times 0 -Exactly
  }
}
