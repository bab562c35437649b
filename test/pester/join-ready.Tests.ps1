# Pester tests of src/azure/scripts/join-ready.ps1: fresh (restart pending, then joined), already
# joined, failure (broken secure channel), deadline.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/join-ready.ps1'
}

Describe 'join-ready.ps1' {
  BeforeEach {
    $script:State = Join-Path $TestDrive ([guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Set-Content -Path (Join-Path $script:State 'domain-join.done') -Value ((Get-Date).AddMinutes(-10).ToString('o'))
    Mock Start-Sleep { }
    Mock Get-CimInstance { [pscustomobject]@{ LastBootUpTime = (Get-Date).AddMinutes(-5) } }
    Mock Get-WmiObject { [pscustomobject]@{ PartOfDomain = $true; Domain = 'lab.example.com' } }
    Mock Test-ComputerSecureChannel { $true }
  }

  It 'already joined: exits 0 at once' {
    $out = & $script:Script -DomainName lab.example.com -TimeoutSeconds 5 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    ($out -join "`n") | Should -Match 'JOINED'
    Should -Invoke Start-Sleep -Times 0 -Exactly
  }

  It 'fresh: the restart has not happened yet, then it has: exits 0 after waiting' {
    $global:Boots = 0
    Mock Get-CimInstance { $global:Boots++; [pscustomobject]@{ LastBootUpTime = $(if ($global:Boots -lt 2) { (Get-Date).AddMinutes(-60) } else { (Get-Date).AddMinutes(-1) }) } }
    & $script:Script -DomainName lab.example.com -TimeoutSeconds 5 -PollSeconds 0 -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Start-Sleep -Times 1 -Exactly
  }

  It 'failure: the secure channel is broken; at the deadline exits 1 naming it' {
    Mock Test-ComputerSecureChannel { $false }
    $out = & $script:Script -DomainName lab.example.com -TimeoutSeconds 0 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'secure channel\s+False'
  }

  It 'deadline: still in a workgroup; exits 1' {
    Mock Get-WmiObject { [pscustomobject]@{ PartOfDomain = $false; Domain = 'WORKGROUP' } }
    $out = & $script:Script -DomainName lab.example.com -TimeoutSeconds 0 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'NOT JOINED'
    ($out -join "`n") | Should -Match 'member of the domain\s+False\s+WORKGROUP'
  }
}
